"""Named periods of date filters (today, this week, last 30 days …) as expressions over ``$today``.

The report engine computes them in Python for dashboard parameters (``params.PRESETS``); a list filter
needs them as expressions, so that a saved view's "this week" is still this week next week. Each
period is the half-open range of local days ``[start, stop)``; a filter on field ``f`` is then
``f >= start AND f < stop``, for a date and a date-time alike::

    period_bounds("this_week")
    → ({"week_start": [{"var": "$today"}]}, {"+": [{"week_start": [{"var": "$today"}]}, 7]})

``tests/engines/report/test_periods.py`` proves the expressions (in Python and in SQL) and the
dashboard presets give the same days.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from dajian.engines.expr import parse_formula

_QUARTER = "EDATE(MONTHSTART($today), -MOD(MONTH($today) - 1, 3))"


class Period(NamedTuple):
    en: str
    zh: str
    start: str  # formula of the first day
    stop: str  # formula of the day after the last


PERIODS: dict[str, Period] = {
    "today": Period("Today", "今天", "$today", "$today + 1"),
    "yesterday": Period("Yesterday", "昨天", "$today - 1", "$today"),
    "last_7_days": Period("Last 7 days", "最近 7 天", "$today - 6", "$today + 1"),
    "last_30_days": Period("Last 30 days", "最近 30 天", "$today - 29", "$today + 1"),
    "this_week": Period("This week", "本周", "WEEKSTART($today)", "WEEKSTART($today) + 7"),
    "last_week": Period("Last week", "上周", "WEEKSTART($today) - 7", "WEEKSTART($today)"),
    "this_month": Period("This month", "本月", "MONTHSTART($today)", "EDATE(MONTHSTART($today), 1)"),
    "last_month": Period("Last month", "上月", "EDATE(MONTHSTART($today), -1)", "MONTHSTART($today)"),
    "this_quarter": Period("This quarter", "本季度", _QUARTER, f"EDATE({_QUARTER}, 3)"),
    "last_quarter": Period("Last quarter", "上季度", f"EDATE({_QUARTER}, -3)", _QUARTER),
    "this_year": Period("This year", "今年", "DATE(YEAR($today), 1, 1)", "DATE(YEAR($today) + 1, 1, 1)"),
    "last_year": Period("Last year", "去年", "DATE(YEAR($today) - 1, 1, 1)", "DATE(YEAR($today), 1, 1)"),
}


@cache
def period_bounds(key: str) -> tuple[Any, Any]:
    """The JSON ASTs of a period's first day and of the day after its last."""
    period = PERIODS[key]
    return parse_formula(period.start), parse_formula(period.stop)
