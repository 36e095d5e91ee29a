"""Request-scoped helpers shared by every router.

Each user action runs in one transaction (``transaction``): it commits when
the handler returns and rolls back on any error, so nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy import Connection, Engine

from dajian.platform.config import Settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@contextmanager
def transaction(request: Request) -> Iterator[Connection]:
    with get_engine(request).begin() as conn:
        yield conn
