"""Applying the engine's effects in the caller's transaction: task rows, record writes,
jobs (timers, SLA checks, notifications, webhooks), sub-flows and the instance row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from dajian.engines.flow import (
    CallWebhook,
    CancelInstance,
    CancelTimer,
    CloseTask,
    CompleteInstance,
    CopyTo,
    CreateRecord,
    CreateTask,
    Effect,
    FlowPlan,
    InstanceSla,
    MarkSla,
    Notify,
    Reassigned,
    RunState,
    ScheduleEscalation,
    ScheduleTimer,
    SetFields,
    SlaPaused,
    SlaResumed,
    StartSubflow,
    StateError,
    Visit,
    load_state,
)
from dajian.platform import jobs, reactions
from dajian.platform.apps import RuntimeApp, cached_runtime, load_runtime
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict
from dajian.platform.models import apps
from dajian.platform.principal import Principal
from dajian.platform.records import change_record, create_records, form_context

from .tables import flow_cc, flow_instances, flow_tasks

Instance = Mapping[Any, Any]  # a flow_instances row, as read or as just inserted


def state_of(instance: Instance) -> RunState:
    """The engine's typed state of an instance row (upgraded if an older engine saved it)."""
    try:
        return load_state(instance["data"])
    except StateError as exc:
        raise Conflict(f"flow instance {instance['id']}: {exc.message}",
                       errors=[{"path": exc.path, "message": exc.message}]) from None


def system_principal(org_id: int, user_id: int) -> Principal:
    """Acts for the flow (record writes of automated steps), with the triggering user for audit."""
    return Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")


def runtime_of(conn: Connection, org_id: int, app_id: int, user_id: int) -> RuntimeApp:
    """The app's current runtime (its live form tables); one query when the version is cached, none when
    the running change already looked it up."""

    def look_up() -> RuntimeApp:
        row = conn.execute(select(apps.c.key, apps.c.current_version_id).where(apps.c.id == app_id)).one()
        cached = cached_runtime(conn, row.current_version_id)
        return cached if cached is not None else load_runtime(conn, system_principal(org_id, user_id), row.key)

    found = reactions.current_runtime(app_id, look_up)
    assert found is not None
    return found


def read_record(conn: Connection, runtime: RuntimeApp, form_key: str, record_id: int) -> dict[str, Any]:
    table = runtime.form(form_key).table
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else {}


def job_key(instance_id: int, *parts: object) -> str:
    return ":".join(["flow", str(instance_id), *map(str, parts)])


def sla_job_keys(instance_id: int, generation: int) -> tuple[str, str]:
    """Keys of the flow SLA's warning and first breach jobs; each resume after a pause makes a
    new generation (the jobs of the one before were cancelled when the clock stopped)."""
    suffix = (f"g{generation}",) if generation else ()
    return job_key(instance_id, "warn", *suffix), job_key(instance_id, "breach", 0, *suffix)


