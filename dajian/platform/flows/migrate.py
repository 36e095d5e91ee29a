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

from sqlalchemy import Connection, func, select, update

from dajian.engines.flow import MigrationError, dump_state, migrate_state
from dajian.engines.flow.migrate import active_nodes
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
    return _move(conn, principal, instance, node_map=node_map, version=version)


def _move(conn: Connection, principal: Principal, instance: Any, *, node_map: Mapping[str, str],
          version: int | None = None, path: str = "/node_map") -> dict[str, Any]:
    instance_id = int(instance["id"])
    if instance["state"] != "running":
        raise Invalid("only running instances can move", errors=[{"path": "", "message": instance["state"]}])
    target = _target_version(conn, instance["app_id"], version)
    plan = plan_for(conn, target, instance["flow_key"])
    try:
        state, moved = migrate_state(state_of(instance), plan, node_map)
    except MigrationError as exc:
        raise Invalid(exc.message, errors=[{"path": f"{path}/{n}", "message": f"map node '{n}' to a node of "
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


# -- on publish ---------------------------------------------------------------------------------


def running_by_node(conn: Connection, app_id: int, version_id: int) -> dict[str, dict[str, int]]:
    """``{"handle": {"triage": 3, "review": 1}}``: running instances of a version, per flow, counted on each
    node they stand on (an instance in two parallel branches counts on both)."""
    rows = conn.execute(select(flow_instances.c.flow_key, flow_instances.c.data).where(
        flow_instances.c.app_id == app_id, flow_instances.c.version_id == version_id,
        flow_instances.c.state == "running")).all()
    counts: dict[str, dict[str, int]] = {}
    for flow_key, data in rows:
        per_node = counts.setdefault(str(flow_key), {})
        for node in active_nodes(state_of({"id": 0, "data": data})):
            per_node[node] = per_node.get(node, 0) + 1
    return counts


def migration_preview(conn: Connection, app_id: int, version_id: int | None,
                      draft: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For each flow with running instances on the current version: how many stand on each node, and the
    node each maps to in the draft by default (the same id, or ``None`` when the draft lacks it)."""
    if version_id is None:
        return []
    new_nodes = {str(f.get("key")): [str(n.get("id")) for n in f.get("nodes") or [] if isinstance(n, dict)]
                 for f in draft.get("flows") or [] if isinstance(f, dict)}
    out = []
    for flow_key, per_node in sorted(running_by_node(conn, app_id, version_id).items()):
        ids = new_nodes.get(flow_key, [])
        nodes = [{"node": node, "running": count, "maps_to": node if node in ids else None}
                 for node, count in sorted(per_node.items())]
        running = conn.execute(select(func.count()).select_from(flow_instances).where(
            flow_instances.c.app_id == app_id, flow_instances.c.version_id == version_id,
            flow_instances.c.flow_key == flow_key, flow_instances.c.state == "running")).scalar_one()
        out.append({"flow": flow_key, "running": int(running), "in_draft": flow_key in new_nodes, "nodes": nodes,
                    "new_nodes": ids})
    return out


def migrate_on_publish(conn: Connection, principal: Principal, app_id: int, *, from_version: int,
                       maps: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    """Move every running instance of ``from_version`` of each flow in ``maps`` to the version just
    published, with that flow's node map; ``{"handle": 4}``: how many moved. Any instance that cannot move
    refuses the whole publish (it runs in the publish's transaction)."""
    moved: dict[str, int] = {}
    for flow_key, node_map in maps.items():
        ids = conn.execute(select(flow_instances.c.id).where(
            flow_instances.c.app_id == app_id, flow_instances.c.version_id == from_version,
            flow_instances.c.flow_key == flow_key, flow_instances.c.state == "running")
            .order_by(flow_instances.c.id)).scalars().all()
        for instance_id in ids:
            instance = lock_instance(conn, int(instance_id), principal.org_id)
            _move(conn, principal, instance, node_map=node_map, path=f"/migrate/{flow_key}")
        moved[flow_key] = len(ids)
    return moved
