"""How far a running Excel import has got, for the person who started it to poll.

The import runs inside one request and one transaction (all or nothing), so its progress cannot be
written to the database where another request would see it; it is kept in this process instead, by
(organisation, user, import id), and read by ``GET …/import/{import_id}/progress``. A finished run is
kept ``KEEP`` seconds. Behind a load balancer with several API processes a poll may reach another
process, which answers ``unknown``: the page then shows a running import without a figure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

KEEP = 600.0
Key = tuple[int, int, int]


@dataclass(frozen=True)
class Snapshot:
    state: str  # "running" or "finished"
    done: int
    total: int | None
    at: float


_lock = threading.Lock()
_runs: dict[Key, Snapshot] = {}


def _put(key: Key, snapshot: Snapshot) -> None:
    with _lock:
        _runs[key] = snapshot
        stale = [k for k, s in _runs.items() if s.state == "finished" and snapshot.at - s.at > KEEP]
        for k in stale:
            del _runs[k]


def start(key: Key) -> Callable[[int, int], None]:
    """Note a run and return the importer's callback ``(rows done, rows known so far)``."""
    _put(key, Snapshot("running", 0, None, time.monotonic()))

    def progress(done: int, total: int) -> None:
        _put(key, Snapshot("running", done, total, time.monotonic()))

    return progress


def finish(key: Key) -> None:
    last = read(key)
    done = last.done if last is not None else 0
    _put(key, Snapshot("finished", done, last.total if last is not None else None, time.monotonic()))


def read(key: Key) -> Snapshot | None:
    with _lock:
        return _runs.get(key)
