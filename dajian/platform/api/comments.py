"""Comments on records: read, add (with @mentions and attachments), upload and download attachments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from dajian.platform import comments as service
from dajian.platform import files
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, transaction
from dajian.platform.api.files import RAW_BODY, body_chunks, declared_length, file_store, upload_name
from dajian.platform.api.params import BodyId, PathId
from dajian.platform.api.schemas import files as file_out
from dajian.platform.api.schemas import runtime as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, streams
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime
from dajian.platform.principal import Principal
from dajian.platform.records import form_context

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}", tags=[RUNTIME], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(default="", max_length=8000)
    mentions: list[BodyId] = Field(default_factory=list, max_length=service.MAX_MENTIONS,
                                   description="user ids; each gets an in-app notification")
    files: list[BodyId] = Field(default_factory=list, max_length=service.MAX_FILES,
                                description="ids returned by the comment upload")
    public: bool = False


@router.get("/records/{record_id}/comments", **answers(out.CommentList, *SIGNED_IN, 404, 422))
def list_comments(conn: ReadConn, principal: Auth, app_key: str, form_key: str,
                  record_id: PathId) -> dict[str, Any]:
    """The record's comments, oldest first (web comments and e-mail replies)."""
    return {"items": service.list_comments(conn, principal, app_key, form_key, record_id)}


@router.post("/records/{record_id}/comments", status_code=201,
             **answers(out.Comment, *SIGNED_IN, 404, 409, 413, 422))
def add_comment(conn: Conn, principal: Auth, app_key: str, form_key: str, record_id: PathId,
                body: NewComment) -> dict[str, Any]:
    """Comment on a record you may read; mentioned people are notified in the app."""
    return service.add_comment(conn, principal, app_key, form_key, record_id, body=body.body,
                               mentions=body.mentions, file_ids=body.files, public_=body.public)


@router.post("/comments/files", status_code=201, openapi_extra=RAW_BODY,
             **answers(file_out.FileRef, *SIGNED_IN, 404, 409, 413, 422))
async def upload_comment_file(request: Request, principal: Auth, app_key: str, form_key: str,
                              x_filename: Annotated[str | None, Header()] = None,
                              filename: str | None = None) -> dict[str, Any]:
    """Upload a file to attach to your next comment on a record of this form (raw body, as field uploads)."""
    name = upload_name(x_filename, filename)

    def target() -> int:
        with transaction(request) as conn:
            runtime = load_runtime(conn, principal, app_key)
            form_context(conn, principal, runtime, form_key, "read")
            return runtime.app_id

    app_id = await run_in_threadpool(target)
    rules = files.UploadRules(path="/file", label="the comment attachment", max_bytes=files.max_upload_bytes())
    files.check_declared(rules, name, declared_length(request))
    received = await files.receive(body_chunks(request), store=file_store(request), name=name, rules=rules)

    def save() -> dict[str, Any]:
        with transaction(request) as conn:
            return files.save_file(conn, principal, received, app_id=app_id, form_key=form_key, field_key=None)

    return await run_in_threadpool(save)


@router.get("/records/{record_id}/comments/{comment_id}/files/{file_id}",
            **streams("The file's bytes, in its own media type", ("*/*",), *SIGNED_IN, 404, 422))
def download_comment_file(request: Request, conn: ReadConn, principal: Auth, app_key: str, form_key: str,
                          record_id: PathId, comment_id: PathId, file_id: PathId) -> StreamingResponse:
    """A comment's attachment, for anyone who may read the record."""
    row = service.comment_file(conn, principal, app_key, form_key, record_id, comment_id, file_id)
    handle = file_store(request).open(row["storage_key"])
    headers = {"Content-Disposition": files.content_disposition(row["name"], inline=False),
               "Content-Length": str(row["size"]), "X-Content-Type-Options": "nosniff",
               "Cache-Control": "private, max-age=0"}
    return StreamingResponse(files.iter_blob(handle), media_type=row["mime"], headers=headers)
