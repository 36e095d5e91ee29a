"""Outbound webhooks: per-app subscriptions to record events, signed JSON POSTs sent by the job queue.

Every request carries ``X-Dajian-Timestamp`` (Unix seconds) and, for subscriptions, ``X-Dajian-Signature:
sha256=<hex>`` = HMAC-SHA256(secret, timestamp + "." + body), so a receiver can verify origin and refuse
replays. A non-2xx answer or a network error fails the job: it is retried with exponential backoff and,
after the subscription's ``max_attempts``, dead-lettered (listed, and redelivered by an admin).
Destinations resolving to any non-public address are refused unless an organisation administrator
allowed them (``organisations.settings["webhook_allow"]``: host names, IPs or CIDRs), cloud metadata
services always; the request goes to the address that was checked (``outbound.py``).
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from typing import Any

import httpx
from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, update

from dajian.engines.rule import RuleSet
from dajian.engines.rule.model import WebhookDef
from dajian.platform import jobs
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import jsonable, write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.events import RecordEvent
from dajian.platform.models import apps, organisations
from dajian.platform.models import jobs as job_table

from . import outbound
from .tables import channel_secrets, webhook_deliveries

TIMEOUT = 10.0


class DeliveryFailed(RuntimeError):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance: int = 300) -> bool:
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def channel_secret(conn: Connection, *, org_id: int, app_id: int, key: str) -> tuple[str, str]:
    """``(public_id, secret)`` of an app's channel or subscription, created on first use."""
    query = select(channel_secrets.c.public_id, channel_secrets.c.secret).where(
        channel_secrets.c.app_id == app_id, channel_secrets.c.channel_key == key)
    row = conn.execute(query).first()
    if row is None:
        conn.execute(insert(channel_secrets).values(
            org_id=org_id, app_id=app_id, channel_key=key, public_id="ch_" + secrets.token_hex(12),
            secret=secrets.token_urlsafe(32), created_at=utcnow()))
        row = conn.execute(query).one()
    return str(row.public_id), str(row.secret)


def allow_list(conn: Connection, org_id: int) -> list[str]:
    found = conn.execute(select(organisations.c.settings).where(organisations.c.id == org_id)).scalar()
    return list((found or {}).get("webhook_allow", []))


def set_allow_list(conn: Connection, org_id: int, entries: list[str]) -> list[str]:
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            if not entry or any(c in entry for c in "/ :@"):
                raise Invalid("not a host name, IP address or network",
                              errors=[{"path": "/allow", "message": f"{entry!r}"}]) from None
    settings = dict(conn.execute(select(organisations.c.settings).where(organisations.c.id == org_id)).scalar() or {})
    settings["webhook_allow"] = entries
    conn.execute(update(organisations).where(organisations.c.id == org_id).values(settings=settings))
    return entries


def check_destination(conn: Connection, org_id: int, url: str) -> outbound.Destination:
    """Refuse a URL that is not http(s) or reaches a non-public address the organisation did not allow;
    the address to connect to (see ``outbound``)."""
    try:
        return outbound.resolve(url, allow_list(conn, org_id))
    except outbound.DestinationUnreachable as exc:
        raise DeliveryFailed(str(exc)) from None


def enqueue_delivery(conn: Connection, *, org_id: int, app_id: int | None, subscription: str | None, url: str,
                     event: str, payload: Any, max_attempts: int = 6, key: str | None = None) -> int | None:
    """A delivery row and its job, in the caller's transaction (once per ``key``)."""
    if key is not None and conn.execute(select(job_table.c.id).where(job_table.c.idempotency_key == key)).first():
        return None
    delivery = conn.execute(insert(webhook_deliveries).values(
        org_id=org_id, app_id=app_id, subscription=subscription, url=url, event=event, payload=jsonable(payload),
        status="pending", attempts=0, created_at=utcnow()).returning(webhook_deliveries.c.id)).scalar_one()
    job_id = jobs.enqueue(conn, "webhook", {"delivery": delivery}, org_id=org_id,
                          idempotency_key=key or f"wh:{delivery}", max_attempts=max_attempts)
    conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.id == delivery).values(job_id=job_id))
    return int(delivery)


def _matches(patterns: list[str], event: str) -> bool:
    return any(fnmatch.fnmatchcase(event, p) for p in patterns)


def on_record_event(conn: Connection, runtime: RuntimeApp, rules: RuleSet, event: RecordEvent) -> None:
    """Queue a delivery to every enabled subscription of the app that wants this event."""
    name = f"{event.form_key}.{event.kind}"
    subs = [s for s in rules.of_kind("webhook") if isinstance(s, WebhookDef) and s.enabled and _matches(s.events, name)]
    if not subs:
        return
    table = runtime.form(event.form_key).table
    version = conn.execute(select(table.c.row_version).where(table.c.id == event.record_id)).scalar()
    record = event.new if event.new is not None else event.old
    payload = {"event": name, "app": runtime.key, "form": event.form_key, "record_id": event.record_id,
               "record": jsonable(dict(record or {})), "changed": sorted(event.changed), "at": utcnow().isoformat()}
    for sub in subs:
        enqueue_delivery(conn, org_id=runtime.org_id, app_id=runtime.app_id, subscription=sub.key, url=sub.url,
                         event=name, payload=payload, max_attempts=sub.max_attempts,
                         key=f"sub:{runtime.app_id}:{sub.key}:{event.form_key}:{event.record_id}:v{version}:{event.kind}")


