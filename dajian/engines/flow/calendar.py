"""Business calendar: working time in one time zone, with holidays and make-up days.

SLA clocks and flow timers count *working* time ("respond within 4 working
hours"), so due times and elapsed minutes are computed against a calendar::

    {"timezone": "Asia/Shanghai",
     "week": {"mon": ["09:00-12:00", "13:30-18:00"], ..., "fri": [...]},
     "holidays": ["2026-01-01", "2026-02-15..2026-02-23"],
     "makeup_days": ["2026-02-14", {"date": "2026-02-28", "as": "fri"}],
     "overrides": {"2026-12-31": ["09:00-12:00"]}}

Periods are wall-clock local times: working time is every instant whose local
time lies in a period of its local date, so a period spanning a DST switch is
really 1 h shorter (spring) or longer (autumn). A date's periods come from (first match):
its override, nothing if it is a holiday, the weekday named by its make-up
entry (调休, Monday by default), else its own weekday. Periods are half-open
``[start, end)``; ``24:00`` ends a day; zero-length periods are ignored;
unsorted or overlapping periods are rejected.

Arithmetic walks day by day but skips whole "plain" weeks (no special date and
the same UTC offset at both ends, assuming a zone never switches offset and back
within seven days), so long spans cost ~one step per week. Pure: no platform imports.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
ZERO = timedelta(0)
DAY_MINUTES = 24 * 60
_HHMM = re.compile(r"^(\d{2}):(\d{2})$")
_DEFINITION_KEYS = {"timezone", "week", "holidays", "makeup_days", "overrides"}

Interval = tuple[datetime, datetime]


class CalendarError(ValueError):
    """Every problem found in a calendar definition, each prefixed with its path."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class Period:
    """A wall-clock working period ``[start, end)`` in minutes after local midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end <= DAY_MINUTES:
            raise CalendarError([f"period {self}: need 00:00 <= start <= end <= 24:00"])

    @classmethod
    def parse(cls, value: Any) -> Period:
        """``"09:00-12:00"``, ``["09:00", "12:00"]`` or ``{"start": .., "end": ..}`` → Period(540, 720)."""
        if isinstance(value, str) and value.count("-") == 1:
            value = value.split("-")
        if isinstance(value, Mapping):
            value = [value.get("start"), value.get("end")]
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise CalendarError([f"expected 'HH:MM-HH:MM', got {value!r}"])
        return cls(_minutes(value[0]), _minutes(value[1]))

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def _minutes(value: Any) -> int:
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if not match or int(match[2]) > 59:
        raise CalendarError([f"expected a time 'HH:MM', got {value!r}"])
    return int(match[1]) * 60 + int(match[2])


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, eq=False)
class BusinessCalendar:
    """Working periods per weekday (Monday first), holidays, make-up days and per-date overrides.

    All operations take aware datetimes (any zone) and return aware UTC datetimes.
    """

    timezone: str
    week: tuple[tuple[Period, ...], ...]
    holidays: frozenset[date] = frozenset()
    makeup_days: Mapping[date, int] = field(default_factory=dict)
    overrides: Mapping[date, tuple[Period, ...]] = field(default_factory=dict)
    _tz: ZoneInfo = field(init=False, repr=False)
    _specials: tuple[date, ...] = field(init=False, repr=False)
    _week_total: timedelta = field(init=False, repr=False)
    _week_days: int = field(init=False, repr=False)
    _intervals: Callable[[date], tuple[Interval, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        errors = _check(self.timezone, self.week, self.holidays, self.makeup_days, self.overrides)
        if errors:
            raise CalendarError(errors)
        setattr_ = object.__setattr__
        setattr_(self, "week", tuple(_drop_empty(day) for day in self.week))
        setattr_(self, "overrides", {d: _drop_empty(ps) for d, ps in self.overrides.items()})
        setattr_(self, "_tz", ZoneInfo(self.timezone))
        setattr_(self, "_specials", tuple(sorted({*self.holidays, *self.makeup_days, *self.overrides})))
        setattr_(self, "_week_total", timedelta(minutes=sum(p.end - p.start for d in self.week for p in d)))
        setattr_(self, "_week_days", sum(1 for day in self.week if day))
        setattr_(self, "_intervals", lru_cache(maxsize=4096)(self._day_intervals))

    @classmethod
    def from_definition(cls, definition: Mapping[str, Any]) -> BusinessCalendar:
        """Build from the JSON a designer saves (see the module docstring).

        Raises ``CalendarError`` listing every problem with its path, e.g.
        ``week.mon[1]: periods overlap: 09:00-12:00 and 11:00-13:00``.
        """
        parsed, errors = _parse_definition(definition)
        errors += _check(*parsed) if not errors else []
        if errors:
            raise CalendarError(errors)
        return cls(*parsed)

    def to_definition(self) -> dict[str, Any]:
        """The inverse of ``from_definition`` (dates as ISO strings, holidays one per entry)."""
        return {
            "timezone": self.timezone,
            "week": {WEEKDAYS[i]: [str(p) for p in day] for i, day in enumerate(self.week) if day},
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "makeup_days": [{"date": d.isoformat(), "as": WEEKDAYS[w]} for d, w in sorted(self.makeup_days.items())],
            "overrides": {d.isoformat(): [str(p) for p in ps] for d, ps in sorted(self.overrides.items())},
        }

    # -- days ---------------------------------------------------------------------------

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The wall-clock periods of a local date after holidays, make-up days and overrides."""
        if day in self.overrides:
            return self.overrides[day]
        if day in self.holidays:
            return ()
        return self.week[self.makeup_days.get(day, day.weekday())]

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods_on(day))

    def working_days_between(self, a: date, b: date) -> int:
        """Working dates in ``(a, b]`` (after ``a``, up to and including ``b``); ``-(b, a]`` when ``b < a``.

        So ``working_days_between(d, add_working_days(t, n).date()) == n`` for ``d`` = t's local date.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            if day + WEEK <= b and self._no_specials(day + DAY, day + WEEK):
                count, day = count + self._week_days, day + WEEK
            else:
                day += DAY
                count += self.is_working_day(day)
        return count

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time of day on the ``days``-th working date after start's local date
        (before it when negative; ``start`` itself for 0). Friday 15:00 + 1 → Monday 15:00 and
        Saturday 10:00 + 1 → Monday 10:00. The result may lie outside working hours; pass it to
        ``next_working_start`` if it must not. A nonexistent local time (DST gap) moves forward.
        """
        local = _utc(start).astimezone(self._tz)
        day = self._shift_days(local.date(), days)
        return datetime.combine(day, local.time(), tzinfo=self._tz).astimezone(UTC)

    def _shift_days(self, day: date, days: int) -> date:
        step, remaining = (DAY if days >= 0 else -DAY), abs(days)
        while remaining:
            ahead = (day + DAY, day + WEEK) if days > 0 else (day - WEEK, day - DAY)
            if remaining > self._week_days and self._no_specials(*ahead):
                if not self._week_days and self._no_specials_beyond(day, forward=days > 0):
                    raise CalendarError([f"no working day {'after' if days > 0 else 'before'} {day}"])
                day, remaining = day + 7 * step, remaining - self._week_days
                continue
            day += step
            remaining -= self.is_working_day(day)
        return day

    # -- working time -------------------------------------------------------------------

    def is_working_time(self, t: datetime) -> bool:
        t = _utc(t)
        return any(s <= t < e for s, e in self._intervals(self._local_date(t)))

    def next_working_start(self, t: datetime) -> datetime:
        """``t`` itself when it is working time, else the start of the next working period."""
        return self.add_working(t, ZERO)

    def add_working(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of working time has passed since ``start``.

        Counting begins at ``next_working_start(start)``, so a zero duration returns ``start``
        when it is working time and the next period's start otherwise; a duration that ends
        exactly at a period's end returns that end (12:00), not the next period's start.
        Raises ``ValueError`` for a negative duration and ``CalendarError`` if no working time
        is left.
        """
        if duration < ZERO:
            raise ValueError(f"duration must not be negative, got {duration}")
        t = _utc(start)
        day, remaining = self._local_date(t), duration
        for s, e in self._intervals(day):
            if e > t:
                s = max(s, t)
                if remaining <= e - s:
                    return s + remaining
                remaining -= e - s
        return self._add_from(day + DAY, remaining)

    def _add_from(self, day: date, remaining: timedelta) -> datetime:
        total = self._week_total
        while True:
            if (remaining > total or not total) and self._plain_week(day):
                if not total and self._no_specials_beyond(day, forward=True):
                    raise CalendarError([f"no working time after {day}"])
                day, remaining = day + WEEK, remaining - total
                continue
            for s, e in self._intervals(day):
                if remaining <= e - s:
                    return s + remaining
                remaining -= e - s
            day += DAY

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in ``[a, b)``; negative (``-[b, a)``) when ``b < a``, zero when equal."""
        a, b = _utc(a), _utc(b)
        if b < a:
            return -self.working_time_between(b, a)
        first, last = self._local_date(a), self._local_date(b)
        if first == last:
            return self._overlap(first, a, b)
        total, day = self._overlap(first, a, None), first + DAY
        while day < last:
            if day + WEEK <= last and self._plain_week(day):
                total, day = total + self._week_total, day + WEEK
            else:
                total, day = total + self._overlap(day, None, None), day + DAY
        return total + self._overlap(last, None, b)

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """``working_time_between`` in minutes (a float: seconds count); negative when ``b < a``."""
        return self.working_time_between(a, b) / timedelta(minutes=1)

    # -- internals ----------------------------------------------------------------------

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self._tz).date()

    def _day_intervals(self, day: date) -> tuple[Interval, ...]:
        """UTC intervals whose local wall-clock time lies in one of ``day``'s periods.

        Each period is intersected with every stretch of constant UTC offset around the
        date, so a period inside a spring-forward gap vanishes and one covering the
        autumn's repeated hour counts it twice (as a clock on the wall would).
        """
        base = datetime.combine(day, time())
        out = []
        for lo, hi, offset in self._segments(base):
            for p in self.periods_on(day):
                s = max(base + timedelta(minutes=p.start), lo + offset)
                e = min(base + timedelta(minutes=p.end), hi + offset)
                if e > s:
                    out.append(((s - offset).replace(tzinfo=UTC), (e - offset).replace(tzinfo=UTC)))
        return tuple(sorted(out))

    def _segments(self, base: datetime) -> list[tuple[datetime, datetime, timedelta]]:
        """Naive-UTC stretches, each with one UTC offset, covering every instant of local date ``base``
        (offsets lie within ±1 day). A DST switch splits the window in two."""
        lo, hi = base - DAY, base + 2 * DAY
        first, last = self._offset_at(lo), self._offset_at(hi)
        if first == last:
            return [(lo, hi, first)]
        switch = self._find_switch(lo, hi, first)
        return [(lo, switch, first), (switch, hi, last)]

    def _find_switch(self, lo: datetime, hi: datetime, first: timedelta) -> datetime:
        """The first whole second after ``lo`` whose offset differs from ``first`` (bisection)."""
        a, b = 0, int((hi - lo).total_seconds())
        while b - a > 1:
            mid = (a + b) // 2
            a, b = (mid, b) if self._offset_at(lo + timedelta(seconds=mid)) == first else (a, mid)
        return lo + timedelta(seconds=b)

    def _offset_at(self, naive_utc: datetime) -> timedelta:
        return naive_utc.replace(tzinfo=UTC).astimezone(self._tz).utcoffset() or ZERO

    def _overlap(self, day: date, lo: datetime | None, hi: datetime | None) -> timedelta:
        total = ZERO
        for s, e in self._intervals(day):
            s, e = max(s, lo) if lo else s, min(e, hi) if hi else e
            total += max(ZERO, e - s)
        return total

    def _offset(self, day: date) -> timedelta | None:
        return datetime.combine(day, time(), tzinfo=self._tz).utcoffset()

    def _plain_week(self, day: date) -> bool:
        """Seven dates from ``day`` hold exactly the nominal week's working time."""
        return self._no_specials(day, day + WEEK - DAY) and self._offset(day) == self._offset(day + WEEK)

    def _no_specials(self, lo: date, hi: date) -> bool:
        i = bisect.bisect_left(self._specials, lo)
        return i == len(self._specials) or self._specials[i] > hi

    def _no_specials_beyond(self, day: date, *, forward: bool) -> bool:
        if forward:
            return bisect.bisect_left(self._specials, day) == len(self._specials)
        return bisect.bisect_right(self._specials, day) == 0