@dataclass
class Applier:
    conn: Connection
    instance: Instance
    plan: FlowPlan
    actor: int | None
    visits: list[str] = field(default_factory=list)
    comments: dict[str, str] = field(default_factory=dict)  # by task key: written when the step closes the task
    subflows: list[StartSubflow] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # more rows for the event log (SLA pauses)
    end_saved: bool = False  # the service wrote the ending (outcome, ended_at) with the state
    sla_saved: bool = False  # the service inserted the instance with its SLA (due_at, sla_state)
    held_jobs: list[jobs.NewJob] | None = None  # enqueued during ``apply``, not inserted yet
    reassigned: list[Reassigned] = field(default_factory=list)  # escalations that handed a task on
    skipped: bool = False  # the step had nothing to do and wrote nothing

    @property
    def id(self) -> int:
        return int(self.instance["id"])

    @property
    def org_id(self) -> int:
        return int(self.instance["org_id"])

    def apply(self, effects: Iterable[Effect]) -> None:
        """Run each effect's handler. Jobs that handlers enqueue are inserted together (one statement)
        before any handler that may cancel jobs or change records (whose reactions may cancel them)
        and at the end, so nothing ever looks for a job still held here."""
        if self.held_jobs is not None:  # a handler's own effects, inside an outer ``apply``
            self._run(effects)
            return
        self.held_jobs = []
        try:
            self._run(effects)
            self.flush_jobs()
        finally:
            self.held_jobs = None  # a failed step inserts none of its jobs: its change is undone too

    def _run(self, effects: Iterable[Effect]) -> None:
        for effect in effects:
            if type(effect) not in _ONLY_ENQUEUE:
                self.flush_jobs()
            _HANDLERS[type(effect)](self, effect)

    def flush_jobs(self) -> None:
        if self.held_jobs:
            jobs.enqueue_many(self.conn, self.held_jobs, org_id=self.org_id)
            self.held_jobs.clear()

    def task_id(self, key: str) -> int:
        query = select(flow_tasks.c.id).where(flow_tasks.c.instance_id == self.id, flow_tasks.c.task_key == key)
        return int(self.conn.execute(query).scalar_one())

    def user(self) -> int:
        return int(self.actor or self.instance["started_by"])

    def write_record(self, values: Mapping[str, Any]) -> None:
        values = {k: _number(v) for k, v in values.items() if k}
        if not values:
            return
        runtime = runtime_of(self.conn, self.org_id, self.instance["app_id"], self.user())
        ctx = form_context(self.conn, system_principal(self.org_id, self.user()), runtime,
                           self.instance["form_key"], "update")
        record_id = self.instance["record_id"]
        known = reactions.known_record(self.instance["app_id"], self.instance["form_key"], record_id)
        version = known.get("row_version") if known is not None else None
        if version is None:
            table = ctx.table
            version = self.conn.execute(select(table.c.row_version).where(table.c.id == record_id)).scalar_one()
        change_record(self.conn, ctx, record_id, jsonable(dict(values)), row_version=int(version))

    def record_fields(self, **values: Any) -> None:
        mapping = self.plan.definition.record_fields
        if mapping is not None:
            self.write_record({getattr(mapping, k) or "": v for k, v in values.items()})

    def enqueue(self, kind: str, payload: dict[str, Any], *, due_at: datetime | None = None,
                key: str | None = None) -> None:
        if self.held_jobs is not None:  # inside ``apply``: inserted with the others
            self.held_jobs.append(jobs.NewJob(kind, payload, due_at=due_at, idempotency_key=key))
        else:
            jobs.enqueue(self.conn, kind, payload, due_at=due_at, org_id=self.org_id, idempotency_key=key)

    def log(self, action: str, at: datetime, payload: dict[str, Any]) -> None:
        self.events.append(dict(org_id=self.org_id, instance_id=self.id, at=at, actor_id=None, action=action,
                                task_id=None, payload=jsonable(payload), client_request_id=None))

    def schedule_sla(self, generation: int, *, warn_at: datetime | None, due_at: datetime | None) -> None:
        warn_key, breach_key = sla_job_keys(self.id, generation)
        payload = {"instance": self.id, "task": None}
        if warn_at is not None:
            self.enqueue("flow.sla_warning", payload, due_at=warn_at, key=warn_key)
        if due_at is not None:
            self.enqueue("flow.sla_breach", {**payload, "step": 0}, due_at=due_at, key=breach_key)


