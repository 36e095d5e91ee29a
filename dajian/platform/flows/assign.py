"""Assignee resolution: the platform side of the engine's ``Env`` (who gets a task), with the pools
and turns of ``dajian.platform.assignees`` (the resolver the rules use too).

Strategies: users, role members, the department manager of the initiator / the record's
department / the task's assignee (``levels`` up the tree), a user field of the record, the
initiator, the previous actor, round robin and least-open-tasks within a role or department, and the
output of one of the app's decision tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from dajian.engines.flow import Assignee, RunState
from dajian.platform.assignees import (
    active_users,
    decided_users,
    dept_members,
    in_turn,
    least_loaded,
    role_members,
)
from dajian.platform.models import apps, departments, users


@dataclass
class PlatformEnv:
    """What one engine step sees: now, the record's values, and assignee resolution."""

    conn: Connection
    org_id: int
    app_id: int
    now: datetime
    load_record: Callable[[], Mapping[str, Any]]
    assignee: int | None = None  # the task an escalation concerns
    _record: Mapping[str, Any] | None = None
    version_id: int | None = None  # the instance's app version (its decision tables)

    @property
    def record(self) -> Mapping[str, Any]:
        """Read on first use: a step whose nodes need no record values costs no query."""
        if self._record is None:
            self._record = self.load_record()
        return self._record

    def resolve(self, spec: Assignee, *, node: str, state: RunState) -> list[int]:
        return _STRATEGIES[spec.strategy](self, spec, node, state)


def _users(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    return _active(env, spec.users or [])


def _active(env: PlatformEnv, ids: list[int]) -> list[int]:
    return active_users(env.conn, env.org_id, ids)


def _role(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    return role_members(env.conn, env.app_id, spec.role or "")


def _pool(env: PlatformEnv, spec: Assignee) -> list[int]:
    return role_members(env.conn, env.app_id, spec.role) if spec.role else dept_members(env.conn, env.org_id,
                                                                                      spec.dept or "")


def _round_robin(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    """The member after the one who got this node's last task in this app (by user id order)."""
    return in_turn(env.conn, env.app_id, _pool(env, spec), node)[:1]


def _least_open(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    return least_loaded(env.conn, _pool(env, spec))[:1]


def _dept_manager(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    dept = _base_dept(env, spec, state)
    for _ in range(spec.levels):
        if dept is None:
            break
        dept = env.conn.execute(select(departments.c.parent_id).where(departments.c.id == dept)).scalar()
    if dept is None:
        return []
    manager = env.conn.execute(select(departments.c.manager_id).where(departments.c.id == dept)).scalar()
    return [int(manager)] if manager is not None else []


def _base_dept(env: PlatformEnv, spec: Assignee, state: RunState) -> int | None:
    if spec.of == "record":
        value = env.record.get("dept_id")
        return int(value) if value is not None else None
    user = env.assignee if spec.of == "assignee" else state.initiator
    dept = env.conn.execute(select(users.c.dept_id).where(users.c.id == user)).scalar()
    return int(dept) if dept is not None else None


def _user_field(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    value = env.record.get(spec.field or "")
    return _active(env, [int(value)]) if value is not None else []


def _initiator(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    return [state.initiator]


def _previous_actor(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    return [state.last_actor or state.initiator]


def _decision_table(env: PlatformEnv, spec: Assignee, node: str, state: RunState) -> list[int]:
    assert env.version_id is not None and spec.table is not None
    return decided_users(env.conn, org_id=env.org_id, app_id=env.app_id, version_id=env.version_id,
                         table=spec.table, output=spec.output, record=env.record)


_STRATEGIES: dict[str, Callable[[PlatformEnv, Assignee, str, RunState], list[int]]] = {
    "users": _users, "role": _role, "dept_manager": _dept_manager, "user_field": _user_field,
    "initiator": _initiator, "previous_actor": _previous_actor, "round_robin": _round_robin,
    "least_open": _least_open, "decision_table": _decision_table,
}  # fmt: skip


def app_key(conn: Connection, app_id: int) -> str:
    return str(conn.execute(select(apps.c.key).where(apps.c.id == app_id)).scalar_one())
