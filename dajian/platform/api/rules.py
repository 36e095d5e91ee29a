"""The rule engine's API: execution log, dry run, manual trigger, notifications inbox, webhook
subscriptions and deliveries, inbound channels, and the public (no login) endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update

from dajian.engines.rule import Signal
from dajian.engines.rule.model import CHANNEL_KINDS, InboundEmailDef, InboundWebhookDef, PublicFormDef, WebhookDef
from dajian.platform import rules as _rules  # noqa: F401 - registers the record listener and job handlers
from dajian.platform.api.audiences import ADMIN, DESIGNER, INTEGRATIONS, PUBLIC, RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, RehearsalConn, TransactionalRoute, get_engine, transaction
from dajian.platform.api.idempotency import IdempotencyKey, once, org_of, replay
from dajian.platform.api.params import BodyId, PathId, QueryId
from dajian.platform.api.schemas import admin as admin_out
from dajian.platform.api.schemas import rules as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.apps import get_app_row, load_runtime, require_manage
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.errors import Forbidden, NotFound
from dajian.platform.principal import Principal
from dajian.platform.records import form_context, get_record
from dajian.platform.rules import channels, design, webhooks
from dajian.platform.rules.plans import ruleset_for
from dajian.platform.rules.runner import outcome_view, read_record, run_signal
from dajian.platform.rules.tables import notifications, rule_runs
from dajian.platform.rules.timers import sync_schedules
from dajian.platform.throttle import counting

router = APIRouter(prefix=V1, route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


class DryRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str
    record_id: BodyId | None = None
    values: dict[str, Any] = Field(default_factory=dict, description="the change to try (none: the record as is)")
    event: str | None = Field(default=None, description="created | updated | deleted | restored; default by record_id")


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_id: BodyId


class AllowBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allow: list[str] = Field(max_length=100, description="host names, IP addresses or CIDR networks")


def _managed(conn: Any, principal: Principal, app_key: str) -> Any:
    row = get_app_row(conn, principal, app_key)
    require_manage(conn, principal, row)
    return load_runtime(conn, principal, app_key)


def _rules_of(runtime: Any) -> Any:
    rules = ruleset_for(runtime)
    if rules is None:
        raise NotFound(f"app '{runtime.key}' has no rules (or they do not compile)")
    return rules


@router.get("/apps/{app_key}/rules/runs", tags=[DESIGNER], **answers(out.RuleLog, *SIGNED_IN, 404, 422))
def list_runs(conn: ReadConn, principal: Auth, app_key: str, rule: str | None = None, form: str | None = None,
              record_id: QueryId = None, status: str | None = None, event: str | None = None,
              since: AwareDatetime | None = None, until: AwareDatetime | None = None, before_id: QueryId = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """The execution log: what fired, why, what it changed or sent, and errors (newest first); ``since`` /
    ``until`` bound its time (with an offset), ``before_id`` asks for the page after the last id seen."""
    runtime = _managed(conn, principal, app_key)
    query = select(rule_runs).where(rule_runs.c.app_id == runtime.app_id)
    for column, value in (("rule_key", rule), ("form_key", form), ("record_id", record_id), ("status", status),
                          ("event", event)):
        if value is not None:
            query = query.where(rule_runs.c[column] == value)
    if since is not None:
        query = query.where(rule_runs.c.at >= since)
    if until is not None:
        query = query.where(rule_runs.c.at < until)
    if before_id is not None:
        query = query.where(rule_runs.c.id < before_id)
    rows = conn.execute(query.order_by(rule_runs.c.id.desc()).limit(limit)).mappings()
    return {"items": [{**jsonable(dict(r)), "rule": r["rule_key"]} for r in rows]}


@router.post("/apps/{app_key}/rules/dry-run", tags=[DESIGNER], **answers(out.DryRun, *SIGNED_IN, 404, 413, 422))
def dry_run(conn: RehearsalConn, principal: Auth, app_key: str, body: DryRunBody) -> dict[str, Any]:
    """Which rules would fire for this record (and change) and what they would do — nothing is written.
    The draft's rules: ``POST …/draft/rules/dry-run``."""
    runtime = _managed(conn, principal, app_key)
    rules = design.published_rules(runtime, _rules_of(runtime))
    return design.rehearse(conn, principal, runtime, rules, form=body.form, record_id=body.record_id,
                           values=body.values, event=body.event)