def _number(value: Any) -> Any:
    """Floats (measured minutes) go in as exact values: an int when whole, else a decimal string."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else f"{value:.2f}"
    return value


_INSERT_TASK = insert(flow_tasks).returning(flow_tasks.c.id)  # built once: values come as parameters
_CLOSE_TASK = (update(flow_tasks)
               .where(flow_tasks.c.instance_id == bindparam("iid"), flow_tasks.c.task_key == bindparam("key"))
               .values(status=bindparam("status"), decision=bindparam("decision"), acted_by=bindparam("actor"),
                       acted_at=bindparam("acted_at", type_=flow_tasks.c.acted_at.type),
                       working_minutes=bindparam("minutes"),
                       comment=func.coalesce(bindparam("comment", type_=flow_tasks.c.comment.type),
                                             flow_tasks.c.comment)))  # fmt: skip


def _create_task(a: Applier, e: CreateTask) -> None:
    task_id = a.conn.execute(_INSERT_TASK, dict(
        org_id=a.org_id, instance_id=a.id, task_key=e.task, node_id=e.node, role=e.role, assignee_id=e.assignee,
        on_behalf_of=e.on_behalf_of, status="pending", created_at=utcnow(), due_at=e.due_at, warn_at=e.warn_at,
        sla_state="ok" if e.due_at else None, escalation_level=0,
    )).scalar_one()  # fmt: skip
    if e.due_at is not None and e.warn_at is not None:
        payload = {"instance": a.id, "task": task_id}
        a.enqueue("flow.sla_warning", payload, due_at=e.warn_at, key=job_key(a.id, "warn", task_id))
        a.enqueue("flow.sla_breach", {**payload, "step": 0}, due_at=e.due_at, key=job_key(a.id, "breach", task_id, 0))


def _close_task(a: Applier, e: CloseTask) -> None:
    a.conn.execute(_CLOSE_TASK, {
        "iid": a.id, "key": e.task, "status": e.status, "decision": e.decision, "actor": e.actor,
        "acted_at": utcnow() if e.actor is not None else None, "minutes": e.working_minutes,
        "comment": a.comments.pop(e.task, None)})  # fmt: skip


def _set_fields(a: Applier, e: SetFields) -> None:
    a.write_record(e.values)


def _create_record(a: Applier, e: CreateRecord) -> None:
    runtime = runtime_of(a.conn, a.org_id, a.instance["app_id"], a.user())
    ctx = form_context(a.conn, system_principal(a.org_id, a.user()), runtime, e.form, "create")
    create_records(a.conn, ctx, [dict(e.values)])


def _notify(a: Applier, e: Notify) -> None:
    if e.users:
        a.enqueue("notify", {"instance": a.id, "users": list(e.users), "message": e.message, "node": e.node})


def _copy_to(a: Applier, e: CopyTo) -> None:
    """抄送 when a step opens: the people join the instance's cc list (and may read its record)."""
    known = set(a.conn.execute(select(flow_cc.c.user_id).where(flow_cc.c.instance_id == a.id,
                                                               flow_cc.c.reason == "cc")).scalars())
    rows = [dict(org_id=a.org_id, instance_id=a.id, user_id=u, reason="cc", by_id=None, at=utcnow())
            for u in e.users if u not in known]
    if rows:
        a.conn.execute(insert(flow_cc), rows)
    a.enqueue("notify", {"instance": a.id, "users": list(e.users), "message": "cc", "node": e.node})


def _webhook(a: Applier, e: CallWebhook) -> None:
    a.enqueue("webhook", {"instance": a.id, "url": e.url, "payload": jsonable(dict(e.payload))})


def _schedule_timer(a: Applier, e: ScheduleTimer) -> None:
    # the step's version in the key: a loop enters the same timer again with the same token, and
    # that visit needs a job of its own (the first one's key stays taken)
    key = job_key(a.id, "timer", e.timer, a.instance["lock_version"])
    a.enqueue("flow.timer", {"instance": a.id, "timer": e.timer}, due_at=e.due_at, key=key)


def _cancel_timer(a: Applier, e: CancelTimer) -> None:
    jobs.cancel_prefixed(a.conn, job_key(a.id, "timer", e.timer) + ":")


def _visit(a: Applier, e: Visit) -> None:
    a.visits.append(e.node)


def _instance_sla(a: Applier, e: InstanceSla) -> None:
    if not a.sla_saved:
        a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(due_at=e.due_at,
                                                                                        sla_state="ok"))
    a.schedule_sla(0, warn_at=e.warn_at, due_at=e.due_at)
    a.record_fields(due_at=e.due_at, sla_state="ok")


