"""The durable job queue: timers, SLA checks, notifications, webhooks and retries (DESIGN §5).

A job is a row in ``jobs``. ``available_at`` is the due time of a pending job and
the lease expiry of a running one, so "due" and "lease expired" are one range scan
on the partial index ``ix_jobs_claimable``. Life cycle::

    pending --claim--> running --complete--> done
       ^                  |--fail (attempts left)--> pending (backoff)
       |                  |--fail (last attempt) / lease lost on last attempt--> dead
       +----requeue_dead--+                      cancel: pending|running --> cancelled

Workers claim with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or under ``BEGIN
IMMEDIATE`` (SQLite), so two workers never hold the same job. A crashed worker's
job is claimed again once its lease expires. Every write that finishes a job checks
``locked_by`` so a worker whose lease was taken over cannot overwrite the new owner.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, bindparam, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from dajian.platform.clock import utcnow
from dajian.platform.config import Settings, get_settings
from dajian.platform.db import insert_rows, is_sqlite
from dajian.platform.models import jobs

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=6)
MAX_ERROR_CHARS = 8000
# Written as a literal in the same form as the index predicate: with bound
# parameters a prepared (generic) PostgreSQL plan could not prove that the
# partial index ``ix_jobs_claimable`` applies.
CLAIMABLE = text("jobs.status IN ('pending', 'running')")

Handler = Callable[[Connection, Any, "Job"], Any]
_handlers: dict[str, Handler] = {}


class LeaseLost(RuntimeError):
    """The job is no longer held by this worker (lease taken over, cancelled or finished)."""

    def __init__(self, job_id: int, worker_id: str) -> None:
        super().__init__(f"job {job_id} is not held by worker {worker_id!r}")
        self.job_id, self.worker_id = job_id, worker_id


@dataclass(frozen=True)
class Job:
    """One row of ``jobs``; what a handler receives and what admin listings show."""

    id: int
    kind: str
    payload: Any
    org_id: int | None
    status: str
    due_at: datetime
    available_at: datetime
    attempts: int
    max_attempts: int
    locked_by: str | None
    locked_until: datetime | None
    idempotency_key: str | None
    last_error: str | None
    result: Any
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Job:
        return cls(**row._mapping)


ClaimedJob = Job


# -- producing ----------------------------------------------------------------------------

Muted = Callable[[str, datetime], bool]
_muted: ContextVar[Muted | None] = ContextVar("dajian_muted_jobs", default=None)


@contextmanager
def muted(drop: Muted) -> Iterator[None]:
    """Jobs for which ``drop(kind, due_at)`` holds are not enqueued in this context: the demo's
    invented history sends no messages and runs no time rules already past."""
    token = _muted.set(drop)
    try:
        yield
    finally:
        _muted.reset(token)


def _dropped(kind: str, due_at: datetime) -> bool:
    drop = _muted.get()
    return drop is not None and drop(kind, due_at)


def enqueue(
    conn: Connection,
    kind: str,
    payload: Any,
    *,
    due_at: datetime | None = None,
    org_id: int | None = None,
    idempotency_key: str | None = None,
    max_attempts: int = 5,
) -> int | None:
    """Add a job in the caller's transaction, so it commits (or not) with the change that caused it.

    With an ``idempotency_key`` that is already taken nothing is inserted and the existing
    job's id is returned (``None`` only if that row vanished meanwhile). A key stays taken
    until its row is deleted, whatever the job's status.
    """
    now = utcnow()
    due = due_at or now
    if _dropped(kind, due):
        return None
    values = dict(
        kind=kind, payload=payload, org_id=org_id, idempotency_key=idempotency_key, status="pending",
        due_at=due, available_at=due, attempts=0, max_attempts=max_attempts, created_at=now,
    )  # fmt: skip
    insert = (sqlite if is_sqlite(conn) else postgresql).insert(jobs).values(**values)
    if idempotency_key is not None:
        insert = insert.on_conflict_do_nothing(index_elements=[jobs.c.idempotency_key])
    job_id = conn.execute(insert.returning(jobs.c.id)).scalar()
    if job_id is None:
        job_id = conn.execute(select(jobs.c.id).where(jobs.c.idempotency_key == idempotency_key)).scalar()
    return job_id


@dataclass(frozen=True)
class NewJob:
    """A job for ``enqueue_many``: ``enqueue``'s arguments."""

    kind: str
    payload: Any
    due_at: datetime | None = None
    idempotency_key: str | None = None
    max_attempts: int = 5


