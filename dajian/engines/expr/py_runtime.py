"""Helpers the generated Python code calls; each one is null-aware as the package docstring says."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import py_excel
from .errors import ExprError
from .model import EvalContext
from .numbers import divide

Num = int | Decimal


def rel(value: Any, key: str) -> Any:
    return value.get(key) if value is not None else None


def rows(value: Any) -> Sequence[Any]:
    return value if value is not None else ()


def to_dt(value: Any) -> Any:
    """A date compared with a date-time means midnight UTC."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), UTC)


def to_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    return value  # type: ignore[no-any-return]


def div(a: Num | None, b: Num | None) -> Decimal | None:
    """``numbers.divide``: six places, half away from zero; ``None`` for a null or a zero divisor."""
    if a is None or b is None:
        return None
    return divide(a, b)


def mod(a: Num | None, b: Num | None) -> Num | None:
    """Excel's MOD: the remainder has the sign of ``b`` (``mod(-7, 3) == 2``); ``None`` when ``b`` is 0."""
    if a is None or b is None or b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return a % b
    result = Decimal(a) % Decimal(b)
    return result + b if result and (result < 0) != (b < 0) else result


def cat(*parts: Any) -> str:
    return "".join("" if p is None else show_decimal(p) if isinstance(p, Decimal) else str(p) for p in parts)


def show_decimal(value: Decimal) -> str:
    """A decimal in text as Excel's General format shows it: ``5.50`` → "5.5", ``5.00`` → "5"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def contains(text: str | None, part: str | None) -> bool:
    return text is not None and part is not None and part in text


def has(items: list[str] | None, item: str | None) -> bool:
    return items is not None and item is not None and item in items


def starts(text: str | None, part: str | None) -> bool:
    return text is not None and part is not None and text.startswith(part)


def ends(text: str | None, part: str | None) -> bool:
    return text is not None and part is not None and text.endswith(part)


def length(text: str | None) -> int | None:
    return None if text is None else len(text)


def upper(text: str | None) -> str | None:
    return None if text is None else text.upper()


def lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


def left(text: str | None, n: int | None) -> str | None:
    return None if text is None or n is None else text[: max(n, 0)]


def right(text: str | None, n: int | None) -> str | None:
    return None if text is None or n is None else text[len(text) - min(max(n, 0), len(text)) :]


def mid(text: str | None, start: int | None, n: int | None) -> str | None:
    """``MID("abcdef", 2, 3) == "bcd"``; positions before 1 count as in SQL ``substr``."""
    if text is None or start is None or n is None:
        return None
    end = start - 1 + max(n, 0)
    return text[max(start - 1, 0) : max(end, 0)]


def regex(pattern: Any, text: str | None, limit: int) -> bool:  # an RE2 pattern: linear time
    if text is None:
        return False
    if len(text) > limit:
        raise ExprError(f"text longer than {limit} characters cannot be matched against a pattern")
    return pattern.search(text) is not None


def empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def add(value: Any, n: int | None, seconds: int) -> Any:
    if value is None or n is None:
        return None
    return value + timedelta(seconds=n * seconds)


def datediff(a: Any, b: Any, unit: str) -> int | None:
    """Whole days or hours from ``a`` to ``b``, truncated toward zero, sub-seconds ignored."""
    if a is None or b is None:
        return None
    if not (isinstance(a, datetime) or isinstance(b, datetime)):
        days: int = (b - a).days
        return days if unit == "d" else days * 24
    seconds = int((_whole(to_dt(b)) - _whole(to_dt(a))).total_seconds())
    step = 86400 if unit == "d" else 3600
    return seconds // step if seconds >= 0 else -(-seconds // step)


def _whole(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def workdays(ctx: EvalContext, a: Any, b: Any) -> int | None:
    if a is None or b is None:
        return None
    if ctx.calendar is None:
        raise ExprError("WORKDAYS needs a business calendar and none was given")
    return ctx.calendar.working_days_between(_day(a), _day(b))


def networkdays(ctx: EvalContext, a: Any, b: Any) -> int | None:
    """Excel's NETWORKDAYS: working days in ``[a, b]`` (negative when ``b`` < ``a``)."""
    if a is None or b is None:
        return None
    if ctx.calendar is None:
        raise ExprError("NETWORKDAYS needs a business calendar and none was given")
    start, end = _day(a), _day(b)
    if start <= end:
        return ctx.calendar.working_days_between(start - timedelta(days=1), end)
    return -ctx.calendar.working_days_between(end - timedelta(days=1), start)


def _day(value: Any) -> date:
    day = to_day(value)
    assert day is not None
    return day


def year(value: Any) -> int | None:
    return None if value is None else _day(value).year


def month(value: Any) -> int | None:
    return None if value is None else _day(value).month


def week_start(value: Any) -> date | None:
    if value is None:
        return None
    day = _day(value)
    return day - timedelta(days=day.weekday())


def month_start(value: Any) -> date | None:
    return None if value is None else _day(value).replace(day=1)


def round_(value: Num | None, digits: int) -> Num | None:
    if value is None or isinstance(value, int):
        return value
    rounded: Decimal = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded


def abs_(value: Num | None) -> Num | None:
    if value is None:
        return None
    return -value if value < 0 else value


def count(values: list[Any]) -> int:
    return sum(1 for v in values if v is not None)


def total(values: list[Any]) -> Num:
    result: Num = sum((v for v in values if v is not None), 0)
    return result


def avg(values: list[Any]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return divide(sum(present, 0), len(present)) if present else None


def min_(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def max_(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def list_len(values: list[Any] | None) -> int:
    return len(values) if values is not None else 0


HELPERS: dict[str, Any] = {
    name: value
    for name, value in globals().items()
    if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == __name__
}
HELPERS.update({"any": any, "all": all, "len": len})
HELPERS.update(py_excel.HELPERS)
