"""Flow services: start an instance on a record, act on a task, instance-level actions.

Each call runs in the caller's transaction with the instance row locked (``FOR UPDATE`` on
PostgreSQL; a ``lock_version`` check everywhere), is idempotent under a ``client_request_id``
(unique per instance in ``flow_events``) and writes the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import RowMapping

from dajian.engines.flow import Act, Cancel, Event, FlowError, Start, Step, SubflowDone, execute
from dajian.platform.apps import load_runtime
from dajian.platform.audit import jsonable, write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.principal import Principal
from dajian.platform.records import form_context, get_record

from .apply import Applier, read_record, runtime_of
from .assign import PlatformEnv
from .plans import flow_doc, plan_for
from .tables import flow_cc, flow_events, flow_instances, flow_tasks

INSTANCE_ACTIONS = ("withdraw", "comment", "urge", "cc")


def engine_error(exc: FlowError) -> Exception:
    kind = {"forbidden": Forbidden, "conflict": Conflict}.get(exc.code, Invalid)
    return kind(exc.message, errors=[{"path": exc.path or "", "message": exc.message}])


def lock_instance(conn: Connection, instance_id: int, org_id: int, *, lock: bool = True) -> RowMapping:
    query = select(flow_instances).where(flow_instances.c.id == instance_id, flow_instances.c.org_id == org_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no flow instance {instance_id}")
    return row


def run_step(conn: Connection, instance: RowMapping, event: Event, *, actor: int | None,
             assignee: int | None = None) -> Applier:
    """Run one engine step on a locked instance, apply its effects and save the new state."""
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    env = PlatformEnv(conn, instance["org_id"], instance["app_id"], utcnow(), lambda: _record(conn, instance, actor),
                      assignee)
    try:
        step = execute(plan, instance["data"], event, env)
    except FlowError as exc:
        raise engine_error(exc) from None
    return _save(conn, instance, step, plan_actor=actor, plan=plan)


def _record(conn: Connection, instance: RowMapping, actor: int | None) -> dict[str, Any]:
    runtime = runtime_of(conn, instance["org_id"], instance["app_id"], actor or instance["started_by"])
    return read_record(conn, runtime, instance["form_key"], instance["record_id"])


def _save(conn: Connection, instance: RowMapping, step: Step, *, plan_actor: int | None, plan: Any) -> Applier:
    applier = Applier(conn, instance, plan, plan_actor)
    stmt = (update(flow_instances)
            .where(flow_instances.c.id == instance["id"], flow_instances.c.lock_version == instance["lock_version"])
            .values(data=step.state, state=step.state["status"], lock_version=instance["lock_version"] + 1))
    if conn.execute(stmt).rowcount != 1:
        raise Conflict("the flow was changed by someone else; reload and try again")
    applier.apply(step.effects)
    for sub in applier.subflows:
        _start_child(conn, instance, sub.flow, sub.token)
    if step.state["status"] == "completed" and instance["parent_id"] is not None:
        parent = lock_instance(conn, instance["parent_id"], instance["org_id"])
        run_step(conn, parent, SubflowDone(str(instance["parent_token"]), step.state["outcome"]), actor=plan_actor)
    return applier


def log_event(conn: Connection, instance: RowMapping, *, actor: int | None, action: str,
              task_id: int | None = None, payload: dict[str, Any] | None = None,
              client_request_id: str | None = None) -> None:
    conn.execute(insert(flow_events).values(
        org_id=instance["org_id"], instance_id=instance["id"], at=utcnow(), actor_id=actor, action=action,
        task_id=task_id, payload=jsonable(payload or {}), client_request_id=client_request_id))
    write_audit(conn, org_id=instance["org_id"], actor_id=actor, entity="flow", action=action,
                app_id=instance["app_id"], form_key=instance["form_key"], record_id=instance["record_id"],
                changes={"instance": instance["id"], "task": task_id, **(payload or {})},
                request_id=client_request_id)


def _insert_instance(conn: Connection, *, org_id: int, app_id: int, version_id: int, flow_key: str,
                     form_key: str, record_id: int, user_id: int, parent: tuple[int, str] | None = None) -> RowMapping:
    values = dict(org_id=org_id, app_id=app_id, version_id=version_id, flow_key=flow_key, form_key=form_key,
                  record_id=record_id, state="running", data={"status": "running"}, lock_version=1,
                  started_by=user_id, started_at=utcnow(), parent_id=parent[0] if parent else None,
                  parent_token=parent[1] if parent else None)  # fmt: skip
    new_id = conn.execute(insert(flow_instances).values(**values).returning(flow_instances.c.id)).scalar_one()
    return lock_instance(conn, new_id, org_id)


def start_instance(conn: Connection, principal: Principal, app_key: str, flow_key: str, record_id: int) -> int:
    """Start ``flow_key`` on a record the principal can read; returns the instance id."""
    runtime = load_runtime(conn, principal, app_key)
    form_key = str(flow_doc(runtime.definition, flow_key)["form"])
    get_record(conn, form_context(conn, principal, runtime, form_key, "read"), record_id)
    plan_for(conn, runtime.version_id, flow_key)  # refuse a broken flow before writing anything
    instance = _insert_instance(conn, org_id=principal.org_id, app_id=runtime.app_id, version_id=runtime.version_id,
                                flow_key=flow_key, form_key=form_key, record_id=record_id,
                                user_id=principal.user_id)  # fmt: skip
    applier = run_step(conn, instance, Start(principal.user_id), actor=principal.user_id)
    log_event(conn, instance, actor=principal.user_id, action="start", payload={"path": applier.visits})
    return int(instance["id"])


def _start_child(conn: Connection, parent: RowMapping, flow_key: str, token: str) -> None:
    plan = plan_for(conn, parent["version_id"], flow_key)
    child = _insert_instance(conn, org_id=parent["org_id"], app_id=parent["app_id"], version_id=parent["version_id"],
                             flow_key=flow_key, form_key=plan.definition.form, record_id=parent["record_id"],
                             user_id=parent["started_by"], parent=(parent["id"], token))  # fmt: skip
    run_step(conn, child, Start(parent["started_by"]), actor=None)
    log_event(conn, child, actor=None, action="start", payload={"parent": parent["id"]})


def _replayed(conn: Connection, instance_id: int, client_request_id: str | None) -> bool:
    if client_request_id is None:
        return False
    query = select(flow_events.c.id).where(flow_events.c.instance_id == instance_id,
                                           flow_events.c.client_request_id == client_request_id)
    return conn.execute(query).first() is not None


def act_on_task(conn: Connection, principal: Principal, task_id: int, *, action: str, comment: str | None = None,
                target: str | None = None, users: Sequence[int] = (),
                client_request_id: str | None = None) -> tuple[int, bool]:
    """Approve, reject, return, transfer, delegate or add signers; ``(instance id, replayed)``."""
    task = conn.execute(select(flow_tasks).where(flow_tasks.c.id == task_id,
                                                 flow_tasks.c.org_id == principal.org_id)).mappings().first()
    if task is None:
        raise NotFound(f"no task {task_id}")
    instance = lock_instance(conn, task["instance_id"], principal.org_id)
    if _replayed(conn, instance["id"], client_request_id):
        return int(instance["id"]), True
    event = Act(task["task_key"], principal.user_id, action, target=target, users=tuple(users))
    applier = run_step(conn, instance, event, actor=principal.user_id)
    if comment:
        conn.execute(update(flow_tasks).where(flow_tasks.c.id == task_id).values(comment=comment))
    log_event(conn, instance, actor=principal.user_id, action=action, task_id=task_id,
              payload={"node": task["node_id"], "comment": comment, "target": target, "users": list(users),
                       "path": applier.visits}, client_request_id=client_request_id)  # fmt: skip
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
    if action == "withdraw":
        run_step(conn, instance, Cancel(principal.user_id), actor=principal.user_id)
    elif action == "urge":
        pending = _pending_assignees(conn, instance_id)
        if pending:
            Applier(conn, instance, plan_for(conn, instance["version_id"], instance["flow_key"]), principal.user_id
                    ).enqueue("notify", {"instance": instance_id, "users": pending, "message": comment or "urge"})
    if action in ("cc", "comment") and users:
        reason = "cc" if action == "cc" else "mention"
        conn.execute(insert(flow_cc), [dict(org_id=principal.org_id, instance_id=instance_id, user_id=u,
                                            reason=reason, by_id=principal.user_id, at=utcnow()) for u in users])
    log_event(conn, instance, actor=principal.user_id, action=action,
              payload={"comment": comment, "users": list(users)}, client_request_id=client_request_id)
    return False


def _pending_assignees(conn: Connection, instance_id: int) -> list[int]:
    query = select(flow_tasks.c.assignee_id).where(flow_tasks.c.instance_id == instance_id,
                                                   flow_tasks.c.status == "pending")
    return sorted(set(conn.execute(query).scalars()))
