"""The pure state machine: ``execute(plan, state, event, env) -> Step(new_state, effects)``.

Instance state is JSON (tokens on nodes, open tasks, join counters, timers), owned by the
engine and stored by the platform; ``execute`` never mutates its input. Example::

    step = execute(plan, None, Start(actor=7), env)          # tokens move until they wait
    task = step.of(CreateTask)[0].task                        # e.g. "k2" for the first approver
    step = execute(plan, step.state, Act(task, 7, "approve"), env)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .approvals import Act, act, reassign
from .clock import start_clock, update_clock
from .effects import CancelInstance, Env, FlowError, Step, Visit
from .escalation import SlaBreach, SlaWarning, breach, warn
from .model import Assignee
from .plan import FlowPlan
from .run import Run, new_state
from .state import RunState, StateError, load_state

__all__ = ["Act", "Cancel", "Reassign", "RecordChanged", "SlaBreach", "SlaWarning", "Start", "SubflowDone",
           "TimerFired", "execute", "preview"]


@dataclass(frozen=True)
class Start:
    actor: int


@dataclass(frozen=True)
class TimerFired:
    timer: str


@dataclass(frozen=True)
class SubflowDone:
    token: str
    outcome: str | None


@dataclass(frozen=True)
class Reassign:
    task: str
    user: int


@dataclass(frozen=True)
class Cancel:
    actor: int | None
    reason: str = "withdrawn"


@dataclass(frozen=True)
class RecordChanged:
    """The record changed outside the flow: only the SLA clock's ``pause_when`` is looked at again."""


Event = Start | Act | TimerFired | SubflowDone | Reassign | Cancel | RecordChanged | SlaWarning | SlaBreach


def execute(plan: FlowPlan, state: RunState | Mapping[str, Any] | None, event: Event, env: Env) -> Step:
    """Apply one event; raises ``FlowError`` (and changes nothing) if the instance cannot take it.

    ``state`` is the previous step's state, or the JSON it was stored as (``dump_state``), any version.
    """
    if isinstance(event, Start):
        run = Run(plan, new_state(event.actor), env)
        run.state.started_at = run.now
        start_clock(run)
        run.place(run.plan.start)
    else:
        current = _loaded(state)
        if current is None or not current.running:
            raise FlowError("the flow is not running", code="conflict")
        run = Run(plan, current, env)
        _dispatch(run, event)
    update_clock(run)
    return Step(run.state, run.effects)


def _loaded(state: RunState | Mapping[str, Any] | None) -> RunState | None:
    """A private copy of the state to step on: the caller's stays as it was."""
    if state is None:
        return None
    if isinstance(state, RunState):
        return state.model_copy(deep=True)
    try:
        return load_state(state)
    except StateError as exc:
        raise FlowError(exc.message, code="corrupt_state", path=exc.path) from None


def _dispatch(run: Run, event: Event) -> None:
    if isinstance(event, Act):
        act(run, event)
    elif isinstance(event, TimerFired):
        token = event.timer
        if run.state.timers.pop(token, None) is not None and token in run.state.tokens:
            run.advance(token)
    elif isinstance(event, SubflowDone):
        if run.state.subflows.pop(event.token, None) is not None:
            run.advance(event.token)
    elif isinstance(event, Reassign):
        reassign(run, event.task, event.user)
    elif isinstance(event, Cancel):
        if event.actor is not None and event.actor != run.state.initiator:
            raise FlowError("only the initiator can withdraw this flow", code="forbidden")
        run.clear()
        run.state.status = "cancelled"
        run.emit(CancelInstance(event.reason))
    elif isinstance(event, SlaWarning):
        warn(run, event)
    elif isinstance(event, SlaBreach):
        breach(run, event)
    elif isinstance(event, RecordChanged):
        pass  # the clock is looked at after every event
    else:  # pragma: no cover - Start is handled by execute
        raise FlowError(f"unknown event {event!r}")


# -- preview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PreviewEnv:
    now: datetime
    record: Mapping[str, Any]

    def resolve(self, spec: Assignee, *, node: str, state: RunState) -> list[int]:
        return [0]


def preview(plan: FlowPlan, record: Mapping[str, Any], *, now: datetime, max_steps: int = 200) -> dict[str, Any]:
    """The nodes a record would visit if every step were approved and every timer fired.

    ``preview(plan, {"amount": 800}, now=t)`` → ``{"path": ["start", "triage", "manager", "end"],
    "outcome": "approved", "completed": True}``. Assignees are not resolved (shown as 0).
    """
    env = _PreviewEnv(now, record)
    step = execute(plan, None, Start(actor=0), env)
    path = [v.node for v in step.of(Visit)]
    try:
        for _ in range(max_steps):
            state = step.state
            if not state.running:
                break
            step = execute(plan, state, _next_event(state), env)
            path += [v.node for v in step.of(Visit)]
    except FlowError as exc:
        return {"path": path, "outcome": None, "completed": False, "error": exc.message}
    done = step.state.status == "completed"
    return {"path": path, "outcome": step.state.outcome, "completed": done}


def _next_event(state: RunState) -> Event:
    if state.tasks:
        key, task = next(iter(state.tasks.items()))
        return Act(key, task.assignee, "approve")
    if state.timers:
        return TimerFired(next(iter(state.timers)))
    if state.subflows:
        return SubflowDone(next(iter(state.subflows)), None)
    raise FlowError("the flow waits for nothing but has not finished")

