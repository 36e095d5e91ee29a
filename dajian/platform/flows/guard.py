"""Per-node field permissions, enforced by the record API while a record is in a flow.

While a flow runs on a record, a person may change it only through an open
task of theirs, and only the fields its node lists as ``editable`` (a node
without a ``fields`` block leaves every field editable). Administrators, the
flow itself and rule reactions are not restricted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select

from dajian.platform.definition.model import AppDefinition
from dajian.platform.errors import Forbidden
from dajian.platform.flows.plans import plan_for
from dajian.platform.flows.tables import flow_cc, flow_instances, flow_tasks
from dajian.platform.permissions import register_row_grant
from dajian.platform.principal import Principal
from dajian.platform.records import FormContext, register_write_guard

MAX_TASK_GRANTS = 1000
_OPEN_TASK_RECORDS = (
    select(flow_instances.c.record_id).distinct()
    .join(flow_tasks, flow_tasks.c.instance_id == flow_instances.c.id)
    .where(flow_tasks.c.assignee_id == bindparam("user"), flow_tasks.c.status == "pending",
           flow_instances.c.app_id == bindparam("app"), flow_instances.c.form_key == bindparam("form"),
           flow_instances.c.state == "running")
    .limit(MAX_TASK_GRANTS)
)


def open_task_records(conn: Connection, principal: Principal, app: AppDefinition, app_id: int,
                      form_key: str) -> Sequence[int]:
    """Records on which the principal has an open task: an approver or handler must be able to open
    what they are asked to act on, whatever their role's row scope."""
    if not any(flow.model_extra and flow.model_extra.get("form") == form_key for flow in app.flows):
        return ()
    rows = conn.execute(_OPEN_TASK_RECORDS, {"user": principal.user_id, "app": app_id, "form": form_key})
    return [int(rid) for rid in rows.scalars()]


_COPIED_RECORDS = (
    select(flow_instances.c.record_id).distinct()
    .join(flow_cc, flow_cc.c.instance_id == flow_instances.c.id)
    .where(flow_cc.c.user_id == bindparam("user"), flow_cc.c.reason == "cc",
           flow_instances.c.app_id == bindparam("app"), flow_instances.c.form_key == bindparam("form"))
    .limit(MAX_TASK_GRANTS)
)


def copied_records(conn: Connection, principal: Principal, app: AppDefinition, app_id: int,
                   form_key: str) -> Sequence[int]:
    """Records of flows the principal was copied on (抄送, by a step or by a person): they may read them,
    whatever their role's row scope, and change nothing."""
    if not any(flow.model_extra and flow.model_extra.get("form") == form_key for flow in app.flows):
        return ()
    rows = conn.execute(_COPIED_RECORDS, {"user": principal.user_id, "app": app_id, "form": form_key})
    return [int(rid) for rid in rows.scalars()]


@dataclass(frozen=True)
class StepAccess:
    """What the flows running on a record let one person change: ``editable`` None means the flows do
    not restrict it (no running flow, an administrator, a step without a ``fields`` block); otherwise
    only those fields, and none at all unless the person ``holds`` an open task of the record."""

    holds: bool
    editable: frozenset[str] | None


UNRESTRICTED = StepAccess(holds=False, editable=None)


def step_access(conn: Connection, principal: Principal, *, app_id: int, form_key: str, record_id: int) -> StepAccess:
    """The rule the record API enforces on writes (``flow_write_guard``), for the record page to show."""
    if principal.is_org_admin or principal.via == "system":
        return UNRESTRICTED
    running = conn.execute(select(flow_instances.c.id, flow_instances.c.version_id, flow_instances.c.flow_key).where(
        flow_instances.c.app_id == app_id, flow_instances.c.form_key == form_key,
        flow_instances.c.record_id == record_id, flow_instances.c.state == "running")).all()
    if not running:
        return UNRESTRICTED
    plans = {row.id: plan_for(conn, row.version_id, row.flow_key) for row in running}
    open_nodes = conn.execute(select(flow_tasks.c.instance_id, flow_tasks.c.node_id).where(
        flow_tasks.c.instance_id.in_(plans), flow_tasks.c.status == "pending",
        flow_tasks.c.assignee_id == principal.user_id)).all()
    allowed: set[str] = set()
    for instance_id, node_id in open_nodes:
        access = plans[instance_id].node(node_id).definition.fields
        if access is None:
            return StepAccess(holds=True, editable=None)
        allowed |= set(access.editable)
    return StepAccess(holds=bool(open_nodes), editable=frozenset(allowed))


def flow_write_guard(conn: Connection, ctx: FormContext, record_id: int, keys: frozenset[str]) -> None:
    if ctx.depth > 0:
        return
    access = step_access(conn, ctx.principal, app_id=ctx.runtime.app_id, form_key=ctx.form.form.key,
                         record_id=record_id)
    if access.editable is None:
        return
    if not access.holds:
        raise Forbidden("this record is in a running flow: only the assignees of its current step may change it",
                        reason="flow_step_assignees_only")
    denied = sorted(keys - access.editable)
    if denied:
        raise Forbidden("these fields cannot be changed at this step of the flow", reason="fields_locked_at_step",
                        params={"fields": ", ".join(denied)},
                        errors=[{"path": f"/{k}", "message": "not editable at this step"} for k in denied])


register_write_guard(flow_write_guard)
register_row_grant(open_task_records)
register_row_grant(copied_records, actions=("read",))
