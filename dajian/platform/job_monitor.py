"""What an administrator sees of the job queue (DESIGN §5): each job's state, counts by state, and the
manual retry of a failed or dead-lettered job, audited.

A job's *state* is read from its row at a moment ``now``; the states are disjoint::

    due        pending and available now (a worker takes it on its next poll), failed before or not
    scheduled  pending, not yet due, never failed (an SLA timer, a survey 24 h after resolution)
    failed     pending, not yet due, its last attempt failed: waiting out the backoff
    running    claimed by a worker (``locked_by``, ``locked_until``)
    dead       out of attempts: dead-lettered until someone retries it
    done, cancelled

Retrying makes a failed job due now (its attempts stay counted) and a dead one due now with a fresh set
of attempts, as ``jobs.requeue_dead`` does for webhook redelivery.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.engine import Connection, RowMapping

from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, NotFound
from dajian.platform.jobs import registered_kinds
from dajian.platform.models import jobs
from dajian.platform.principal import Principal

JobState = Literal["due", "scheduled", "failed", "running", "dead", "done", "cancelled"]
STATES: tuple[JobState, ...] = get_args(JobState)
RETRYABLE: tuple[JobState, ...] = ("failed", "dead")
LIST_COLUMNS = ("id", "kind", "status", "due_at", "available_at", "attempts", "max_attempts", "locked_by",
                "locked_until", "last_error", "created_at", "finished_at")


def state_of(now: datetime) -> ColumnElement[str]:
    """The state as one SQL expression, for grouping (``CASE WHEN status = 'pending' AND … THEN 'due' …``)."""
    pending = jobs.c.status == "pending"
    return case(
        (and_(pending, jobs.c.available_at <= now), "due"),
        (and_(pending, jobs.c.last_error.is_not(None)), "failed"),
        (pending, "scheduled"),
        else_=jobs.c.status,
    )


def in_state(state: JobState, now: datetime) -> ColumnElement[bool]:
    """A WHERE condition for one state; plain column tests, so the database can use its indexes."""
    pending, future = jobs.c.status == "pending", jobs.c.available_at > now
    conditions: dict[JobState, ColumnElement[bool]] = {
        "due": and_(pending, jobs.c.available_at <= now),
        "failed": and_(pending, future, jobs.c.last_error.is_not(None)),
        "scheduled": and_(pending, future, jobs.c.last_error.is_(None)),
    }
    return conditions.get(state, jobs.c.status == state)


def counts(conn: Connection, org_id: int, now: datetime) -> dict[str, int]:
    """Jobs of the organisation by state; every state is present, zero when none."""
    state = state_of(now).label("state")
    query = select(state, func.count()).where(jobs.c.org_id == org_id).group_by(state)
    found = {str(s): int(n) for s, n in conn.execute(query)}
    return {s: found.get(s, 0) for s in STATES}


def list_jobs(conn: Connection, org_id: int, *, now: datetime, state: JobState | None = None,
              kind: str | None = None, before_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first; the next page asks for ids below the last one (keyset paging)."""
    query = select(*(jobs.c[c] for c in LIST_COLUMNS)).where(jobs.c.org_id == org_id)
    if state is not None:
        query = query.where(in_state(state, now))
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    if before_id is not None:
        query = query.where(jobs.c.id < before_id)
    rows = conn.execute(query.order_by(jobs.c.id.desc()).limit(limit)).mappings()
    return [view(row, now) for row in rows]


def classify(row: RowMapping, now: datetime) -> JobState:
    """``state_of`` in Python, for one row already read."""
    if row["status"] != "pending":
        return row["status"]  # type: ignore[no-any-return]
    if row["available_at"] <= now:
        return "due"
    return "failed" if row["last_error"] is not None else "scheduled"


def view(row: RowMapping, now: datetime) -> dict[str, Any]:
    """A job as the admin list shows it: its state, and only the last line of its error."""
    state = classify(row, now)
    error = row["last_error"]
    return {
        "id": row["id"], "kind": row["kind"], "state": state, "attempts": row["attempts"],
        "max_attempts": row["max_attempts"], "due_at": row["due_at"], "created_at": row["created_at"],
        "next_attempt_at": row["available_at"] if state in ("due", "scheduled", "failed") else None,
        "lease_until": row["locked_until"] if state == "running" else None,
        "worker": row["locked_by"] if state == "running" else None,
        "finished_at": row["finished_at"],
        "error": error.strip().splitlines()[-1][:500] if error and error.strip() else None,
    }


def detail(conn: Connection, org_id: int, job_id: int, now: datetime) -> dict[str, Any]:
    """One job with its payload, its result and its whole last error (a traceback)."""
    row = _job(conn, org_id, job_id)
    return {**view(row, now), "payload": row["payload"], "result": row["result"], "last_error": row["last_error"],
            "idempotency_key": row["idempotency_key"]}


def _job(conn: Connection, org_id: int, job_id: int) -> RowMapping:
    row = conn.execute(select(jobs).where(jobs.c.id == job_id, jobs.c.org_id == org_id)).mappings().first()
    if row is None:
        raise NotFound(f"no job {job_id}")
    return row


def retry(conn: Connection, principal: Principal, job_id: int, *, request_id: str | None = None) -> dict[str, Any]:
    """Make a failed or dead job due now; ``Conflict`` for a job in any other state (or one a worker
    claimed meanwhile: the update is conditional on the state that was read)."""
    now = utcnow()
    row = _job(conn, principal.org_id, job_id)
    before = classify(row, now)
    if before not in RETRYABLE:
        raise Conflict(f"job {job_id} is {before}: only failed or dead jobs can be retried",
                       errors=[{"path": "/job_id", "message": f"the job is {before}"}])
    values: dict[str, Any] = {"status": "pending", "available_at": now}
    if before == "dead":
        values |= {"attempts": 0, "finished_at": None}
    changed = conn.execute(update(jobs).where(jobs.c.id == job_id, in_state(before, now)).values(**values))
    if changed.rowcount != 1:
        raise Conflict(f"job {job_id} changed meanwhile; reload it",
                       errors=[{"path": "/job_id", "message": "the job changed meanwhile"}])
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="job", action="retry",
                request_id=request_id,
                changes={"job_id": job_id, "kind": row["kind"], "state": [before, "due"],
                         "attempts": [row["attempts"], values.get("attempts", row["attempts"])]})
    return view(_job(conn, principal.org_id, job_id), now)


def kinds() -> list[str]:
    """The job kinds this server runs (the handlers registered at start), for the kind filter."""
    return registered_kinds()
