"""Python helpers for the Excel functions (``catalog``); null in, null out unless said otherwise.

Each has a SQL twin in ``sql_excel``; the shared vectors and ``excel_examples.json`` hold them
to the same answers.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any

from .numbers import _WIDE, DIV_PLACES, divide, quantum

Num = int | Decimal
MAX_REPT = 10_000
MONTH_LIMIT, DAY_LIMIT = 120_000, 3_660_000  # DATE's month and day arguments, as in SQL


def _present(values: tuple[Any, ...]) -> list[Any]:
    return [v for v in values if v is not None]


def sum_of(*values: Any) -> Num:
    total: Num = sum(_present(values), 0)
    return total


def avg_of(*values: Any) -> Decimal | None:
    present = _present(values)
    return divide(sum(present, 0), len(present)) if present else None


def max_of(*values: Any) -> Any:
    present = _present(values)
    return max(present) if present else None


def min_of(*values: Any) -> Any:
    present = _present(values)
    return min(present) if present else None


def count_of(*values: Any) -> int:
    return len(_present(values))


def product(*values: Any) -> Num | None:
    present = _present(values)
    if not present:
        return None
    result: Num = 1
    for v in present:
        result = result * v
    return result


def xor(*values: Any) -> bool:
    return sum(1 for v in values if v) % 2 == 1


def coalesce(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def trim(text: str | None) -> str | None:
    return None if text is None else " ".join(part for part in text.split(" ") if part)


def substitute(text: str | None, old: str | None, new: str | None) -> str | None:
    if text is None or old is None or new is None:
        return None
    return text if old == "" else text.replace(old, new)


def replace(text: str | None, start: int | None, n: int | None, new: str | None) -> str | None:
    if text is None or start is None or n is None or new is None:
        return None
    head = max(start - 1, 0)
    return text[:head] + new + text[max(start - 1 + max(n, 0), 0) :]


def find(part: str | None, text: str | None, start: int | None) -> int | None:
    if part is None or text is None or start is None or start < 1 or start > len(text) + 1:
        return None
    position = text.find(part, start - 1)
    return None if position < 0 else position + 1


def search(part: str | None, text: str | None, start: int | None) -> int | None:
    return find(_ascii_lower(part), _ascii_lower(text), start)


def _ascii_lower(text: str | None) -> str | None:
    return None if text is None else text.translate(_LOWER)


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def rept(text: str | None, n: int | None) -> str | None:
    if text is None or n is None or n < 0 or len(text) * n > MAX_REPT:
        return None
    return text * n


_NUMBER = re.compile(r"\s*[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*")


def value(text: str | None) -> Decimal | None:
    if text is None or not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.strip().replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def day(v: Any) -> int | None:
    return None if v is None else _day(v).day


def hour(v: Any) -> int | None:
    return None if v is None else (v.astimezone(UTC).hour if isinstance(v, datetime) else 0)


def minute(v: Any) -> int | None:
    return None if v is None else (v.astimezone(UTC).minute if isinstance(v, datetime) else 0)


def weekday(v: Any, kind: int) -> int | None:
    if v is None:
        return None
    iso = _day(v).isoweekday()  # Monday 1 … Sunday 7
    return {1: iso % 7 + 1, 2: iso, 3: iso - 1}[kind]


def weeknum(v: Any) -> int | None:
    if v is None:
        return None
    d = _day(v)
    first = date(d.year, 1, 1).isoweekday() % 7  # Sunday 0
    return (d.timetuple().tm_yday - 1 + first) // 7 + 1


def edate(v: Any, months: int | None) -> date | None:
    if v is None or months is None:
        return None
    d = _day(v)
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        return None
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def eomonth(v: Any, months: int | None) -> date | None:
    if v is None or months is None:
        return None
    d = _day(v)
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        return None
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def make_date(year: int | None, month: int | None, day_: int | None) -> date | None:
    """Excel's DATE: months and days beyond their range roll over (``DATE(2024, 14, 0)`` is 2025-01-31)."""
    if year is None or month is None or day_ is None:
        return None
    if not (1 <= year <= 9999 and abs(month) <= MONTH_LIMIT and abs(day_) <= DAY_LIMIT):
        return None
    y, m = divmod(year * 12 + month - 1, 12)
    try:
        return date(y, m + 1, 1) + timedelta(days=day_ - 1)
    except (ValueError, OverflowError):
        return None


