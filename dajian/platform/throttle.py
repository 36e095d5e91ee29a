"""Counting attempts in the database without races: count and record under a lock.

Throttles (logins, public submissions, status lookups) count rows of recent attempts, so every API
process sees the same count. Counting and inserting must be one step, or 40 concurrent attempts all
see the count below the limit before any of them is recorded. ``serialise`` makes them one step:
PostgreSQL takes a transaction-level advisory lock per key; SQLite needs nothing more than the
caller's ``BEGIN IMMEDIATE`` (``counting``), which lets one writer in at a time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select, text

from dajian.platform.db import is_sqlite

LOCK_NAMESPACE = 0x4C4F47  # first argument of pg_advisory_xact_lock(int, int) for every throttle key


def serialise(conn: Connection, *keys: str) -> None:
    """Until the transaction ends, no other transaction passes ``serialise`` with one of these keys.

    Callers name keys in the same order (e.g. account before client), so two never wait in a cycle.
    """
    if is_sqlite(conn):
        return
    for key in keys:
        conn.execute(select(func.pg_advisory_xact_lock(LOCK_NAMESPACE, func.hashtext(key))))


@contextmanager
def counting(engine: Engine) -> Iterator[Connection]:
    """A short transaction of its own (``BEGIN IMMEDIATE`` on SQLite) that commits on success.

    On PostgreSQL its commit does not wait for the disk: the lock of ``serialise`` is held until the
    commit, and every attempt of one address (many visitors behind one NAT) queues behind it. A crash
    can forget the last attempts counted, which lets as many more through: a throttle, not a record.
    """
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        if not is_sqlite(conn):
            conn.execute(text("SET LOCAL synchronous_commit TO off"))
        yield conn


def retry_after(nth_latest: datetime | None, *, window: timedelta, now: datetime) -> int:
    """Seconds until the N-th most recent attempt leaves the window (0: not over the limit)."""
    if nth_latest is None:
        return 0
    return max(1, math.ceil((nth_latest + window - now).total_seconds()))


def nth_latest(times: Select[Any], limit: int) -> Select[Any]:
    """The query for the ``limit``-th most recent of ``times`` (sorted newest first)."""
    return times.offset(limit - 1).limit(1)
