"""Business calendar: working-time arithmetic against a minute-by-minute reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dajian.engines.flow.calendar import BusinessCalendar, CalendarError, Period

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
OFFICE = ["09:00-12:00", "13:30-18:00"]  # 7.5 h
WORKWEEK = {day: OFFICE for day in ("mon", "tue", "wed", "thu", "fri")}

SPRING_FESTIVAL = BusinessCalendar.from_definition(
    {
        "timezone": "Asia/Shanghai",
        "week": WORKWEEK,
        "holidays": ["2026-01-01", "2026-02-15..2026-02-23"],
        "makeup_days": ["2026-02-14", {"date": "2026-02-28", "as": "fri"}],
        "overrides": {"2026-12-31": ["09:00-12:00"]},
    }
)


def at(tz: tzinfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[arg-type,misc]


def calendar(tz: str, week: dict[str, list[Any]], **extra: object) -> BusinessCalendar:
    return BusinessCalendar.from_definition({"timezone": tz, "week": week, **extra})


def reference_minutes(cal: BusinessCalendar, a: datetime, b: datetime) -> int:
    """Count UTC minutes whose local wall-clock time lies in one of its local date's periods."""
    tz = ZoneInfo(cal.timezone)
    count, t = 0, a.astimezone(UTC)
    while t < b:
        local = t.astimezone(tz)
        minute = local.hour * 60 + local.minute
        count += any(p.start <= minute < p.end for p in cal.periods_on(local.date()))
        t += timedelta(minutes=1)
    return count


# -- definition ---------------------------------------------------------------------------


def test_definition_round_trips() -> None:
    again = BusinessCalendar.from_definition(SPRING_FESTIVAL.to_definition())
    assert again.to_definition() == SPRING_FESTIVAL.to_definition()
    assert again.periods_on(date(2026, 2, 14)) == (Period(540, 720), Period(810, 1080))
    assert again.makeup_days[date(2026, 2, 28)] == 4
    assert len(again.holidays) == 10


def test_every_definition_error_is_reported_with_its_path() -> None:
    with pytest.raises(CalendarError) as info:
        BusinessCalendar.from_definition(
            {
                "timezone": "Mars/Olympus",
                "week": {"mon": ["09:00-12:00", "11:00-13:00"], "tue": ["13:30-18:00", "09:00-12:00"]},
                "holidays": ["2026-02-15", "2026-13-01"],
                "makeup_days": ["2026-02-15"],
                "colour": "red",
            }
        )
    errors = info.value.errors
    assert "colour: unknown key" in errors
    assert any(e.startswith("holidays[1]: expected a date") for e in errors)
    assert len(errors) == 2  # parse errors are reported before semantic checks run
    with pytest.raises(CalendarError) as info:
        calendar(
            "Mars/Olympus",
            {"mon": ["09:00-12:00", "11:00-13:00"], "tue": ["13:30-18:00", "09:00-12:00"]},
            holidays=["2026-02-15"],
            makeup_days=["2026-02-15"],
        )
    assert info.value.errors == [
        "timezone: unknown IANA time zone 'Mars/Olympus'",
        "week.mon[1]: periods overlap: 09:00-12:00 and 11:00-13:00",
        "week.tue[1]: periods are not sorted: 09:00-12:00 comes after 13:30-18:00",
        "makeup_days.2026-02-15: also listed in holidays; a date may appear in only one of them",
    ]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("9:00-12:00", "expected a time 'HH:MM'"),
        ("09:60-12:00", "expected a time 'HH:MM'"),
        ("12:00-09:00", "need 00:00 <= start <= end <= 24:00"),
        ("09:00-24:01", "need 00:00 <= start <= end <= 24:00"),
        (["09:00"], "expected 'HH:MM-HH:MM'"),
    ],
)
def test_bad_periods_are_rejected(period: object, message: str) -> None:
    with pytest.raises(CalendarError, match=message) as info:
        calendar("UTC", {"wed": [period]})
    assert info.value.errors[0].startswith("week.wed[0]: ")