def deliver(conn: Connection, payload: dict[str, Any], job: jobs.Job) -> dict[str, Any]:
    """The ``webhook`` job: rule and subscription deliveries, and the flow engine's webhook effects."""
    if "delivery" not in payload:  # a flow's webhook node: this job is its delivery
        delivery_id = conn.execute(insert(webhook_deliveries).values(
            org_id=job.org_id or 0, app_id=None, subscription=None, url=payload["url"], job_id=job.id,
            event=f"flow.{payload.get('instance')}", payload=jsonable(payload.get("payload", {})), status="pending",
            attempts=0, created_at=utcnow()).returning(webhook_deliveries.c.id)).scalar_one()
        payload = {"delivery": delivery_id}
    query = select(webhook_deliveries).where(webhook_deliveries.c.id == payload["delivery"])
    row = conn.execute(query).mappings().one()
    destination = check_destination(conn, row["org_id"], row["url"])
    body = json.dumps(row["payload"], ensure_ascii=False, sort_keys=True).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "Dajian-Webhook/1", "X-Dajian-Timestamp": stamp,
               "X-Dajian-Event": row["event"], "X-Dajian-Delivery": str(row["id"])}
    if row["subscription"] and row["app_id"]:
        _, secret = channel_secret(conn, org_id=row["org_id"], app_id=row["app_id"], key=row["subscription"])
        headers["X-Dajian-Signature"] = sign(secret, stamp, body)
    try:
        response = outbound.post(destination, content=body, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:300]}")
    conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.id == row["id"]).values(
        status="delivered", attempts=job.attempts, last_status=response.status_code, delivered_at=utcnow()))
    return {"status": response.status_code}


def redeliver(conn: Connection, org_id: int, delivery_id: int, *, actor_id: int | None = None) -> dict[str, Any]:
    """Send a delivery again: its dead job queued again with fresh attempts, else a new job; audited."""
    row = conn.execute(select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id,
                                                        webhook_deliveries.c.org_id == org_id)).mappings().first()
    if row is None:
        raise NotFound(f"no webhook delivery {delivery_id}")
    if row["job_id"] is not None and jobs.requeue_dead(conn, row["job_id"]):
        result = {"delivery": delivery_id, "job": row["job_id"], "requeued": True}
    else:
        job_id = jobs.enqueue(conn, "webhook", {"delivery": delivery_id}, org_id=org_id,
                              idempotency_key=f"wh:{delivery_id}:{secrets.token_hex(6)}")
        conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
                     .values(job_id=job_id, status="pending"))
        result = {"delivery": delivery_id, "job": job_id, "requeued": False}
    write_audit(conn, org_id=org_id, actor_id=actor_id, entity="webhook", action="redeliver", app_id=row["app_id"],
                changes={**result, "event": row["event"], "url": row["url"]})
    return result


DELIVERY_STATES = ("pending", "retrying", "delivered", "dead", "cancelled")


def _in_status(status: str) -> ColumnElement[bool]:
    """``_view``'s status as a WHERE condition on deliveries outer-joined to their jobs."""
    d, j = webhook_deliveries.c, job_table.c
    waiting = d.delivered_at.is_(None)
    live = and_(waiting, or_(j.status.is_(None), j.status.not_in(("dead", "cancelled"))))
    tried = func.coalesce(j.attempts, 0) > 0
    return {"delivered": d.delivered_at.is_not(None), "dead": and_(waiting, j.status == "dead"),
            "cancelled": and_(waiting, j.status == "cancelled"), "retrying": and_(live, tried),
            "pending": and_(live, ~tried)}[status]


def delivery_views(conn: Connection, org_id: int, app_id: int | None, *, dead_only: bool = False,
                   limit: int = 100, status: str | None = None, before_id: int | None = None) -> list[dict[str, Any]]:
    """Deliveries newest first (of one app, or with ``app_id=None`` of the whole organisation, flow
    webhook nodes included), each with the key of its app."""
    j = job_table
    query = (select(webhook_deliveries, j.c.status.label("job_status"), j.c.attempts.label("job_attempts"),
                    j.c.last_error.label("job_error"), j.c.available_at, apps.c.key.label("app"))
             .outerjoin(j, j.c.id == webhook_deliveries.c.job_id)
             .outerjoin(apps, apps.c.id == webhook_deliveries.c.app_id)
             .where(webhook_deliveries.c.org_id == org_id))  # fmt: skip
    if app_id is not None:
        query = query.where(webhook_deliveries.c.app_id == app_id)
    if dead_only:
        query = query.where(j.c.status == "dead")
    if status is not None:
        query = query.where(_in_status(status))
    if before_id is not None:
        query = query.where(webhook_deliveries.c.id < before_id)
    rows = conn.execute(query.order_by(webhook_deliveries.c.id.desc()).limit(limit)).mappings()
    return [_view(r) for r in rows]


def _view(r: Any) -> dict[str, Any]:
    status = "delivered" if r["delivered_at"] else {"dead": "dead", "cancelled": "cancelled"}.get(
        r["job_status"], "retrying" if (r["job_attempts"] or 0) > 0 else "pending")
    return {"id": r["id"], "app": r["app"], "subscription": r["subscription"], "url": r["url"], "event": r["event"],
            "status": status, "attempts": r["job_attempts"] or r["attempts"], "last_status": r["last_status"],
            "last_error": r["job_error"].strip().splitlines()[-1] if r["job_error"] else r["last_error"],
            "next_attempt_at": r["available_at"].isoformat() if status == "retrying" and r["available_at"] else None,
            "created_at": r["created_at"].isoformat(), "payload": r["payload"],
            "delivered_at": r["delivered_at"].isoformat() if r["delivered_at"] else None}