def _utc(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {t.isoformat()}")
    return t.astimezone(UTC)


def _drop_empty(periods: Iterable[Period]) -> tuple[Period, ...]:
    return tuple(p for p in periods if p.end > p.start)


# -- validation ---------------------------------------------------------------------------


def _check(
    timezone: str,
    week: tuple[tuple[Period, ...], ...],
    holidays: frozenset[date],
    makeup_days: Mapping[date, int],
    overrides: Mapping[date, tuple[Period, ...]],
) -> list[str]:
    errors = _check_timezone(timezone)
    if len(week) != 7:
        errors.append(f"week: expected 7 days (Monday first), got {len(week)}")
    for i, day in enumerate(week):
        errors += _check_periods(f"week.{WEEKDAYS[i % 7]}", day)
    for d, periods in overrides.items():
        errors += _check_periods(f"overrides.{d}", periods)
    bad_weekdays = [(d, w) for d, w in makeup_days.items() if not 0 <= w < 7]
    errors += [f"makeup_days.{d}: weekday must be 0..6, not {w}" for d, w in bad_weekdays]
    errors += _check_conflicts(holidays, makeup_days, overrides)
    return errors


def _check_timezone(timezone: str) -> list[str]:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return [f"timezone: unknown IANA time zone {timezone!r}"]
    return []


def _check_periods(path: str, periods: Iterable[Period]) -> list[str]:
    errors, previous = [], None
    for i, p in enumerate(_drop_empty(periods)):
        if previous and p.start < previous.start:
            errors.append(f"{path}[{i}]: periods are not sorted: {p} comes after {previous}")
        elif previous and p.start < previous.end:
            errors.append(f"{path}[{i}]: periods overlap: {previous} and {p}")
        previous = p
    return errors


def _check_conflicts(holidays: Iterable[date], makeups: Iterable[date], overrides: Iterable[date]) -> list[str]:
    kinds = {"holidays": set(holidays), "makeup_days": set(makeups), "overrides": set(overrides)}
    names = list(kinds)
    return [
        f"{b}.{d}: also listed in {a}; a date may appear in only one of them"
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        for d in sorted(kinds[a] & kinds[b])
    ]


# -- parsing ------------------------------------------------------------------------------


def _parse_definition(definition: Mapping[str, Any]) -> tuple[tuple[Any, ...], list[str]]:
    errors = [f"{key}: unknown key" for key in definition if key not in _DEFINITION_KEYS]
    timezone = definition.get("timezone")
    if not isinstance(timezone, str):
        errors.append("timezone: required, an IANA name such as 'Asia/Shanghai'")
    week_def = _mapping("week", definition.get("week", {}), errors)
    errors += [f"week.{k}: unknown weekday, use one of {WEEKDAYS}" for k in week_def if k not in WEEKDAYS]
    week = tuple(_parse_periods(f"week.{name}", week_def.get(name, []), errors) for name in WEEKDAYS)
    holiday_defs = enumerate(definition.get("holidays", []))
    holidays = frozenset(d for i, v in holiday_defs for d in _dates(i, v, errors))
    makeups = dict(_parse_makeup(i, v, errors) for i, v in enumerate(definition.get("makeup_days", [])))
    overrides = {
        _parse_date(f"overrides.{k}", k, errors): _parse_periods(f"overrides.{k}", v, errors)
        for k, v in _mapping("overrides", definition.get("overrides", {}), errors).items()
    }
    parsed = (timezone, week, holidays, makeups, overrides)
    return parsed, errors


def _mapping(path: str, value: Any, errors: list[str]) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    errors.append(f"{path}: expected an object, got {value!r}")
    return {}


def _parse_periods(path: str, values: Any, errors: list[str]) -> tuple[Period, ...]:
    out = []
    for i, value in enumerate(values if isinstance(values, list) else [values]):
        try:
            out.append(Period.parse(value))
        except CalendarError as exc:
            errors += [f"{path}[{i}]: {e}" for e in exc.errors]
    return tuple(out)


def _parse_date(path: str, value: Any, errors: list[str]) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(f"{path}: expected a date 'YYYY-MM-DD', got {value!r}")
        return date.min


def _dates(i: int, value: Any, errors: list[str]) -> list[date]:
    """``"2026-02-15..2026-02-17"`` → the three dates (inclusive); a single date → itself."""
    first, _, last = value.partition("..") if isinstance(value, str) else (value, "", "")
    lo = _parse_date(f"holidays[{i}]", first, errors)
    hi = _parse_date(f"holidays[{i}]", last, errors) if last else lo
    if hi < lo or (hi - lo).days > 366:
        errors.append(f"holidays[{i}]: range {value!r} must run forwards over at most a year")
        return []
    return [lo + timedelta(days=n) for n in range((hi - lo).days + 1)]


def _parse_makeup(i: int, value: Any, errors: list[str]) -> tuple[date, int]:
    entry = value if isinstance(value, Mapping) else {"date": value}
    weekday = entry.get("as", "mon")
    if weekday not in WEEKDAYS:
        errors.append(f"makeup_days[{i}].as: unknown weekday {weekday!r}")
        weekday = "mon"
    return _parse_date(f"makeup_days[{i}]", entry.get("date"), errors), WEEKDAYS.index(weekday)
