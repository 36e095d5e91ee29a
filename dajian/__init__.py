"""Dajian (搭建): an open-source no-code app-building platform."""

__version__ = "0.1.0"
