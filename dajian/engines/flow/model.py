"""Flow definitions: the JSON a designer saves, as Pydantic models (no run state here).

A flow belongs to one form and is a graph of ``nodes`` joined by ``edges``::

    {"key": "handle", "label": {"en": "Handle"}, "form": "complaint",
     "nodes": [{"id": "start", "kind": "start"},
               {"id": "review", "kind": "approval", "assignee": {"strategy": "role", "role": "lead"}},
               {"id": "done", "kind": "end", "outcome": "approved"}],
     "edges": [{"source": "start", "target": "review"}, {"source": "review", "target": "done"}]}

Like form fields, every node kind shares one flat model; each kind's checker (``nodes.py``)
says which attributes it needs. Kinds are an open set (``register_node_kind``), so ``kind``
is a string checked at compile time, not here; the published schema describes each kind with
its own attributes (``node_models.py``).

``CalendarDef`` describes a business calendar as ``calendar.py`` parses it; the flow keeps the
JSON as written (``calendar.py`` checks it with its own located messages).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dajian.engines.described import DescribedBy
from dajian.engines.form.model import Key, Label

NodeId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]{0,62}$")]
Expression = dict[str, Any]
Strategy = Literal[
    "users", "role", "dept_manager", "user_field", "initiator", "previous_actor",
    "round_robin", "least_open", "decision_table",
]  # fmt: skip
Mode = Literal["any", "all", "n_of_m", "percentage", "sequential"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


HHMM = r"\d{2}:[0-5]\d"
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class PeriodSpan(Strict):
    start: Annotated[str, Field(pattern=f"^{HHMM}$")]
    end: Annotated[str, Field(pattern=f"^{HHMM}$")]


Period = (
    Annotated[str, Field(pattern=rf"^\s*{HHMM}\s*-\s*{HHMM}\s*$", description='"09:00-12:00"; 24:00 ends a day')]
    | Annotated[list[Annotated[str, Field(pattern=rf"^\s*{HHMM}\s*$")]], Field(min_length=2, max_length=2)]
    | PeriodSpan
)
Periods = list[Period]  # version 1 also took one period alone; upgrade.py wraps it


class MakeupDay(Strict):
    """A make-up working day (调休) that works like the weekday ``as``."""

    date: IsoDate
    as_: Weekday = Field(default="mon", alias="as")


class CalendarDef(Strict):
    """``{"timezone": "Asia/Shanghai", "week": {"mon": ["09:00-12:00", "13:30-18:00"]},
    "holidays": ["2026-01-01", "2026-02-15..2026-02-23"], "makeup_days": ["2026-02-14", {"date": "2026-02-28",
    "as": "fri"}], "overrides": {"2026-12-31": ["09:00-12:00"]}}``: periods are half-open local times."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    timezone: Annotated[str, Field(min_length=1, description="an IANA name such as Asia/Shanghai")]
    week: dict[Weekday, Periods] = Field(default_factory=dict, description="Working periods per weekday.")
    holidays: list[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$",
                                        description='a date, or an inclusive range "2026-02-15..2026-02-23"')]] = (
        Field(default_factory=list))
    makeup_days: list[IsoDate | MakeupDay] = Field(default_factory=list, description="Monday's periods by default.")
    overrides: dict[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")], Periods] = Field(
        default_factory=dict, description="A date's own periods, before holidays and make-up days.")


class Assignee(Strict):
    """Who gets a task. ``dept_manager`` of the initiator, the record's department or the task's
    assignee, ``levels`` up the tree; ``round_robin``/``least_open`` pick one member of ``role``
    or ``dept``; ``decision_table`` evaluates the app's decision table ``table`` on the record and
    reads its ``output`` (the first output by default): user ids, or a role key whose members get it."""

    strategy: Strategy
    users: list[int] | None = None
    role: Key | None = None
    dept: Key | None = None
    of: Literal["initiator", "record", "assignee"] = "initiator"
    levels: Annotated[int, Field(ge=0, le=10)] = 0
    field: Key | None = None
    table: Key | None = None
    output: Key | None = None


class Duration(Strict):
    """Exactly one of: working minutes/hours/days (a number or an expression giving one, such as
    a target that depends on the record's priority), wall-clock ``hours``, or ``until_field``."""

    working_minutes: float | Expression | None = None
    working_hours: float | Expression | None = None
    working_days: int | None = None
    hours: float | None = None
    until_field: Key | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Duration:
        if len(self.model_fields_set) != 1 or any(getattr(self, k) is None for k in self.model_fields_set):
            raise ValueError("give exactly one of working_minutes, working_hours, working_days, hours, until_field")
        return self


class FieldAccess(Strict):
    """Per-node field permissions for the task's assignee."""

    visible: list[Key] = Field(default_factory=list)
    editable: list[Key] = Field(default_factory=list)
    required: list[Key] = Field(default_factory=list)


