"""Flow services: start an instance on a record, act on a task, instance-level actions.

Each call runs in the caller's transaction with the instance row locked (``FOR UPDATE`` on
PostgreSQL; a ``lock_version`` check everywhere), is idempotent under a ``client_request_id``
(unique per instance in ``flow_events``) and writes the audit log.

Round trips are counted: statements are built once with bound parameters, the task and its
locked instance are read together, a new instance is inserted with the state of its first step,
an ending is saved with the state, and on PostgreSQL the event and its audit entry are one
statement. An approval that opens the next task costs six statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.engine import RowMapping

from dajian.engines.flow import (
    Act,
    Cancel,
    Event,
    FlowError,
    FlowPlan,
    RecordChanged,
    Start,
    Step,
    SubflowDone,
    allows,
    dump_state,
    execute,
)
from dajian.platform import reactions
from dajian.platform.apps import RuntimeApp, load_runtime
from dajian.platform.audit import audit_row, jsonable, write_with_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.events import emit_flow
from dajian.platform.principal import Principal
from dajian.platform.records import form_context, get_record

from .apply import Applier, Instance, ending, read_record, runtime_of, starting_sla
from .assign import PlatformEnv
from .plans import flow_doc, plan_for
from .tables import flow_cc, flow_events, flow_instances, flow_tasks

INSTANCE_ACTIONS = ("withdraw", "comment", "urge", "cc")
_STEPPING: ContextVar[frozenset[int]] = ContextVar("flow_stepping", default=frozenset())

# built once: a statement built per call (its values as literals) costs more CPU than running it
_INSERT_INSTANCE = insert(flow_instances).returning(flow_instances.c.id)


def stepping(instance_id: int) -> bool:
    """True while this instance's own step runs (its record writes must not re-enter the flow)."""
    return instance_id in _STEPPING.get()


@contextmanager
def _stepping(instance_id: int) -> Iterator[None]:
    token = _STEPPING.set(_STEPPING.get() | {instance_id})
    try:
        yield
    finally:
        _STEPPING.reset(token)


def engine_error(exc: FlowError) -> Exception:
    errors = [{"path": exc.path or "", "message": exc.message}]
    if exc.code == "forbidden":  # not your task, not your flow to withdraw
        return Forbidden(exc.message, reason="flow_action_denied", errors=errors)
    kind = Conflict if exc.code in ("conflict", "corrupt_state") else Invalid
    return kind(exc.message, errors=errors)


_INSTANCE = select(flow_instances).where(flow_instances.c.id == bindparam("id"),
                                         flow_instances.c.org_id == bindparam("org"))
_INSTANCE_LOCKED = _INSTANCE.with_for_update()
# The task and its instance in one round trip, the instance row locked (PostgreSQL) for the step.
_TASK_COLUMNS = (flow_tasks.c.task_key.label("task_key"), flow_tasks.c.node_id.label("task_node"))
_TASK_AND_INSTANCE = (select(*_TASK_COLUMNS, *flow_instances.c)
                      .join(flow_instances, flow_instances.c.id == flow_tasks.c.instance_id)
                      .where(flow_tasks.c.id == bindparam("task"), flow_tasks.c.org_id == bindparam("org")))
_TASK_AND_INSTANCE_LOCKED = _TASK_AND_INSTANCE.with_for_update(of=flow_instances)
_REPLAYED = select(flow_events.c.id).where(flow_events.c.instance_id == bindparam("id"),
                                           flow_events.c.client_request_id == bindparam("crid")).limit(1)
_SAVE = (update(flow_instances)
         .where(flow_instances.c.id == bindparam("iid"), flow_instances.c.lock_version == bindparam("seen"))
         .values(data=bindparam("data", type_=flow_instances.c.data.type), state=bindparam("status"),
                 lock_version=flow_instances.c.lock_version + 1))  # fmt: skip
_SAVE_END = _SAVE.values(outcome=bindparam("outcome"), working_minutes=bindparam("working_minutes"),
                         ended_at=bindparam("ended_at", type_=flow_instances.c.ended_at.type))



def _pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_instance(conn: Connection, instance_id: int, org_id: int, *, lock: bool = True) -> RowMapping:
    query = _INSTANCE_LOCKED if lock and _pg(conn) else _INSTANCE
    row = conn.execute(query, {"id": instance_id, "org": org_id}).mappings().first()
    if row is None:
        raise NotFound(f"no flow instance {instance_id}")
    return row


