"""Sending messages (the ``notify`` job and the digest job): in-app notifications, e-mail, adapters.

A ``notify`` job carries one channel and one recipient (rules fan out when they enqueue), or — from the
flow engine — a list of users and a message for their in-app inbox. Per-recipient rate limits count the
sends of the last ``per_minutes``; over the limit a message is dropped (logged as ``limited``) or, with
``digest``, kept and sent with the others in one message when the window has passed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import Connection, func, insert, select, update

from dajian.engines.rule.model import NotifyChannelDef
from dajian.engines.rule.templates import ADAPTER_NAMES, compile_json_template, render_json
from dajian.platform import jobs
from dajian.platform.clock import utcnow
from dajian.platform.models import users

from .email import email_configured, html_to_text, send_email
from .outbound import post
from .plans import ruleset_for, runtime_by_id
from .tables import digest_items, notification_sends, notifications
from .webhooks import DeliveryFailed, check_destination

log = logging.getLogger(__name__)


def in_app(conn: Connection, *, org_id: int, user_id: int, title: str, body: str, link: Any = None,
           app_id: int | None = None, source: str | None = None) -> None:
    conn.execute(insert(notifications).values(org_id=org_id, user_id=user_id, app_id=app_id, title=title[:500],
                                              body=body, link=link, source=source, created_at=utcnow()))


def handle_notify(conn: Connection, payload: dict[str, Any], job: jobs.Job) -> dict[str, Any]:
    org_id = int(job.org_id or 0)
    if "channel" not in payload:  # the flow engine: {"instance", "users", "message", "node"}
        for user in payload.get("users", []):
            in_app(conn, org_id=org_id, user_id=int(user), title=str(payload.get("message") or ""), body="",
                   link={"instance": payload.get("instance")}, source="flow")
        return {"in_app": len(payload.get("users", []))}
    channel, recipient = payload["channel"], payload.get("recipient")
    if channel == "in_app" and recipient is not None:
        in_app(conn, org_id=org_id, user_id=int(recipient[1]), title=payload["subject"], body=payload["body"],
               link=payload.get("link"), app_id=payload.get("app"), source=payload.get("source"))
        return {"sent": "in_app"}
    address = _address(conn, org_id, recipient)
    if recipient is not None and address is None:
        return {"skipped": "the recipient has no address"}
    who = f"{recipient[0]}:{address}" if recipient is not None else "all"
    limit = payload.get("rate_limit")
    if limit and _recent(conn, who, channel, minutes=limit[1]) >= limit[0]:
        return _over_limit(conn, org_id, payload, who, limit)
    if channel == "email" and not email_configured():
        _warn_email_off()
        return {"skipped": "e-mail is not configured (DAJIAN_SMTP_HOST)"}
    send(conn, org_id, payload.get("app"), channel, recipient, address, payload["subject"], payload["body"])
    _record(conn, org_id, who, channel, "sent")
    return {"sent": channel, "to": who}


_warned: list[bool] = []


def _warn_email_off() -> None:
    # an install without SMTP (the embedded demo) skips e-mail instead of failing and retrying every message
    if not _warned:
        _warned.append(True)
        log.warning("e-mail is not configured (DAJIAN_SMTP_HOST): e-mail notifications are skipped")


def _address(conn: Connection, org_id: int, recipient: list[Any] | None) -> str | None:
    if recipient is None:
        return None
    kind, value = recipient
    if kind != "user":
        return str(value) if value else None
    query = select(users.c.email).where(users.c.id == int(value), users.c.org_id == org_id, users.c.is_active)
    email = conn.execute(query).scalar()
    return str(email) if email else None


def _recent(conn: Connection, who: str, channel: str, *, minutes: int) -> int:
    since = utcnow() - timedelta(minutes=minutes)
    query = select(func.count()).select_from(notification_sends).where(
        notification_sends.c.recipient == who, notification_sends.c.channel == channel,
        notification_sends.c.status == "sent", notification_sends.c.at > since)
    return int(conn.execute(query).scalar_one())


def _record(conn: Connection, org_id: int, who: str, channel: str, status: str) -> None:
    conn.execute(insert(notification_sends).values(org_id=org_id, recipient=who[:400], channel=channel,
                                                   status=status, at=utcnow()))


def _over_limit(conn: Connection, org_id: int, payload: dict[str, Any], who: str, limit: list[int]) -> dict[str, Any]:
    channel = payload["channel"]
    if not payload.get("digest"):
        _record(conn, org_id, who, channel, "limited")
        return {"skipped": "rate limited", "to": who}
    conn.execute(insert(digest_items).values(org_id=org_id, recipient=who[:400], channel=channel,
                                             subject=payload["subject"][:500], body=payload["body"],
                                             created_at=utcnow()))
    _record(conn, org_id, who, channel, "digested")
    window = int(utcnow().timestamp() // (limit[1] * 60))
    jobs.enqueue(conn, "notify.digest", {**payload, "who": who}, org_id=org_id,
                 due_at=utcnow() + timedelta(minutes=limit[1]),
                 idempotency_key=f"digest:{channel}:{who}:{window}"[:200])
    return {"digested": who}


def handle_digest(conn: Connection, payload: dict[str, Any], job: jobs.Job) -> dict[str, Any]:
    org_id, who, channel = int(job.org_id or 0), payload["who"], payload["channel"]
    query = select(digest_items).where(digest_items.c.recipient == who, digest_items.c.channel == channel,
                                       digest_items.c.sent_at.is_(None)).order_by(digest_items.c.id)
    items = list(conn.execute(query).mappings())
    if not items:
        return {"sent": 0}
    subject = f"{len(items)} messages: {items[0]['subject']}" if len(items) > 1 else items[0]["subject"]
    body = "".join(f"<h3>{i['subject']}</h3>{i['body']}<hr>" for i in items)  # subjects were escaped when rendered
    send(conn, org_id, payload.get("app"), channel, payload.get("recipient"), _address(conn, org_id,
                                                                                   payload.get("recipient")),
         subject, body)
    conn.execute(update(digest_items).where(digest_items.c.id.in_([i["id"] for i in items])).values(sent_at=utcnow()))
    _record(conn, org_id, who, channel, "sent")
    return {"sent": len(items)}


def send(conn: Connection, org_id: int, app_id: int | None, channel: str, recipient: list[Any] | None,
         address: str | None, subject: str, body: str) -> None:
    if channel == "email":
        send_email(str(address), subject, body)
        return
    runtime = runtime_by_id(conn, int(app_id)) if app_id is not None else None
    rules = ruleset_for(runtime) if runtime is not None else None
    adapter = rules.elements.get(channel) if rules is not None else None
    if not isinstance(adapter, NotifyChannelDef):
        raise LookupError(f"no notify channel '{channel}'")
    destination = check_destination(conn, org_id, adapter.url)
    values = {"subject": subject, "text": html_to_text(body), "html": body, "now": utcnow().isoformat(),
              "recipient": address or ""}
    document = render_json(compile_json_template(adapter.template, names=ADAPTER_NAMES), values)
    try:
        response = post(destination, json=document, headers={}, timeout=10.0)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"{adapter.adapter} channel '{channel}': HTTP {response.status_code}")