class Action(Strict):
    """One automated step; exactly one attribute is set."""

    set_fields: dict[Key, Any] | None = Field(
        default=None, description='Values, or {"expr": <expression>} computed from the record.'
    )
    create_record: CreateRecord | None = None
    notify: Notify | None = None
    webhook: Webhook | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        if len(self.model_fields_set) != 1:
            raise ValueError("give exactly one of set_fields, create_record, notify, webhook")
        return self


class CreateRecord(Strict):
    form: Key
    values: dict[Key, Any] = Field(default_factory=dict)


class Notify(Strict):
    to: Assignee
    message: str = Field(default="", max_length=2000)


class Webhook(Strict):
    url: Annotated[str, Field(pattern=r"^https?://", max_length=2000)]
    payload: dict[str, Any] = Field(default_factory=dict)


class Escalation(Strict):
    """One step of an escalation chain, run ``after`` the breach (immediately by default)."""

    after: Duration | None = None
    notify: Assignee | None = None
    reassign: Assignee | None = None
    set_fields: dict[Key, Any] | None = None
    action: Action | None = None


class Sla(Strict):
    """A target with a warning and escalations. On the flow's SLA (the resolution clock) the clock
    stops while the flow waits only in ``pause_in`` nodes (e.g. a customer confirmation) or while
    ``pause_when`` holds for the record (e.g. ``{"==": [{"var": "status"}, "awaiting_customer"]}``);
    when it runs again, the warning and due times move out by the paused working time."""

    target: Duration
    warn_at: Annotated[float, Field(gt=0, lt=1)] = 0.8
    on_warning: list[Escalation] = Field(default_factory=list)
    on_breach: list[Escalation] = Field(default_factory=list)
    pause_in: list[NodeId] = Field(default_factory=list)
    pause_when: Expression | None = None


class RejectRule(Strict):
    """Where a rejection sends the flow: ``start`` (back to the initiator), ``previous`` (the last
    human step before this one), ``end`` (finish with ``outcome``), a node id, or ``choose``
    (the approver names one of ``choices``, or any earlier step of the run when ``choices`` is empty)."""

    to: str = "start"
    outcome: str = "rejected"
    choices: list[NodeId] = Field(default_factory=list)


class NodeRecordFields(Strict):
    """Record fields a human node fills when its first task is done (left alone once filled), e.g.
    the triage step's working minutes as the first-response time."""

    working_minutes: Key | None = None
    done_at: Key | None = None


class NodeAllow(Strict):
    """What an assignee may do at a human step besides approving; an absent switch is on, so a node
    without ``allow`` behaves as before. ``{"transfer": false, "add_signer_before": false}``:

    ``reject`` 驳回 (by ``on_reject``), ``send_back`` 退回 to an earlier step of the assignee's choosing,
    ``return`` ask the initiator for information, ``transfer`` 转交, ``delegate`` 委托,
    ``add_signer_before`` 前加签 (the added signer acts first, then the task comes back),
    ``add_signer_after`` 后加签 (my approval stands; the added signer must approve too), ``cc`` 抄送."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    reject: bool = True
    send_back: bool = True
    return_: bool = Field(default=True, alias="return")
    transfer: bool = True
    delegate: bool = True
    add_signer_before: bool = True
    add_signer_after: bool = True
    cc: bool = True


class NodeDef(Strict):
    id: NodeId
    kind: Annotated[str, Field(min_length=1, max_length=40)]
    label: Label | None = None
    assignee: Assignee | None = None
    mode: Mode | None = None
    n: Annotated[int, Field(ge=1)] | None = None
    percentage: Annotated[float, Field(gt=0, le=100)] | None = None
    on_reject: RejectRule | None = None
    required_fields: list[Key] | None = None
    fields: FieldAccess | None = None
    duration: Duration | None = None
    actions: list[Action] | None = None
    flow: Key | None = None
    outcome: str | None = None
    sla: Sla | None = None
    cc: list[Assignee] | None = Field(default=None, description="People copied (抄送) when the step opens; "
                                      "they may read the record")
    record_fields: NodeRecordFields | None = None
    allow: NodeAllow | None = None


class EdgeDef(Strict):
    source: NodeId
    target: NodeId
    condition: Expression | None = None
    default: bool = False
    label: Label | None = None


class RecordFields(Strict):
    """Record fields that mirror the run, so reports can use them."""

    due_at: Key | None = None
    working_minutes: Key | None = None
    sla_state: Key | None = None
    outcome: Key | None = None


class FlowDef(Strict):
    key: Key
    label: Label
    form: Key
    description: Label | None = None
    nodes: list[NodeDef] = Field(min_length=1)
    edges: list[EdgeDef] = Field(default_factory=list)
    sla: Sla | None = None
    calendar: str | Annotated[dict[str, Any], DescribedBy(CalendarDef)] | None = Field(
        default=None, description="A calendar key from the app's settings, or an inline calendar."
    )
    record_fields: RecordFields | None = None

    def node(self, node_id: str) -> NodeDef | None:
        return next((n for n in self.nodes if n.id == node_id), None)


Action.model_rebuild()
