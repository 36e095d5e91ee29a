"""Days on date-time fields begin at midnight in the app's time zone, not in UTC.

The expression language compares a date with a date-time at midnight UTC (the same in Python,
SQL and the browser). A list filter "created today" in an app on Asia/Shanghai time means from
00:00 Shanghai time, so before a filter compiles, every comparison of a date-time field with a
date that depends on nothing but the context (``$today``, literals) is rewritten to the local
midnight of that date as a UTC instant::

    {">=": [{"var": "created_at"}, {"var": "$today"}]}            # $today = 2026-03-10, +08:00
    → {">=": [{"var": "created_at"}, {"datetime": "2026-03-09T16:00:00+00:00"}]}
"""

from __future__ import annotations

from collections.abc import Set
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from dajian.engines.expr import EvalContext, ExprError, Schema, compile_python

COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``tz`` (DST-aware)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def constant_date(node: Any, context: EvalContext) -> date | None:
    """The value of ``node`` when it is a date computed from the context alone, else None."""
    if not isinstance(node, dict) or not node:
        return None
    try:
        value = compile_python(node, Schema())({}, context)
    except (ExprError, TypeError, ValueError, ArithmeticError):
        return None
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def localise_days(node: Any, *, datetime_fields: Set[str], context: EvalContext, tz: ZoneInfo) -> Any:
    """``node`` with every date compared with a field of ``datetime_fields`` at ``tz``'s midnight."""
    if isinstance(node, list):
        return [localise_days(item, datetime_fields=datetime_fields, context=context, tz=tz) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for op, arg in node.items():
        if op in COMPARISONS and isinstance(arg, list) and len(arg) == 2 and _is_field(arg, datetime_fields):
            out[op] = [_as_instant(side, context, tz) for side in arg]
        elif op in ("var", "date", "datetime"):
            out[op] = arg
        else:
            out[op] = localise_days(arg, datetime_fields=datetime_fields, context=context, tz=tz)
    return out


def _is_field(pair: list[Any], fields: Set[str]) -> bool:
    return any(isinstance(side, dict) and side.get("var") in fields for side in pair)


def _as_instant(side: Any, context: EvalContext, tz: ZoneInfo) -> Any:
    day = constant_date(side, context)
    return side if day is None else {"datetime": local_midnight(day, tz).isoformat()}
