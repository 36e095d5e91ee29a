"""Inbound channels that create records: the public form link, its status lookup, and signed webhooks.

Public calls act as a principal of the organisation that may only create records of that form and
write only the fields the channel lists (plus ``channel``). Every channel records its key in the
record's ``channel`` field. Public submissions are rate limited per client in the database (any number
of API processes share the count) and carry a honeypot field: a filled one is accepted and dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, literal, select, true

from dajian.engines.rule import RuleSet
from dajian.engines.rule.model import InboundWebhookDef, PublicFormDef
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid, NotFound, TooManyRequests, Unauthorized
from dajian.platform.models import apps, audit_log, organisations
from dajian.platform.permissions import Grant
from dajian.platform.principal import Principal
from dajian.platform.reactions import current_runtime
from dajian.platform.records import FormContext, create_records
from dajian.platform.throttle import nth_latest, retry_after, serialise

from . import public_uploads
from .apply import DedupeKey, claim_dedupe, settle_dedupe
from .plans import form_infos, ruleset_for, runtime_by_id, runtime_of
from .tables import channel_secrets, public_submissions, record_comments
from .webhooks import verify

ANONYMOUS = 0  # the user id recorded for anonymous submissions
# Status lookups are counted in public_submissions too, under a channel key no channel can have
LOOKUP_KEY = "~status"
LOOKUP_WINDOW = timedelta(minutes=10)
LOOKUPS_PER_CLIENT = 30  # any lookups from one address
FAILED_LOOKUPS_PER_TICKET = 10  # wrong contacts given for one number, from any address
UPLOAD_KEY = "~upload"  # anonymous uploads, counted per address across the app's public forms
UPLOAD_WINDOW = timedelta(minutes=10)
UPLOADS_PER_CLIENT = 30


_PUBLIC_APP = (select(apps.c.id, apps.c.key, apps.c.org_id, apps.c.current_version_id)
               .join(organisations, organisations.c.id == apps.c.org_id)
               .where(organisations.c.key == bindparam("org"), apps.c.key == bindparam("app")))  # fmt: skip


def public_app(conn: Connection, org_key: str, app_key: str) -> tuple[RuntimeApp, RuleSet]:
    """The app behind a public link, with its current version, in one read (every anonymous request asks)."""
    row = conn.execute(_PUBLIC_APP, {"org": org_key, "app": app_key}).first()
    runtime = (current_runtime(row.id, lambda: runtime_of(conn, row.key, row.org_id, row.current_version_id))
               if row is not None else None)
    rules = ruleset_for(runtime) if runtime is not None else None
    if runtime is None or rules is None:
        raise NotFound("no such public form")
    return runtime, rules


def create_only(runtime: RuntimeApp, form_key: str, fields: list[str]) -> FormContext:
    """A context that may create records of ``form_key`` writing only ``fields`` and read back nothing else."""
    form = runtime.form(form_key)
    serial = form_infos(runtime.definition)[form_key].serial
    grant = Grant(row_filter=true(), read_fields=frozenset(k for k in (serial, "channel") if k),
                  write_fields=frozenset([*fields, "channel"]))
    principal = Principal(user_id=ANONYMOUS, org_id=runtime.org_id, dept_id=None, is_org_admin=False, via="system",
                          scopes=frozenset({"records:write"}), app_keys=frozenset({runtime.key}))
    return FormContext(runtime, form, grant, principal)


def _public_form(rules: RuleSet, form_key: str) -> PublicFormDef:
    for element in rules.of_kind("public_form"):
        if isinstance(element, PublicFormDef) and element.form == form_key:
            return element
    raise NotFound("no such public form")


def submit_public(conn: Connection, *, org_key: str, app_key: str, form_key: str, body: Mapping[str, Any],
                  client: str) -> dict[str, Any]:
    runtime, rules = public_app(conn, org_key, app_key)
    channel = _public_form(rules, form_key)
    if body.get(channel.honeypot):
        return {"accepted": True}
    unknown = [k for k in body if k not in channel.fields and k != channel.honeypot]
    if unknown:
        raise Invalid("unknown fields", errors=[{"path": f"/{k}", "message": "not part of this form"} for k in unknown])
    given = {k: v for k, v in body.items() if k in channel.fields}
    values, uploads = public_uploads.claim(conn, runtime, channel, given)
    created = create_records(conn, create_only(runtime, form_key, channel.fields), [{**values, "channel": channel.key}])
    public_uploads.bind(conn, uploads, int(created[0]["id"]))
    serial = form_infos(runtime.definition)[form_key].serial
    return {"accepted": True, "serial": created[0].get(serial) if serial else None}


def take_attempt(conn: Connection, *, org_key: str, app_key: str, form_key: str, client: str) -> None:
    """Count a submission attempt or raise 429. Run it in ``throttle.counting`` (a transaction of its
    own, so refused submissions count too): count and insert happen under one lock per client."""
    runtime, rules = public_app(conn, org_key, app_key)
    channel = _public_form(rules, form_key)
    window = timedelta(minutes=channel.rate_limit.per_minutes)
    _count(conn, runtime.app_id, channel.key, client[:100], limit=channel.rate_limit.max, window=window,
           message="too many submissions; try again later")


def take_upload(conn: Connection, *, org_key: str, app_key: str, form_key: str, field_key: str,
                client: str) -> public_uploads.UploadTarget:
    """Count an anonymous upload per client address or raise 429 (in ``throttle.counting``, as
    ``take_attempt``); the upload's target, or 404 when the channel lists no such file field."""
    runtime, rules = public_app(conn, org_key, app_key)
    to = public_uploads.target(runtime, _public_form(rules, form_key), field_key)
    _count(conn, runtime.app_id, UPLOAD_KEY, f"ip:{client}"[:100], limit=UPLOADS_PER_CLIENT, window=UPLOAD_WINDOW,
           message="too many uploads; try again later")
    return to