@router.post("/apps/{app_key}/rules/{rule_key}/run", tags=[RUNTIME],
             **answers(out.RuleOutcome, *SIGNED_IN, 404, 409, 413, 422))
def run_manually(conn: Conn, principal: Auth, app_key: str, rule_key: str, body: RunBody) -> dict[str, Any]:
    """A rule's button: run it now on one record you may update."""
    runtime = load_runtime(conn, principal, app_key)
    rules = _rules_of(runtime)
    plan = rules.rules.get(rule_key)
    if plan is None or not any(k.event == "manual" for k, _ in plan.triggers):
        raise NotFound(f"no rule '{rule_key}' with a manual trigger")
    get_record(conn, form_context(conn, principal, runtime, plan.form, "update"), body.record_id)
    record = read_record(conn, runtime, plan.form, body.record_id)
    signal = Signal("manual", plan.form, new=record, rule=rule_key)
    outcome = run_signal(conn, runtime, rules, signal, record_id=body.record_id, depth=0,
                         actor=principal.user_id, key_base=f"manual:{uuid.uuid4().hex}")
    return dict(outcome_view(outcome))


@router.post("/apps/{app_key}/rules/schedules/sync", tags=[DESIGNER], **answers(out.Schedules, *SIGNED_IN, 404, 422))
def sync(conn: Conn, principal: Auth, app_key: str) -> dict[str, Any]:
    """Arm the next run of every cron rule of the published version (safe to repeat)."""
    return {"armed": sync_schedules(conn, _managed(conn, principal, app_key))}


@router.post("/apps/{app_key}/decision-tables/{table_key}/evaluate", tags=[RUNTIME],
             **answers(out.TableResult, *SIGNED_IN, 404, 413, 422))
