"""When timed rules run: relative to a date field (calendar or working time) and cron schedules.

``due_at(TimeTrigger(field="resolved_at", offset=Offset(hours=24)), resolved, timezone="Asia/Shanghai")``
is ``resolved + 24 h``; ``Offset(days=-2, working=True)`` is two working days before the value (same
local time of day) by the app calendar; a date value means local midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from dajian.engines.flow.calendar import BusinessCalendar

from .model import TimeTrigger

OFFICE_HOURS = {"week": {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}


def default_calendar(timezone: str) -> BusinessCalendar:
    return BusinessCalendar.from_definition({"timezone": timezone, **OFFICE_HOURS})


def instant(value: date | datetime, timezone: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), ZoneInfo(timezone)).astimezone(UTC)


def due_at(trigger: TimeTrigger, value: date | datetime, *, timezone: str,
           calendar: BusinessCalendar | None = None) -> datetime:
    start = instant(value, timezone)
    offset = trigger.offset
    if not offset.working:
        return start + timedelta(days=offset.days, hours=offset.hours, minutes=offset.minutes)
    cal = calendar or default_calendar(timezone)
    if offset.days:
        return cal.add_working_days(start, offset.days)
    return cal.add_working(start, timedelta(hours=offset.hours))


def next_cron(expression: str, after: datetime, *, timezone: str) -> datetime:
    """The first time strictly after ``after`` matching ``expression`` in the app's time zone, in UTC."""
    local = after.astimezone(ZoneInfo(timezone))
    found: datetime = croniter(expression, local).get_next(datetime)
    return found.astimezone(UTC)
