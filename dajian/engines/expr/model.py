"""Data the engine works on: type names, schemas, evaluation context, calendars."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

TEXT, INTEGER, DECIMAL, BOOLEAN = "text", "integer", "decimal", "boolean"
DATE, DATETIME, TEXT_LIST, USER, DEPARTMENT, ANY = (
    "date",
    "datetime",
    "text_list",
    "user",
    "department",
    "any",
)
FIELD_TYPES = frozenset({TEXT, INTEGER, DECIMAL, BOOLEAN, DATE, DATETIME, TEXT_LIST, USER, DEPARTMENT, ANY})
# Internal types, never in a schema: the null literal, a sub-table, a literal list.
NULL, COLLECTION, LIST = "null", "collection", "list"
NUMERIC = frozenset({INTEGER, DECIMAL})
TEMPORAL = frozenset({DATE, DATETIME})

CONTEXT_TYPES: Mapping[str, str] = {
    "$user.id": USER,
    "$user.dept_id": DEPARTMENT,
    "$now": DATETIME,
    "$today": DATE,
}


@dataclass(frozen=True)
class Schema:
    """What a record holds: scalar fields, sub-tables (collections) and relations.

    ``Schema.from_json({"amount": "decimal", "items": {"collection": {"price": "decimal"}},
    "customer": {"relation": {"level": "text"}}})`` is the JSON spelling.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    collections: Mapping[str, Schema] = field(default_factory=dict)
    relations: Mapping[str, Schema] = field(default_factory=dict)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Schema:
        fields: dict[str, str] = {}
        collections: dict[str, Schema] = {}
        relations: dict[str, Schema] = {}
        for key, spec in obj.items():
            if isinstance(spec, str):
                fields[key] = spec
            elif "collection" in spec:
                collections[key] = cls.from_json(spec["collection"])
            else:
                relations[key] = cls.from_json(spec["relation"])
        return cls(fields, collections, relations)


class BusinessCalendar(Protocol):
    """Supplied by the caller; used by ``workdays`` on the Python side only."""

    def working_days_between(self, a: date, b: date) -> int: ...


@dataclass(frozen=True)
class WeekdayCalendar:
    """Monday–Friday minus ``holidays``; counts days in ``(a, b]``, negative when b < a."""

    holidays: frozenset[date] = frozenset()

    def working_days_between(self, a: date, b: date) -> int:
        sign, lo, hi = (1, a, b) if a <= b else (-1, b, a)
        days = (lo + timedelta(days=i + 1) for i in range((hi - lo).days))
        return sign * sum(1 for d in days if d.weekday() < 5 and d not in self.holidays)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EvalContext:
    """Runtime values behind ``$now``, ``$today``, ``$user.id``, ``$user.dept_id``."""

    now: datetime = field(default_factory=_utc_now)
    today: date | None = None
    user_id: int | None = None
    dept_id: int | None = None
    calendar: BusinessCalendar | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "now", self.now.astimezone(UTC))
        if self.today is None:
            object.__setattr__(self, "today", self.now.astimezone(UTC).date())

    def value(self, name: str) -> Any:
        return {
            "$user.id": self.user_id,
            "$user.dept_id": self.dept_id,
            "$now": self.now,
            "$today": self.today,
        }[name]