def enqueue_many(conn: Connection, new: Sequence[NewJob], *, org_id: int | None) -> None:
    """``enqueue`` for several jobs in one statement (their ids are not returned); a job whose
    ``idempotency_key`` is already taken is left out."""
    now = utcnow()
    rows = [dict(kind=j.kind, payload=j.payload, org_id=org_id, idempotency_key=j.idempotency_key,
                 status="pending", due_at=j.due_at or now, available_at=j.due_at or now, attempts=0,
                 max_attempts=j.max_attempts, created_at=now) for j in new
            if not _dropped(j.kind, j.due_at or now)]  # fmt: skip
    # one multi-row INSERT built once per row count (a VALUES list built per call is compiled per call,
    # and psycopg's executemany pipeline costs more Python time than the statement)
    insert_rows(conn, jobs, rows, skip_conflicts_on="idempotency_key")


def _target(job_id: int | None, idempotency_key: str | None) -> ColumnElement[bool]:
    if (job_id is None) == (idempotency_key is None):
        raise TypeError("pass exactly one of job_id and idempotency_key")
    return jobs.c.id == job_id if job_id is not None else jobs.c.idempotency_key == idempotency_key


def cancel(conn: Connection, *, job_id: int | None = None, idempotency_key: str | None = None) -> bool:
    """Cancel a pending or running job (a running one's result will be refused); True if it was."""
    stmt = (
        update(jobs)
        .where(_target(job_id, idempotency_key), CLAIMABLE)
        .values(status="cancelled", finished_at=utcnow(), locked_by=None, locked_until=None)
    )
    return conn.execute(stmt).rowcount > 0


def cancel_prefixed(conn: Connection, key_prefix: str) -> int:
    """Cancel the pending or running jobs whose idempotency key starts with ``key_prefix``."""
    stmt = (
        update(jobs)
        .where(jobs.c.idempotency_key.startswith(key_prefix, autoescape=True), CLAIMABLE)
        .values(status="cancelled", finished_at=utcnow(), locked_by=None, locked_until=None)
    )
    return int(conn.execute(stmt).rowcount)


def reschedule(
    conn: Connection, *, due_at: datetime, job_id: int | None = None, idempotency_key: str | None = None
) -> bool:
    """Move a pending job's due time (e.g. an SLA timer after a pause); True if it was pending."""
    stmt = (
        update(jobs)
        .where(_target(job_id, idempotency_key), jobs.c.status == "pending")
        .values(due_at=due_at, available_at=due_at)
    )
    return conn.execute(stmt).rowcount > 0


def requeue_dead(conn: Connection, job_id: int) -> bool:
    """An admin's manual retry of a dead job: pending now, with a fresh set of attempts."""
    stmt = (
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.status == "dead")
        .values(status="pending", attempts=0, available_at=utcnow(), finished_at=None)
    )
    return conn.execute(stmt).rowcount > 0


def list_dead(conn: Connection, org_id: int | None = None, *, kind: str | None = None, limit: int = 100) -> list[Job]:
    """Dead-lettered jobs, most recently failed first, for the admin screen."""
    query = select(jobs).where(jobs.c.status == "dead")
    query = query.where(jobs.c.org_id == org_id) if org_id is not None else query
    query = query.where(jobs.c.kind == kind) if kind is not None else query
    rows = conn.execute(query.order_by(jobs.c.finished_at.desc(), jobs.c.id.desc()).limit(limit))
    return [Job.from_row(row) for row in rows]


def get_job(conn: Connection, job_id: int) -> Job | None:
    row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return Job.from_row(row) if row else None


# -- claiming -----------------------------------------------------------------------------


