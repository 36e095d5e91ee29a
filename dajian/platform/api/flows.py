"""The flow API: start a flow on a record, read an instance, act on tasks, inboxes, preview, validate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from dajian.engines.flow import preview, validate_flow
from dajian.platform.api.audiences import ADMIN, DESIGNER, RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute
from dajian.platform.api.params import BodyId, BodyVersion, PathId
from dajian.platform.api.schemas import flows as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.apps import get_app_row, load_runtime, require_manage
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid
from dajian.platform.flows import guard, service
from dajian.platform.flows import inbox as reads
from dajian.platform.flows.plans import draft_plan, field_types, plan_for, record_sample
from dajian.platform.principal import Principal
from dajian.platform.records import form_context

router = APIRouter(prefix=V1, route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
RequestId = Annotated[str | None, Field(max_length=100)]


class StartBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_id: BodyId


class ActBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(description="approve | reject (驳回) | send_back (退回) | return | transfer (转交) | "
                        "delegate | add_signer_before (前加签) | add_signer_after (后加签) | add_signer (co-signers, "
                        "old clients); each as the step's `allow` block permits")
    comment: str | None = Field(default=None, max_length=4000)
    target: str | None = Field(default=None, description="send_back, or reject at a step whose on_reject is "
                               "'choose': the earlier step to send the flow back to")
    users: list[BodyId] = Field(default_factory=list, max_length=50)
    client_request_id: RequestId = None


class InstanceActBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(description="withdraw | comment | urge | cc (the initiator, or the holder of an open task "
                        "whose step allows cc; the people copied may read the record)")
    comment: str | None = Field(default=None, max_length=4000)
    users: list[BodyId] = Field(default_factory=list, max_length=50, description="cc: people; comment: @mentions")
    client_request_id: RequestId = None


class DraftPreviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_id: BodyId | None = Field(default=None, description="a record of the flow's form to walk the flow with")
    values: dict[str, Any] = Field(default_factory=dict, description="sample values, over the record's when both")


class MigrateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: BodyVersion | None = Field(default=None, description="app version number; default: the current one")
    node_map: dict[str, str] = Field(default_factory=dict, description="old node id -> new node id")


@router.post("/flows/instances/{instance_id}/migrate", tags=[ADMIN],
             **answers(out.Migrated, *SIGNED_IN, 404, 409, 413, 422))
def migrate(conn: Conn, principal: Auth, instance_id: PathId, body: MigrateBody) -> dict[str, Any]:
    """Move a running instance to another version of its flow (administrators)."""
    from dajian.platform.flows.migrate import migrate_instance

    return migrate_instance(conn, principal, instance_id, node_map=body.node_map, version=body.version)


@router.post("/apps/{app_key}/flows/{flow_key}/start", status_code=201, tags=[RUNTIME],
             **answers(out.Instance, *SIGNED_IN, 404, 409, 413, 422, e409="the flow is already running on this record"))
def start(conn: Conn, principal: Auth, app_key: str, flow_key: str, body: StartBody) -> dict[str, Any]:
    instance_id = service.start_instance(conn, principal, app_key, flow_key, body.record_id)
    return reads.instance_view(conn, principal, instance_id)


@router.get("/flows/instances/{instance_id}", tags=[RUNTIME], **answers(out.Instance, *SIGNED_IN, 404, 422))
def get_instance(conn: ReadConn, principal: Auth, instance_id: PathId) -> dict[str, Any]:
    return reads.instance_view(conn, principal, instance_id)


@router.get("/apps/{app_key}/forms/{form_key}/records/{record_id}/flows", tags=[RUNTIME],
            **answers(out.RecordFlows, *SIGNED_IN, 404, 422))
def flows_of_record(conn: ReadConn, principal: Auth, app_key: str, form_key: str,
                    record_id: PathId) -> dict[str, Any]:
    """The flows run on a record and their open tasks (for anyone who may read the record), and which
    fields the running flows let you change (``step_editable``; null: they do not restrict you)."""
    found = reads.record_flows(conn, principal, app_key, form_key, record_id)
    runtime = load_runtime(conn, principal, app_key)
    access = guard.step_access(conn, principal, app_id=runtime.app_id, form_key=form_key, record_id=record_id)
    return {**found, "step_editable": None if access.editable is None else sorted(access.editable)}


@router.post("/flows/tasks/{task_id}/act", tags=[RUNTIME], **answers(out.ActedInstance, *SIGNED_IN, 404, 409, 413, 422))
def act(conn: Conn, principal: Auth, task_id: PathId, body: ActBody) -> dict[str, Any]:
    """Act on one of your tasks; repeating a ``client_request_id`` acts only once."""
    instance_id, replayed = service.act_on_task(
        conn, principal, task_id, action=body.action, comment=body.comment, target=body.target,
        users=body.users, client_request_id=body.client_request_id)  # fmt: skip
    return {**reads.instance_view(conn, principal, instance_id), "replayed": replayed}


@router.post("/flows/instances/{instance_id}/act", tags=[RUNTIME],
             **answers(out.ActedInstance, *SIGNED_IN, 404, 409, 413, 422))
def act_on_instance(conn: Conn, principal: Auth, instance_id: PathId, body: InstanceActBody) -> dict[str, Any]:
    """Withdraw (the initiator), comment with @mentions, urge the assignees, or CC people."""
    replayed = service.instance_action(conn, principal, instance_id, action=body.action, comment=body.comment,
                                       users=body.users, client_request_id=body.client_request_id)
    return {**reads.instance_view(conn, principal, instance_id), "replayed": replayed}


@router.get("/flows/inbox/{box}", tags=[RUNTIME], **answers(out.Inbox, *SIGNED_IN, 422))
def get_inbox(conn: ReadConn, principal: Auth, box: str,
              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """``pending`` (with counts by app, soonest due first), ``started``, ``cc`` or ``done``."""
    return reads.inbox(conn, principal, box, limit=limit)


@router.post("/apps/{app_key}/flows/{flow_key}/preview", tags=[RUNTIME],
             **answers(out.FlowPreview, *SIGNED_IN, 404, 413, 422))
def preview_path(conn: Conn, principal: Auth, app_key: str, flow_key: str,
                 record: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """The nodes a sample record would visit if every step were approved; nothing is written."""
    runtime = load_runtime(conn, principal, app_key)
    plan = plan_for(conn, runtime.version_id, flow_key)
    ctx = form_context(conn, principal, runtime, plan.definition.form, "read")
    values, issues = ctx.form.coerce(record, partial=True)
    if issues:
        raise Invalid("the sample record is invalid", errors=issues)
    return {"flow": flow_key, **preview(plan, values, now=utcnow())}


@router.post("/apps/{app_key}/draft/flows/{flow_key}/preview", tags=[DESIGNER],
             **answers(out.FlowPreview, *SIGNED_IN, 404, 413, 422))
def preview_draft_path(conn: Conn, principal: Auth, app_key: str, flow_key: str,
                       body: DraftPreviewBody) -> dict[str, Any]:
    """The path through the draft's flow that a real record (``record_id``) or sample values would take if
    every step were approved, for the designer before it publishes; nothing is written."""
    row = get_app_row(conn, principal, app_key, draft=True)
    require_manage(conn, principal, row)
    plan = draft_plan(row["draft"], flow_key)
    runtime = load_runtime(conn, principal, app_key)
    ctx = form_context(conn, principal, runtime, plan.definition.form, "read")
    record = record_sample(conn, ctx, body.record_id) if body.record_id is not None else {}
    values, issues = ctx.form.coerce(body.values, partial=True)
    if issues:
        raise Invalid("the sample values are invalid", errors=[{**i, "path": "/values" + i["path"]} for i in issues])
    return {"flow": flow_key, **preview(plan, {**record, **values}, now=utcnow())}


@router.post("/apps/{app_key}/flows/validate", tags=[DESIGNER],
             **answers(out.FlowValidation, *SIGNED_IN, 404, 413, 422))
def validate(conn: Conn, principal: Auth, app_key: str,
             flow: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Every problem of a flow document against the app's published forms (nothing is saved)."""
    require_manage(conn, principal, get_app_row(conn, principal, app_key))
    runtime = load_runtime(conn, principal, app_key)
    form = runtime.definition.form(str(flow.get("form")))
    if form is None:
        return {"valid": False, "errors": [{"path": "/form", "node": None, "message": "no such form"}]}
    issues = validate_flow(flow, fields=field_types(form))
    return {"valid": not issues, "errors": [i.as_dict() for i in issues]}

