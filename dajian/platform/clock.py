"""The platform's one source of "now", replaceable in tests (a controllable clock).

Everything that stamps or compares times (records, audit, sessions, jobs, SLA)
calls ``utcnow()``; tests install a ``ManualClock`` and move it forward.
"""

from __future__ import annotations

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


def utcnow() -> datetime:
    return _clock.now()


def set_clock(clock: Clock) -> Clock:
    """Install ``clock`` and return the previous one (so tests can restore it)."""
    global _clock
    previous, _clock = _clock, clock
    return previous