def claimable_query(now: datetime, *, limit: int, kinds: Sequence[str] | None = None) -> Select[tuple[int]]:
    """Ids of due jobs (pending and due, or running with an expired lease), oldest first.

    A range scan of ``ix_jobs_claimable`` up to ``now``: its cost does not grow with
    jobs that are pending but not yet due.
    """
    query = select(jobs.c.id).where(CLAIMABLE, jobs.c.available_at <= now)
    query = query.where(jobs.c.kind.in_(kinds)) if kinds is not None else query
    return query.order_by(jobs.c.available_at).limit(limit)


def claim(
    engine: Engine,
    *,
    worker_id: str,
    limit: int = 100,
    lease: timedelta = timedelta(seconds=60),
    now: datetime | None = None,
    kinds: Sequence[str] | None = None,
) -> list[Job]:
    """Take up to ``limit`` due jobs for ``worker_id`` until ``now + lease`` (one transaction).

    Two statements: lock the due rows (``SKIP LOCKED`` passes over rows another claimer
    holds), then update them by primary key. A single ``UPDATE ... WHERE id IN (SELECT
    ...)`` lets the planner pick a hash semi-join that scans the whole table.
    Each claim counts an attempt. A job whose lease expired on its last attempt (its worker
    died on it every time) is dead-lettered instead of being handed out again.
    """
    now = now or utcnow()
    until = now + lease
    due = claimable_query(now, limit=limit, kinds=kinds).with_for_update(skip_locked=True)
    with _transaction(engine) as conn:
        _prefer_ordered_index(conn)
        ids = list(conn.execute(due).scalars())
        if not ids:
            return []
        stmt = (
            update(jobs)
            .where(jobs.c.id.in_(ids))
            .values(status="running", attempts=jobs.c.attempts + 1, locked_by=worker_id,
                    locked_until=until, available_at=until)
            .returning(*jobs.c)
        )  # fmt: skip
        claimed = [Job.from_row(row) for row in conn.execute(stmt)]
        exhausted = [job.id for job in claimed if job.attempts > job.max_attempts]
        if exhausted:
            _dead_letter(conn, exhausted, now)
    return sorted((j for j in claimed if j.id not in exhausted), key=lambda j: (j.due_at, j.id))


def _prefer_ordered_index(conn: Connection) -> None:
    """Keep PostgreSQL on the ordered scan of ``ix_jobs_claimable`` that stops after ``limit`` rows.

    The due set moves with the clock, so statistics always lag: with too few rows estimated
    due, the planner picks a bitmap scan that reads and sorts *every* due row, which turns a
    backlog of n due jobs into O(n) work per claim.
    """
    if not is_sqlite(conn):
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))


def explain_claim(engine: Engine, *, kinds: Sequence[str] | None = None, analyze: bool = False) -> str:
    """PostgreSQL's plan for the claim's locking query under the claim's settings (for ops);
    run in a transaction that is rolled back, so ``analyze`` leaves no rows locked."""
    query = claimable_query(utcnow(), limit=100, kinds=kinds).with_for_update(skip_locked=True)
    with engine.connect() as conn, conn.begin() as tx:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        _prefer_ordered_index(conn)
        options = "ANALYZE, BUFFERS" if analyze else "COSTS"
        plan = "\n".join(conn.execute(text(f"EXPLAIN ({options}) {sql}")).scalars())
        tx.rollback()
    return plan


def _dead_letter(conn: Connection, ids: list[int], now: datetime) -> None:
    log.warning("jobs %s: lease expired on the last attempt; dead-lettered", ids)
    conn.execute(
        update(jobs)
        .where(jobs.c.id.in_(ids))
        .values(status="dead", attempts=jobs.c.max_attempts, finished_at=now, locked_by=None,
                locked_until=None, last_error="lease expired on the last attempt (worker lost)")
    )  # fmt: skip


# -- finishing ----------------------------------------------------------------------------


def _held(job_id: int, worker_id: str) -> ColumnElement[bool]:
    return and_(jobs.c.id == job_id, jobs.c.status == "running", jobs.c.locked_by == worker_id)