def test_direct_construction_is_validated_too() -> None:
    with pytest.raises(CalendarError, match="week: expected 7 days"):
        BusinessCalendar("UTC", ((),))
    with pytest.raises(CalendarError, match=r"week.mon\[1\]: periods overlap"):
        BusinessCalendar("UTC", ((Period(0, 60), Period(30, 90)), (), (), (), (), (), ()))


def test_periods_accept_objects_pairs_and_midnight() -> None:
    cal = calendar("UTC", {"mon": [{"start": "00:00", "end": "08:00"}, ["16:00", "24:00"]]})
    assert cal.periods_on(date(2026, 3, 2)) == (Period(0, 480), Period(960, 1440))
    assert cal.working_minutes_between(at(UTC, 2026, 3, 2), at(UTC, 2026, 3, 3)) == 16 * 60


# -- add_working ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ((2026, 3, 2, 10), 1, (2026, 3, 2, 11)),  # Monday, inside the morning
        ((2026, 3, 2, 11, 30), 1, (2026, 3, 2, 14)),  # skips lunch
        ((2026, 3, 2, 9), 3, (2026, 3, 2, 12)),  # ends exactly at a period end → that end
        ((2026, 3, 2, 12), 0, (2026, 3, 2, 13, 30)),  # period end is outside → next start
        ((2026, 3, 2, 9), 0, (2026, 3, 2, 9)),  # period start is inside → itself
        ((2026, 3, 2, 7), 0.5, (2026, 3, 2, 9, 30)),  # before hours: counting starts at 09:00
        ((2026, 3, 6, 17), 2, (2026, 3, 9, 10)),  # Friday evening → Monday
        ((2026, 3, 7, 12), 7.5, (2026, 3, 9, 18)),  # Saturday → all of Monday
        ((2026, 3, 6, 18), 0, (2026, 3, 9, 9)),  # zero from Friday close → Monday open
    ],
)
def test_add_working_in_shanghai(start: tuple[int, ...], hours: float, expected: tuple[int, ...]) -> None:
    result = SPRING_FESTIVAL.add_working(at(SH, *start), timedelta(hours=hours))
    assert result == at(SH, *expected)
    assert result.tzinfo is UTC