def run_step(conn: Connection, instance: Instance, event: Event, *, actor: int | None,
             assignee: int | None = None, record: Mapping[str, Any] | None = None,
             comments: dict[str, str] | None = None, quiet: bool = False) -> Applier:
    """Run one engine step on a locked instance, apply its effects and save the new state.

    ``record`` gives the record's values when the caller has them (else they are read on first
    use). A ``RecordChanged`` step (or any step when ``quiet``) that has no effects writes nothing
    and comes back ``skipped``; a state that did not change is not written again. ``comments`` go
    on the tasks (by key) that the step closes.
    """
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    env = PlatformEnv(conn, instance["org_id"], instance["app_id"], utcnow(), _loader(conn, instance, actor),
                      assignee, _record=record, version_id=instance["version_id"])
    with _stepping(int(instance["id"])):
        step = _execute(plan, instance["data"], event, env)
        if (quiet or isinstance(event, RecordChanged)) and not step.effects:
            return Applier(conn, instance, plan, actor, skipped=True)
        end = ending(step.effects)
        data = dump_state(step.state)
        saved = {"iid": instance["id"], "seen": instance["lock_version"], "data": data,
                 "status": step.state.status, **end}
        if (end or data != instance["data"]) and conn.execute(_SAVE_END if end else _SAVE, saved).rowcount != 1:
            raise Conflict("the flow was changed by someone else; reload and try again")
        return _apply(conn, instance, step, plan, actor, comments, end_saved=True)


def _execute(plan: FlowPlan, state: Mapping[str, Any] | None, event: Event, env: PlatformEnv) -> Step:
    try:
        return execute(plan, state, event, env)
    except FlowError as exc:
        raise engine_error(exc) from None


def _loader(conn: Connection, instance: Instance, actor: int | None) -> Callable[[], dict[str, Any]]:
    def load() -> dict[str, Any]:
        known = reactions.known_record(instance["app_id"], instance["form_key"], instance["record_id"])
        if known is not None:  # written earlier in this change: no need to read it back
            return known
        runtime = runtime_of(conn, instance["org_id"], instance["app_id"], actor or instance["started_by"])
        return read_record(conn, runtime, instance["form_key"], instance["record_id"])

    return load


def _apply(conn: Connection, instance: Instance, step: Step, plan: FlowPlan, actor: int | None,
           comments: dict[str, str] | None = None, *, end_saved: bool, sla_saved: bool = False) -> Applier:
    """Apply a saved step's effects, start its sub-flows and, when it completed a sub-flow, step the parent."""
    applier = Applier(conn, instance, plan, actor, comments=comments or {}, end_saved=end_saved, sla_saved=sla_saved)
    applier.apply(step.effects)
    for sub in applier.subflows:
        _start_child(conn, instance, sub.flow, sub.token)
    if step.state.status == "completed" and instance["parent_id"] is not None:
        parent = lock_instance(conn, instance["parent_id"], instance["org_id"])
        outcome = step.state.outcome
        done = run_step(conn, parent, SubflowDone(str(instance["parent_token"]), outcome), actor=actor)
        log_event(conn, parent, actor=actor, action="subflow_done", applier=done,
                  payload={"child": instance["id"], "outcome": outcome, "path": done.visits})
    return applier


def log_event(conn: Connection, instance: Instance, *, actor: int | None, action: str,
              task_id: int | None = None, payload: dict[str, Any] | None = None,
              client_request_id: str | None = None, applier: Applier | None = None) -> None:
    """Append the action to the instance's event log (with the step's own events, such as SLA
    pauses, from ``applier``) and to the audit log: one statement on PostgreSQL."""
    rows = [dict(org_id=instance["org_id"], instance_id=instance["id"], at=utcnow(), actor_id=actor, action=action,
                 task_id=task_id, payload=jsonable(payload or {}), client_request_id=client_request_id)]
    if applier is not None:
        rows += applier.events
        applier.events = []
    audit = audit_row(org_id=instance["org_id"], actor_id=actor, entity="flow", action=action,
                      app_id=instance["app_id"], form_key=instance["form_key"], record_id=instance["record_id"],
                      changes={"instance": instance["id"], "task": task_id, **(payload or {})},
                      request_id=client_request_id[:64] if client_request_id else None)  # fmt: skip
    write_with_audit(conn, flow_events, rows, audit)
    emit_flow(conn, instance, action=action, task_id=task_id, payload=payload)