def hold(conn: Connection, job_ids: Sequence[int], *, worker_id: str) -> set[int]:
    """Lock, for the rest of the transaction, those of ``job_ids`` that ``worker_id`` still holds.

    On PostgreSQL the row locks keep other claimers off the jobs while their handlers run,
    even past the lease; a crashed worker's connection drops them.
    """
    query = select(jobs.c.id).where(jobs.c.id.in_(job_ids), jobs.c.status == "running", jobs.c.locked_by == worker_id)
    return set(conn.execute(query.with_for_update()).scalars())


def complete(bind: Engine | Connection, job_id: int, *, worker_id: str, result: Any = None) -> None:
    """Mark the job done; raises ``LeaseLost`` (and so rolls back the caller) if another owns it."""
    stmt = (
        update(jobs)
        .where(_held(job_id, worker_id))
        .values(status="done", result=result, finished_at=utcnow(), locked_until=None)
    )
    with _transaction(bind) as conn:
        if conn.execute(stmt).rowcount == 0:
            raise LeaseLost(job_id, worker_id)


def _complete_many(conn: Connection, done: list[tuple[int, Any]], *, worker_id: str) -> None:
    """``complete`` for many held jobs in one executemany (the worker's hot path)."""
    if done:
        stmt = (
            update(jobs)
            .where(jobs.c.id == bindparam("job_id"), jobs.c.locked_by == worker_id)
            .values(status="done", result=bindparam("job_result", type_=jobs.c.result.type),
                    finished_at=utcnow(), locked_until=None)
        )  # fmt: skip
        conn.execute(stmt, [{"job_id": job_id, "job_result": result} for job_id, result in done])


def fail(
    bind: Engine | Connection, job_id: int, *, worker_id: str, error: str, retry_in: timedelta | None = None
) -> str:
    """Record a failed attempt: back to ``pending`` after a backoff (or ``retry_in``, e.g. a
    webhook's Retry-After), or ``dead`` after ``max_attempts``. Returns the new status."""
    now = utcnow()
    with _transaction(bind) as conn:
        row = conn.execute(
            select(jobs.c.attempts, jobs.c.max_attempts).where(_held(job_id, worker_id)).with_for_update()
        ).first()
        if row is None:
            raise LeaseLost(job_id, worker_id)
        values: dict[str, Any] = {"status": "dead", "finished_at": now}
        if row.attempts < row.max_attempts:
            values = {"status": "pending", "available_at": now + (retry_in or backoff(row.attempts))}
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(last_error=error[-MAX_ERROR_CHARS:], locked_by=None, locked_until=None, **values)
        )
    return str(values["status"])


