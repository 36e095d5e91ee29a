"""Inbound e-mail: a message to a channel's address creates a record; a reply whose subject carries the
number (serial) of an existing record of that form is threaded onto it as a comment instead.

Why an SMTP receiver (aiosmtpd) rather than IMAP polling: mail arrives the moment it is delivered
(no polling interval, no mailbox to keep clean), no mailbox password is stored in Dajian, and the same
code path runs in tests against a local socket. Put it behind the organisation's MX or a forwarding
rule (``dajian`` listens on ``DAJIAN_INBOUND_SMTP_PORT``); ``receive_email`` is the transport-free core
that an IMAP poller could call just as well.
"""

from __future__ import annotations

import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from dajian.engines.rule.model import InboundEmailDef
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid
from dajian.platform.models import apps, organisations
from dajian.platform.records import create_records

from .channels import create_only
from .email import html_to_text
from .plans import form_infos, ruleset_for, runtime_by_id
from .tables import record_comments

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.]{3,62}")


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    return html_to_text(content) if part.get_content_type() == "text/html" else content.strip()


def mail_channels(conn: Connection, org_id: int) -> list[tuple[RuntimeApp, InboundEmailDef]]:
    found = []
    for app_id in conn.execute(select(apps.c.id).where(apps.c.org_id == org_id)).scalars():
        runtime = runtime_by_id(conn, int(app_id))
        rules = ruleset_for(runtime) if runtime is not None else None
        for channel in rules.of_kind("inbound_email") if rules is not None else []:
            if isinstance(channel, InboundEmailDef) and runtime is not None:
                found.append((runtime, channel))
    return found


def receive_email(conn: Connection, *, org_id: int, recipients: list[str], raw: bytes) -> list[dict[str, Any]]:
    """Deliver one message to every channel of the organisation whose address is among ``recipients``."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    subject = str(message.get("Subject", "")).strip()
    sender = parseaddr(str(message.get("From", "")))[1]
    body = _text(message)
    wanted = {r.lower() for r in recipients}
    return [_deliver(conn, runtime, channel, subject=subject, sender=sender, body=body)
            for runtime, channel in mail_channels(conn, org_id) if channel.address.lower() in wanted]


def _deliver(conn: Connection, runtime: Any, channel: InboundEmailDef, *, subject: str, sender: str,
             body: str) -> dict[str, Any]:
    serial = form_infos(runtime.definition)[channel.form].serial
    table = runtime.form(channel.form).table
    tokens = list(dict.fromkeys(_TOKEN.findall(subject)))[:20]
    if serial is not None and tokens:
        found = conn.execute(select(table.c.id).where(table.c[serial].in_(tokens), table.c.deleted_at.is_(None))
                             .order_by(table.c.id.desc())).scalar()
        if found is not None:
            conn.execute(insert(record_comments).values(
                org_id=runtime.org_id, app_id=runtime.app_id, form_key=channel.form, record_id=found,
                author=sender or "unknown", channel=channel.key, body=body, public=False, at=utcnow()))
            return {"comment_on": int(found)}
    values: dict[str, Any] = {channel.subject_field: subject or "(no subject)", "channel": channel.key}
    if channel.body_field:
        values[channel.body_field] = body
    if channel.from_field:
        values[channel.from_field] = sender
    fields = [k for k in (channel.subject_field, channel.body_field, channel.from_field) if k]
    created = create_records(conn, create_only(runtime, channel.form, fields), [values])[0]
    return {"created": int(created["id"])}


class InboundMailHandler:
    """An aiosmtpd handler: ``Controller(InboundMailHandler(engine, "acme"), hostname=..., port=...)``."""

    def __init__(self, engine: Engine, org_key: str) -> None:
        self.engine, self.org_key = engine, org_key

    def _org_id(self, conn: Connection) -> int:
        return int(conn.execute(select(organisations.c.id).where(organisations.c.key == self.org_key)).scalar() or 0)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.engine.connect() as conn:
            known = {c.address.lower() for _, c in mail_channels(conn, self._org_id(conn))}
        if address.lower() not in known:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        try:
            with self.engine.begin() as conn:
                done = receive_email(conn, org_id=self._org_id(conn), recipients=list(envelope.rcpt_tos),
                                     raw=bytes(envelope.original_content or envelope.content))
        except Invalid as exc:  # the message can never become a record: bounce it instead of retries
            log.warning("inbound e-mail for %s refused: %s %s", self.org_key, exc, exc.errors)
            fields = ", ".join(e.get("path", "") for e in exc.errors)[:200]
            return f"550 5.6.0 Message refused: {exc} {fields}".rstrip()
        except Exception:
            log.exception("inbound e-mail for %s failed", self.org_key)
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted" if done else "550 No such mailbox here"


def start_receiver(engine: Engine, org_key: str, *, host: str = "127.0.0.1", port: int = 8025) -> Any:
    """Start an SMTP receiver thread; returns the aiosmtpd ``Controller`` (``.stop()`` to end it)."""
    from aiosmtpd.controller import Controller

    controller = Controller(InboundMailHandler(engine, org_key), hostname=host, port=port)
    controller.start()
    return controller
