"""Excel export and import of a form's records.

``GET …/export.xlsx`` takes the list API's ``filter``, ``sort`` and
``fields``; headers are in ``lang`` (default: the user's language). Import
is two calls: ``POST …/import/preview`` with the .xlsx as the raw body
returns the columns, a suggested mapping and sample rows plus an
``import_id``; ``POST …/import`` with ``{import_id, mapping, mode}`` runs it
in one transaction and returns the report.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool

from dajian.platform import excel, import_progress
from dajian.platform import files as file_service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, transaction
from dajian.platform.api.files import RAW_BODY, body_chunks, declared_length, file_store, upload_name
from dajian.platform.api.params import BodyId, PathId
from dajian.platform.api.params import request_id as checked_request_id
from dajian.platform.api.schemas import excel as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, streams
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.filters import parse_filter_param
from dajian.platform.models import users
from dajian.platform.principal import Principal
from dajian.platform.records import FormContext, form_context

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}", tags=[RUNTIME], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
LANGS = ("zh-CN", "en")


class ImportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    import_id: BodyId
    mapping: dict[str, str] = Field(description="sheet column header -> field key")
    mode: Literal["all_or_nothing", "keep_valid"] = "all_or_nothing"
    tz: str | None = Field(default=None, description="time zone of times without one; default: the app's")


def _json_param(raw: str | None, path: str) -> Any:
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError as exc:
        raise Invalid(f"{path[1:]} is not valid JSON", errors=[{"path": path, "message": exc.msg}]) from None


def _zone(name: str, path: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("unknown time zone", errors=[{"path": path, "message": f"unknown time zone '{name}'"}]) from None
    return name


def _language(conn: Connection, principal: Principal, lang: str | None) -> str:
    if lang in LANGS:
        return lang
    if lang is not None:
        raise Invalid("unknown language", errors=[{"path": "/lang", "message": f"one of {', '.join(LANGS)}"}])
    mine = conn.execute(select(users.c.locale).where(users.c.id == principal.user_id)).scalar_one_or_none()
    return mine if mine in LANGS else "zh-CN"


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        handle.seek(0)
        while chunk := handle.read(file_service.CHUNK_BYTES):
            yield chunk


@router.get("/export.xlsx", **streams("The records as an .xlsx workbook", (excel.XLSX_MIME,), *SIGNED_IN, 404, 422))
def export(
    conn: ReadConn, principal: Auth, app_key: str, form_key: str,
    filter: Annotated[str | None, Query(description="JSON expression, as for the list API")] = None,
    sort: str | None = None,
    fields: Annotated[str | None, Query(description="comma-separated field keys")] = None,
    lang: Annotated[str | None, Query(description="zh-CN or en; default: your language")] = None,
    tz: Annotated[str | None, Query(description="time zone of exported times; default: the app's")] = None,
) -> StreamingResponse:
    """The records you may export, as an .xlsx workbook (needs the ``export`` action)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once streamed
    try:
        ctx = form_context(conn, principal, load_runtime(conn, principal, app_key), form_key, "export")
        query = excel.ExportQuery(
            filter=parse_filter_param(filter), sort=sort,
            fields=[f.strip() for f in fields.split(",") if f.strip()] if fields else None,
            lang=_language(conn, principal, lang),
            tz=_zone(tz or ctx.runtime.definition.settings.timezone, "/tz"))
        excel.export_xlsx(conn, ctx, query, out)
        name = excel.label_in(ctx.form.form.label, query.lang, form_key) + ".xlsx"
    except BaseException:
        out.close()
        raise
    headers = {"Content-Disposition": file_service.content_disposition(name),
               "Cache-Control": "private, max-age=0", "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(_chunks(out), media_type=excel.XLSX_MIME, headers=headers)


def _xlsx_head(name: str, head: bytes) -> str | None:
    return None if head.startswith(b"PK\x03\x04") else "not an Excel .xlsx workbook"


@router.post("/import/preview", openapi_extra=RAW_BODY, **answers(out.ImportPreview, *SIGNED_IN, 400, 404, 413, 422))
async def import_preview(
    request: Request, principal: Auth, app_key: str, form_key: str,
    x_filename: Annotated[str | None, Header()] = None, filename: str | None = None,
) -> dict[str, Any]:
    """Upload an .xlsx (raw body); get its columns, a suggested mapping and the first rows."""
    name = upload_name(x_filename, filename or "import.xlsx")
    rules = file_service.UploadRules(path="/file", label="import", max_bytes=file_service.max_upload_bytes(),
                                     check_head=_xlsx_head)

    def authorize() -> int:
        with transaction(request) as conn:
            runtime = load_runtime(conn, principal, app_key)
            form_context(conn, principal, runtime, form_key, "create")
            return runtime.app_id

    app_id = await run_in_threadpool(authorize)
    file_service.check_declared(rules, name, declared_length(request))
    received = await file_service.receive(body_chunks(request), store=file_store(request), name=name, rules=rules)

    def save_and_read() -> dict[str, Any]:
        with transaction(request) as conn:
            ctx = form_context(conn, principal, load_runtime(conn, principal, app_key), form_key, "create")
            with file_store(request).open(received.storage_key) as handle:
                result = excel.preview(ctx, handle)
            saved = file_service.save_file(conn, principal, received, app_id=app_id, form_key=form_key,
                                           field_key=None)
            return {"import_id": saved["id"], **result}

    return await run_in_threadpool(save_and_read)


def _import_file(conn: Connection, ctx: FormContext, import_id: int) -> str:
    f = file_service.files.c
    key = conn.execute(select(f.storage_key).where(
        f.id == import_id, f.org_id == ctx.principal.org_id, f.uploaded_by == ctx.principal.user_id,
        f.app_id == ctx.runtime.app_id, f.form_key == ctx.form.form.key, f.field_key.is_(None))).scalar_one_or_none()
    if key is None:
        raise NotFound(f"no import {import_id} of yours for form '{ctx.form.form.key}'")
    return str(key)


@router.post("/import", **answers(out.ImportReport, *SIGNED_IN, 404, 409, 413, 422))
def run_import(request: Request, conn: Conn, principal: Auth, app_key: str, form_key: str,
               body: ImportBody) -> dict[str, Any]:
    """Check every row; ``all_or_nothing`` writes nothing if one is rejected, ``keep_valid`` the good rows."""
    tz = _zone(body.tz, "/tz") if body.tz else None
    request_id = checked_request_id(request)
    ctx = form_context(conn, principal, load_runtime(conn, principal, app_key), form_key, "create")
    key = (principal.org_id, principal.user_id, body.import_id)
    with file_store(request).open(_import_file(conn, ctx, body.import_id)) as handle:
        try:
            return excel.import_xlsx(conn, ctx, handle, mapping=body.mapping, mode=body.mode, tz=tz,
                                     request_id=request_id, progress=import_progress.start(key))
        finally:
            import_progress.finish(key)


@router.get("/import/{import_id}/progress", **answers(out.ImportProgress, *SIGNED_IN, 404, 422))
def import_status(principal: Auth, app_key: str, form_key: str, import_id: PathId) -> dict[str, Any]:
    """How far your running import has got (rows done of the rows known), polled while it runs: this
    server's own runs; ``unknown`` when another process runs it or it is long finished."""
    found = import_progress.read((principal.org_id, principal.user_id, import_id))
    if found is None:
        return {"state": "unknown", "done": 0, "total": None}
    return {"state": found.state, "done": found.done, "total": found.total}
