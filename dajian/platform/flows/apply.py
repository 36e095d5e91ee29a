"""Applying the engine's effects in the caller's transaction: task rows, record writes,
jobs (timers, SLA checks, notifications, webhooks), sub-flows and the instance row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from dajian.engines.flow import (
    CallWebhook,
    CancelInstance,
    CancelTimer,
    CloseTask,
    CompleteInstance,
    CreateRecord,
    CreateTask,
    Effect,
    FlowPlan,
    InstanceSla,
    Notify,
    ScheduleTimer,
    SetFields,
    StartSubflow,
    Visit,
)
from dajian.platform import jobs
from dajian.platform.apps import _RUNTIME_CACHE, RuntimeApp, load_runtime
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.models import apps
from dajian.platform.principal import Principal
from dajian.platform.records import create_records, form_context, update_record

from .tables import flow_instances, flow_tasks


def system_principal(org_id: int, user_id: int) -> Principal:
    """Acts for the flow (record writes of automated steps), with the triggering user for audit."""
    return Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")


def runtime_of(conn: Connection, org_id: int, app_id: int, user_id: int) -> RuntimeApp:
    """The app's current runtime (its live form tables); one query when the version is cached."""
    row = conn.execute(select(apps.c.key, apps.c.current_version_id).where(apps.c.id == app_id)).one()
    cached = _RUNTIME_CACHE.get(row.current_version_id)
    return cached if cached is not None else load_runtime(conn, system_principal(org_id, user_id), row.key)


def read_record(conn: Connection, runtime: RuntimeApp, form_key: str, record_id: int) -> dict[str, Any]:
    table = runtime.form(form_key).table
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else {}


def job_key(instance_id: int, *parts: object) -> str:
    return ":".join(["flow", str(instance_id), *map(str, parts)])


@dataclass
class Applier:
    conn: Connection
    instance: RowMapping
    plan: FlowPlan
    actor: int | None
    visits: list[str] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    subflows: list[StartSubflow] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.instance["id"])

    @property
    def org_id(self) -> int:
        return int(self.instance["org_id"])

    def apply(self, effects: Iterable[Effect]) -> None:
        for effect in effects:
            handler = _HANDLERS[type(effect)]
            handler(self, effect)

    def user(self) -> int:
        return int(self.actor or self.instance["started_by"])

    def write_record(self, values: Mapping[str, Any]) -> None:
        values = {k: _number(v) for k, v in values.items() if k}
        if not values:
            return
        runtime = runtime_of(self.conn, self.org_id, self.instance["app_id"], self.user())
        ctx = form_context(self.conn, system_principal(self.org_id, self.user()), runtime,
                           self.instance["form_key"], "update")
        table = ctx.table
        version = self.conn.execute(select(table.c.row_version).where(table.c.id == self.instance["record_id"]))
        update_record(self.conn, ctx, self.instance["record_id"], jsonable(dict(values)),
                      row_version=version.scalar_one())

    def record_fields(self, **values: Any) -> None:
        mapping = self.plan.definition.record_fields
        if mapping is not None:
            self.write_record({getattr(mapping, k) or "": v for k, v in values.items()})

    def enqueue(self, kind: str, payload: dict[str, Any], *, due_at: datetime | None = None,
                key: str | None = None) -> None:
        jobs.enqueue(self.conn, kind, payload, due_at=due_at, org_id=self.org_id, idempotency_key=key)


