"""How far a running job has got, for the page that started it to poll from other requests.

A job's work runs in one transaction (all or nothing: a template install), invisible to everyone else
until it commits; its progress is written beside it, in short transactions of its own, into
``job_progress`` (not the ``jobs`` row: the worker holds that row locked while the job runs). On SQLite
the job's transaction holds the database's one write lock, so another transaction could only wait for
it: there the progress is kept in this process instead, which is where ``dajian serve`` runs its worker,
beside the API; a poll that reaches another process sees no figure until the job ends. The last
figures are also kept in this process on PostgreSQL (read first: the freshest, no query).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from dajian.platform.clock import utcnow
from dajian.platform.db import is_sqlite
from dajian.platform.models import job_progress

KEEP = 1000  # jobs whose last figures this process remembers
# A finished job's page reads its figures from the job's result; the row here only matters while it runs (and
# for a job that died, to show how far it got). Rows not written for this long go when a new job starts.
STALE_AFTER = timedelta(days=7)


Step = tuple[str, dict[str, Any]]  # a step's name and what it works on


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` steps; ``step`` is the one under way (``None`` before the first and at the end);
    ``plan`` names the steps, in order, as far as the job knows them."""

    done: int
    total: int
    step: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    plan: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "step": self.step, "params": self.params, "plan": self.plan}


_lock = threading.Lock()
_memory: dict[int, Progress] = {}


def write(engine: Engine, job_id: int, progress: Progress) -> None:
    """Record the job's figures where a poller sees them (see the module's notes)."""
    with _lock:
        _memory.pop(job_id, None)
        _memory[job_id] = progress
        while len(_memory) > KEEP:
            del _memory[next(iter(_memory))]
    if engine.dialect.name == "sqlite":
        return
    values = {"done": progress.done, "total": progress.total, "step": progress.step, "params": progress.params,
              "plan": progress.plan, "updated_at": utcnow()}
    upsert = postgresql.insert(job_progress).values(job_id=job_id, **values)
    with engine.begin() as conn:
        conn.execute(upsert.on_conflict_do_update(index_elements=[job_progress.c.job_id], set_=values))


def forget_stale(engine: Engine) -> int:
    """Delete the figures not written for ``STALE_AFTER`` (their jobs ended long ago); how many went."""
    if engine.dialect.name == "sqlite":
        return 0  # kept in this process only, at most KEEP of them
    with engine.begin() as conn:
        gone = conn.execute(delete(job_progress).where(job_progress.c.updated_at < utcnow() - STALE_AFTER))
    return int(gone.rowcount or 0)


def read(conn: Connection, job_id: int) -> Progress | None:
    with _lock:
        known = _memory.get(job_id)
    if known is not None or is_sqlite(conn):
        return known
    row = conn.execute(select(job_progress).where(job_progress.c.job_id == job_id)).mappings().first()
    if row is None:
        return None
    return Progress(int(row["done"]), int(row["total"]), row["step"], dict(row["params"] or {}),
                    list(row["plan"] or []))


class Tracker:
    """Counts a job's steps as they start: ``step(name, params)`` marks the previous one done and says
    which one is under way; ``finish()`` marks them all done. ``plan(steps)`` names the steps to come (it
    may be given again as the job learns more); a run that takes more steps than planned grows the total
    rather than showing more than 100 %."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        forget_stale(engine)
        self.steps: list[dict[str, Any]] = []
        self.started = 0
        self.last = Progress(0, 1)
        write(engine, job_id, self.last)

    def _total(self) -> int:
        return max(len(self.steps), self.started, 1)

    def _write(self, progress: Progress) -> None:
        self.last = progress
        write(self.engine, self.job_id, progress)

    def plan(self, steps: list[Step]) -> None:
        self.steps = [{"step": name, "params": params} for name, params in steps]
        self._write(Progress(self.last.done, self._total(), self.last.step, self.last.params, self.steps))

    def step(self, name: str, params: dict[str, Any]) -> None:
        self.started += 1
        self._write(Progress(self.started - 1, self._total(), name, params, self.steps))

    def finish(self) -> Progress:
        total = self._total()
        self._write(Progress(total, total, plan=self.steps))
        return self.last
