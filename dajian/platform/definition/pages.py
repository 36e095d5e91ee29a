"""Pages: the app's navigation, one entry per page, each showing a form's records, a report or a dashboard.

::

    {"key": "queue", "label": {"zh-CN": "待办投诉", "en": "Open complaints"}, "kind": "records",
     "form": "complaint"}

Nothing in the engines runs a page; the platform checks that what a page names exists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from dajian.engines.form.model import Key, Label, Strict


class RecordsPage(Strict):
    """The records of ``form``, as the runtime's list and detail views."""

    key: Key
    label: Label
    kind: Literal["records"]
    form: Key


class ReportPage(Strict):
    key: Key
    label: Label
    kind: Literal["report"]
    report: Key


class DashboardPage(Strict):
    key: Key
    label: Label
    kind: Literal["dashboard"]
    dashboard: Key


PageDef = Annotated[RecordsPage | ReportPage | DashboardPage, Field(discriminator="kind", title="Page")]
PAGE = TypeAdapter[RecordsPage | ReportPage | DashboardPage](PageDef)
TARGETS = {"records": ("form", "forms"), "report": ("report", "reports"), "dashboard": ("dashboard", "dashboards")}


def page_issues(pages: list[Mapping[str, Any]], keys: Mapping[str, set[str]]) -> Iterator[dict[str, str]]:
    """A page naming a form, report or dashboard the app does not have, e.g. ``/pages/0/form``.

    ``keys`` holds the app's keys per section (``{"forms": {"complaint"}, ...}``); the pages have
    passed the schema.
    """
    for i, raw in enumerate(pages):
        page = PAGE.validate_python(raw)
        attribute, section = TARGETS[page.kind]
        target = getattr(page, attribute)
        if target not in keys.get(section, set()):
            yield {"path": f"/pages/{i}/{attribute}", "message": f"no {attribute} '{target}' in this app"}