def evaluate_table(conn: Conn, principal: Auth, app_key: str, table_key: str,
                   inputs: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    table = _rules_of(load_runtime(conn, principal, app_key)).tables.get(table_key)
    if table is None:
        raise NotFound(f"no decision table '{table_key}'")
    return {"result": jsonable(table(inputs))}


# -- notifications --------------------------------------------------------------------------


@router.get("/notifications", tags=[RUNTIME], **answers(out.Notifications, *SIGNED_IN, 422))
def inbox(conn: ReadConn, principal: Auth, unread: bool = False,
          limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    query = select(notifications).where(notifications.c.user_id == principal.user_id)
    if unread:
        query = query.where(notifications.c.read_at.is_(None))
    rows = conn.execute(query.order_by(notifications.c.id.desc()).limit(limit)).mappings()
    return {"items": [jsonable(dict(r)) for r in rows], "unread": _unread(conn, principal)}


def _unread(conn: Any, principal: Principal) -> int:
    query = select(func.count()).select_from(notifications).where(notifications.c.user_id == principal.user_id,
                                                                   notifications.c.read_at.is_(None))
    return int(conn.execute(query).scalar_one())


@router.get("/notifications/unread-count", tags=[RUNTIME], **answers(out.Unread, *SIGNED_IN))
def unread_count(conn: ReadConn, principal: Auth) -> dict[str, int]:
    return {"unread": _unread(conn, principal)}


@router.post("/notifications/{notification_id}/read", tags=[RUNTIME], **answers(out.Marked, *SIGNED_IN, 422))
def mark_read(conn: Conn, principal: Auth, notification_id: PathId) -> dict[str, int]:
    done = conn.execute(update(notifications).where(
        notifications.c.id == notification_id, notifications.c.user_id == principal.user_id,
        notifications.c.read_at.is_(None)).values(read_at=utcnow())).rowcount
    return {"marked": done, "unread": _unread(conn, principal)}


@router.post("/notifications/read-all", tags=[RUNTIME], **answers(out.Marked, *SIGNED_IN))
def mark_all_read(conn: Conn, principal: Auth) -> dict[str, int]:
    done = conn.execute(update(notifications).where(notifications.c.user_id == principal.user_id,
                                                    notifications.c.read_at.is_(None)).values(read_at=utcnow()))
    return {"marked": done.rowcount, "unread": 0}


# -- webhooks and channels ------------------------------------------------------------------


@router.get("/apps/{app_key}/webhooks", tags=[INTEGRATIONS], **answers(out.Subscriptions, *SIGNED_IN, 404, 422))
def subscriptions(conn: Conn, principal: Auth, app_key: str) -> dict[str, Any]:
    """Subscriptions with the secret their receivers verify ``X-Dajian-Signature`` with.

    A GET that writes, as the channels' is: the first look at a subscription mints its secret."""
    runtime = _managed(conn, principal, app_key)
    out = []
    for sub in _rules_of(runtime).of_kind("webhook"):
        assert isinstance(sub, WebhookDef)
        _, secret = webhooks.channel_secret(conn, org_id=runtime.org_id, app_id=runtime.app_id, key=sub.key)
        out.append({"key": sub.key, "url": sub.url, "events": sub.events, "enabled": sub.enabled,
                    "secret": secret})
    return {"items": out}


@router.get("/apps/{app_key}/webhooks/deliveries", tags=[INTEGRATIONS], **answers(out.Deliveries, *SIGNED_IN, 404, 422))
def deliveries(conn: ReadConn, principal: Auth, app_key: str, dead: bool = False,
               limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """Deliveries, newest first; ``dead=true`` lists the dead letters."""
    runtime = _managed(conn, principal, app_key)
    return {"items": webhooks.delivery_views(conn, runtime.org_id, runtime.app_id, dead_only=dead, limit=limit)}


@router.post("/webhooks/deliveries/{delivery_id}/redeliver", tags=[INTEGRATIONS],
             **answers(out.Redelivery, *SIGNED_IN, 404, 422))
def redeliver(conn: Conn, principal: Auth, delivery_id: PathId) -> dict[str, Any]:
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may redeliver webhooks", reason="admins_only")
    return webhooks.redeliver(conn, principal.org_id, delivery_id, actor_id=principal.user_id)


@router.get("/admin/webhook-allowlist", tags=[ADMIN], **answers(admin_out.AllowList, *SIGNED_IN))
def get_allow_list(conn: ReadConn, principal: Auth) -> dict[str, list[str]]:
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may see the webhook allow-list", reason="admins_only")
    return {"allow": webhooks.allow_list(conn, principal.org_id)}


@router.put("/admin/webhook-allowlist", tags=[ADMIN], **answers(admin_out.AllowList, *SIGNED_IN, 413, 422))
def put_allow_list(conn: Conn, principal: Auth, body: AllowBody) -> dict[str, list[str]]:
    """Private, loopback or internal destinations a webhook may reach (e.g. ``127.0.0.1``, ``10.0.0.0/8``)."""
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may change the webhook allow-list", reason="admins_only")
    return {"allow": webhooks.set_allow_list(conn, principal.org_id, body.allow)}


@router.get("/apps/{app_key}/channels", tags=[INTEGRATIONS], **answers(out.Channels, *SIGNED_IN, 404, 422))
def inbound_channels(conn: Conn, principal: Auth, app_key: str) -> dict[str, Any]:
    """The app's inbound channels with their public URLs (and, for webhooks, the signing secret).

    A GET that writes: the first look at a webhook channel mints its secret and public id."""
    runtime = _managed(conn, principal, app_key)
    org = principal.org_id
    out: list[dict[str, Any]] = []
    for kind in CHANNEL_KINDS:
        for c in _rules_of(runtime).of_kind(kind):
            item: dict[str, Any] = {"key": getattr(c, "key", None), "kind": kind, "form": getattr(c, "form", None)}
            if isinstance(c, PublicFormDef):
                item["url"] = f"{V1}/public/{{org}}/{app_key}/forms/{c.form}"
            elif isinstance(c, InboundWebhookDef):
                public_id, secret = webhooks.channel_secret(conn, org_id=org, app_id=runtime.app_id, key=c.key)
                item.update(url=f"{V1}/inbound/{public_id}", secret=secret)
            elif isinstance(c, InboundEmailDef):
                item["address"] = c.address
            out.append(item)
    return {"items": out}


# -- public: no login -----------------------------------------------------------------------


@router.post("/public/{org_key}/{app_key}/forms/{form_key}", status_code=201, tags=[PUBLIC],
             **answers(out.Submitted, 404, 409, 413, 422, 429))
def public_submit(request: Request, response: Response, org_key: str, app_key: str, form_key: str,
                  body: Annotated[dict[str, Any], Body()], idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Anonymous submission through a public form link; returns the submission's number.
    With ``Idempotency-Key`` a retry answers the first answer again (no second submission)."""
    client = request.client.host if request.client else "unknown"
    if idempotency_key is not None:  # a retry of a finished submission answers again, uncounted
        with get_engine(request).connect() as conn:
            replayed = replay(request, response, conn, key=idempotency_key, org_id=org_of(conn, org_key),
                              scope="public", body=body)
        if replayed is not None:
            return dict(replayed)
    with counting(get_engine(request)) as conn:
        channels.take_attempt(conn, org_key=org_key, app_key=app_key, form_key=form_key, client=client)
    with transaction(request) as conn:
        org_id = org_of(conn, org_key) if idempotency_key is not None else None
        made: dict[str, Any] = once(
            request, response, conn, key=idempotency_key if org_id is not None else None, org_id=org_id or 0,
            scope="public", body=body,
            work=lambda: channels.submit_public(conn, org_key=org_key, app_key=app_key, form_key=form_key, body=body,
                                                client=client))
        return made


@router.get("/public/{org_key}/{app_key}/status", tags=[PUBLIC], **answers(out.SubmissionStatus, 404, 422, 429))
def public_status(request: Request, org_key: str, app_key: str, serial: Annotated[str, Query(max_length=100)],
                  contact: Annotated[str, Query(max_length=320)]) -> dict[str, Any]:
    """The status and public timeline of a submission, for whoever has its number and contact.

    Limited per client address and, for wrong contacts, per number: 429 with ``Retry-After``."""
    client = request.client.host if request.client else "unknown"
    with counting(get_engine(request)) as conn:
        attempt = channels.take_lookup(conn, org_key=org_key, app_key=app_key, serial=serial, client=client)
    with transaction(request) as conn:
        found = channels.lookup_status(conn, org_key=org_key, app_key=app_key, serial=serial, contact=contact)
        channels.forget_lookup(conn, attempt)  # the right contact: not a guess against this number
        return found


@router.post("/inbound/{channel_id}", status_code=201, tags=[INTEGRATIONS],
             **answers(out.Received, 401, 404, 409, 413, 422, e401="the signature or its timestamp is wrong"))
async def inbound(request: Request, response: Response, channel_id: str) -> dict[str, Any]:
    """A signed JSON POST to an inbound webhook channel creates a record (201); a repeated delivery
    id answers 200 with the record already made."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    result = await run_in_threadpool(_receive, request, channel_id, body, headers)
    if result.get("duplicate"):
        response.status_code = 200
    return result


def _receive(request: Request, channel_id: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    with transaction(request) as conn:
        return channels.receive_webhook(conn, channel_id, body, headers)
