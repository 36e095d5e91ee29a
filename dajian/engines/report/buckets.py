"""Time buckets: a date or date-time cut into hours, days, ISO weeks, months, quarters or years
in the app's time zone, in SQL (one expression per dialect) and in Python (keys, labels, ranges).

Both databases first turn the stored value into local wall-clock time:

* PostgreSQL: ``col AT TIME ZONE 'Asia/Shanghai'`` (exact, DST included), then ``date_trunc``.
* SQLite stores naive UTC text, so the offset is added with ``datetime(col, '+480 minutes')``. A zone
  without DST (Asia/Shanghai) has one fixed offset, which is exact. For a zone with DST the offset is a
  ``CASE`` over the zone's UTC transition instants from 2000 to 2040 (text comparisons, exact inside
  that range; outside it the offset of the nearest end applies).

``bucket_sql("month", col, tz="Asia/Shanghai", dialect="sqlite", is_date=False)`` renders
``date(datetime(col, '480 minutes'), 'start of month')``; the row stored as
``2026-01-31 20:00:00`` lands in ``2026-02-01``, i.e. month key ``"2026-02"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

Col = ColumnElement[Any]
DST_YEARS = (2000, 2040)
ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")


@dataclass(frozen=True)
class Granularity:
    name: str
    sqlite: Callable[[Col], Col]  # local wall-clock text -> bucket start text
    postgresql: Callable[[Col], Col]  # local timestamp -> bucket start timestamp
    floor: Callable[[datetime], datetime]
    step: Callable[[datetime], datetime]  # the next bucket's start
    key: Callable[[datetime], str]
    label: Callable[[datetime], dict[str, str]]
    needs_time: bool = False


GRANULARITIES: dict[str, Granularity] = {}


def register_granularity(granularity: Granularity) -> None:
    GRANULARITIES[granularity.name] = granularity


def _add_months(d: datetime, months: int) -> datetime:
    total = d.year * 12 + d.month - 1 + months
    return d.replace(year=total // 12, month=total % 12 + 1, day=1)


def _month_floor(d: datetime) -> datetime:
    return datetime(d.year, d.month, 1)


def _quarter_floor(d: datetime) -> datetime:
    return datetime(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def _week_floor(d: datetime) -> datetime:
    day = datetime(d.year, d.month, d.day)
    return day - timedelta(days=day.weekday())


def _pg_trunc(unit: str) -> Callable[[Col], Col]:
    # constants, not bind parameters: the same expression must render identically in SELECT,
    # GROUP BY and GROUPING() (PostgreSQL compares them as trees)
    return lambda local: sa.func.date_trunc(sa.literal_column(f"'{unit}'"), local)


def _quarter_sqlite(local: Col) -> Col:
    back = (sa.cast(sa.func.strftime("%m", local), sa.Integer) - 1) % 3
    return sa.func.date(local, "start of month", sa.func.printf("-%d months", back))


def _quarter(d: datetime) -> int:
    return (d.month - 1) // 3 + 1


def _labels(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-CN": zh}


def _register_builtin() -> None:
    iso_week: Callable[[datetime], tuple[int, int]] = lambda d: d.isocalendar()[:2]  # noqa: E731
    for g in (
        Granularity("hour", lambda v: sa.func.strftime("%Y-%m-%d %H:00:00", v), _pg_trunc("hour"),
                    lambda d: d.replace(minute=0, second=0, microsecond=0), lambda d: d + timedelta(hours=1),
                    lambda d: d.strftime("%Y-%m-%dT%H:00"),
                    lambda d: _labels(d.strftime("%Y-%m-%d %H:00"), d.strftime("%Y-%m-%d %H:00")), True),
        Granularity("day", lambda v: sa.func.date(v), _pg_trunc("day"),
                    lambda d: datetime(d.year, d.month, d.day), lambda d: d + timedelta(days=1),
                    lambda d: d.strftime("%Y-%m-%d"),
                    lambda d: _labels(d.strftime("%Y-%m-%d"), f"{d.year}年{d.month}月{d.day}日")),
        Granularity("week", lambda v: sa.func.date(v, "weekday 0", "-6 days"), _pg_trunc("week"),
                    _week_floor, lambda d: d + timedelta(days=7), lambda d: d.strftime("%Y-%m-%d"),
                    lambda d: _labels("{}-W{:02d}".format(*iso_week(d)), "{}年第{}周".format(*iso_week(d)))),
        Granularity("month", lambda v: sa.func.date(v, "start of month"), _pg_trunc("month"),
                    _month_floor, lambda d: _add_months(d, 1), lambda d: d.strftime("%Y-%m"),
                    lambda d: _labels(d.strftime("%Y-%m"), f"{d.year}年{d.month}月")),
        Granularity("quarter", _quarter_sqlite, _pg_trunc("quarter"), _quarter_floor,
                    lambda d: _add_months(d, 3), lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}",
                    lambda d: _labels(f"{d.year} Q{_quarter(d)}", f"{d.year}年第{_quarter(d)}季度")),
        Granularity("year", lambda v: sa.func.date(v, "start of year"), _pg_trunc("year"),
                    lambda d: datetime(d.year, 1, 1), lambda d: d.replace(year=d.year + 1),
                    lambda d: str(d.year), lambda d: _labels(str(d.year), f"{d.year}年")),
    ):
        register_granularity(g)


_register_builtin()


# --- local time in SQL ---------------------------------------------------------------------------


@cache
def offset_changes(tz_name: str, years: tuple[int, int] = DST_YEARS) -> tuple[tuple[datetime, int], ...]:
    """``((utc_instant, minutes_after), ...)``: when the zone's UTC offset changes inside ``years``;
    the first entry is the offset in force at the start."""
    tz = ZoneInfo(tz_name)

    def offset(t: datetime) -> int:
        delta = t.astimezone(tz).utcoffset() or timedelta(0)
        return int(delta.total_seconds() // 60)

    t = datetime(years[0], 1, 1, tzinfo=UTC)
    end = datetime(years[1] + 1, 1, 1, tzinfo=UTC)
    changes = [(t, offset(t))]
    while t < end:
        nxt = t + timedelta(days=1)
        if offset(nxt) != changes[-1][1]:
            lo, hi = t, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == changes[-1][1] else (lo, mid)
            changes.append((hi.replace(second=0, microsecond=0), offset(nxt)))
        t = nxt
    return tuple(changes)


def _sqlite_offset(column: Col, tz_name: str) -> Col:
    changes = offset_changes(tz_name)
    if len(changes) == 1:
        return sa.literal_column(f"'{changes[0][1]:+d} minutes'")
    whens = [(column < sa.literal(t.strftime("%Y-%m-%d %H:%M:%S")), sa.literal(before))
             for (t, _), (_, before) in zip(changes[1:], changes, strict=False)]
    minutes = sa.case(*whens, else_=sa.literal(changes[-1][1]))
    return sa.cast(minutes, sa.String).concat(" minutes")


def local_time(column: Col, *, tz: str, dialect: str, is_date: bool) -> Col:
    """The stored value as local wall-clock time (text on SQLite, ``timestamp`` on PostgreSQL)."""
    if dialect == "sqlite":
        return sa.func.datetime(column) if is_date else sa.func.datetime(column, _sqlite_offset(column, tz))
    if not is_date and not ZONE_NAME.fullmatch(tz):
        raise ValueError(f"not a time zone name: {tz!r}")
    return sa.cast(column, sa.TIMESTAMP()) if is_date else sa.func.timezone(sa.literal_column(f"'{tz}'"), column)


def bucket_sql(name: str, column: Col, *, tz: str, dialect: str, is_date: bool) -> Col:
    granularity = GRANULARITIES[name]
    local = local_time(column, tz=tz, dialect=dialect, is_date=is_date)
    return granularity.sqlite(local) if dialect == "sqlite" else granularity.postgresql(local)


# --- buckets in Python ---------------------------------------------------------------------------


def bucket_start(value: Any) -> datetime:
    """What the database returned for a bucket (text or timestamp) as a naive local datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


def bucket_from_key(name: str, key: str) -> datetime:
    """Inverse of ``Granularity.key``: ``("quarter", "2026-Q1")`` -> ``datetime(2026, 1, 1)``."""
    if name == "quarter":
        year, q = key.split("-Q")
        return datetime(int(year), (int(q) - 1) * 3 + 1, 1)
    if name == "year":
        return datetime(int(key), 1, 1)
    if name == "month":
        return datetime.fromisoformat(key + "-01")
    return datetime.fromisoformat(key)


def bucket_series(name: str, first: datetime, last: datetime, *, cap: int = 5000) -> list[datetime]:
    """Every bucket start from ``first`` to ``last`` inclusive (at most ``cap``)."""
    granularity = GRANULARITIES[name]
    out: list[datetime] = []
    current = granularity.floor(first)
    while current <= last and len(out) < cap:
        out.append(current)
        current = granularity.step(current)
    return out


def bucket_range_utc(name: str, start: datetime, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants ``[from, to)`` of the local bucket starting at ``start``."""
    zone = ZoneInfo(tz)
    end = GRANULARITIES[name].step(start)
    return start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)
