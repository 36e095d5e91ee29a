"""The platform clock: a clock set for one context (the demo generator replaying history inside a server
process) is "now" there only; the thread beside it, serving requests, keeps the real time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from dajian.platform.clock import ManualClock, clock_in_context, utcnow

PAST = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_a_context_clock_is_now_for_its_own_thread_only() -> None:
    inside, done = threading.Event(), threading.Event()
    seen_beside: list[datetime] = []
    seen_inside: list[datetime] = []

    def replay() -> None:
        with clock_in_context(ManualClock(PAST)):
            seen_inside.append(utcnow())
            inside.set()
            done.wait(5)
        seen_inside.append(utcnow())  # the real time again once the context ends

    worker = threading.Thread(target=replay)
    worker.start()
    assert inside.wait(5)
    seen_beside.append(utcnow())  # while the other thread replays March
    done.set()
    worker.join(5)
    assert seen_inside[0] == PAST and seen_inside[1] > PAST + timedelta(days=30)
    assert seen_beside[0] > PAST + timedelta(days=30)
    assert abs(seen_beside[0] - datetime.now(UTC)) < timedelta(minutes=1)