def datediff_calendar(a: Any, b: Any, unit: str) -> int | None:
    """DATEDIF's "m" and "y": whole months or years from ``a`` to ``b``; null when ``b`` < ``a``."""
    if a is None or b is None:
        return None
    s, e = _day(a), _day(b)
    if e < s:
        return None
    months = (e.year - s.year) * 12 + e.month - s.month - (1 if e.day < s.day else 0)
    return months if unit == "m" else months // 12


def _day(v: Any) -> date:
    return v.astimezone(UTC).date() if isinstance(v, datetime) else v


def int_(x: Num | None) -> int | None:
    if x is None or isinstance(x, int):
        return x
    return int(x.to_integral_value(rounding=ROUND_FLOOR))


def _rounded(mode: str) -> Any:
    def run(x: Num | None, digits: int) -> Num | None:
        if x is None or isinstance(x, int):
            return x
        return x.quantize(quantum(digits), rounding=mode, context=_WIDE)

    return run


roundup = _rounded(ROUND_UP)
rounddown = _rounded(ROUND_DOWN)


def power(x: Num | None, n: Num | None) -> Num | None:
    """Whole powers 0 and up are exact; others 6 places (empty where undefined, as 0^0)."""
    if x is None or n is None or (x == 0 and n <= 0):
        return None
    if isinstance(n, int) and n >= 0:
        result: Num = x**n
        return result
    try:
        raised = _WIDE.power(Decimal(x), Decimal(n))
    except (InvalidOperation, ZeroDivisionError):
        return None
    return raised.quantize(quantum(DIV_PLACES), rounding=ROUND_HALF_UP, context=_WIDE)


def sqrt(x: Num | None) -> Decimal | None:
    if x is None or x < 0:
        return None
    return _WIDE.sqrt(Decimal(x)).quantize(quantum(DIV_PLACES), rounding=ROUND_HALF_UP, context=_WIDE)


def _mod_floor(x: Num, step: Num) -> Num:
    r = x % step
    return r + step if r < 0 else r  # Decimal's % keeps the dividend's sign; step > 0


def floor_(x: Num | None, step: Num) -> Num | None:
    return None if x is None else x - _mod_floor(x, step)


def ceiling(x: Num | None, step: Num) -> Num | None:
    return None if x is None else x + _mod_floor(-x, step)


_NUMBER_FORMAT = re.compile(r"(#,##)?0(\.0+)?(%?)")
_DATE_TOKENS = re.compile(r"yyyy|yy|hh|mm|ss|m|dd|d")


def text(v: Any, fmt: str) -> str | None:
    """``TEXT(1234.5, "#,##0.00")`` is "1,234.50"; ``TEXT(d, "yyyy年m月d日")`` is "2024年3月5日"."""
    if v is None:
        return None
    if isinstance(v, date):
        return _date_text(v, fmt)
    match = _NUMBER_FORMAT.fullmatch(fmt)
    assert match is not None  # the checker accepts only these formats
    places = len(match.group(2) or ".") - 1
    number = Decimal(v) * (100 if match.group(3) else 1)
    rounded = number.quantize(quantum(places), rounding=ROUND_HALF_UP, context=_WIDE)
    shown = f"{rounded:,f}" if match.group(1) else f"{rounded:f}"
    return shown + match.group(3)


def _date_text(v: date, fmt: str) -> str:
    moment = v.astimezone(UTC) if isinstance(v, datetime) else None

    def token(match: re.Match[str]) -> str:
        name, before = match.group(0), fmt[: match.start()]
        if name == "mm" and (before.endswith("hh:") or before.endswith("h:")) and moment is not None:
            return f"{moment.minute:02d}"
        if name in ("hh", "ss"):
            part = 0 if moment is None else (moment.hour if name == "hh" else moment.second)
            return f"{part:02d}"
        return {
            "yyyy": f"{v.year:04d}",
            "yy": f"{v.year % 100:02d}",
            "mm": f"{v.month:02d}",
            "m": str(v.month),
            "dd": f"{v.day:02d}",
            "d": str(v.day),
        }[name]

    return _DATE_TOKENS.sub(token, fmt)


def is_number_format(fmt: str) -> bool:
    return _NUMBER_FORMAT.fullmatch(fmt) is not None


def is_date_format(fmt: str) -> bool:
    rest = _DATE_TOKENS.sub("", fmt)
    return bool(_DATE_TOKENS.search(fmt)) and all(c in " -/:.年月日时分秒T" for c in rest)


HELPERS: dict[str, Any] = {
    name: fn
    for name, fn in globals().items()
    if callable(fn)
    and not name.startswith("_")
    and getattr(fn, "__module__", "") == __name__
    and name not in ("is_number_format", "is_date_format", "make_date")
} | {"make_date": make_date, "roundup": roundup, "rounddown": rounddown}
