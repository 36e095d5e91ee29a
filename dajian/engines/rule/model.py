"""Rule definitions: the JSON a designer saves in the app's ``rules`` section, as Pydantic models.

The ``rules`` section holds keyed elements of several kinds (``kind``, default ``rule``):

* ``rule`` — triggers (``on``), a condition (``when``), aggregates over other records and actions;
* ``decision_table`` — see ``dtable.py``;
* ``webhook`` — an outbound subscription: record events of the app POSTed, signed, to a URL;
* ``notify_channel`` — a JSON-over-HTTP adapter (企业微信, 钉钉, SMS gateways) with a per-channel template;
* ``public_form``, ``inbound_webhook``, ``inbound_email`` — inbound channels creating records.

Triggers and actions are open sets: ``registry.register_trigger`` / ``register_action`` add kinds, each
with its own model, so an element is validated in two steps (the envelope here, the body by its kind).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dajian.engines.described import DescribedBy
from dajian.engines.form.model import Key, Label

Expr = Any  # a JSON AST or a formula text (``'amount > 5000'``)
Template = Annotated[str, Field(max_length=20_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Body(BaseModel):
    """An element or trigger/action whose remaining properties belong to its kind."""

    model_config = ConfigDict(extra="allow", frozen=True)


# -- triggers -------------------------------------------------------------------------------


class TriggerEnvelope(Body):
    """A trigger as written; the published schema describes it by its ``event``'s model (``TRIGGERS``)."""

    event: Annotated[str, Field(min_length=1, max_length=40)]


class RecordTrigger(Strict):
    """``created`` / ``deleted`` / ``restored``; ``updated`` optionally when one of ``fields`` changed."""

    event: Literal["created", "updated", "deleted", "restored"]
    fields: list[Key] | None = None
    channel: Key | None = Field(default=None, description="created: only records that came in through it")


class FieldChangedTrigger(Strict):
    """An update that changed ``field``, optionally ``from`` one value (or list) ``to`` another."""

    event: Literal["field_changed"]
    field: Key
    from_: Any = Field(default=None, alias="from")
    to: Any = None


class FlowTrigger(Strict):
    """A flow event on the rule's record: a node entered or left, a task action, an SLA warning or breach."""

    event: Literal["flow"]
    flow: Key | None = None
    on: Literal["entered", "left", "action", "sla_warning", "sla_breach"]
    node: Annotated[str, Field(max_length=63)] | None = None
    action: Annotated[str, Field(max_length=40)] | None = None


class Offset(Strict):
    days: int = Field(default=0, ge=-3650, le=3650)
    hours: int = Field(default=0, ge=-87600, le=87600)
    minutes: int = Field(default=0, ge=-525600, le=525600)
    working: bool = Field(default=False, description="count working days/hours of the calendar")


class TimeTrigger(Strict):
    """Relative to a date field: ``{"field": "resolved_at", "offset": {"hours": 24}}`` (negative: before)."""

    event: Literal["time"]
    field: Key
    offset: Offset = Field(default_factory=Offset)
    calendar: Key | None = Field(default=None, description="an app calendar (settings.calendars) for working time")


class CronTrigger(Strict):
    """A schedule in the app's time zone; the rule runs on every record of its form matching ``when``."""

    event: Literal["cron"]
    cron: Annotated[str, Field(min_length=9, max_length=100)]
    limit: int = Field(default=500, ge=1, le=10_000)


class InboundTrigger(Strict):
    """A record created through an inbound channel (any, or the one named)."""

    event: Literal["inbound"]
    channel: Key | None = None


class ManualTrigger(Strict):
    """A button: ``POST /api/v1/apps/{app}/rules/{rule}/run`` with a record id."""

    event: Literal["manual"]
    label: Label | None = None


# -- actions --------------------------------------------------------------------------------


class ActionEnvelope(Body):
    """An action as written; the published schema describes it by its ``kind``'s model (``ACTIONS``)."""

    kind: Annotated[str, Field(min_length=1, max_length=40)]


class SetAction(Strict):
    """Field values (``values``, literals) and computed values (``formulas``, expressions)."""

    kind: Literal["set"]
    values: dict[Key, Any] = Field(default_factory=dict)
    formulas: dict[Key, Expr] = Field(default_factory=dict)


class UserSpec(Strict):
    """Who: a user id, the members of a role, a user field of the record, or a department's manager."""

    user: int | None = None
    role: Key | None = None
    field: Key | None = None
    pick: Literal["first", "least_loaded", "round_robin"] = "first"


class AssignAction(Strict):
    kind: Literal["assign"]
    field: Key
    to: UserSpec


class CreateAction(Strict):
    """Create a record in ``form``; with ``dedupe`` at most one per key value (e.g. per batch)."""

    kind: Literal["create"]
    form: Key
    values: dict[Key, Any] = Field(default_factory=dict)
    formulas: dict[Key, Expr] = Field(default_factory=dict)
    dedupe: Expr | None = Field(default=None, description="an expression; one record per distinct value")
    link_back: Key | None = Field(default=None, description="a field of this record that receives the new id")


class UpdateAction(Strict):
    """Update the records of ``form`` whose ``match`` fields equal expressions over this record."""

    kind: Literal["update"]
    form: Key
    match: dict[Key, Expr]
    values: dict[Key, Any] = Field(default_factory=dict)
    formulas: dict[Key, Expr] = Field(default_factory=dict, description="evaluated over the triggering record")
    limit: int = Field(default=100, ge=1, le=1000)


class StartFlowAction(Strict):
    kind: Literal["start_flow"]
    flow: Key


class EscalateAction(Strict):
    """Raise an integer level field: ``to`` a level (never lowered) or ``by`` a step."""

    kind: Literal["escalate"]
    field: Key = "escalation_level"
    to: int | None = Field(default=None, ge=0, le=100)
    by: int = Field(default=1, ge=1, le=100)