def take_lookup(conn: Connection, *, org_key: str, app_key: str, serial: str, client: str) -> int:
    """Count a status lookup per client and per ticket number, or raise 429; the ticket's row is
    returned so that ``forget_lookup`` can drop it when the lookup succeeds (only wrong guesses of the
    contact count against a ticket)."""
    runtime, _ = public_app(conn, org_key, app_key)
    _count(conn, runtime.app_id, LOOKUP_KEY, f"ip:{client}"[:100], limit=LOOKUPS_PER_CLIENT,
           window=LOOKUP_WINDOW, message="too many status lookups; try again later")
    return _count(conn, runtime.app_id, LOOKUP_KEY, f"no:{serial.strip()}"[:100], limit=FAILED_LOOKUPS_PER_TICKET,
                  window=LOOKUP_WINDOW, message="too many wrong lookups of this number; try again later")


def forget_lookup(conn: Connection, attempt_id: int) -> None:
    conn.execute(delete(public_submissions).where(public_submissions.c.id == attempt_id))


def _count(conn: Connection, app_id: int, channel_key: str, client: str, *, limit: int, window: timedelta,
           message: str) -> int:
    """Under a lock on (app, channel, client): refuse with 429 at ``limit`` attempts in ``window``, else record one."""
    serialise(conn, f"public:{app_id}:{channel_key}:{client}")
    now = utcnow()
    recent = (select(public_submissions.c.at)
              .where(public_submissions.c.app_id == app_id, public_submissions.c.channel_key == channel_key,
                     public_submissions.c.client == client, public_submissions.c.at > now - window)
              .order_by(public_submissions.c.at.desc()))  # fmt: skip
    # counted and recorded in one statement: the lock (held to the commit) waits one round trip less
    under_limit = ~select(nth_latest(recent, limit).subquery()).exists()
    row = select(literal(app_id), literal(channel_key), literal(client), literal(now, public_submissions.c.at.type))
    cols = [public_submissions.c.app_id, public_submissions.c.channel_key, public_submissions.c.client,
            public_submissions.c.at]
    made = conn.execute(insert(public_submissions).from_select(cols, row.where(under_limit))
                        .returning(public_submissions.c.id)).scalar()
    if made is not None:
        return int(made)
    nth: datetime | None = conn.scalar(nth_latest(recent, limit))
    raise TooManyRequests(message, retry_after=retry_after(nth, window=window, now=now) or 1)


