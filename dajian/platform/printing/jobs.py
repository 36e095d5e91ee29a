"""A selection of records printed to one PDF as a background job (kind ``print.pdf``).

WeasyPrint lays out a few pages a second: a selection of hundreds of records would hold an API thread for
minutes and the reader's browser would wait on one request with no idea how long. So the list's bulk print
queues a job: the request checks at once what can be refused (the template, the reader's right to read the
form, the ids), a worker renders the records in parts of ``PART`` with progress (``job_progress``: records
done of the total), joins the parts' pages into one PDF, stores it in the file store as a file of the reader
(only they may download it, as their own upload) and the job's result names it. The reader's page polls
``GET /apps/{app}/print-jobs/{id}`` and offers the download. The records are read as the reader may, at the
time the job runs: a record they may no longer read is not printed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from weasyprint import HTML

from dajian.platform import files as file_service
from dajian.platform import job_progress
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.errors import DajianError, Forbidden, Invalid, NotFound
from dajian.platform.jobs import Job, enqueue, get_job, job_settings, register_job_handler
from dajian.platform.models import users
from dajian.platform.principal import Principal
from dajian.platform.printing.pdf import BASE, Fetcher
from dajian.platform.printing.service import MAX_BULK, find_template, print_html
from dajian.platform.records import form_context

KIND = "print.pdf"
PART = 10  # records rendered at a time: the progress moves every few seconds on a long selection
LANGS = ("zh-CN", "en")


def start(conn: Connection, principal: Principal, app_key: str, template_key: str, ids: Sequence[int],
          lang: str) -> dict[str, Any]:
    """Queue the PDF of ``ids`` (refusing at once what the job would refuse); the job as ``view`` shows it."""
    if lang not in LANGS:
        raise Invalid("unknown language", errors=[{"path": "/lang", "message": f"one of {', '.join(LANGS)}"}])
    chosen = list(dict.fromkeys(ids))
    if not chosen:
        raise Invalid("choose at least one record", errors=[{"path": "/ids", "message": "empty"}])
    if len(chosen) > MAX_BULK:
        raise Invalid(f"at most {MAX_BULK} records at once",
                      errors=[{"path": "/ids", "message": f"{len(chosen)} records; at most {MAX_BULK}"}])
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    template = find_template(runtime, template_key)
    form_context(conn, principal, runtime, template.form, "read", role_keys=role_keys)  # 403 now, not in the job
    payload = {"user_id": principal.user_id, "app": app_key, "template": template_key, "ids": chosen, "lang": lang}
    job_id = enqueue(conn, KIND, payload, org_id=principal.org_id, max_attempts=1)
    assert job_id is not None  # no idempotency key, never muted
    return view(conn, principal, app_key, job_id)


def _reader(conn: Connection, org_id: int, user_id: int) -> Principal:
    """The person who asked, as they are now (a disabled account prints nothing)."""
    row = conn.execute(select(users.c.dept_id, users.c.is_org_admin, users.c.is_active)
                       .where(users.c.id == user_id, users.c.org_id == org_id)).first()
    if row is None or not row.is_active:
        raise Forbidden("the account that asked for this print is disabled", reason="form_read_denied")
    return Principal(user_id=user_id, org_id=org_id, dept_id=row.dept_id, is_org_admin=bool(row.is_org_admin),
                     via="session")


def run(conn: Connection, payload: dict[str, Any], job: Job) -> dict[str, Any]:
    """The job: render the parts, join their pages, store the PDF; its file, or the refusal met on the way."""
    ids: list[int] = [int(i) for i in payload["ids"]]
    progress = job_progress.Tracker(conn.engine, job.id)
    progress.plan([("records", {"count": len(ids)})])
    settings = job_settings()
    store = file_service.LocalFileStore(settings.files_dir)
    try:
        reader = _reader(conn, int(job.org_id or 0), int(payload["user_id"]))
        runtime, role_keys = load_runtime_and_roles(conn, reader, payload["app"])

        def read_file(file_id: int) -> tuple[bytes, str]:
            row = file_service.readable_file(conn, reader, file_id)
            with store.open(row["storage_key"]) as handle:
                return handle.read(), str(row["mime"])

        documents, title = [], ""
        for start_at in range(0, len(ids), PART):
            progress.step("records", {"done": start_at, "count": len(ids)})
            title, html = print_html(conn, reader, runtime, payload["template"], ids[start_at:start_at + PART],
                                     lang=payload["lang"], public_url=settings.public_url, role_keys=role_keys)
            documents.append(HTML(string=html, base_url=BASE, url_fetcher=Fetcher(read_file)).render())
        pages = [page for document in documents for page in document.pages]
        pdf: bytes = documents[0].copy(pages).write_pdf()
        name = f"{title}（{len(ids)}）.pdf" if len(ids) > 1 else f"{title}.pdf"
        stored = _store(conn, store, reader, pdf, name)
    except DajianError as exc:
        return {"outcome": "failed", "status_code": exc.status_code, "error": exc.body(),
                "progress": progress.last.as_dict()}
    return {"outcome": "succeeded", "file": stored, "pages": len(pages), "progress": progress.finish().as_dict()}


def _store(conn: Connection, store: file_service.LocalFileStore, reader: Principal, pdf: bytes,
           name: str) -> dict[str, Any]:
    """The PDF as a file of the reader's, attached to nothing: only they may download it."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = file_service.storage_key(sha256)
    pending = store.begin()
    try:
        pending.write(pdf)
        pending.commit(key)
    except BaseException:
        pending.discard()
        raise
    received = file_service.Received(name=file_service.clean_name(name), mime="application/pdf", size=len(pdf),
                                     sha256=sha256, storage_key=key)
    return file_service.insert_file(conn, received, org_id=reader.org_id, uploaded_by=reader.user_id, app_id=None,
                                    form_key=None, field_key=None)


register_job_handler(KIND, run, replace=True)


def view(conn: Connection, principal: Principal, app_key: str, job_id: int) -> dict[str, Any]:
    """The print job as the page that started it shows it: only its reader sees it (404 for anyone else)."""
    job = get_job(conn, job_id)
    payload = job.payload if job is not None and isinstance(job.payload, dict) else {}
    if (job is None or job.kind != KIND or job.org_id != principal.org_id
            or payload.get("user_id") != principal.user_id or payload.get("app") != app_key):
        raise NotFound(f"no print job {job_id}")
    outcome = job.result if isinstance(job.result, dict) else {}
    state, progress, file, pages, error = "queued", None, None, None, None
    if job.status == "running" or (job.status == "pending" and job.attempts > 0):
        state = "running"
        known = job_progress.read(conn, job.id)
        progress = known.as_dict() if known is not None else None
    elif job.status == "done":
        state, progress = str(outcome.get("outcome", "failed")), outcome.get("progress")
        file, pages, error = outcome.get("file"), outcome.get("pages"), outcome.get("error")
    elif job.status in ("dead", "cancelled"):
        state = "failed"
        error = {"code": "job_failed", "detail": f"the PDF could not be made; job {job.id} on the jobs page has "
                                                 f"the details"}
    count = len(payload.get("ids") or [])
    return {"id": job.id, "template": payload.get("template"), "count": count, "state": state,
            "progress": progress, "file": file, "pages": pages, "error": error,
            "created_at": job.created_at, "finished_at": job.finished_at}
