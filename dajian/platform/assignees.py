"""Who gets work: the one assignee resolver that flows (task assignees) and rules (``assign`` actions,
messages to a role) both use, so they agree on who is in a pool and whose turn it is.

- a role's pool: active users holding the role in the app, by user id; an archived role has nobody
- a department's pool: its active users, by user id
- round robin: the member after the one who got the app's last task (of that node, for a flow node);
  rules have no node, so their turn follows the app's last task to a member of the pool
- least loaded: fewest pending flow tasks, then lowest user id
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from dajian.platform.models import departments, memberships, roles, users

_ACTIVE = select(users.c.id).where(users.c.id.in_(bindparam("ids", expanding=True)),
                                   users.c.org_id == bindparam("org"), users.c.is_active)
_ROLE = (select(users.c.id).join(memberships, memberships.c.user_id == users.c.id)
         .join(roles, roles.c.id == memberships.c.role_id)
         .where(roles.c.app_id == bindparam("app"), roles.c.key == bindparam("role"), ~roles.c.archived,
                users.c.is_active)
         .order_by(users.c.id))  # fmt: skip


def active_users(conn: Connection, org_id: int, ids: list[int]) -> list[int]:
    """``ids`` that are active users of the organisation, in the order given."""
    if not ids:
        return []
    found = set(conn.execute(_ACTIVE, {"ids": ids, "org": org_id}).scalars())
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
    last = conn.execute(_last_task_query(node is not None), params).scalar()
    turn = (pool.index(last) + 1) % len(pool) if last in pool else 0
    return pool[turn:] + pool[:turn]


_LAST_TASK: dict[bool, Any] = {}


def _last_task_query(of_node: bool) -> Any:
    """The assignee of the app's last task to a member of ``:pool`` (of ``:node``): built once, it runs on
    every round-robin assignment."""
    from dajian.platform.flows.tables import flow_instances, flow_tasks

    found = _LAST_TASK.get(of_node)
    if found is None:
        query = (select(flow_tasks.c.assignee_id)
                 .join(flow_instances, flow_instances.c.id == flow_tasks.c.instance_id)
                 .where(flow_instances.c.app_id == bindparam("app"),
                        flow_tasks.c.assignee_id.in_(bindparam("pool", expanding=True)))
                 .order_by(flow_tasks.c.id.desc()).limit(1))  # fmt: skip
        found = _LAST_TASK[of_node] = query.where(flow_tasks.c.node_id == bindparam("node")) if of_node else query
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