def lookup_status(conn: Connection, *, org_key: str, app_key: str, serial: str, contact: str) -> dict[str, Any]:
    """The current status and the public timeline of a submission, given its number and the contact used."""
    runtime, rules = public_app(conn, org_key, app_key)
    infos = form_infos(runtime.definition)
    for channel in rules.of_kind("public_form"):
        assert isinstance(channel, PublicFormDef)
        serial_key = infos[channel.form].serial
        if not channel.status_lookup or serial_key is None or channel.contact_field is None:
            continue
        table = runtime.form(channel.form).table
        row = conn.execute(select(table).where(table.c[serial_key] == serial.strip(), table.c.deleted_at.is_(None),
                                               table.c[channel.contact_field] == contact.strip())).mappings().first()
        if row is not None:
            return {"serial": row[serial_key], "submitted_at": row["created_at"].isoformat(),
                    "status": row[channel.status_field] if channel.status_field else None,
                    "timeline": timeline(conn, runtime, channel, row["id"])}
    raise NotFound("no submission with this number and contact")


def timeline(conn: Connection, runtime: RuntimeApp, channel: PublicFormDef, record_id: int) -> list[dict[str, Any]]:
    """Submitted, each change of the status field, public replies — nothing else of the record's history."""
    query = (select(audit_log.c.at, audit_log.c.action, audit_log.c.changes)
             .where(audit_log.c.app_id == runtime.app_id, audit_log.c.form_key == channel.form,
                    audit_log.c.record_id == record_id, audit_log.c.entity == "record")
             .order_by(audit_log.c.id))  # fmt: skip
    entries: list[dict[str, Any]] = []
    for row in conn.execute(query):
        if row.action == "create":
            entries.append({"at": row.at.isoformat(), "event": "submitted"})
        change = (row.changes or {}).get(channel.status_field or "")
        if change and row.action in ("create", "update") and change[1] is not None:
            entries.append({"at": row.at.isoformat(), "event": "status", "status": change[1]})
    comments = select(record_comments.c.at, record_comments.c.body).where(
        record_comments.c.app_id == runtime.app_id, record_comments.c.record_id == record_id,
        record_comments.c.form_key == channel.form, record_comments.c.public)
    entries += [{"at": r.at.isoformat(), "event": "reply", "text": r.body} for r in conn.execute(comments)]
    return sorted(entries, key=lambda e: e["at"])


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def receive_webhook(conn: Connection, public_id: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """An inbound webhook: verify the signature, map JSON fields to form fields, create the record."""
    row = conn.execute(select(channel_secrets).where(channel_secrets.c.public_id == public_id)).mappings().first()
    runtime = runtime_by_id(conn, int(row["app_id"])) if row is not None else None
    rules = ruleset_for(runtime) if runtime is not None else None
    channel = rules.elements.get(row["channel_key"]) if rules is not None and row is not None else None
    if runtime is None or row is None or not isinstance(channel, InboundWebhookDef):
        raise NotFound("no such inbound channel")
    stamp, signature = headers.get("x-dajian-timestamp", ""), headers.get("x-dajian-signature", "")
    if not verify(row["secret"], stamp, body, signature, now=utcnow().timestamp()):
        raise Unauthorized("bad or missing X-Dajian-Signature / X-Dajian-Timestamp")
    try:
        data = json.loads(body)
    except ValueError:
        raise Invalid("the body is not JSON", errors=[{"path": "", "message": "not JSON"}]) from None
    serial = form_infos(runtime.definition)[channel.form].serial
    table = runtime.form(channel.form).table
    key = _delivery_key(runtime.app_id, channel, data, headers)
    existing = claim_dedupe(conn, key) if key is not None else None
    if existing is not None:  # the sender retried a delivery we already took
        row = conn.execute(select(table.c.id, *([table.c[serial]] if serial else []))
                           .where(table.c.id == existing)).mappings().one()
        return {"id": existing, "serial": row[serial] if serial else None, "duplicate": True}
    values = {k: v for k, path in channel.map.items() if (v := _lookup(data, path)) is not None}
    created = create_records(conn, create_only(runtime, channel.form, list(channel.map)),
                             [{**values, "channel": channel.key}])[0]
    if key is not None:
        settle_dedupe(conn, key, int(created["id"]))
    return {"id": created["id"], "serial": created.get(serial) if serial else None, "duplicate": False}


def _delivery_key(app_id: int, channel: InboundWebhookDef, data: Any,
                  headers: Mapping[str, str]) -> DedupeKey | None:
    value = _lookup(data, channel.dedupe) if channel.dedupe else headers.get("x-dajian-delivery")
    if value is None or value == "":
        if channel.dedupe:
            raise Invalid("the delivery id is missing", errors=[{"path": "/" + channel.dedupe.replace(".", "/"),
                                                                  "message": "required to recognise repeats"}])
        return None
    return DedupeKey(app_id, channel.key, channel.form, str(value)[:400])
