"""The flow engine: definition model → compile (checks, plan) → execute (a pure state machine).

Public API::

    FlowDef, NodeDef, EdgeDef, Assignee, Duration, Sla           # model.py (Pydantic)
    validate_flow(doc, fields=...) -> list[FlowIssue]             # every problem, located
    compile_flow(doc, fields=..., calendars=...) -> FlowPlan      # or FlowDefinitionError
    execute(plan, state, event, env) -> Step(state, effects)      # Start, Act, TimerFired, ...
    preview(plan, record, now=...) -> {"path": [...], ...}
    register_node_kind(NodeKind(...))                             # extend the node kinds
"""

from __future__ import annotations

from .approvals import TASK_ACTIONS, Act
from .compile import compile_flow, is_valid, parse_flow, validate_flow
from .effects import (
    CallWebhook,
    CancelInstance,
    CancelTimer,
    CloseTask,
    CompleteInstance,
    CreateRecord,
    CreateTask,
    Effect,
    Env,
    FlowError,
    InstanceSla,
    Notify,
    ScheduleTimer,
    SetFields,
    SlaPaused,
    SlaResumed,
    StartSubflow,
    State,
    Step,
    Visit,
)
from .execute import Cancel, Event, Reassign, RecordChanged, Start, SubflowDone, TimerFired, execute, preview
from .model import Assignee, Duration, EdgeDef, Escalation, FlowDef, NodeDef, Sla
from .nodes import NODE_KINDS, NodeKind, register_node_kind
from .plan import FlowDefinitionError, FlowIssue, FlowPlan

__all__ = [
    "NODE_KINDS", "TASK_ACTIONS", "Act", "Assignee", "CallWebhook", "Cancel", "CancelInstance", "CancelTimer",
    "CloseTask", "CompleteInstance", "CreateRecord", "CreateTask", "Duration", "EdgeDef", "Effect", "Env",
    "Escalation", "Event", "FlowDef", "FlowDefinitionError", "FlowError", "FlowIssue", "FlowPlan", "InstanceSla",
    "NodeDef", "NodeKind", "Notify", "Reassign", "RecordChanged", "ScheduleTimer", "SetFields", "Sla", "SlaPaused",
    "SlaResumed", "Start", "StartSubflow",
    "State", "Step", "SubflowDone", "TimerFired", "Visit", "compile_flow", "execute", "is_valid", "parse_flow",
    "preview", "register_node_kind", "validate_flow",
]
