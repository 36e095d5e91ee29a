"""Template installs and upgrades as background jobs (kind ``market.install``) on the platform's job queue.

The admin's request checks what can be refused at once (the package, its signature, an app already there,
unresolved conflicts: 4xx as before), queues the job and answers its id; a worker runs the install in the
job's one transaction, so a failure leaves nothing of it behind. Its steps (check the package, each table,
roles, flows and rules, record the install, demo data) are written as it goes by ``job_progress``, where
the admin's page polls them (``GET /admin/market/jobs/{id}``). A refusal met inside the job (the app
changed meanwhile, a definition error) ends the job ``done`` with that error, its status and JSON paths,
as the request would have answered it; anything else fails the job as any job fails (one attempt: the
jobs page shows its traceback).
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dajian.platform import job_progress
from dajian.platform.errors import DajianError, Forbidden, NotFound
from dajian.platform.jobs import Job, enqueue, get_job, register_job_handler
from dajian.platform.market import install as service
from dajian.platform.market.merge import Side
from dajian.platform.models import users
from dajian.platform.principal import Principal

KIND = "market.install"
Action = Literal["install", "upgrade"]


def start_install(conn: Connection, principal: Principal, digest: str, *, allow_unsigned: bool,
                  demo: bool) -> dict[str, Any]:
    loaded = service.check_install(conn, principal, digest, allow_unsigned=allow_unsigned, demo=demo)
    payload = {"action": "install", "digest": digest, "user_id": principal.user_id, "app": loaded.package.key,
               "version": loaded.package.version, "allow_unsigned": allow_unsigned, "demo": demo}
    return _queue(conn, principal, payload)


def start_upgrade(conn: Connection, principal: Principal, key: str, digest: str, *, allow_unsigned: bool,
                  resolutions: dict[str, Side], expected_version: int | None) -> dict[str, Any]:
    loaded = service.check_upgrade(conn, principal, key, digest, allow_unsigned=allow_unsigned,
                                   resolutions=resolutions, expected_version=expected_version)
    payload = {"action": "upgrade", "digest": digest, "user_id": principal.user_id, "app": key,
               "version": loaded.package.version, "allow_unsigned": allow_unsigned, "resolutions": resolutions,
               "expected_version": expected_version}
    return _queue(conn, principal, payload)


def _queue(conn: Connection, principal: Principal, payload: dict[str, Any]) -> dict[str, Any]:
    job_id = enqueue(conn, KIND, payload, org_id=principal.org_id, max_attempts=1)
    assert job_id is not None  # no idempotency key, never muted
    return view(conn, principal, job_id)


def _acting(conn: Connection, org_id: int, user_id: int) -> Principal:
    """The admin who asked, as they are now: still an active administrator of the organisation."""
    row = conn.execute(select(users.c.dept_id, users.c.is_org_admin, users.c.is_active)
                       .where(users.c.id == user_id, users.c.org_id == org_id)).first()
    if row is None or not row.is_active or not row.is_org_admin:
        raise Forbidden("the administrator who started this install may no longer install templates",
                        reason="admins_only")
    return Principal(user_id=user_id, org_id=org_id, dept_id=row.dept_id, is_org_admin=True, via="system")


def run(conn: Connection, payload: dict[str, Any], job: Job) -> dict[str, Any]:
    """The job: the install or upgrade in a savepoint of the worker's transaction; its answer, or the error."""
    progress = job_progress.Tracker(conn.engine, job.id)
    try:
        with conn.begin_nested():
            principal = _acting(conn, int(job.org_id or 0), int(payload["user_id"]))
            if payload["action"] == "install":
                result = service.install(conn, principal, payload["digest"], allow_unsigned=payload["allow_unsigned"],
                                         demo=payload["demo"], progress=progress)
            else:
                result = service.upgrade(conn, principal, payload["app"], payload["digest"],
                                         allow_unsigned=payload["allow_unsigned"],
                                         resolutions=payload.get("resolutions") or {},
                                         expected_version=payload.get("expected_version"), progress=progress)
    except DajianError as exc:  # rolled back: nothing of the install stays
        return {"outcome": "failed", "status_code": exc.status_code, "error": exc.body(),
                "progress": progress.last.as_dict()}
    return {"outcome": "succeeded", "result": result, "progress": progress.finish().as_dict()}


register_job_handler(KIND, run, replace=True)


def view(conn: Connection, principal: Principal, job_id: int) -> dict[str, Any]:
    """The install job as its page shows it: state, progress, and at the end the result or the error."""
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may install templates", reason="admins_only")
    job = get_job(conn, job_id)
    if job is None or job.kind != KIND or job.org_id != principal.org_id:
        raise NotFound(f"no template install job {job_id}")
    payload, outcome = job.payload, job.result if isinstance(job.result, dict) else {}
    state, result, error, progress = "queued", None, None, None
    if job.status == "running":
        state = "running"
        known = job_progress.read(conn, job.id)
        progress = known.as_dict() if known is not None else None
    elif job.status == "done":
        state, progress = str(outcome.get("outcome", "failed")), outcome.get("progress")
        result, error = outcome.get("result"), outcome.get("error")
    elif job.status in ("dead", "cancelled"):
        state = "failed"
        known = job_progress.read(conn, job.id)
        progress = known.as_dict() if known is not None else None
        error = {"code": "job_failed", "detail": f"the {payload['action']} stopped unexpectedly and nothing of it was "
                                                 f"stored; job {job.id} on the jobs page has the details"}
    elif job.status == "pending" and job.attempts > 0:
        state = "running"  # its worker was lost; it is claimed again when its lease runs out
    return {"id": job.id, "action": payload["action"], "app": payload["app"], "version": payload["version"],
            "demo": bool(payload.get("demo")), "state": state, "progress": progress, "result": result,
            "error": error, "status_code": outcome.get("status_code") if error and job.status == "done" else None,
            "created_at": job.created_at, "finished_at": job.finished_at}
