"""Who gets work: the one assignee resolver that flows (task assignees) and rules (``assign`` actions,
messages to a role) both use, so they agree on who is in a pool and whose turn it is.

- a role's pool: active users holding the role in the app, by user id; an archived role has nobody
- a department's pool: its active users, by user id
- round robin: the member after the one who got the app's last task (of that node, for a flow node);
  rules have no node, so their turn follows the app's last task to a member of the pool
- least loaded: fewest pending flow tasks, then lowest user id
- decision table: the app version's decision table evaluated on the record; its output names user ids
  (a number, a list of them, digits) or a role key whose members get the work
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from dajian.engines.rule.dtable import DecisionError, DecisionPlan, compile_table
from dajian.platform.db import one_of_ids
from dajian.platform.errors import Invalid
from dajian.platform.models import app_versions, departments, memberships, roles, users
from dajian.platform.version_cache import VersionCache, database_key

_TABLES: VersionCache[DecisionPlan | None] = VersionCache("assignee decision table")

_ACTIVE = {dialect: select(users.c.id).where(one_of_ids(users.c.id, "ids", dialect),
                                              users.c.org_id == bindparam("org"), users.c.is_active)
           for dialect in ("postgresql", "sqlite")}
_ROLE = (select(users.c.id).join(memberships, memberships.c.user_id == users.c.id)
         .join(roles, roles.c.id == memberships.c.role_id)
         .where(roles.c.app_id == bindparam("app"), roles.c.key == bindparam("role"), ~roles.c.archived,
                users.c.is_active)
         .order_by(users.c.id))  # fmt: skip


def active_users(conn: Connection, org_id: int, ids: list[int]) -> list[int]:
    """``ids`` that are active users of the organisation, in the order given."""
    if not ids:
        return []
    found = set(conn.execute(_ACTIVE[conn.dialect.name], {"ids": ids, "org": org_id}).scalars())
    return [i for i in ids if i in found]


def role_members(conn: Connection, app_id: int, role: str) -> list[int]:
    return list(dict.fromkeys(conn.execute(_ROLE, {"app": app_id, "role": role}).scalars()))


def dept_members(conn: Connection, org_id: int, key: str) -> list[int]:
    query = (select(users.c.id).join(departments, departments.c.id == users.c.dept_id)
             .where(departments.c.org_id == org_id, departments.c.key == key, users.c.is_active)
             .order_by(users.c.id))  # fmt: skip
    return list(conn.execute(query).scalars())


def in_turn(conn: Connection, app_id: int, pool: list[int], node: str | None = None) -> list[int]:
    """``pool`` rotated so the member after the one who got the last task (of ``node``) comes first."""
    if not pool:
        return []
    params = {"app": app_id, "pool": pool} if node is None else {"app": app_id, "pool": pool, "node": node}
    last = conn.execute(_last_task_query(conn.dialect.name, node is not None), params).scalar()
    turn = (pool.index(last) + 1) % len(pool) if last in pool else 0
    return pool[turn:] + pool[:turn]


_LAST_TASK: dict[tuple[str, bool], Any] = {}


def _last_task_query(dialect: str, of_node: bool) -> Any:
    """The assignee of the app's last task to a member of ``:pool`` (of ``:node``): built once, it runs on
    every round-robin assignment."""
    from dajian.platform.flows.tables import flow_instances, flow_tasks

    found = _LAST_TASK.get((dialect, of_node))
    if found is None:
        query = (select(flow_tasks.c.assignee_id)
                 .join(flow_instances, flow_instances.c.id == flow_tasks.c.instance_id)
                 .where(flow_instances.c.app_id == bindparam("app"),
                        one_of_ids(flow_tasks.c.assignee_id, "pool", dialect))
                 .order_by(flow_tasks.c.id.desc()).limit(1))  # fmt: skip
        if of_node:
            query = query.where(flow_tasks.c.node_id == bindparam("node"))
        found = _LAST_TASK[(dialect, of_node)] = query
    return found


def least_loaded(conn: Connection, pool: list[int]) -> list[int]:
    """``pool`` by pending flow tasks, fewest first (then by user id)."""
    from dajian.platform.flows.tables import flow_tasks

    if not pool:
        return []
    query = (select(flow_tasks.c.assignee_id, func.count())
             .where(flow_tasks.c.assignee_id.in_(pool), flow_tasks.c.status == "pending")
             .group_by(flow_tasks.c.assignee_id))  # fmt: skip
    load: dict[int, int] = {row[0]: row[1] for row in conn.execute(query)}
    return sorted(pool, key=lambda u: (load.get(u, 0), u))


def decided_users(conn: Connection, *, org_id: int, app_id: int, version_id: int, table: str, output: str | None,
                  record: Mapping[str, Any]) -> list[int]:
    """Who a decision table gives the work to: ``table`` of the app version, its inputs read from the record's
    fields of the same keys, ``output`` (the first by default) read as user ids or a role key."""
    plan = _TABLES.get(database_key(conn), version_id, table, lambda: _decision_table(conn, version_id, table))
    if plan is None:
        raise Invalid(f"no decision table '{table}' in this version of the app",
                      errors=[{"path": "/assignee/table", "message": f"no decision table '{table}'"}])
    try:
        result = plan({k: record.get(k) for k in plan.inputs})
    except (DecisionError, ValueError) as exc:
        raise Invalid(f"decision table '{table}': {exc}") from None
    rows = result if isinstance(result, list) else [result]
    key = output or plan.outputs[0]
    values = [v for row in rows if isinstance(row, dict) for v in _as_list(row.get(key))]
    ids = [int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]
    members = [u for v in values if isinstance(v, str) and not v.isdigit() for u in role_members(conn, app_id, v)]
    return active_users(conn, org_id, list(dict.fromkeys([*ids, *members])))


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [] if value is None else [value]


def _decision_table(conn: Connection, version_id: int, key: str) -> DecisionPlan | None:
    doc = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == version_id)).scalar_one()
    rules = doc.get("rules") if isinstance(doc, dict) else None
    raw = next((r for r in rules or [] if isinstance(r, dict) and r.get("kind") == "decision_table"
                and r.get("key") == key), None)
    return compile_table(raw) if raw is not None else None