class RecipientSpec(Strict):
    user: int | None = None
    role: Key | None = None
    user_field: Key | None = None
    email_field: Key | None = None
    phone_field: Key | None = None
    email: Annotated[str, Field(max_length=320)] | None = None


class RateLimit(Strict):
    max: int = Field(ge=1, le=10_000)
    per_minutes: int = Field(ge=1, le=10_080)


class NotifyAction(Strict):
    """A message rendered from templates (Jinja2, sandboxed) sent on channels after commit."""

    kind: Literal["notify"]
    to: list[RecipientSpec] = Field(min_length=1, max_length=50)
    channels: list[Key] = Field(default_factory=lambda: ["in_app"], min_length=1)
    subject: Template
    body: Template = ""
    rate_limit: RateLimit | None = None
    digest: bool = Field(default=False, description="over the rate limit: collect into one later message")


class WebhookAction(Strict):
    """POST to a ``webhook`` subscription (signed) or a plain URL; ``payload`` strings are templates."""

    kind: Literal["webhook"]
    subscription: Key | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    payload: dict[str, Any] | None = None


class DecideAction(Strict):
    """Evaluate a decision table and write its outputs (``outputs``: table output → field)."""

    kind: Literal["decide"]
    table: Key
    inputs: dict[Key, Expr] = Field(default_factory=dict, description="table input → expression; default the field")
    outputs: dict[Key, Key] = Field(default_factory=dict, description="table output → field; default the same key")


# -- the elements ---------------------------------------------------------------------------


class AggregateDef(Strict):
    """A number computed over other records in one SQL query, named ``agg.<key>`` in ``when``.

    ``{"key": "recent", "form": "complaint", "fn": "count", "match": {"customer": "customer"},
    "within": {"field": "created_at", "days": 30}}``: this customer's complaints in the last 30 days.
    """

    key: Key
    form: Key | None = None
    fn: Literal["count", "sum", "avg", "min", "max"] = "count"
    field: Key | None = None
    match: dict[Key, Expr] = Field(default_factory=dict, description="other record's field → expression here")
    within: Within | None = None
    where: Expr | None = None


class Within(Strict):
    field: Key = "created_at"
    days: int = Field(default=0, ge=0, le=3650)
    hours: int = Field(default=0, ge=0, le=87600)


AggregateDef.model_rebuild()


class RuleDef(Strict):
    key: Key
    label: Label | None = None
    kind: Literal["rule"] = "rule"
    description: Label | None = None
    form: Key
    enabled: bool = True
    priority: int = Field(default=100, ge=-1_000_000, le=1_000_000, description="lower runs first, then key")
    on: list[Annotated[dict[str, Any], DescribedBy("TriggerEnvelope")]] = Field(min_length=1, max_length=20)
    when: Expr | None = None
    aggregates: list[AggregateDef] = Field(default_factory=list, max_length=10)
    actions: list[Annotated[dict[str, Any], DescribedBy("ActionEnvelope")]] = Field(min_length=1, max_length=50)


class WebhookDef(Strict):
    key: Key
    label: Label | None = None
    kind: Literal["webhook"]
    url: Annotated[str, Field(min_length=8, max_length=2000)]
    events: list[Annotated[str, Field(pattern=r"^([a-z][a-z0-9_]*|\*)\.(created|updated|deleted|restored|\*)$")]] = (
        Field(default_factory=lambda: ["*.*"]))
    enabled: bool = True
    max_attempts: int = Field(default=6, ge=1, le=20)


class NotifyChannelDef(Strict):
    """``template`` is JSON whose strings are templates over ``subject``, ``text``, ``html``, ``recipient``, ``now``."""

    key: Key
    label: Label | None = None
    kind: Literal["notify_channel"]
    adapter: Literal["wecom", "dingtalk", "sms", "generic"] = "generic"
    url: Annotated[str, Field(min_length=8, max_length=2000)]
    recipient: Literal["none", "phone", "user", "email"] = "none"
    template: dict[str, Any]


class PublicFormDef(Strict):
    key: Key
    label: Label | None = None
    kind: Literal["public_form"]
    form: Key
    fields: list[Key] = Field(min_length=1, description="the fields an anonymous visitor may fill")
    contact_field: Key | None = Field(default=None, description="what a visitor gives to look up the status")
    status_field: Key | None = None
    honeypot: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")] = "website"
    rate_limit: RateLimit = Field(default_factory=lambda: RateLimit(max=5, per_minutes=10))
    status_lookup: bool = True


class InboundWebhookDef(Strict):
    key: Key
    label: Label | None = None
    kind: Literal["inbound_webhook"]
    form: Key
    map: dict[Key, Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, description="form field → dotted path in the posted JSON, e.g. customer.email")
    dedupe: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="dotted path of a delivery id in the posted JSON (e.g. ticket.id): a repeated "
        "delivery returns the record already made; without it the X-Dajian-Delivery header, when sent")


class InboundEmailDef(Strict):
    key: Key
    label: Label | None = None
    kind: Literal["inbound_email"]
    form: Key
    address: Annotated[str, Field(min_length=3, max_length=320)]
    subject_field: Key
    body_field: Key | None = None
    from_field: Key | None = None


CHANNEL_KINDS = ("public_form", "inbound_webhook", "inbound_email")
ELEMENT_MODELS: dict[str, type[BaseModel]] = {
    "rule": RuleDef, "webhook": WebhookDef, "notify_channel": NotifyChannelDef, "public_form": PublicFormDef,
    "inbound_webhook": InboundWebhookDef, "inbound_email": InboundEmailDef,
}  # fmt: skip