def _create(conn: Connection, plan: FlowPlan, *, org_id: int, app_id: int, version_id: int, record_id: int,
            user_id: int, actor: int | None, parent: tuple[int, str] | None = None) -> tuple[Instance, Applier]:
    """Insert a new instance with the state of its first step (one INSERT), then apply the step."""
    instance: dict[str, Any] = dict(
        org_id=org_id, app_id=app_id, version_id=version_id, flow_key=plan.key, form_key=plan.definition.form,
        record_id=record_id, lock_version=1, started_by=user_id, started_at=utcnow(), outcome=None, ended_at=None,
        due_at=None, sla_state=None, working_minutes=None, parent_id=parent[0] if parent else None,
        parent_token=parent[1] if parent else None, id=None)  # fmt: skip
    env = PlatformEnv(conn, org_id, app_id, instance["started_at"], _loader(conn, instance, actor),
                      version_id=version_id)
    step = _execute(plan, None, Start(user_id), env)
    instance.update(data=dump_state(step.state), state=step.state.status, **starting_sla(step.effects),
                    **ending(step.effects))
    values = {k: v for k, v in instance.items() if k != "id"}
    instance["id"] = conn.execute(_INSERT_INSTANCE, values).scalar_one()
    reactions.note_flow_started(app_id, plan.key, record_id)
    with _stepping(int(instance["id"])):
        return instance, _apply(conn, instance, step, plan, actor, end_saved=True, sla_saved=True)


def start_instance(conn: Connection, principal: Principal, app_key: str, flow_key: str, record_id: int) -> int:
    """Start ``flow_key`` on a record the principal can read; returns the instance id."""
    runtime = load_runtime(conn, principal, app_key)
    form_key = str(flow_doc(runtime.definition, flow_key)["form"])
    get_record(conn, form_context(conn, principal, runtime, form_key, "read"), record_id)
    return start_on(conn, principal, runtime, flow_key, record_id)


def start_on(conn: Connection, principal: Principal, runtime: RuntimeApp, flow_key: str, record_id: int) -> int:
    """Start ``flow_key`` on a record already known to exist (a rule's ``start_flow``); the instance id."""
    plan = plan_for(conn, runtime.version_id, flow_key)
    if not reactions.no_flow_can_run(runtime.app_id, plan.definition.form, flow_key, record_id):
        _refuse_second_run(conn, runtime.app_id, flow_key, record_id)
    instance, applier = _create(conn, plan, org_id=principal.org_id, app_id=runtime.app_id,
                                version_id=runtime.version_id, record_id=record_id, user_id=principal.user_id,
                                actor=principal.user_id)  # fmt: skip
    log_event(conn, instance, actor=principal.user_id, action="start", payload={"path": applier.visits},
              applier=applier)
    return int(instance["id"])


def _refuse_second_run(conn: Connection, app_id: int, flow_key: str, record_id: int) -> None:
    """One running instance of a flow per record: a second start (a double click, a rule and a person
    both starting it) would hand out every task twice."""
    running = conn.execute(select(flow_instances.c.id).where(
        flow_instances.c.app_id == app_id, flow_instances.c.flow_key == flow_key,
        flow_instances.c.record_id == record_id, flow_instances.c.state == "running")).scalar()
    if running is not None:
        raise Conflict(f"flow '{flow_key}' is already running on this record (instance {running})",
                       errors=[{"path": "/record_id", "message": f"instance {running} is running"}])


def _start_child(conn: Connection, parent: Instance, flow_key: str, token: str) -> None:
    plan = plan_for(conn, parent["version_id"], flow_key)
    child, applier = _create(conn, plan, org_id=parent["org_id"], app_id=parent["app_id"],
                             version_id=parent["version_id"], record_id=parent["record_id"],
                             user_id=parent["started_by"], actor=None, parent=(parent["id"], token))  # fmt: skip
    log_event(conn, child, actor=None, action="start", payload={"parent": parent["id"], "path": applier.visits},
              applier=applier)


def _replayed(conn: Connection, instance_id: int, client_request_id: str | None) -> bool:
    """Asked after the instance is locked, so a concurrent first attempt has committed by now."""
    if client_request_id is None:
        return False
    return conn.execute(_REPLAYED, {"id": instance_id, "crid": client_request_id}).first() is not None


