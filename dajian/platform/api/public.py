"""The public pages' reads and the survey answer: what a customer's browser needs, with no sign-in.

Submitting a public form and looking up its status live with the inbound channels (``api/rules.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Request
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool

from dajian.engines.form.model import FieldDef
from dajian.engines.rule.model import PublicFormDef
from dajian.platform import surveys
from dajian.platform.api.audiences import PUBLIC
from dajian.platform.api.deps import get_engine, transaction
from dajian.platform.api.files import RAW_BODY, body_chunks, declared_length, file_store, upload_name
from dajian.platform.api.schemas import public as out
from dajian.platform.api.schemas.responses import answers
from dajian.platform.api.versions import V1
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import NotFound
from dajian.platform.files import FILE_KINDS, check_declared, receive
from dajian.platform.rules import channels, public_uploads, upload_sweep
from dajian.platform.rules.plans import runtime_by_id
from dajian.platform.throttle import counting

router = APIRouter(prefix=V1)
Token = Annotated[str, Path(max_length=1000)]


def _field(f: FieldDef, runtime: RuntimeApp) -> dict[str, Any]:
    shown = f.model_dump(include={"key", "kind", "label", "help", "required", "min", "max", "max_length", "config",
                                  "visible_if", "required_if", "readonly_if"})
    if f.options is not None:
        shown["options"] = [o.model_dump() for o in f.options]
    config = f.config or {}
    tree = config.get("tree") or runtime.definition.trees.get(str(config.get("tree_key")))
    if f.kind == "cascade_select" and tree is not None:
        shown["tree"] = tree.model_dump() if hasattr(tree, "model_dump") else tree
    if f.kind in FILE_KINDS:
        shown["upload_max_bytes"] = public_uploads.public_max_bytes()
    return shown


@router.get("/public/{org_key}/{app_key}/forms/{form_key}", tags=[PUBLIC], **answers(out.PublicForm, 404, 422))
def public_form(request: Request, org_key: str, app_key: str, form_key: str) -> dict[str, Any]:
    """The fields a visitor may fill on a public form, in the form's order, with their linkage."""
    with transaction(request, read_only=True) as conn:
        runtime, rules = channels.public_app(conn, org_key, app_key)
        channel = next((e for e in rules.of_kind("public_form")
                        if isinstance(e, PublicFormDef) and e.form == form_key), None)
        if channel is None:
            raise NotFound("no such public form")
        form = runtime.form(form_key).form
        statuses: dict[str, Any] = {}
        fields = [_field(f, runtime) for f in form.fields if f.key in channel.fields]
        contact = next((f for f in form.fields if f.key == channel.contact_field), None)
        status = next((f for f in form.fields if f.key == channel.status_field), None)
        if status is not None and status.options:
            statuses = {"status_options": [o.model_dump() for o in status.options]}
        return {**statuses, "form": form.key, "label": form.label, "fields": fields, "channel": channel.key,
                "honeypot": channel.honeypot,
                "contact_field": channel.contact_field, "contact_label": contact.label if contact else None,
                "status_lookup": channel.status_lookup}


@router.post("/public/{org_key}/{app_key}/forms/{form_key}/fields/{field_key}/files", status_code=201,
             tags=[PUBLIC], openapi_extra=RAW_BODY, **answers(out.PublicUpload, 400, 404, 413, 422, 429))
async def public_upload(
    request: Request, org_key: str, app_key: str, form_key: str, field_key: str,
    x_filename: Annotated[str | None, Header()] = None, filename: str | None = None,
) -> dict[str, Any]:
    """Upload one file, without a sign-in, for a file field the public form lists (raw body, name in
    ``X-Filename``, as for signed-in uploads). Put the answer, token included, into the field's list of
    the submission, which claims it; an upload nobody submits is never attached. Limited per address
    (429 with ``Retry-After``) and in size (``DAJIAN_PUBLIC_MAX_UPLOAD_BYTES``, under the field's limit)."""
    name = upload_name(x_filename, filename)
    client = request.client.host if request.client else "unknown"

    def admit() -> public_uploads.UploadTarget:
        with counting(get_engine(request)) as conn:
            return channels.take_upload(conn, org_key=org_key, app_key=app_key, form_key=form_key,
                                        field_key=field_key, client=client)

    to = await run_in_threadpool(admit)
    check_declared(to.rules, name, declared_length(request))
    received = await receive(body_chunks(request), store=file_store(request), name=name, rules=to.rules)

    def save() -> dict[str, Any]:
        with transaction(request) as conn:
            saved = public_uploads.record(conn, received, to)
            upload_sweep.schedule(conn, utcnow())  # gone after the claim window unless submitted
            return saved

    return await run_in_threadpool(save)


def _about(conn: Connection, runtime: RuntimeApp, token: surveys.SurveyToken) -> str | None:
    ref_field = surveys.relation_to(runtime, token.form, token.ref_form)
    config = runtime.form(token.form).fields[ref_field].config or {}
    table = runtime.form(token.ref_form).table
    shown = str(config.get("display_field") or "id")
    column = table.c.get(shown, table.c.id)
    value = conn.execute(select(column).where(table.c.id == token.ref_id)).scalar()
    return None if value is None else str(value)


@router.get("/public/{org_key}/{app_key}/surveys/{token}", tags=[PUBLIC],
            **answers(out.SurveyForm, 404, 409, 410, 422))
def survey_form(request: Request, org_key: str, app_key: str, token: Token) -> dict[str, Any]:
    """The survey a signed link opens: its questions and what it is about. 404 for a link that is not
    ours, 410 once expired, 409 once answered."""
    with transaction(request, read_only=True) as conn:
        found = surveys.token_for(conn, org_key=org_key, app_key=app_key, token=token)
        surveys.check_unused(conn, found)
        runtime = _runtime(conn, found)
        form = runtime.form(found.form).form
        return {"form": form.key, "label": form.label, "about": _about(conn, runtime, found),
                "fields": [_field(f, runtime) for f in surveys.answer_fields(runtime, found.form)],
                "expires_at": found.expires_at}


@router.post("/public/{org_key}/{app_key}/surveys/{token}", status_code=201, tags=[PUBLIC],
             **answers(out.SurveyAnswered, 404, 409, 410, 413, 422))
def answer_survey(request: Request, org_key: str, app_key: str, token: Token,
                  body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Record the answer against the record that sent the link and spend the link, in one transaction
    (the answer's rules run in it too: a low score may reopen that record)."""
    with transaction(request) as conn:
        found = surveys.token_for(conn, org_key=org_key, app_key=app_key, token=token)
        answer_id = surveys.answer(conn, _runtime(conn, found), found, body)
        return {"accepted": True, "id": answer_id}


def _runtime(conn: Connection, token: surveys.SurveyToken) -> RuntimeApp:
    runtime = runtime_by_id(conn, token.app_id)
    if runtime is None:
        raise NotFound("the app of this survey link is gone")
    return runtime