def _sla_paused(a: Applier, e: SlaPaused) -> None:
    """The clock stopped: its pending warning and breach jobs go (the resume schedules new ones)."""
    for key in sla_job_keys(a.id, e.generation):
        jobs.cancel(a.conn, idempotency_key=key)
    a.log("sla_pause", e.at, {})


def _sla_resumed(a: Applier, e: SlaResumed) -> None:
    a.log("sla_resume", e.at, {"since": e.since, "paused_minutes": e.paused_minutes, "due_at": e.due_at,
                               "warn_at": e.warn_at})  # fmt: skip
    a.schedule_sla(e.generation, warn_at=e.warn_at, due_at=e.due_at)
    if e.due_at is not None:
        a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(due_at=e.due_at))
        a.record_fields(due_at=e.due_at)


def starting_sla(effects: Iterable[Effect]) -> dict[str, Any]:
    """The instance columns of the flow's SLA, so a new instance goes in with them (no UPDATE after)."""
    for e in effects:
        if isinstance(e, InstanceSla):
            return {"due_at": e.due_at, "sla_state": "ok"}
    return {}


def _mark_sla(a: Applier, e: MarkSla) -> None:
    """A warning or breach shows on the task row, or on the instance row for the flow's own clock."""
    if e.task is not None:
        a.conn.execute(update(flow_tasks).where(flow_tasks.c.instance_id == a.id, flow_tasks.c.task_key == e.task)
                       .values(sla_state=e.state, escalation_level=e.level))
    else:
        a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(sla_state=e.state))


def _schedule_escalation(a: Applier, e: ScheduleEscalation) -> None:
    task_id = a.task_id(e.task) if e.task is not None else None
    payload = {"instance": a.id, "task": task_id, "step": e.step}
    a.enqueue("flow.sla_breach", payload, due_at=e.due_at, key=job_key(a.id, "breach", task_id or "", e.step))


def _reassigned(a: Applier, e: Reassigned) -> None:
    a.reassigned.append(e)  # logged by the SLA job once the step is applied


def ending(effects: Iterable[Effect]) -> dict[str, Any]:
    """The instance columns a step that ends the instance sets, so they go in with its state."""
    for e in effects:
        if isinstance(e, CompleteInstance):
            return {"outcome": e.outcome, "ended_at": utcnow(), "working_minutes": e.working_minutes}
        if isinstance(e, CancelInstance):
            return {"outcome": e.reason, "ended_at": utcnow(), "working_minutes": None}
    return {}


def _complete(a: Applier, e: CompleteInstance) -> None:
    if not a.end_saved:
        a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(
            state="completed", outcome=e.outcome, ended_at=utcnow(), working_minutes=e.working_minutes))
    a.record_fields(working_minutes=e.working_minutes, outcome=e.outcome)


def _cancel(a: Applier, e: CancelInstance) -> None:
    if not a.end_saved:
        a.conn.execute(update(flow_instances).where(flow_instances.c.id == a.id).values(
            state="cancelled", outcome=e.reason, ended_at=utcnow()))


def _subflow(a: Applier, e: StartSubflow) -> None:
    a.subflows.append(e)  # started by the service once this instance's state is saved


_HANDLERS: dict[type, Any] = {
    CreateTask: _create_task, CloseTask: _close_task, SetFields: _set_fields, CreateRecord: _create_record,
    Notify: _notify, CopyTo: _copy_to, CallWebhook: _webhook, ScheduleTimer: _schedule_timer,
    CancelTimer: _cancel_timer,
    Visit: _visit, InstanceSla: _instance_sla, CompleteInstance: _complete, CancelInstance: _cancel,
    StartSubflow: _subflow, SlaPaused: _sla_paused, SlaResumed: _sla_resumed, MarkSla: _mark_sla,
    ScheduleEscalation: _schedule_escalation, Reassigned: _reassigned,
}  # fmt: skip
# handlers that neither change records nor cancel jobs: the jobs held so far may wait past them
_ONLY_ENQUEUE: frozenset[type[Effect]] = frozenset({Visit, ScheduleTimer, Notify, CallWebhook, CreateTask})
