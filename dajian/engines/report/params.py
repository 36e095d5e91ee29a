"""Runtime parameters: declared in the report (``params``), typed, checked and bound to the plan.

``bind_params(plan, {"period": "this_month", "priority": ["p1", "p2"]}, today=date(2026, 2, 10))``
gives the bind values ``{"p_period_from": 2026-01-31T16:00Z, "p_period_to": 2026-02-28T16:00Z,
"p_priority": ["p1", "p2"], ...}`` (Asia/Shanghai), the previous period's bounds for comparisons,
and the JSON literals that drill-down filters put in place of ``$param.x``.

``date_range`` values are a preset (``today``, ``yesterday``, ``last_7_days``, ``last_30_days``,
``this_week``, ``last_week``, ``this_month``, ``last_month``, ``this_quarter``, ``last_quarter``,
``this_year``, ``last_year``) or ``{"from": "2026-01-01", "to": "2026-01-31"}`` (inclusive local
days). The previous period of whole calendar months is the same number of months before; of any
other range, the same number of days before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from dajian.engines.report.errors import ReportError
from dajian.engines.report.plan import ParamPlan, ReportPlan

Range = tuple[date, date]


@dataclass(frozen=True)
class Bound:
    values: dict[str, Any] = field(default_factory=dict)  # set parameters, as Python values
    binds: dict[str, Any] = field(default_factory=dict)  # bind parameter name -> value
    literals: dict[str, Any] = field(default_factory=dict)  # scalar parameter -> JSON literal
    ranges: dict[str, Range] = field(default_factory=dict)
    previous: dict[str, Range] = field(default_factory=dict)
    today: date | None = None  # the reader's today: empty time buckets are not made up after it

    def is_set(self, key: str) -> bool:
        return key in self.values


def _month_start(d: date, back: int = 0) -> date:
    total = d.year * 12 + d.month - 1 - back
    return date(total // 12, total % 12 + 1, 1)


def _month_end(d: date) -> date:
    return _month_start(d, -1) - timedelta(days=1)


def _quarter_start(d: date, back: int = 0) -> date:
    return _month_start(date(d.year, (d.month - 1) // 3 * 3 + 1, 1), back * 3)


PRESETS: dict[str, Callable[[date], Range]] = {
    "today": lambda t: (t, t),
    "yesterday": lambda t: (t - timedelta(days=1), t - timedelta(days=1)),
    "last_7_days": lambda t: (t - timedelta(days=6), t),
    "last_30_days": lambda t: (t - timedelta(days=29), t),
    "this_week": lambda t: (t - timedelta(days=t.weekday()), t - timedelta(days=t.weekday()) + timedelta(days=6)),
    "last_week": lambda t: (t - timedelta(days=t.weekday() + 7), t - timedelta(days=t.weekday() + 1)),
    "this_month": lambda t: (_month_start(t), _month_end(t)),
    "last_month": lambda t: (_month_start(t, 1), _month_start(t) - timedelta(days=1)),
    "this_quarter": lambda t: (_quarter_start(t), _quarter_start(t, -1) - timedelta(days=1)),
    "last_quarter": lambda t: (_quarter_start(t, 1), _quarter_start(t) - timedelta(days=1)),
    "this_year": lambda t: (date(t.year, 1, 1), date(t.year, 12, 31)),
    "last_year": lambda t: (date(t.year - 1, 1, 1), date(t.year - 1, 12, 31)),
}


def previous_range(first: date, last: date) -> Range:
    """``(2026-02-01, 2026-02-28)`` -> ``(2026-01-01, 2026-01-31)``; ``(03-10, 03-16)`` -> ``(03-03, 03-09)``."""
    if first.day == 1 and last == _month_end(last):
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return _month_start(first, months), first - timedelta(days=1)
    days = (last - first).days + 1
    return first - timedelta(days=days), last - timedelta(days=days)


def parse_range(raw: Any, today: date) -> Range:
    if isinstance(raw, str) and raw in PRESETS:
        return PRESETS[raw](today)
    if isinstance(raw, dict) and set(raw) == {"from", "to"}:
        first, last = date.fromisoformat(str(raw["from"])), date.fromisoformat(str(raw["to"]))
        if last < first:
            raise ValueError("'to' is before 'from'")
        return first, last
    raise ValueError(f"expected one of {', '.join(PRESETS)} or {{\"from\": \"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"}}")


def _integer(raw: Any, tz: ZoneInfo) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError("expected an integer")
    return raw


def _decimal(raw: Any, tz: ZoneInfo) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ValueError("expected a number")
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise ValueError("expected a number") from None


def _text(raw: Any, tz: ZoneInfo) -> str:
    if not isinstance(raw, str):
        raise ValueError("expected text")
    return raw


def _boolean(raw: Any, tz: ZoneInfo) -> bool:
    if not isinstance(raw, bool):
        raise ValueError("expected true or false")
    return raw


def _date(raw: Any, tz: ZoneInfo) -> date:
    return raw if isinstance(raw, date) and not isinstance(raw, datetime) else date.fromisoformat(str(raw))


def _datetime(raw: Any, tz: ZoneInfo) -> datetime:
    value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)


COERCERS: dict[str, Callable[[Any, ZoneInfo], Any]] = {
    "text": _text, "integer": _integer, "user": _integer, "department": _integer, "decimal": _decimal,
    "boolean": _boolean, "date": _date, "datetime": _datetime,
}


def _literal(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat().replace("+00:00", "Z")}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _is_list(param: ParamPlan) -> bool:
    return param.definition.multiple or param.definition.include_children


def _coerce(param: ParamPlan, raw: Any, tz: ZoneInfo) -> Any:
    coerce = COERCERS[param.definition.type]
    if _is_list(param):
        items = raw if isinstance(raw, list) else [raw]
        return [coerce(item, tz) for item in items]
    return coerce(raw, tz)


def _range_binds(param: ParamPlan, span: Range, prefix: str, tz: ZoneInfo) -> dict[str, Any]:
    first, after = span[0], span[1] + timedelta(days=1)
    if param.field_type == "date":
        return {f"{prefix}_from": first, f"{prefix}_to": after}
    return {f"{prefix}_from": datetime.combine(first, time(), tz).astimezone(UTC),
            f"{prefix}_to": datetime.combine(after, time(), tz).astimezone(UTC)}


def bind_params(plan: ReportPlan, raw: Mapping[str, Any], *, today: date) -> Bound:
    """Check ``raw`` against the plan's parameters and produce every bind value; ``ReportError`` lists
    each problem at ``/params/<key>``."""
    tz = ZoneInfo(plan.timezone)
    bound = Bound(today=today)
    issues = [{"path": f"/params/{k}", "message": f"no parameter '{k}'"}
              for k in raw if k not in {p.key for p in plan.params}]
    for param in plan.params:
        value = raw.get(param.key, param.definition.default)
        if value is None or value == []:
            if param.definition.required:
                issues.append({"path": f"/params/{param.key}", "message": "is required"})
            continue
        try:
            _bind_one(param, value, bound, tz=tz, today=today)
        except ValueError as exc:
            issues.append({"path": f"/params/{param.key}", "message": str(exc)})
    if issues:
        raise ReportError("invalid report parameters", issues)
    return bound


def _bind_one(param: ParamPlan, value: Any, bound: Bound, *, tz: ZoneInfo, today: date) -> None:
    name = f"p_{param.key}"
    if param.definition.type == "date_range":
        span = parse_range(value, today)
        bound.values[param.key] = span
        bound.ranges[param.key] = span
        bound.previous[param.key] = previous_range(*span)
        bound.binds.update(_range_binds(param, span, name, tz))
        bound.binds.update(_range_binds(param, bound.previous[param.key], f"{name}_prev", tz))
        return
    coerced = _coerce(param, value, tz)
    bound.values[param.key] = coerced
    bound.binds[name] = coerced
    bound.literals[param.key] = [_literal(v) for v in coerced] if isinstance(coerced, list) else _literal(coerced)


def range_literals(param: ParamPlan, span: Range, tz_name: str) -> tuple[Any, Any]:
    """The ``[from, to)`` bounds of a date range as expression literals, for drill-down filters."""
    binds = _range_binds(param, span, "x", ZoneInfo(tz_name))
    return _literal(binds["x_from"]), _literal(binds["x_to"])