def test_spring_festival_with_make_up_days() -> None:
    cal = SPRING_FESTIVAL
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday, make-up (Monday's periods)
    assert not cal.is_working_day(date(2026, 2, 16))  # Monday, holiday
    assert cal.periods_on(date(2026, 2, 28)) == cal.periods_on(date(2026, 2, 27))  # "as": fri
    assert cal.add_working(at(SH, 2026, 2, 13, 17), timedelta(hours=2)) == at(SH, 2026, 2, 14, 10)
    assert cal.add_working(at(SH, 2026, 2, 14, 17), timedelta(hours=2)) == at(SH, 2026, 2, 24, 10)
    assert cal.next_working_start(at(SH, 2026, 2, 15, 8)) == at(SH, 2026, 2, 24, 9)
    span = cal.working_minutes_between(at(SH, 2026, 2, 13, 9), at(SH, 2026, 3, 2, 9))
    assert span == 7 * 450  # 13th, 14th (make-up), 24th-27th, 28th (make-up)
    assert span == reference_minutes(cal, at(SH, 2026, 2, 13, 9), at(SH, 2026, 3, 2, 9))


def test_override_gives_a_half_day() -> None:
    new_years_eve = SPRING_FESTIVAL.add_working(at(SH, 2026, 12, 31, 11), timedelta(hours=2))
    assert new_years_eve == at(SH, 2027, 1, 1, 10)  # 1 h on the 31st (morning only), then Friday


def test_add_working_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        SPRING_FESTIVAL.add_working(at(SH, 2026, 3, 2), timedelta(minutes=-1))
    with pytest.raises(ValueError, match="aware"):
        SPRING_FESTIVAL.add_working(datetime(2026, 3, 2, 9), timedelta(hours=1))


def test_zero_length_periods_are_ignored_and_no_working_time_is_an_error() -> None:
    cal = calendar("UTC", {"mon": ["09:00-09:00", "10:00-11:00", "11:00-11:00"], "tue": ["08:00-08:00"]})
    assert cal.periods_on(date(2026, 3, 2)) == (Period(600, 660),)
    assert not cal.is_working_day(date(2026, 3, 3))
    assert cal.add_working(at(UTC, 2026, 3, 2, 11), timedelta(minutes=30)) == at(UTC, 2026, 3, 9, 10, 30)
    idle = calendar("UTC", {"mon": ["09:00-09:00"]}, overrides={"2026-03-07": ["09:00-10:00"]})
    assert idle.working_minutes_between(at(UTC, 2026, 1, 1), at(UTC, 2027, 1, 1)) == 60
    assert idle.add_working(at(UTC, 2026, 1, 1), timedelta(hours=1)) == at(UTC, 2026, 3, 7, 10)
    with pytest.raises(CalendarError, match="no working time after"):
        idle.add_working(at(UTC, 2026, 1, 1), timedelta(hours=2))
    with pytest.raises(CalendarError, match="no working day after"):
        idle.add_working_days(at(UTC, 2026, 1, 1), 2)


def test_boundaries_of_working_time() -> None:
    cal = SPRING_FESTIVAL
    assert cal.is_working_time(at(SH, 2026, 3, 2, 9))
    assert cal.is_working_time(at(SH, 2026, 3, 2, 11, 59, 59))
    assert not cal.is_working_time(at(SH, 2026, 3, 2, 12))
    assert not cal.is_working_time(at(SH, 2026, 3, 2, 8, 59))
    assert cal.is_working_time(at(UTC, 2026, 3, 2, 1))  # 09:00 in Shanghai
    assert cal.next_working_start(at(SH, 2026, 3, 2, 10)) == at(SH, 2026, 3, 2, 10)
    assert cal.next_working_start(at(SH, 2026, 3, 2, 12)) == at(SH, 2026, 3, 2, 13, 30)


# -- DST --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 3),  # 02:00 → 03:00
        ("Europe/Berlin", date(2026, 10, 25), 5),  # 03:00 → 02:00
        ("America/New_York", date(2026, 3, 8), 3),
        ("America/New_York", date(2026, 11, 1), 5),
        ("Asia/Shanghai", date(2026, 3, 29), 4),
    ],
)
def test_dst_days_have_their_real_length(tz: str, day: date, hours: int) -> None:
    """A wall-clock period 01:00-05:00 across a DST switch is 3 h (spring) or 5 h (autumn) long."""
    cal = calendar(tz, {"sun": ["01:00-05:00"], "mon": ["00:00-24:00"]})
    zone = ZoneInfo(tz)
    midnight, next_midnight = (
        at(zone, day.year, day.month, day.day),
        at(zone, day.year, day.month, day.day + 1),
    )
    assert cal.working_minutes_between(midnight, next_midnight) == hours * 60
    assert reference_minutes(cal, midnight, next_midnight) == hours * 60
    assert cal.add_working(midnight, timedelta(hours=hours)) == at(zone, day.year, day.month, day.day, 5)
    monday = next_midnight
    assert cal.add_working(monday, timedelta(hours=24)) == monday + timedelta(days=1)


def test_add_working_across_the_spring_switch_in_berlin() -> None:
    cal = calendar("Europe/Berlin", WORKWEEK)
    result = cal.add_working(at(BERLIN, 2026, 3, 27, 17), timedelta(hours=2))
    assert result == at(BERLIN, 2026, 3, 30, 10)
    assert result == at(UTC, 2026, 3, 30, 8)  # CEST is UTC+2
    assert cal.add_working_days(at(BERLIN, 2026, 3, 27, 15), 1) == at(UTC, 2026, 3, 30, 13)


def test_periods_inside_a_dst_gap_do_not_double_count() -> None:
    """02:00-02:30 does not exist on 2026-03-29 in Berlin; its neighbours must not overlap."""
    cal = calendar("Europe/Berlin", {"sun": ["01:00-02:30", "02:30-04:00"]})
    a, b = at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 3, 30)
    assert cal.working_minutes_between(a, b) == reference_minutes(cal, a, b) == 120


# -- days ---------------------------------------------------------------------------------------