def _number(value: Any) -> Any:
    """Floats (measured minutes) go in as exact values: an int when whole, else a decimal string."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else f"{value:.2f}"
    return value


def _create_task(a: Applier, e: CreateTask) -> None:
    task_id = a.conn.execute(insert(flow_tasks).values(
        org_id=a.org_id, instance_id=a.id, task_key=e.task, node_id=e.node, role=e.role, assignee_id=e.assignee,
        on_behalf_of=e.on_behalf_of, status="pending", created_at=utcnow(), due_at=e.due_at, warn_at=e.warn_at,
        sla_state="ok" if e.due_at else None, escalation_level=0,
    ).returning(flow_tasks.c.id)).scalar_one()  # fmt: skip
    if e.due_at is not None and e.warn_at is not None:
        payload = {"instance": a.id, "task": task_id}
        a.enqueue("flow.sla_warning", payload, due_at=e.warn_at, key=job_key(a.id, "warn", task_id))
        a.enqueue("flow.sla_breach", {**payload, "step": 0}, due_at=e.due_at, key=job_key(a.id, "breach", task_id, 0))


def _close_task(a: Applier, e: CloseTask) -> None:
    acted = {"acted_by": e.actor, "acted_at": utcnow()} if e.actor is not None else {}
    stmt = (update(flow_tasks)
            .where(flow_tasks.c.instance_id == a.id, flow_tasks.c.task_key == e.task)
            .values(status=e.status, decision=e.decision, working_minutes=e.working_minutes, **acted)
            .returning(flow_tasks.c.id))  # fmt: skip
    a.closed += list(a.conn.execute(stmt).scalars())


def _set_fields(a: Applier, e: SetFields) -> None:
    a.write_record(e.values)


def _create_record(a: Applier, e: CreateRecord) -> None:
    runtime = runtime_of(a.conn, a.org_id, a.instance["app_id"], a.user())
    ctx = form_context(a.conn, system_principal(a.org_id, a.user()), runtime, e.form, "create")
    create_records(a.conn, ctx, [dict(e.values)])


def _notify(a: Applier, e: Notify) -> None:
    if e.users:
        a.enqueue("notify", {"instance": a.id, "users": list(e.users), "message": e.message, "node": e.node})


def _webhook(a: Applier, e: CallWebhook) -> None:
    a.enqueue("webhook", {"instance": a.id, "url": e.url, "payload": jsonable(dict(e.payload))})


def _schedule_timer(a: Applier, e: ScheduleTimer) -> None:
    a.enqueue("flow.timer", {"instance": a.id, "timer": e.timer}, due_at=e.due_at, key=job_key(a.id, "timer",
                                                                                                 e.timer))


def _cancel_timer(a: Applier, e: CancelTimer) -> None:
    jobs.cancel(a.conn, idempotency_key=job_key(a.id, "timer", e.timer))


def _visit(a: Applier, e: Visit) -> None:
    a.visits.append(e.node)


def _instance_sla(a: Applier, e: InstanceSla) -> None:
    a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(due_at=e.due_at,
                                                                                    sla_state="ok"))
    payload = {"instance": a.id, "task": None}
    a.enqueue("flow.sla_warning", payload, due_at=e.warn_at, key=job_key(a.id, "warn"))
    a.enqueue("flow.sla_breach", {**payload, "step": 0}, due_at=e.due_at, key=job_key(a.id, "breach", 0))
    a.record_fields(due_at=e.due_at, sla_state="ok")


def _complete(a: Applier, e: CompleteInstance) -> None:
    a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(
        state="completed", outcome=e.outcome, ended_at=utcnow(), working_minutes=e.working_minutes))
    a.record_fields(working_minutes=e.working_minutes, outcome=e.outcome)


def _cancel(a: Applier, e: CancelInstance) -> None:
    a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(
        state="cancelled", outcome=e.reason, ended_at=utcnow()))


def _subflow(a: Applier, e: StartSubflow) -> None:
    a.subflows.append(e)  # started by the service once this instance's state is saved


_HANDLERS: dict[type, Any] = {
    CreateTask: _create_task, CloseTask: _close_task, SetFields: _set_fields, CreateRecord: _create_record,
    Notify: _notify, CallWebhook: _webhook, ScheduleTimer: _schedule_timer, CancelTimer: _cancel_timer,
    Visit: _visit, InstanceSla: _instance_sla, CompleteInstance: _complete, CancelInstance: _cancel,
    StartSubflow: _subflow,
}  # fmt: skip
