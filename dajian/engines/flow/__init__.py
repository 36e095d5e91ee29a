"""The flow engine: definition model → compile (checks, plan) → execute (a pure state machine).

Public API::

    FlowDef, NodeDef, EdgeDef, Assignee, Duration, Sla           # model.py (Pydantic)
    validate_flow(doc, fields=...) -> list[FlowIssue]             # every problem, located
    compile_flow(doc, fields=..., calendars=...) -> FlowPlan      # or FlowDefinitionError
    execute(plan, state, event, env) -> Step(state, effects)      # Start, Act, TimerFired, ...
    RunState, dump_state(state) -> JSON, load_state(JSON) -> RunState   # typed, versioned run state
    preview(plan, record, now=...) -> {"path": [...], ...}
    migrate_state(state, new_plan, node_map) -> (state, moved)    # onto another version of the flow
    register_node_kind(NodeKind(...))                             # extend the node kinds
"""

from __future__ import annotations

from .approvals import TASK_ACTIONS, Act, allows, earlier_steps, task_actions
from .compile import compile_flow, is_valid, parse_flow, validate_flow
from .effects import (
    CallWebhook,
    CancelInstance,
    CancelTimer,
    CloseTask,
    CompleteInstance,
    CopyTo,
    CreateRecord,
    CreateTask,
    Effect,
    Env,
    FlowError,
    InstanceSla,
    MarkSla,
    Notify,
    Reassigned,
    ScheduleEscalation,
    ScheduleTimer,
    SetFields,
    SlaPaused,
    SlaResumed,
    StartSubflow,
    State,
    Step,
    Visit,
)
from .execute import (
    Cancel,
    Event,
    Reassign,
    RecordChanged,
    SlaBreach,
    SlaWarning,
    Start,
    SubflowDone,
    TimerFired,
    execute,
    preview,
)
from .migrate import MigrationError, migrate_state
from .model import Assignee, Duration, EdgeDef, Escalation, FlowDef, NodeAllow, NodeDef, Sla
from .nodes import NODE_KINDS, NodeKind, register_node_kind
from .plan import FlowDefinitionError, FlowIssue, FlowPlan
from .state import STATE_VERSION, RunState, StateError, dump_state, is_paused, load_state

__all__ = [
    "NODE_KINDS",
    "STATE_VERSION",
    "TASK_ACTIONS",
    "Act",
    "Assignee",
    "CallWebhook",
    "Cancel",
    "CancelInstance",
    "CancelTimer",
    "CloseTask",
    "CompleteInstance",
    "CopyTo",
    "CreateRecord",
    "CreateTask",
    "Duration",
    "EdgeDef",
    "Effect",
    "Env",
    "Escalation",
    "Event",
    "FlowDef",
    "FlowDefinitionError",
    "FlowError",
    "FlowIssue",
    "FlowPlan",
    "InstanceSla",
    "MarkSla",
    "MigrationError",
    "NodeAllow",
    "NodeDef",
    "NodeKind",
    "Notify",
    "Reassign",
    "Reassigned",
    "RecordChanged",
    "RunState",
    "ScheduleEscalation",
    "ScheduleTimer",
    "SetFields",
    "Sla",
    "SlaBreach",
    "SlaPaused",
    "SlaResumed",
    "SlaWarning",
    "Start",
    "StartSubflow",
    "State",
    "StateError",
    "Step",
    "SubflowDone",
    "TimerFired",
    "Visit",
    "allows",
    "compile_flow",
    "dump_state",
    "earlier_steps",
    "execute",
    "is_paused",
    "is_valid",
    "load_state",
    "migrate_state",
    "parse_flow",
    "preview",
    "register_node_kind",
    "task_actions",
    "validate_flow",
]
