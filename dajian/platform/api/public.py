"""The public pages' reads and the survey answer: what a customer's browser needs, with no sign-in.

Submitting a public form and looking up its status live with the inbound channels (``api/rules.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from sqlalchemy import Connection, select

from dajian.engines.form.model import FieldDef
from dajian.engines.rule.model import PublicFormDef
from dajian.platform import surveys
from dajian.platform.api.audiences import PUBLIC
from dajian.platform.api.deps import transaction
from dajian.platform.api.schemas import public as out
from dajian.platform.api.schemas.responses import answers
from dajian.platform.api.versions import V1
from dajian.platform.apps import RuntimeApp
from dajian.platform.errors import NotFound
from dajian.platform.rules import channels
from dajian.platform.rules.plans import runtime_by_id

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