def backoff(attempts: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """Delay before retry number ``attempts + 1``: base·2^(attempts-1), capped, minus up to 10 %
    jitter so jobs that failed together (a webhook target down) do not retry in lockstep."""
    delay = min(cap, base * (1 << max(0, min(attempts - 1, 30))))
    return delay * (1 - 0.1 * random.random())


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    """The caller's transaction for a Connection; a new one for an Engine (``BEGIN IMMEDIATE``
    on SQLite, so the write lock is taken up front instead of failing on upgrade)."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        if is_sqlite(conn):
            conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


# -- handlers and workers -----------------------------------------------------------------


def register_job_handler(kind: str, fn: Handler, *, replace: bool = False) -> None:
    """Run ``fn(conn, payload, job)`` for jobs of ``kind``; its return value is stored as the
    result (JSON). ``conn`` is the transaction that also marks the job done."""
    if kind in _handlers and not replace:
        raise ValueError(f"a handler for job kind {kind!r} is already registered")
    _handlers[kind] = fn


# The server's settings (the file store, the public address) as the worker running the handler was given them:
# a handler runs outside any request, and the settings a test or an embedding gives its server and worker need
# not be the environment's. Set around each handler by ``Worker``; read with ``job_settings()``.
_worker_settings: ContextVar[Settings | None] = ContextVar("dajian_worker_settings", default=None)


def job_settings() -> Settings:
    """The settings of the worker running this job (the environment's outside a worker, or for a worker given none)."""
    return _worker_settings.get() or get_settings()


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims due jobs and runs their handlers: the embedded server runs one in a thread,
    production runs ``dajian worker`` processes. ``kinds`` limits it to some job kinds
    (default: every kind with a registered handler at claim time)."""

    def __init__(
        self,
        engine: Engine,
        *,
        worker_id: str | None = None,
        poll_interval: float = 1.0,
        batch: int = 100,
        lease: timedelta = timedelta(seconds=60),
        kinds: Sequence[str] | None = None,
        commit_every: float = 0.5,
        settings: Settings | None = None,
    ) -> None:
        self.engine, self.worker_id = engine, worker_id or default_worker_id()
        self.settings = settings
        self.commit_every = commit_every
        self.poll_interval, self.batch, self.lease = poll_interval, batch, lease
        self.kinds = list(kinds) if kinds is not None else None
        self.stop_event = threading.Event()

    def run_once(self) -> int:
        """Claim one batch of due jobs and run them; returns how many were claimed."""
        kinds = self.kinds if self.kinds is not None else registered_kinds()
        if not kinds:
            return 0
        claimed = claim(self.engine, worker_id=self.worker_id, limit=self.batch, lease=self.lease, kinds=kinds)
        self.run_jobs(claimed)
        return len(claimed)

    def run_jobs(self, claimed: Sequence[Job]) -> int:
        """Run jobs this worker claimed; returns how many it still held and so ran.

        Jobs share a transaction (one commit per ``commit_every`` seconds instead of one
        per job) and each runs in a savepoint, so a job's writes and its completion still
        commit together or not at all.
        """
        remaining, ran = list(claimed), 0
        while remaining:
            with _transaction(self.engine) as conn:
                held = hold(conn, [job.id for job in remaining], worker_id=self.worker_id)
                deadline, done = time.monotonic() + self.commit_every, []
                while remaining and time.monotonic() <= deadline:
                    job = remaining.pop(0)
                    if job.id in held:
                        done += self._execute(conn, job)
                        ran += 1
                _complete_many(conn, done, worker_id=self.worker_id)
        return ran

    def _execute(self, conn: Connection, job: Job) -> list[tuple[int, Any]]:
        """Run the handler in a savepoint: ``[(id, result)]`` to mark done with this transaction,
        or ``[]`` after an exception rolled its writes back and recorded the failure."""
        try:
            with conn.begin_nested():
                handler = _handlers.get(job.kind)
                if handler is None:
                    raise LookupError(f"no handler registered for job kind {job.kind!r}")
                token = _worker_settings.set(self.settings)
                try:
                    return [(job.id, handler(conn, job.payload, job))]
                finally:
                    _worker_settings.reset(token)
        except Exception:
            log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts)
            fail(conn, job.id, worker_id=self.worker_id, error=traceback.format_exc())
            return []

    def run_forever(self, stop_event: threading.Event | None = None) -> None:
        """Run batches until ``stop_event`` is set, sleeping ``poll_interval`` when idle. Database
        errors are logged and retried, so a restarting database does not kill the worker."""
        stop = stop_event or self.stop_event
        while not stop.is_set():
            try:
                busy = self.run_once() >= self.batch
            except Exception:
                log.exception("worker %s: claiming failed", self.worker_id)
                busy = False
            if not busy:
                stop.wait(self.poll_interval)

    def run_in_thread(self) -> threading.Thread:
        """Start ``run_forever`` in a daemon thread (the embedded server's worker); ``stop()`` ends it."""
        thread = threading.Thread(target=self.run_forever, name=f"dajian-worker-{self.worker_id}", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stop_event.set()


def count_due(conn: Connection, *, now: datetime | None = None) -> int:
    """How many jobs are due now (monitoring: a growing number means workers fall behind)."""
    query = select(func.count()).select_from(jobs).where(CLAIMABLE, jobs.c.available_at <= (now or utcnow()))
    return int(conn.execute(query).scalar_one())
