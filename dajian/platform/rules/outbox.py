"""The outbox: messages and webhook calls decided by rules become jobs in the same transaction, one per
(channel, recipient) with an idempotency key, and are sent by a worker after commit."""

from __future__ import annotations

import hashlib
from typing import Any

from dajian.engines.rule import CallWebhook, Notify, Recipient
from dajian.engines.rule.model import NotifyChannelDef, WebhookDef
from dajian.platform import jobs
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow

from . import webhooks
from .plans import ruleset_for

MAX_KEY = 200


def job_key(*parts: object) -> str:
    """An idempotency key; long ones (e-mail addresses, long rule keys) end in a hash to fit the column."""
    key = ":".join(map(str, parts))
    if len(key) <= MAX_KEY:
        return key
    return key[:150] + "#" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _targets(runtime: RuntimeApp, channel: str, recipients: tuple[Recipient, ...]) -> list[Recipient | None]:
    if channel == "in_app":
        return [r for r in recipients if r.kind == "user"]
    if channel == "email":
        return [r for r in recipients if r.kind in ("user", "email")]
    rules = ruleset_for(runtime)
    adapter = rules.elements.get(channel) if rules else None
    if not isinstance(adapter, NotifyChannelDef):
        return []
    if adapter.recipient == "none":
        return [None]
    wanted = {"phone": ("phone",), "user": ("user",), "email": ("user", "email")}[adapter.recipient]
    return [r for r in recipients if r.kind in wanted]


def notify(conn: Any, runtime: RuntimeApp, effect: Notify, *, key: str, link: dict[str, Any], rule: str) -> None:
    """One job per (channel, recipient), all in one multi-row INSERT."""
    new = []
    for channel in effect.channels:
        for target in _targets(runtime, channel, effect.recipients):
            recipient = [target.kind, target.value] if target is not None else None
            payload = {"app": runtime.app_id, "channel": channel, "recipient": recipient, "subject": effect.subject,
                       "body": effect.body, "link": link, "source": f"rule:{rule}",
                       "rate_limit": list(effect.rate_limit) if effect.rate_limit else None, "digest": effect.digest}
            unique = job_key("n", key, channel, *(recipient or ["all"]))
            new.append(jobs.NewJob("notify", payload, idempotency_key=unique))
    jobs.enqueue_many(conn, new, org_id=runtime.org_id)


def call_webhook(conn: Any, runtime: RuntimeApp, effect: CallWebhook, *, key: str, link: dict[str, Any],
                 rule: str) -> None:
    from .runner import read_record

    payload = effect.payload
    if payload is None:
        record = read_record(conn, runtime, link["form"], link["record"]) or {}
        payload = {"event": f"rule.{rule}", "app": runtime.key, "form": link["form"], "record_id": link["record"],
                   "record": jsonable(record), "at": utcnow().isoformat()}
    url, attempts = effect.url, 6
    if effect.subscription is not None:
        rules = ruleset_for(runtime)
        sub = rules.elements.get(effect.subscription) if rules else None
        assert isinstance(sub, WebhookDef)
        url, attempts = sub.url, sub.max_attempts
    webhooks.enqueue_delivery(conn, org_id=runtime.org_id, app_id=runtime.app_id, subscription=effect.subscription,
                              url=str(url), event=f"rule.{rule}", payload=payload, max_attempts=attempts,
                              key=job_key("w", key))
