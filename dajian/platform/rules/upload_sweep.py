"""Anonymous uploads nobody submitted are swept: rows removed, content deleted when no file shares it.

A public upload that no submission claimed within ``CLAIM_WINDOW`` can never be attached any more, so
it is garbage. Each upload schedules the ``public_uploads.sweep`` job (one per hour slot, through the
job's idempotency key) for when its window has passed; a sweep removes every expired unclaimed upload
(at most ``SWEEP_BATCH`` at a time) and schedules the next one while unclaimed uploads remain, so the
queue holds a sweep exactly when there is something to sweep. The store is content-addressed: a blob
that another file row (a signed-in upload of the same bytes) still names is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select

from dajian.platform import jobs
from dajian.platform.clock import utcnow
from dajian.platform.files import KEY_RE, files

from .public_uploads import CLAIM_WINDOW, public_uploads

SWEEP_KIND = "public_uploads.sweep"
SWEEP_BATCH = 500
SLOT = timedelta(hours=1)


def slot_after(moment: datetime) -> datetime:
    """The first whole hour at or after ``moment`` (so uploads of one hour share one sweep)."""
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + SLOT


def schedule(conn: Connection, uploaded_at: datetime) -> None:
    """Make sure a sweep runs once an upload made at ``uploaded_at`` has expired."""
    due = slot_after(uploaded_at + CLAIM_WINDOW)
    jobs.enqueue(conn, SWEEP_KIND, {}, due_at=due, idempotency_key=f"{SWEEP_KIND}:{due.isoformat()}")


def sweep(conn: Connection, payload: Any, job: jobs.Job) -> dict[str, Any]:
    """Remove expired unclaimed uploads; returns how many files and stored blobs went."""
    now, u = utcnow(), public_uploads.c
    expired = (u.claimed_at.is_(None)) & (u.created_at <= now - CLAIM_WINDOW)
    rows = conn.execute(select(files.c.id, files.c.storage_key).join(public_uploads, u.file_id == files.c.id)
                        .where(expired).order_by(u.created_at).limit(SWEEP_BATCH)).all()
    ids, keys = [r.id for r in rows], {r.storage_key for r in rows}
    if ids:
        conn.execute(delete(public_uploads).where(u.file_id.in_(ids)))
        conn.execute(delete(files).where(files.c.id.in_(ids)))
    still_named = set(conn.execute(select(files.c.storage_key).where(files.c.storage_key.in_(keys))).scalars())
    removed = _delete_blobs(sorted(keys - still_named))
    _next(conn, now, more=len(ids) == SWEEP_BATCH)
    return {"files": len(ids), "blobs": removed}


def _delete_blobs(keys: list[str]) -> int:
    root = jobs.job_settings().files_dir
    gone = 0
    for key in keys:
        if KEY_RE.match(key):
            path = root / key
            if path.exists():
                path.unlink()
                gone += 1
    return gone


def _next(conn: Connection, now: datetime, *, more: bool) -> None:
    if more:  # a backlog: carry on in a minute
        due = now + timedelta(minutes=1)
        jobs.enqueue(conn, SWEEP_KIND, {}, due_at=due, idempotency_key=f"{SWEEP_KIND}:{due.isoformat()}")
        return
    u = public_uploads.c
    oldest = conn.execute(select(u.created_at).where(u.claimed_at.is_(None)).order_by(u.created_at).limit(1)).scalar()
    if oldest is not None:
        schedule(conn, max(oldest, now - CLAIM_WINDOW))
