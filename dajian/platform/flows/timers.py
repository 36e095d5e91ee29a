"""Durable time for flows (DESIGN §5): timer nodes and SLA warnings/breaches are jobs.

``flow.timer`` fires a timer node; ``flow.sla_warning`` and ``flow.sla_breach`` mark a task (or
the whole instance when ``task`` is null) and run the escalation chain: notify, reassign, raise
record fields, run an automated action. Breach step ``i + 1`` is scheduled ``after`` step ``i``.
A job whose task or instance has moved on does nothing, so closing a task never has to chase
its jobs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.engine import RowMapping

from dajian.engines.flow import CallWebhook, CreateRecord, Notify, Reassign, SetFields, TimerFired
from dajian.engines.flow.model import Escalation
from dajian.engines.flow.plan import EscalationPlan, SlaPlan
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.jobs import Job, register_job_handler

from .apply import Applier, job_key, read_record, runtime_of
from .assign import PlatformEnv
from .plans import plan_for
from .service import lock_instance, log_event, run_step
from .tables import flow_instances, flow_tasks

_INSTANCE = select(flow_instances).where(flow_instances.c.id == bindparam("id"))
_INSTANCE_LOCKED = _INSTANCE.with_for_update()


def _instance(conn: Connection, payload: dict[str, Any]) -> RowMapping | None:
    """The job's instance, locked, if it still runs."""
    query = _INSTANCE_LOCKED if conn.dialect.name == "postgresql" else _INSTANCE
    instance = conn.execute(query, {"id": payload["instance"]}).mappings().first()
    return instance if instance is not None and instance["state"] == "running" else None


def on_timer(conn: Connection, payload: dict[str, Any], job: Job) -> str:
    instance = _instance(conn, payload)
    if instance is None or payload["timer"] not in instance["data"].get("timers", {}):
        return "skipped"
    applier = run_step(conn, instance, TimerFired(payload["timer"]), actor=None)
    log_event(conn, instance, actor=None, action="timer", payload={"timer": payload["timer"],
                                                                   "path": applier.visits}, applier=applier)
    return "fired"


def _target(conn: Connection, payload: dict[str, Any]) -> tuple[RowMapping, RowMapping | None, SlaPlan] | None:
    instance = _instance(conn, payload)
    if instance is None:
        return None
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    if payload.get("task") is None:  # the flow's own clock: not while it is paused
        return (instance, None, plan.sla) if plan.sla and not _paused(instance) else None
    task = conn.execute(select(flow_tasks).where(flow_tasks.c.id == payload["task"])).mappings().first()
    if task is None or task["status"] != "pending":
        return None
    sla = plan.node(task["node_id"]).sla
    return (instance, task, sla) if sla else None


def _paused(instance: RowMapping) -> bool:
    pauses = (instance["data"].get("sla") or {}).get("pauses") or []
    return bool(pauses) and pauses[-1][1] is None


def _mark(conn: Connection, instance: RowMapping, task: RowMapping | None, state: str, level: int) -> None:
    if task is not None:
        conn.execute(update(flow_tasks).where(flow_tasks.c.id == task["id"])
                     .values(sla_state=state, escalation_level=level))
    else:
        conn.execute(update(flow_instances).where(flow_instances.c.id == instance["id"]).values(sla_state=state))


def on_warning(conn: Connection, payload: dict[str, Any], job: Job) -> str:
    found = _target(conn, payload)
    if found is None:
        return "skipped"
    instance, task, sla = found
    _mark(conn, instance, task, "warning", 0)
    log_event(conn, instance, actor=None, action="sla_warning", task_id=task["id"] if task else None)
    for step in sla.on_warning:
        _escalate(conn, instance, task, step)
    if task is None:
        _record_state(conn, instance, "warning")
    return "warned"


def on_breach(conn: Connection, payload: dict[str, Any], job: Job) -> str:
    found = _target(conn, payload)
    if found is None:
        return "skipped"
    instance, task, sla = found
    index = int(payload.get("step", 0))
    _mark(conn, instance, task, "breached", index + 1)
    log_event(conn, instance, actor=None, action="sla_breach", task_id=task["id"] if task else None,
              payload={"step": index})
    if index < len(sla.on_breach):
        _escalate(conn, instance, task, sla.on_breach[index])
    if index == 0 and task is None:
        _record_state(conn, instance, "breached")
    _schedule_next(conn, instance, payload, sla, index + 1)
    return "breached"


def _record_state(conn: Connection, instance: RowMapping, state: str) -> None:
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    Applier(conn, instance, plan, None).record_fields(sla_state=state)


def _schedule_next(conn: Connection, instance: RowMapping, payload: dict[str, Any], sla: SlaPlan, index: int) -> None:
    if index >= len(sla.on_breach):
        return
    step = sla.on_breach[index]
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    due = step.after.due(utcnow(), {}, plan.calendar) if step.after else utcnow()
    key = job_key(instance["id"], "breach", payload.get("task") or "", index)
    Applier(conn, instance, plan, None).enqueue("flow.sla_breach", {**payload, "step": index}, due_at=due, key=key)


def _escalate(conn: Connection, instance: RowMapping, task: RowMapping | None, step: EscalationPlan) -> None:
    raw: Escalation = step.raw
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    env = _env(conn, instance, task)
    applier = Applier(conn, instance, plan, None)
    state = instance["data"]
    if raw.notify is not None:
        users = env.resolve(raw.notify, node=task["node_id"] if task else "", state=state)
        applier.apply([Notify(tuple(users), "SLA escalation", task["node_id"] if task else None)])
    if raw.set_fields:
        applier.apply([SetFields(jsonable(raw.set_fields))])
    if raw.action is not None:
        _run_action(applier, env, raw, state)
    if raw.reassign is not None and task is not None:
        users = env.resolve(raw.reassign, node=task["node_id"], state=state)
        if users:
            current = lock_instance(conn, instance["id"], instance["org_id"])
            done = run_step(conn, current, Reassign(task["task_key"], users[0]), actor=None)
            log_event(conn, current, actor=None, action="reassign", task_id=task["id"], payload={"to": users[0]},
                      applier=done)


def _run_action(applier: Applier, env: PlatformEnv, raw: Escalation, state: dict[str, Any]) -> None:
    action = raw.action
    assert action is not None
    if action.set_fields:
        applier.apply([SetFields(jsonable(action.set_fields))])
    if action.create_record:
        applier.apply([CreateRecord(action.create_record.form, action.create_record.values)])
    if action.notify:
        applier.apply([Notify(tuple(env.resolve(action.notify.to, node="", state=state)), action.notify.message)])
    if action.webhook:
        applier.apply([CallWebhook(action.webhook.url, action.webhook.payload)])


def _env(conn: Connection, instance: RowMapping, task: RowMapping | None) -> PlatformEnv:
    runtime = runtime_of(conn, instance["org_id"], instance["app_id"], instance["started_by"])
    record = read_record(conn, runtime, instance["form_key"], instance["record_id"])
    return PlatformEnv(conn, instance["org_id"], instance["app_id"], utcnow(), lambda: record,
                       task["assignee_id"] if task else None)


def register() -> None:
    for kind, handler in (("flow.timer", on_timer), ("flow.sla_warning", on_warning), ("flow.sla_breach", on_breach)):
        register_job_handler(kind, handler, replace=True)


register()
