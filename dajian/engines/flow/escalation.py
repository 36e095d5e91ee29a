"""SLA warnings and breaches as engine events: ``SlaWarning`` and ``SlaBreach`` return the effects
of the SLA's escalation chain (notify, reassign, set record fields, run an automated action).

The platform's durable jobs deliver them when a task's (or the flow's) warning or due time comes;
breach step ``i + 1`` is asked for with ``ScheduleEscalation`` ``after`` step ``i``. An event whose
task has closed, or for the flow's clock while it is paused, returns no effects at all: the job
has nothing left to do, so closing a task never has to chase its jobs::

    step = execute(plan, state, SlaBreach(task="k2", step=0), env)
    step.effects == [MarkSla("k2", "breached", 1), Notify((91,), "SLA escalation", "triage"),
                     SetFields({"escalation_level": 1}), ScheduleEscalation("k2", 1, due_at=...)]
"""

from __future__ import annotations

from dataclasses import dataclass

from .approvals import reassign
from .effects import MarkSla, Notify, Reassigned, ScheduleEscalation, SetFields
from .plan import EscalationPlan, SlaPlan
from .run import Run
from .state import is_paused

ESCALATION_MESSAGE = "SLA escalation"


@dataclass(frozen=True)
class SlaWarning:
    task: str | None  # an open task's key; None: the flow's own clock


@dataclass(frozen=True)
class SlaBreach:
    task: str | None
    step: int = 0  # the escalation step due now (0: the breach itself)


def sla_of(run: Run, task: str | None) -> SlaPlan | None:
    """The SLA the event is about, or None when there is nothing left to do."""
    if task is None:
        return run.plan.sla if run.plan.sla is not None and not is_paused(run.state) else None
    open_task = run.state.tasks.get(task)
    return run.plan.node(open_task.node).sla if open_task is not None else None


def warn(run: Run, event: SlaWarning) -> None:
    sla = sla_of(run, event.task)
    if sla is None:
        return
    run.emit(MarkSla(event.task, "warning", 0))
    for step in sla.on_warning:
        escalate(run, event.task, step)
    if event.task is None:
        _mirror_state(run, "warning")


def breach(run: Run, event: SlaBreach) -> None:
    sla = sla_of(run, event.task)
    if sla is None:
        return
    index = event.step
    run.emit(MarkSla(event.task, "breached", index + 1))
    if index < len(sla.on_breach):
        escalate(run, event.task, sla.on_breach[index])
    if index == 0 and event.task is None:
        _mirror_state(run, "breached")
    following = index + 1
    if following < len(sla.on_breach):
        after = sla.on_breach[following].after
        due = after.due(run.now, {}, run.plan.calendar) if after else run.now
        run.emit(ScheduleEscalation(event.task, following, due or run.now))


def escalate(run: Run, task: str | None, step: EscalationPlan) -> None:
    """One step of the chain, in the order notify, set fields, action, reassign."""
    from .nodes import run_action

    raw = step.raw
    node = run.state.tasks[task].node if task is not None else None
    if raw.notify is not None:
        users = run.env.resolve(raw.notify, node=node or "", state=run.state)
        run.emit(Notify(tuple(users), ESCALATION_MESSAGE, node))
    if raw.set_fields:
        run.emit(SetFields(dict(raw.set_fields)))
    if raw.action is not None:
        run_action(run, raw.action, node=None)
    if raw.reassign is not None and task is not None and node is not None:
        users = run.env.resolve(raw.reassign, node=node, state=run.state)
        if users:
            new_task = reassign(run, task, users[0])
            if new_task is not None:
                run.emit(Reassigned(task, users[0], new_task))


def _mirror_state(run: Run, state: str) -> None:
    """The flow's SLA state into the record field named by ``record_fields.sla_state``."""
    mapping = run.plan.definition.record_fields
    if mapping is not None and mapping.sla_state:
        run.emit(SetFields({mapping.sla_state: state}))
