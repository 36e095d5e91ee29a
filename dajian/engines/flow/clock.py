"""The flow's SLA clock (the resolution time of the whole instance) and its pauses.

The state keeps a ``Clock``: the warning and due times and the pauses (``until`` None while paused).
After every step the clock is paused while the flow waits only in the SLA's ``pause_in``
nodes or while ``pause_when`` holds for the record, and runs otherwise. Resuming moves the
warning and due times that were still ahead by the paused working time::

    paused 09:00-12:00 on a 09-12/13-18 calendar, due 18:00 -> due the next day at 12:00

Measured working minutes exclude paused working time (``paused_minutes``). The platform
writes each pause and resume to the instance's event log, so the same intervals can be
read back from there and give the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from .calendar import BusinessCalendar
from .effects import InstanceSla, SlaPaused, SlaResumed
from .state import Clock, Pause, RunState

if TYPE_CHECKING:
    from .run import Run

Interval = tuple[datetime, datetime | None]


def start_clock(run: Run) -> None:
    """Set the flow's warning and due times at the start (no SLA, or no target: no clock)."""
    sla = run.plan.sla
    times = sla.times(run.now, run.record, run.plan.calendar) if sla else None
    if times:
        warn, due = times
        run.state.due_at = due
        run.state.sla = Clock(warn=warn, due=due)
        run.emit(InstanceSla(due_at=due, warn_at=warn))


def update_clock(run: Run) -> None:
    """Pause or resume the clock to match the instance after a step."""
    sla, clock = run.plan.sla, run.state.sla
    if sla is None or clock is None or not sla.pausable:
        return
    paused_now = clock.paused
    should = run.state.running and _should_pause(run)
    if should and not paused_now:
        clock.pauses.append(Pause(since=run.now))
        run.emit(SlaPaused(at=run.now, generation=len(clock.pauses) - 1))
    elif paused_now and not should:
        close_pause(run, move=run.state.running)


def _should_pause(run: Run) -> bool:
    sla = run.plan.sla
    assert sla is not None
    tokens = set(run.state.tokens.values())
    if tokens and tokens <= sla.pause_in:
        return True
    return sla.pause_when is not None and bool(sla.pause_when(run.record, run.context()))


def close_pause(run: Run, *, move: bool) -> None:
    """End an open pause now; with ``move`` push the warning and due times still ahead."""
    clock = run.state.sla
    if clock is None or not clock.paused:
        return
    calendar, now = run.plan.calendar, run.now
    pause = clock.pauses[-1]
    since = pause.since
    pause.until = now
    moved_warn = moved_due = None
    if move and clock.warn > since:  # not yet passed when the clock stopped
        moved_warn = clock.warn = calendar.add_working(now, calendar.working_time_between(since, clock.warn))
    if move and clock.due > since:
        moved_due = clock.due = calendar.add_working(now, calendar.working_time_between(since, clock.due))
    run.state.due_at = clock.due
    run.emit(SlaResumed(at=now, since=since, paused_minutes=round(calendar.working_minutes_between(since, now), 2),
                        generation=len(clock.pauses), due_at=moved_due, warn_at=moved_warn))


def pauses_of(state: RunState) -> list[Interval]:
    """The pause intervals kept in an instance state (``until`` None while paused)."""
    return [(p.since, p.until) for p in state.sla.pauses] if state.sla else []


def paused_minutes(calendar: BusinessCalendar, pauses: Iterable[Interval], until: datetime) -> float:
    """Working minutes inside the pauses, an open one counted up to ``until``."""
    return sum(calendar.working_minutes_between(a, min(b or until, until)) for a, b in pauses if a < until)


def resolution_minutes(calendar: BusinessCalendar, started: datetime, ended: datetime,
                       pauses: Iterable[Interval]) -> float:
    """Working minutes from ``started`` to ``ended`` with the clock's pauses left out."""
    return round(calendar.working_minutes_between(started, ended) - paused_minutes(calendar, pauses, ended), 2)
