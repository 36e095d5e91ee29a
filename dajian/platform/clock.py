"""The platform's one source of "now", replaceable in tests (a controllable clock).

Everything that stamps or compares times (records, audit, sessions, jobs, SLA)
calls ``utcnow()``; tests install a ``ManualClock`` and move it forward.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


_clock: Clock = SystemClock()
# A clock for one thread or task only: the demo generator replays invented history inside a server process
# (a template install's demo data) while requests go on beside it, which must keep the real time.
_local_clock: ContextVar[Clock | None] = ContextVar("dajian_local_clock", default=None)


def utcnow() -> datetime:
    local = _local_clock.get()
    return (local or _clock).now()


@contextmanager
def clock_in_context(clock: Clock) -> Iterator[None]:
    """``clock`` is "now" for the code this context runs (this thread or task), not for anyone else."""
    token = _local_clock.set(clock)
    try:
        yield
    finally:
        _local_clock.reset(token)


def set_clock(clock: Clock) -> Clock:
    """Install ``clock`` and return the previous one (so tests can restore it)."""
    global _clock
    previous, _clock = _clock, clock
    return previous
