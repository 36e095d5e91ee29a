"""File upload and download.

Uploads are the raw request body (``Content-Type`` of the file itself) with
the name in ``X-Filename`` (percent-encoded UTF-8, so ``合同.pdf`` survives
HTTP's Latin-1 headers) or in ``?filename=``. A raw body, unlike
multipart, reaches the handler chunk by chunk: the size limit, the type
check and the SHA-256 all run while the bytes arrive, nothing is spooled
twice, and a too-large upload is refused from ``Content-Length`` before
it is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from dajian.platform import files as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute, get_settings, transaction
from dajian.platform.api.params import PathId
from dajian.platform.api.schemas import files as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, streams
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime
from dajian.platform.errors import BadRequest
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1, tags=[RUNTIME], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
RAW_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
RASTER = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def file_store(request: Request) -> service.FileStore:
    return service.LocalFileStore(get_settings(request).files_dir)


def upload_name(header: str | None, query: str | None) -> str:
    raw = query
    if header:
        try:  # raw UTF-8 bytes arrive as Latin-1 text; percent-encoding is the documented form
            raw = unquote(_utf8(header), errors="strict")
        except UnicodeDecodeError:
            raw = None
    if not raw:
        raise BadRequest("name the file in the X-Filename header (percent-encoded UTF-8) or ?filename=",
                         errors=[{"path": "/filename", "message": "is required"}])
    return service.clean_name(raw)


def _utf8(header: str) -> str:
    try:
        return header.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return header


def declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    return int(raw) if raw and raw.isdigit() else None


async def body_chunks(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


@router.post("/apps/{app_key}/forms/{form_key}/fields/{field_key}/files", status_code=201, openapi_extra=RAW_BODY,
             **answers(out.FileRef, *SIGNED_IN, 400, 404, 413, 422))
async def upload(
    request: Request, principal: Auth, app_key: str, form_key: str, field_key: str,
    x_filename: Annotated[str | None, Header()] = None, filename: str | None = None,
) -> dict[str, Any]:
    """Upload one file for a file field; put the returned object into the field's list."""
    name = upload_name(x_filename, filename)

    def target() -> tuple[int, service.UploadRules]:
        with transaction(request) as conn:
            runtime = load_runtime(conn, principal, app_key)
            fdef, config = service.upload_target(conn, principal, runtime, form_key, field_key)
            return runtime.app_id, service.field_rules(field_key, config, kind=fdef.kind)

    app_id, rules = await run_in_threadpool(target)
    service.check_declared(rules, name, declared_length(request))
    received = await service.receive(body_chunks(request), store=file_store(request), name=name, rules=rules)

    def save() -> dict[str, Any]:
        with transaction(request) as conn:
            return service.save_file(conn, principal, received, app_id=app_id, form_key=form_key,
                                     field_key=field_key)

    return await run_in_threadpool(save)


@router.get("/files/{file_id}/meta", **answers(out.FileMeta, *SIGNED_IN, 404, 422))
def file_meta(conn: ReadConn, principal: Auth, file_id: PathId) -> dict[str, Any]:
    return service.meta(service.readable_file(conn, principal, file_id))


@router.get("/files/{file_id}",
            **streams("The file's bytes, in its own media type", ("*/*",), *SIGNED_IN, 404, 422))
def download(request: Request, conn: ReadConn, principal: Auth, file_id: PathId,
             inline: bool = False) -> StreamingResponse:
    """The file's bytes; ``?inline=true`` shows raster images in the browser instead of saving them."""
    row = service.readable_file(conn, principal, file_id)
    handle = file_store(request).open(row["storage_key"])
    headers = {
        "Content-Disposition": service.content_disposition(row["name"], inline=inline and row["mime"] in RASTER),
        "Content-Length": str(row["size"]),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=0",
        "ETag": f'"{row["sha256"]}"',
    }
    return StreamingResponse(service.iter_blob(handle), media_type=row["mime"], headers=headers)
