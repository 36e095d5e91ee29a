"""The job queue as administrators see it: jobs by state, one job in full, and the manual retry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from dajian.platform import directory, job_monitor
from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute
from dajian.platform.api.params import PathId, QueryId
from dajian.platform.api.params import request_id as checked_request_id
from dajian.platform.api.schemas import admin as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.clock import utcnow
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/admin/jobs", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


@router.get("", **answers(out.JobPage, *SIGNED_IN, 422))
def list_jobs(
    conn: ReadConn, principal: Auth, state: out.JobState | None = None,
    kind: Annotated[str | None, Query(max_length=63)] = None,
    before_id: Annotated[QueryId, Query(description="keyset paging: jobs older than this id")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The organisation's jobs, newest first, with how many are in each state."""
    directory.require_admin(principal)
    now = utcnow()
    items = job_monitor.list_jobs(conn, principal.org_id, now=now, state=state, kind=kind, before_id=before_id,
                                  limit=limit)
    return {"items": items, "counts": job_monitor.counts(conn, principal.org_id, now), "kinds": job_monitor.kinds(),
            "next_before_id": items[-1]["id"] if len(items) == limit else None}


@router.get("/{job_id}", **answers(out.JobDetail, *SIGNED_IN, 404, 422))
def get_job(conn: ReadConn, principal: Auth, job_id: PathId) -> dict[str, Any]:
    directory.require_admin(principal)
    return job_monitor.detail(conn, principal.org_id, job_id, utcnow())


@router.post("/{job_id}/retry", **answers(out.JobEntry, *SIGNED_IN, 404, 409, 422))
def retry(request: Request, conn: Conn, principal: Auth, job_id: PathId) -> dict[str, Any]:
    """Make a failed or dead-lettered job due now (a dead one with fresh attempts); audited."""
    directory.require_admin(principal)
    return job_monitor.retry(conn, principal, job_id, request_id=checked_request_id(request))
