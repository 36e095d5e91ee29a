"""The flow API: instances with their tasks and timeline, a record's flows, inboxes, previews."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from dajian.platform.api.schemas.common import Label, Out, Problem, Timestamp

InstanceState = Annotated[str, Field(description="running | completed | cancelled")]
SlaState = Annotated[str | None, Field(description="ok | warning | breached; null without an SLA")]


class TaskFields(Out):
    """The record fields the task's assignee sees, edits and must fill."""

    visible: list[str]
    editable: list[str]
    required: list[str]


class Task(Out):
    id: int
    node_id: str
    role: str = Field(description="approval | task | resubmit | info")
    assignee_id: int
    on_behalf_of: int | None = Field(description="a delegated task: whose it was")
    status: str = Field(description="pending | done | cancelled | …")
    created_at: Timestamp
    due_at: Timestamp | None
    warn_at: Timestamp | None
    sla_state: SlaState
    escalation_level: int
    acted_by: int | None
    acted_at: Timestamp | None
    decision: str | None
    comment: str | None
    working_minutes: float | None
    node_label: Label | None
    fields: TaskFields | None


class SlaClock(Out):
    paused: bool
    paused_minutes: float


class FlowEvent(Out):
    at: Timestamp
    actor_id: int | None
    action: str
    task_id: int | None
    payload: dict[str, Any] = Field(description="what the event did; keys by action")


class InstanceFields(Out):
    flow_key: str
    state: InstanceState
    outcome: str | None
    started_by: int
    started_at: Timestamp
    ended_at: Timestamp | None
    due_at: Timestamp | None
    sla_state: SlaState
    working_minutes: float | None


class Instance(InstanceFields):
    """A flow instance with its tasks, the path it took and its timeline (for its participants)."""

    id: int
    form_key: str
    record_id: int
    version_id: int = Field(description="the app version the instance is pinned to")
    path: list[str] = Field(description="the node ids visited so far")
    sla_clock: SlaClock | None = Field(description="null for a flow without an SLA")
    tasks: list[Task]
    timeline: list[FlowEvent]


class ActedInstance(Instance):
    replayed: bool = Field(description="true: this client_request_id was seen before; nothing was done again")


class StepChoice(Out):
    id: str
    label: Label | None


class OpenTask(Out):
    id: int
    instance_id: int
    node_id: str
    role: str = Field(description="approval | task | info: which actions its holder may take")
    assignee_id: int
    due_at: Timestamp | None
    sla_state: SlaState
    node_label: Label | None
    actions: list[str] = Field(description="what its holder may do at this step, in button order (approve, reject, "
                               "send_back, return, transfer, delegate, add_signer_before, add_signer_after, cc)")
    send_back_to: list[StepChoice] = Field(description="send_back (退回): the earlier steps it may go back to")
    reject_to: list[StepChoice] | None = Field(description="reject: the steps to choose from, when the step's "
                                               "on_reject is 'choose'; null: the rejection goes where the step says")


class RecordFlow(InstanceFields):
    id: int
    flow_label: Label
    open_tasks: list[OpenTask]


class RecordFlows(Out):
    items: list[RecordFlow]
    step_editable: list[str] | None = Field(
        default=None, description="the fields the running flows let you change on this record, as the record API "
        "enforces it: only those of your open tasks' steps ([] when you hold none); null: no flow restriction")


class InboxInstance(Out):
    instance_id: int
    version_id: int | None = Field(default=None, description="the app version the flow runs on")
    app: str
    flow_key: str
    form_key: str
    record_id: int
    state: InstanceState
    started_by: int
    started_at: Timestamp
    title: str | None = Field(default=None, description="the record's title field, when the reader may read it")
    summary: dict[str, Any] = Field(
        default_factory=dict, description="values of the fields the task's step lists as visible (those the "
        "reader may read), as the record API gives them, with `_display` names of relations")


class InboxTask(InboxInstance):
    task_id: int
    node_id: str
    role: str
    status: str
    created_at: Timestamp
    due_at: Timestamp | None
    sla_state: SlaState
    acted_at: Timestamp | None
    decision: str | None
    node_label: Label | None
    needs_input: bool = Field(description="the step requires record fields: open the record, no bulk approval")
    paused: bool = Field(description="the flow's SLA clock stops at this step (it waits on someone outside)")


class StartedItem(InboxInstance):
    due_at: Timestamp | None
    outcome: str | None


class CcItem(InboxInstance):
    reason: str = Field(description="cc | mention")
    cc_at: Timestamp


class PendingInbox(Out):
    box: Literal["pending"]
    items: list[InboxTask] = Field(description="soonest due first")
    counts: dict[str, int] = Field(description="app key -> my open tasks")


class DoneInbox(Out):
    box: Literal["done"]
    items: list[InboxTask]


class StartedInbox(Out):
    box: Literal["started"]
    items: list[StartedItem]


class CcInbox(Out):
    box: Literal["cc"]
    items: list[CcItem]


Inbox = Annotated[PendingInbox | DoneInbox | StartedInbox | CcInbox, Field(discriminator="box")]


class FlowPreview(Out):
    flow: str
    path: list[str] = Field(description="the node ids a record would visit if every step were approved")
    outcome: str | None
    completed: bool
    error: str | None = Field(default=None, description="why the walk stopped, when it did")


class FlowProblem(Problem):
    node: str | None = Field(description="the node id the problem is at")


class FlowValidation(Out):
    valid: bool
    errors: list[FlowProblem]


class Migrated(Out):
    from_version: int = Field(description="app version id the instance ran on")
    to_version: int
    node_map: dict[str, str] = Field(description="old node id -> new node id, for the nodes that moved")