def act_on_task(conn: Connection, principal: Principal, task_id: int, *, action: str, comment: str | None = None,
                target: str | None = None, users: Sequence[int] = (),
                client_request_id: str | None = None) -> tuple[int, bool]:
    """Approve, reject, return, transfer, delegate or add signers; ``(instance id, replayed)``."""
    query = _TASK_AND_INSTANCE_LOCKED if _pg(conn) else _TASK_AND_INSTANCE
    row = conn.execute(query, {"task": task_id, "org": principal.org_id}).mappings().first()
    if row is None:
        raise NotFound(f"no task {task_id}")
    instance = {c.name: row[c.name] for c in flow_instances.c}
    if _replayed(conn, instance["id"], client_request_id):
        return int(instance["id"]), True
    event = Act(row["task_key"], principal.user_id, action, target=target, users=tuple(users))
    applier = run_step(conn, instance, event, actor=principal.user_id, comments={row["task_key"]: comment} if comment
                       else None)  # fmt: skip
    if applier.comments:  # the task stayed open (signers added): its comment is written on its own
        conn.execute(update(flow_tasks).where(flow_tasks.c.id == task_id).values(comment=comment))
    log_event(conn, instance, actor=principal.user_id, action=action, task_id=task_id,
              payload={"node": row["task_node"], "comment": comment, "target": target, "users": list(users),
                       "path": applier.visits}, client_request_id=client_request_id, applier=applier)  # fmt: skip
    return int(instance["id"]), False


def instance_action(conn: Connection, principal: Principal, instance_id: int, *, action: str,
                    comment: str | None = None, users: Sequence[int] = (),
                    client_request_id: str | None = None) -> bool:
    """Withdraw (initiator), comment with @mentions, urge the current assignees, CC people."""
    instance = lock_instance(conn, instance_id, principal.org_id)
    if action not in INSTANCE_ACTIONS:
        raise Invalid(f"unknown action '{action}'", errors=[{"path": "/action", "message": "unknown"}])
    if _replayed(conn, instance_id, client_request_id):
        return True
    applier = None
    if action == "withdraw":
        applier = run_step(conn, instance, Cancel(principal.user_id), actor=principal.user_id)
    elif action == "urge":
        pending = _pending_assignees(conn, instance_id)
        if pending:
            Applier(conn, instance, plan_for(conn, instance["version_id"], instance["flow_key"]), principal.user_id
                    ).enqueue("notify", {"instance": instance_id, "users": pending, "message": comment or "urge"})
    if action == "cc":
        _check_cc(conn, principal, instance)
    if action in ("cc", "comment") and users:
        reason = "cc" if action == "cc" else "mention"
        conn.execute(insert(flow_cc), [dict(org_id=principal.org_id, instance_id=instance_id, user_id=u,
                                            reason=reason, by_id=principal.user_id, at=utcnow()) for u in users])
    log_event(conn, instance, actor=principal.user_id, action=action,
              payload={"comment": comment, "users": list(users)}, client_request_id=client_request_id,
              applier=applier)
    return False


def _check_cc(conn: Connection, principal: Principal, instance: Instance) -> None:
    """抄送 gives read access to the record, so only the flow's own people may copy others: the initiator,
    an administrator, or the holder of an open task whose step allows it (``allow.cc``)."""
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    nodes = list(conn.execute(select(flow_tasks.c.node_id).where(
        flow_tasks.c.instance_id == instance["id"], flow_tasks.c.status == "pending",
        flow_tasks.c.assignee_id == principal.user_id)).scalars())
    if any(allows(plan.node(n).definition, "cc") for n in nodes):
        return
    if not nodes and (principal.is_org_admin or instance["started_by"] == principal.user_id):
        return
    reason = "this step does not allow copying others" if nodes else "only the flow's people may copy others"
    raise Forbidden(reason, reason="flow_action_denied", errors=[{"path": "/action", "message": reason}])


def _pending_assignees(conn: Connection, instance_id: int) -> list[int]:
    query = select(flow_tasks.c.assignee_id).where(flow_tasks.c.instance_id == instance_id,
                                                   flow_tasks.c.status == "pending")
    return sorted(set(conn.execute(query).scalars()))
