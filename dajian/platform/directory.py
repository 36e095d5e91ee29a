"""Departments (a tree with managers), users and role memberships of an organisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import RowMapping

from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.models import apps, departments, memberships, roles, users
from dajian.platform.principal import Principal


def require_admin(principal: Principal) -> None:
    if not principal.is_org_admin or not principal.has_scope("admin"):
        raise Forbidden("only organisation administrators may do this", reason="admins_only")


def department(conn: Connection, org_id: int, dept_id: int, path: str) -> RowMapping:
    row = conn.execute(select(departments).where(departments.c.org_id == org_id, departments.c.id == dept_id))
    found = row.mappings().first()
    if found is None:
        raise Invalid("no such department", errors=[{"path": path, "message": f"no department {dept_id}"}])
    return found


def _user_in_org(conn: Connection, org_id: int, user_id: int, path: str) -> None:
    query = select(users.c.id).where(users.c.org_id == org_id, users.c.id == user_id)
    if conn.execute(query).first() is None:
        raise Invalid("no such user", errors=[{"path": path, "message": f"no user {user_id}"}])


def create_department(
    conn: Connection, principal: Principal, *, key: str, name: str, parent_id: int | None = None,
    manager_id: int | None = None,
) -> dict[str, Any]:
    require_admin(principal)
    org = principal.org_id
    parent_path = department(conn, org, parent_id, "/parent_id")["path"] if parent_id else "/"
    if manager_id is not None:
        _user_in_org(conn, org, manager_id, "/manager_id")
    if conn.execute(select(departments.c.id).where(departments.c.org_id == org, departments.c.key == key)).first():
        raise Conflict(f"department '{key}' exists", errors=[{"path": "/key", "message": "already exists"}])
    new_id = conn.execute(insert(departments).values(
        org_id=org, key=key, name=name, parent_id=parent_id, manager_id=manager_id, path="",
        created_at=utcnow()).returning(departments.c.id)).scalar_one()
    path = f"{parent_path}{new_id}/"
    conn.execute(update(departments).where(departments.c.id == new_id).values(path=path))
    write_audit(conn, org_id=org, actor_id=principal.user_id, entity="department", action="create",
                changes={"key": key, "name": name, "parent_id": parent_id})
    return {"id": new_id, "key": key, "name": name, "parent_id": parent_id, "manager_id": manager_id, "path": path}


def set_department_manager(conn: Connection, principal: Principal, dept_id: int, manager_id: int | None) -> None:
    require_admin(principal)
    department(conn, principal.org_id, dept_id, "/dept_id")
    if manager_id is not None:
        _user_in_org(conn, principal.org_id, manager_id, "/manager_id")
    conn.execute(update(departments).where(departments.c.id == dept_id).values(manager_id=manager_id))


def list_departments(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    cols = [departments.c[c] for c in ("id", "key", "name", "parent_id", "manager_id", "path")]
    query = select(*cols).where(departments.c.org_id == principal.org_id).order_by(departments.c.path)
    return [dict(r) for r in conn.execute(query).mappings()]


PICKER_COLUMNS = ("id", "username", "display_name", "dept_id")  # what a member needs to pick a person
ADMIN_COLUMNS = (*PICKER_COLUMNS, "email", "is_org_admin", "is_active", "locale")


def list_users(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """Administrators see every user with e-mail and flags; members see active users, picker fields only."""
    admin = principal.is_org_admin and principal.has_scope("admin")
    cols = [users.c[c] for c in (ADMIN_COLUMNS if admin else PICKER_COLUMNS)]
    query = select(*cols).where(users.c.org_id == principal.org_id).order_by(users.c.username)
    if not admin:
        query = query.where(users.c.is_active)
    return [dict(r) for r in conn.execute(query).mappings()]


def set_user_department(conn: Connection, principal: Principal, user_id: int, dept_id: int | None) -> None:
    require_admin(principal)
    _user_in_org(conn, principal.org_id, user_id, "/user_id")
    if dept_id is not None:
        department(conn, principal.org_id, dept_id, "/dept_id")
    conn.execute(update(users).where(users.c.id == user_id).values(dept_id=dept_id))


def _role_id(conn: Connection, org_id: int, app_key: str, role_key: str) -> int:
    query = (select(roles.c.id).join(apps, apps.c.id == roles.c.app_id)
             .where(apps.c.org_id == org_id, apps.c.key == app_key, roles.c.key == role_key, ~roles.c.archived))
    role_id = conn.execute(query).scalar_one_or_none()
    if role_id is None:
        raise NotFound(f"app '{app_key}' has no published role '{role_key}'")
    return int(role_id)


def grant_role(conn: Connection, principal: Principal, *, user_id: int, app_key: str, role_key: str) -> None:
    require_admin(principal)
    _user_in_org(conn, principal.org_id, user_id, "/user_id")
    role_id = _role_id(conn, principal.org_id, app_key, role_key)
    exists = select(memberships.c.id).where(memberships.c.user_id == user_id, memberships.c.role_id == role_id)
    if conn.execute(exists).first() is None:
        conn.execute(insert(memberships).values(org_id=principal.org_id, user_id=user_id, role_id=role_id,
                                                created_at=utcnow()))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="permission",
                action="grant_role", changes={"user_id": user_id, "app": app_key, "role": role_key})


def revoke_role(conn: Connection, principal: Principal, *, user_id: int, app_key: str, role_key: str) -> None:
    require_admin(principal)
    role_id = _role_id(conn, principal.org_id, app_key, role_key)
    conn.execute(delete(memberships).where(memberships.c.user_id == user_id, memberships.c.role_id == role_id))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="permission",
                action="revoke_role", changes={"user_id": user_id, "app": app_key, "role": role_key})


def list_memberships(conn: Connection, principal: Principal, *, user_id: int | None = None,
                     app_key: str | None = None) -> list[dict[str, Any]]:
    require_admin(principal)
    query = (select(memberships.c.user_id, apps.c.key.label("app"), roles.c.key.label("role"),
                    apps.c.label.label("app_label"), roles.c.label.label("role_label"))
             .join(roles, roles.c.id == memberships.c.role_id).join(apps, apps.c.id == roles.c.app_id)
             .where(memberships.c.org_id == principal.org_id, ~roles.c.archived))  # fmt: skip
    if user_id is not None:
        query = query.where(memberships.c.user_id == user_id)
    if app_key is not None:
        query = query.where(apps.c.key == app_key)
    return [dict(r) for r in conn.execute(query.order_by(apps.c.key, roles.c.key, memberships.c.user_id)).mappings()]
