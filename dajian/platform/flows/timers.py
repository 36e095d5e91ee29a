"""Durable time for flows (DESIGN §5): timer nodes and SLA warnings/breaches are jobs.

``flow.timer`` fires a timer node; ``flow.sla_warning`` and ``flow.sla_breach`` deliver the engine's
``SlaWarning`` / ``SlaBreach`` events for a task (or the whole instance when ``task`` is null). What a
warning or breach does — the marks, the escalation chain, the next breach step — is the engine's
(``dajian.engines.flow.escalation``); here the job finds its instance and task and applies the step.
A job whose task or instance has moved on does nothing, so closing a task never has to chase its jobs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.engine import RowMapping

from dajian.engines.flow import Event, SlaBreach, SlaWarning, TimerFired
from dajian.platform.jobs import Job, register_job_handler

from .apply import state_of
from .service import log_event, run_step
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
    if instance is None or payload["timer"] not in state_of(instance).timers:
        return "skipped"
    applier = run_step(conn, instance, TimerFired(payload["timer"]), actor=None)
    log_event(conn, instance, actor=None, action="timer", payload={"timer": payload["timer"],
                                                                   "path": applier.visits}, applier=applier)
    return "fired"


def _sla_step(conn: Connection, payload: dict[str, Any], action: str) -> bool:
    """Deliver a warning or breach; False when the job had nothing left to do."""
    instance = _instance(conn, payload)
    if instance is None:
        return False
    task = None
    if payload.get("task") is not None:
        columns = (flow_tasks.c.id, flow_tasks.c.task_key, flow_tasks.c.assignee_id, flow_tasks.c.status)
        task = conn.execute(select(*columns).where(flow_tasks.c.id == payload["task"])).mappings().first()
        if task is None or task["status"] != "pending":
            return False
    key = task["task_key"] if task is not None else None
    event: Event = SlaWarning(key) if action == "sla_warning" else SlaBreach(key, int(payload.get("step", 0)))
    applier = run_step(conn, instance, event, actor=None, assignee=task["assignee_id"] if task else None,
                       quiet=True)
    if applier.skipped:
        return False
    task_id = task["id"] if task is not None else None
    log_event(conn, instance, actor=None, action=action, task_id=task_id,
              payload={"step": event.step} if isinstance(event, SlaBreach) else None, applier=applier)
    for moved in applier.reassigned:
        log_event(conn, instance, actor=None, action="reassign", task_id=task_id, payload={"to": moved.user})
    return True


def on_warning(conn: Connection, payload: dict[str, Any], job: Job) -> str:
    return "warned" if _sla_step(conn, payload, "sla_warning") else "skipped"


def on_breach(conn: Connection, payload: dict[str, Any], job: Job) -> str:
    return "breached" if _sla_step(conn, payload, "sla_breach") else "skipped"


def register() -> None:
    for kind, handler in (("flow.timer", on_timer), ("flow.sla_warning", on_warning), ("flow.sla_breach", on_breach)):
        register_job_handler(kind, handler, replace=True)


register()
