"""Rules, decision tables, notifications, webhooks, inbound channels and the public endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dajian.platform.api.schemas.common import Json, Open, Out, Timestamp


class RuleLogEntry(Out):
    """One entry of the execution log: what fired, why, what it changed or sent."""

    id: int
    org_id: int
    app_id: int
    version_id: int | None
    rule: str
    rule_key: str
    form_key: str | None
    record_id: int | None
    event: str
    depth: int = Field(description="how deep in a chain of rules changing records this ran")
    status: str = Field(description="fired | error | cut")
    reason: str
    changes: dict[str, Any] = Field(description='{"values": {...}, "effects": [...]}')
    error: str | None
    at: Timestamp


class RuleLog(Out):
    items: list[RuleLogEntry] = Field(description="newest first")


class Effect(Open):
    """Something a rule does (or would do): ``kind`` names it, the other keys are its parameters."""

    kind: str = Field(description="SetValues, Notify, StartFlow, CallWebhook, …")


class ConditionCheck(Out):
    """One part of a rule's condition (its top-level AND / OR split) and whether it held."""

    expression: str = Field(description="the part as formula text")
    held: bool | None = Field(description="null: not evaluated (its aggregates were not computed) or it failed")
    error: str | None


class RuleRun(Out):
    rule: str
    fires: bool
    reason: str
    error: str | None
    values: dict[str, Json] = Field(description="field values the rule sets")
    effects: list[Effect]
    joiner: str | None = Field(default=None, description='dry runs: "and" / "or" joining the checks; null: one')
    checks: list[ConditionCheck] = Field(default_factory=list, description="dry runs: the condition part by part")


class RuleOutcome(Out):
    runs: list[RuleRun]
    values: dict[str, Json] = Field(description="every value the rules set, together")


class DryRun(RuleOutcome):
    event: str
    changed: list[str] = Field(description="the fields the change would change")


class Armed(Out):
    rule: str
    next_at: Timestamp


class Schedules(Out):
    armed: list[Armed]


class TableResult(Out):
    result: Json = Field(description="the decision table's output")


class TableDryRun(Out):
    inputs: dict[str, Json] = Field(description="inputs used: the record's fields of their names, then typed ones")
    rows: list[int] = Field(description="every row matching the inputs, whatever the hit policy (0-based)")
    result: Json = Field(description="the table's answer under its hit policy")
    error: str | None = Field(description="the table refused the inputs (two rows of a 'unique' table match)")


class MessagePreview(Out):
    subject: str = Field(description="the subject as text")
    body: str = Field(description="the body as HTML (values escaped)")


class WebhookTest(Out):
    url: str
    payload: Json = Field(description="the JSON sent")
    signed: bool = Field(description="X-Dajian-Signature was sent (subscriptions)")
    status: int | None = Field(description="the receiver's HTTP status; null: no answer")
    ok: bool = Field(description="a 2xx answer")
    error: str | None = Field(description="why no answer came (timeout, refused connection)")
    response: str | None = Field(description="the start of the receiver's answer")
    elapsed_ms: int


class Notification(Out):
    id: int
    org_id: int
    user_id: int
    app_id: int | None
    title: str
    body: str
    link: dict[str, Json] | None = Field(description='{"app", "form", "record"} or {"instance"}')
    source: str | None
    created_at: Timestamp
    read_at: Timestamp | None


class Notifications(Out):
    items: list[Notification]
    unread: int


class Unread(Out):
    unread: int


class Marked(Out):
    marked: int = Field(description="notifications marked read by this call")
    unread: int


class Subscription(Out):
    key: str
    url: str
    events: list[str]
    enabled: bool
    secret: str = Field(description="receivers verify X-Dajian-Signature with it")


class Subscriptions(Out):
    items: list[Subscription]


class Delivery(Out):
    id: int
    app: str | None = Field(description="the app whose subscription made it; null for a flow's webhook node")
    subscription: str | None = Field(description="the app's subscription; null for a flow's webhook node")
    url: str
    event: str
    status: str = Field(description="pending | retrying | delivered | dead | cancelled")
    attempts: int
    last_status: int | None = Field(description="the receiver's last HTTP status")
    last_error: str | None
    next_attempt_at: Timestamp | None
    created_at: Timestamp
    payload: Json
    delivered_at: Timestamp | None


class Deliveries(Out):
    items: list[Delivery]


class Redelivery(Out):
    delivery: int
    job: int
    requeued: bool = Field(description="true: the dead job was queued again; false: a new job was made")


class Channel(Out):
    key: str | None
    kind: str = Field(description="public_form | inbound_webhook | inbound_email")
    form: str | None
    url: str | None = Field(default=None, description="public forms and inbound webhooks")
    secret: str | None = Field(default=None, description="inbound webhooks: the signing secret")
    address: str | None = Field(default=None, description="inbound e-mail")


class Channels(Out):
    items: list[Channel]


class Submitted(Out):
    accepted: bool
    serial: Json = Field(default=None, description="the submission's number, to look its status up with")


class StatusEvent(Out):
    at: Timestamp
    event: str = Field(description="submitted | status | reply")
    status: Json = None
    text: str | None = None


class SubmissionStatus(Out):
    serial: Json
    submitted_at: Timestamp
    status: Json
    timeline: list[StatusEvent]


class Received(Out):
    id: int
    serial: Json
    duplicate: bool = Field(description="true: this delivery id was seen before (answered 200)")