def test_working_days() -> None:
    cal = SPRING_FESTIVAL
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert cal.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Fri → Mon
    assert cal.add_working_days(at(SH, 2026, 2, 13, 15), 2) == at(SH, 2026, 2, 24, 15)
    assert cal.add_working_days(at(SH, 2026, 3, 7, 10), 1) == at(SH, 2026, 3, 9, 10)  # Sat → Mon
    assert cal.add_working_days(at(SH, 2026, 3, 9, 10), -1) == at(SH, 2026, 3, 6, 10)
    assert cal.add_working_days(at(SH, 2026, 2, 24, 10), -2) == at(SH, 2026, 2, 13, 10)
    assert cal.add_working_days(at(SH, 2026, 3, 9, 10), 0) == at(SH, 2026, 3, 9, 10)


def test_long_spans_skip_whole_weeks() -> None:
    cal = calendar("Asia/Shanghai", WORKWEEK, holidays=["2030-10-01..2030-10-07"])
    start = at(SH, 2026, 3, 2, 9)  # Monday
    weeks = 52 * 10
    end = cal.add_working(start, timedelta(hours=7.5 * 5 * weeks))
    computed = cal._intervals.cache_info().misses  # type: ignore[attr-defined]
    assert computed < 60  # ~3,600 days walked without computing each day's periods
    assert end == at(SH, 2036, 2, 15, 18) + timedelta(days=7)  # one week of holidays pushes it out
    assert cal.working_minutes_between(start, end) == 7.5 * 60 * 5 * weeks
    assert cal.working_days_between(date(2026, 3, 1), end.astimezone(SH).date()) == 5 * weeks
    assert cal.add_working_days(start, 5 * weeks) == at(SH, 2036, 2, 18, 9) + timedelta(days=7)


# -- properties ---------------------------------------------------------------------------------

BERLIN_CAL = calendar(
    "Europe/Berlin",
    {**WORKWEEK, "sat": ["01:30-03:30"], "sun": ["02:00-02:45", "22:00-24:00"]},
    holidays=["2026-04-03..2026-04-06", "2026-12-24..2026-12-26"],
    makeup_days=["2026-10-24"],
)
NY_CAL = calendar("America/New_York", {"mon": ["00:00-24:00"], "sun": ["00:30-03:00"], "fri": ["08:00-17:00"]})
CALENDARS = st.sampled_from([SPRING_FESTIVAL, BERLIN_CAL, NY_CAL])
INSTANTS = st.datetimes(datetime(2025, 12, 1), datetime(2027, 2, 1), timezones=st.just(UTC))


@settings(max_examples=150, deadline=None)
@given(CALENDARS, INSTANTS, st.integers(0, 2_000 * 3600))
def test_adding_then_measuring_gives_back_the_duration(cal: BusinessCalendar, start: datetime, seconds: int) -> None:
    duration = timedelta(seconds=seconds)
    end = cal.add_working(start, duration)
    assert end >= start
    assert cal.working_time_between(start, end) == duration
    assert cal.working_minutes_between(start, end) == seconds / 60
    assert cal.working_minutes_between(end, start) == -seconds / 60
    assert seconds == 0 or not cal.is_working_time(end) or cal.is_working_time(end - timedelta(microseconds=1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CALENDARS, INSTANTS, st.integers(0, 12 * 24 * 60))
def test_measuring_matches_the_minute_reference(cal: BusinessCalendar, start: datetime, minutes: int) -> None:
    start = start.replace(second=0, microsecond=0)
    end = start + timedelta(minutes=minutes)
    assert cal.working_minutes_between(start, end) == reference_minutes(cal, start, end)


@settings(max_examples=100, deadline=None)
@given(CALENDARS, INSTANTS, st.integers(0, 400))
def test_adding_working_days_then_counting_them(cal: BusinessCalendar, start: datetime, days: int) -> None:
    tz = ZoneInfo(cal.timezone)
    end = cal.add_working_days(start, days)
    assert cal.working_days_between(start.astimezone(tz).date(), end.astimezone(tz).date()) == days
    assert days == 0 or cal.is_working_day(end.astimezone(tz).date())


@settings(max_examples=60, deadline=None)
@given(CALENDARS, INSTANTS)
def test_next_working_start_is_the_first_working_instant(cal: BusinessCalendar, t: datetime) -> None:
    start = cal.next_working_start(t)
    assert cal.is_working_time(start)
    assert start == t or cal.working_time_between(t, start) == timedelta(0)
