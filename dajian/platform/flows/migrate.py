"""Move running instances to a newer version of their flow (an administrator's action).

Instances stay pinned to the version that started them; when a flow changes, an admin may move
the running ones over with a node mapping (``{"triage": "sorting"}``; nodes with the same id in
both versions map to themselves). The engine moves the run state (``migrate_state``); here the
instance row and its pending task rows follow, in one transaction with the instance row locked,
and the move is written to the instance's event log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select, update

from dajian.engines.flow import MigrationError, dump_state, migrate_state
from dajian.platform.apps import get_app_row, require_manage
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.models import app_versions, apps
from dajian.platform.principal import Principal

from .apply import state_of
from .plans import plan_for
from .service import lock_instance, log_event
from .tables import flow_instances, flow_tasks


def migrate_instance(conn: Connection, principal: Principal, instance_id: int, *, node_map: Mapping[str, str],
                     version: int | None = None) -> dict[str, Any]:
    instance = lock_instance(conn, instance_id, principal.org_id)
    app_key = conn.execute(select(apps.c.key).where(apps.c.id == instance["app_id"])).scalar_one()
    require_manage(conn, principal, get_app_row(conn, principal, app_key))
    if instance["state"] != "running":
        raise Invalid("only running instances can move", errors=[{"path": "", "message": instance["state"]}])
    target = _target_version(conn, instance["app_id"], version)
    plan = plan_for(conn, target, instance["flow_key"])
    try:
        state, moved = migrate_state(state_of(instance), plan, node_map)
    except MigrationError as exc:
        raise Invalid(exc.message, errors=[{"path": f"/node_map/{n}", "message": f"map node '{n}' to a node of "
                                            "the new version"} for n in exc.missing]) from None
    conn.execute(update(flow_instances).where(flow_instances.c.id == instance_id).values(
        version_id=target, data=dump_state(state), lock_version=flow_instances.c.lock_version + 1))
    for old, new in moved.items():
        conn.execute(update(flow_tasks).where(flow_tasks.c.instance_id == instance_id, flow_tasks.c.node_id == old,
                                              flow_tasks.c.status == "pending").values(node_id=new))
    payload = {"from_version": instance["version_id"], "to_version": target, "node_map": moved}
    log_event(conn, instance, actor=principal.user_id, action="migrate", payload=payload)
    return payload


def _target_version(conn: Connection, app_id: int, number: int | None) -> int:
    if number is None:
        current = conn.execute(select(apps.c.current_version_id).where(apps.c.id == app_id)).scalar_one()
        return int(current)
    found = conn.execute(select(app_versions.c.id).where(app_versions.c.app_id == app_id,
                                                         app_versions.c.number == number)).scalar()
    if found is None:
        raise NotFound(f"no version {number}")
    return int(found)
