"""Read side: an instance with its tasks, path and timeline; the inboxes (my pending tasks with
counts by app, started by me, CC'd to me, done by me), sorted by due time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, or_, select
from sqlalchemy.engine import RowMapping

from dajian.engines.flow import FlowPlan, RunState, allows, earlier_steps, task_actions
from dajian.platform.clock import utcnow
from dajian.platform.errors import Forbidden, Invalid
from dajian.platform.models import apps
from dajian.platform.principal import Principal

from .apply import state_of
from .plans import plan_for
from .service import lock_instance
from .sla import clock_view
from .summaries import VISIBLE, add_summaries
from .tables import flow_cc, flow_events, flow_instances, flow_tasks

BOXES = ("pending", "started", "cc", "done")
_TASK_COLUMNS = ("id", "node_id", "role", "assignee_id", "on_behalf_of", "status", "created_at", "due_at",
                 "warn_at", "sla_state", "escalation_level", "acted_by", "acted_at", "decision", "comment",
                 "working_minutes")  # fmt: skip


def _iso(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dict(row).items()}


def _may_see(conn: Connection, principal: Principal, instance: RowMapping) -> bool:
    if principal.is_org_admin or instance["started_by"] == principal.user_id:
        return True
    me = principal.user_id
    task = select(flow_tasks.c.id).where(flow_tasks.c.instance_id == instance["id"],
                                         or_(flow_tasks.c.assignee_id == me, flow_tasks.c.on_behalf_of == me))
    cc = select(flow_cc.c.id).where(flow_cc.c.instance_id == instance["id"], flow_cc.c.user_id == me)
    return conn.execute(task.union_all(cc).limit(1)).first() is not None


def instance_view(conn: Connection, principal: Principal, instance_id: int) -> dict[str, Any]:
    """The instance, its tasks, the visited path, the event timeline and, for a flow with an SLA,
    its clock (``{"paused": false, "paused_minutes": 180.0}``, read from the event log)."""
    instance = lock_instance(conn, instance_id, principal.org_id, lock=False)
    if not _may_see(conn, principal, instance):
        raise Forbidden("you take no part in this flow", reason="not_in_flow")
    plan = plan_for(conn, instance["version_id"], instance["flow_key"])
    tasks = conn.execute(select(*(flow_tasks.c[c] for c in _TASK_COLUMNS))
                         .where(flow_tasks.c.instance_id == instance_id).order_by(flow_tasks.c.id)).mappings()
    events = conn.execute(select(flow_events.c.at, flow_events.c.actor_id, flow_events.c.action,
                                 flow_events.c.task_id, flow_events.c.payload)
                          .where(flow_events.c.instance_id == instance_id).order_by(flow_events.c.id)).mappings().all()
    out = {k: instance[k] for k in ("id", "flow_key", "form_key", "record_id", "state", "outcome", "started_by",
                                    "started_at", "ended_at", "due_at", "sla_state", "working_minutes")}
    task_list = []
    for task in tasks:
        node = plan.node(task["node_id"]).definition
        fields = node.fields.model_dump() if node.fields else None
        task_list.append({**_iso(task), "node_label": node.label, "fields": fields})
    state = state_of(instance)
    clock = clock_view(plan.calendar, state, events, instance["ended_at"] or utcnow()) if plan.sla else None
    return {**_iso(out), "version_id": instance["version_id"], "path": state.path,
            "sla_clock": clock, "tasks": task_list, "timeline": [_iso(e) for e in events]}


def inbox(conn: Connection, principal: Principal, box: str, *, limit: int = 50) -> dict[str, Any]:
    if box not in BOXES:
        raise Invalid(f"unknown inbox '{box}'", errors=[{"path": "/box", "message": f"use one of {BOXES}"}])
    query = _QUERIES[box](principal).limit(max(1, min(limit, 500)))
    rows = conn.execute(query).mappings().all()
    items = [{**_iso(r), **(_node_facts(conn, r) if "node_id" in r else {})} for r in rows]
    add_summaries(conn, principal, items)
    result: dict[str, Any] = {"box": box, "items": items}
    if box == "pending":
        result["counts"] = pending_counts(conn, principal)
    return result


def _node_facts(conn: Connection, row: RowMapping) -> dict[str, Any]:
    """What an inbox shows of a task's step, read from the flow definition: its label
    (``{"zh-CN": "分诊", "en": "Triage"}``), ``needs_input`` (the step requires record fields, so it cannot be
    approved in bulk without opening the record), ``paused`` (the flow's SLA clock stops at this step:
    the work waits on someone outside, e.g. the customer) and the step's visible fields, whose values
    ``add_summaries`` reads."""
    plan = plan_for(conn, row["version_id"], row["flow_key"])
    node = plan.node(row["node_id"]).definition
    required = [*(node.required_fields or []), *(node.fields.required if node.fields else [])]
    return {"node_label": node.label, "needs_input": bool(required),
            "paused": plan.sla is not None and node.id in plan.sla.pause_in,
            VISIBLE: list(node.fields.visible) if node.fields else []}


def _instance_columns() -> list[Any]:
    return [flow_instances.c.id.label("instance_id"), flow_instances.c.version_id, apps.c.key.label("app"),
            flow_instances.c.flow_key,
            flow_instances.c.form_key, flow_instances.c.record_id, flow_instances.c.state,
            flow_instances.c.started_by, flow_instances.c.started_at]


def _tasks(principal: Principal, *, done: bool) -> Select[Any]:
    t = flow_tasks
    query = (select(t.c.id.label("task_id"), t.c.node_id, t.c.role, t.c.status, t.c.created_at, t.c.due_at,
                    t.c.sla_state, t.c.acted_at, t.c.decision, *_instance_columns())
             .join(flow_instances, flow_instances.c.id == t.c.instance_id)
             .join(apps, apps.c.id == flow_instances.c.app_id)
             .where(t.c.org_id == principal.org_id))  # fmt: skip
    if done:
        return query.where(t.c.acted_by == principal.user_id).order_by(t.c.acted_at.desc(), t.c.id.desc())
    query = query.where(t.c.assignee_id == principal.user_id, t.c.status == "pending")
    return query.order_by(t.c.due_at.is_(None), t.c.due_at, t.c.id)


def record_flows(conn: Connection, principal: Principal, app_key: str, form_key: str,
                 record_id: int) -> dict[str, Any]:
    """The flows run on a record, newest first, with their open tasks: what a record page shows to
    anyone who may read the record (the full instance view stays with the flow's participants)."""
    from dajian.platform.apps import load_runtime
    from dajian.platform.records import form_context, get_record

    runtime = load_runtime(conn, principal, app_key)
    get_record(conn, form_context(conn, principal, runtime, form_key, "read"), record_id)
    i = flow_instances
    rows = conn.execute(select(i.c.id, i.c.version_id, i.c.flow_key, i.c.state, i.c.outcome, i.c.started_by,
                               i.c.started_at, i.c.ended_at, i.c.due_at, i.c.sla_state, i.c.working_minutes,
                               i.c.data)
                        .where(i.c.org_id == principal.org_id, i.c.app_id == runtime.app_id,
                               i.c.form_key == form_key, i.c.record_id == record_id)
                        .order_by(i.c.id.desc())).mappings().all()
    t = flow_tasks
    tasks = conn.execute(select(t.c.id, t.c.instance_id, t.c.task_key, t.c.node_id, t.c.role, t.c.assignee_id,
                                t.c.due_at, t.c.sla_state)
                         .where(t.c.instance_id.in_([r["id"] for r in rows]), t.c.status == "pending")
                         .order_by(t.c.id)).mappings().all()
    items = []
    for row in rows:
        plan = plan_for(conn, row["version_id"], row["flow_key"])
        state = state_of(row)
        open_tasks = [{**_iso({k: v for k, v in task.items() if k != "task_key"}), **task_choices(plan, state, task)}
                      for task in tasks if task["instance_id"] == row["id"]]
        items.append({**_iso({k: v for k, v in row.items() if k not in ("version_id", "data")}),
                      "flow_label": plan.definition.label, "open_tasks": open_tasks})
    return {"items": items}


def task_choices(plan: FlowPlan, state: RunState, task: RowMapping) -> dict[str, Any]:
    """An open task's step label and what its holder may do there: the actions the node allows, the earlier
    steps to send it back to, and the steps a rejection may choose from."""
    node = plan.node(task["node_id"]).definition
    held = state.tasks.get(task["task_key"])
    added_before = held is not None and held.back is not None and task["role"] in ("approval", "task")
    actions = task_actions(node, task["role"], added_before=added_before)
    if task["role"] in ("approval", "task") and allows(node, "cc"):
        actions.append("cc")

    def choice(node_id: str) -> dict[str, Any]:
        return {"id": node_id, "label": plan.node(node_id).definition.label}

    earlier = earlier_steps(state, plan, node.id) if "send_back" in actions or "reject" in actions else []
    rule = node.on_reject
    reject_to = None
    if "reject" in actions and rule is not None and rule.to == "choose":
        reject_to = [choice(n) for n in (rule.choices or earlier)]
    return {"node_label": node.label, "actions": actions, "reject_to": reject_to,
            "send_back_to": [choice(n) for n in earlier] if "send_back" in actions else []}


def _started(principal: Principal) -> Select[Any]:
    return (select(*_instance_columns(), flow_instances.c.due_at, flow_instances.c.outcome)
            .join(apps, apps.c.id == flow_instances.c.app_id)
            .where(flow_instances.c.org_id == principal.org_id, flow_instances.c.started_by == principal.user_id)
            .order_by(flow_instances.c.started_at.desc(), flow_instances.c.id.desc()))  # fmt: skip


def _cc(principal: Principal) -> Select[Any]:
    return (select(*_instance_columns(), flow_cc.c.reason, flow_cc.c.at.label("cc_at"))
            .join(flow_instances, flow_instances.c.id == flow_cc.c.instance_id)
            .join(apps, apps.c.id == flow_instances.c.app_id)
            .where(flow_cc.c.user_id == principal.user_id, flow_cc.c.org_id == principal.org_id)
            .order_by(flow_cc.c.at.desc(), flow_cc.c.id.desc()))  # fmt: skip


_QUERIES = {
    "pending": lambda p: _tasks(p, done=False), "done": lambda p: _tasks(p, done=True),
    "started": _started, "cc": _cc,
}  # fmt: skip


def pending_counts(conn: Connection, principal: Principal) -> dict[str, int]:
    """``{"complaints": 3, "leave": 1}``: my open tasks per app."""
    query = (select(apps.c.key, func.count())
             .select_from(flow_tasks)
             .join(flow_instances, flow_instances.c.id == flow_tasks.c.instance_id)
             .join(apps, apps.c.id == flow_instances.c.app_id)
             .where(flow_tasks.c.assignee_id == principal.user_id, flow_tasks.c.status == "pending",
                    flow_tasks.c.org_id == principal.org_id)
             .group_by(apps.c.key))  # fmt: skip
    return {str(k): int(n) for k, n in conn.execute(query)}
