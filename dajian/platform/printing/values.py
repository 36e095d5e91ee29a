"""A record's values as the text a printed page shows: option labels, names of users and files, local times.

``shown(fdef, "p1", sheet)`` → ``"P1 紧急"`` for a single select whose option ``p1`` is labelled so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dajian.engines.form.model import FieldDef


def label_in(labels: Mapping[str, str] | None, lang: str, fallback: str) -> str:
    if not labels:
        return fallback
    return labels.get(lang) or labels.get("zh-CN") or labels.get("en") or next(iter(labels.values()), fallback)


@dataclass(frozen=True)
class Sheet:
    """What turning values into text needs beyond the field: language, time zone, names of users and departments,
    and the display texts of linked records (``_display`` of the record)."""

    lang: str = "zh-CN"
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    users: Mapping[int, str] = field(default_factory=dict)
    departments: Mapping[int, str] = field(default_factory=dict)
    linked: Mapping[str, Any] = field(default_factory=dict)


Shower = Callable[[FieldDef, Any, Sheet], str]


def _options(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    labels = {o.value: label_in(o.label, sheet.lang, o.value) for o in fdef.options or []}
    return "、".join(str(labels.get(v, v)) for v in (value if isinstance(value, list) else [value]))


def _users(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    return "、".join(sheet.users.get(v, str(v)) for v in (value if isinstance(value, list) else [value]))


def _departments(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    return "、".join(sheet.departments.get(v, str(v)) for v in (value if isinstance(value, list) else [value]))


def _files(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    return "、".join(str(f.get("name", "")) for f in value if isinstance(f, dict)) if isinstance(value, list) else ""


def _boolean(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    yes, no = ("是", "否") if sheet.lang == "zh-CN" else ("Yes", "No")
    return yes if value else no


def _relation(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    return str(sheet.linked.get(fdef.key, value))


def _datetime(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    """A stored instant (ISO text as records are read, or a datetime) in the app's time zone."""
    if isinstance(value, str):
        try:
            return plain(datetime.fromisoformat(value), sheet)
        except ValueError:
            return value
    return plain(value, sheet)


# by field kind; anything else by the value's type (``_plain``)
SHOWERS: dict[str, Shower] = {
    "single_select": _options, "multi_select": _options, "user": _users, "multi_user": _users,
    "department": _departments, "multi_department": _departments, "attachment": _files, "image": _files,
    "signature": _files, "boolean": _boolean, "relation": _relation, "datetime": _datetime,
}


def register_shower(kind: str, shower: Shower) -> None:
    SHOWERS[kind] = shower


def plain(value: Any, sheet: Sheet) -> str:
    if isinstance(value, datetime):
        return (value.astimezone(sheet.tz) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "、".join(plain(v, sheet) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {plain(v, sheet)}" for k, v in value.items())
    return str(value)


def shown(fdef: FieldDef, value: Any, sheet: Sheet) -> str:
    """The text a printed page shows for ``value`` of ``fdef`` (empty for no value)."""
    if value is None or value == "" or value == []:
        return ""
    shower = SHOWERS.get(fdef.kind)
    return shower(fdef, value, sheet) if shower is not None else plain(value, sheet)
