"""Print templates as the runtime lists them (which templates a form's record page and list offer)."""

from __future__ import annotations

from dajian.platform.api.schemas.common import Label, Out


class PrintTemplateSummary(Out):
    key: str
    label: Label
    form: str
