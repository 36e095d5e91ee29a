""""View as": a form's list as a chosen person would see it under the DRAFT's roles, before publishing.

The records are the published version's; only the roles come from the draft. The rows and fields are
decided by ``permissions.authorize`` — the one permission check, compiled to SQL — with the draft's
roles in place of the published ones, and listed by ``records.list_records``, so what the designer
sees here is what that person would see once the draft is published (org admins see everything).

    view_as(conn, me, "tickets", form="ticket", user_id=7)
    → {"principal": {"user_id": 7, "roles": ["agent"], ...}, "allowed": True, "items": [...], ...}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import ColumnElement, Connection, func, select

from dajian.engines.expr.errors import ExprError
from dajian.platform.apps import RuntimeApp, get_app_row, load_runtime, require_manage
from dajian.platform.audit import write_audit
from dajian.platform.definition.model import RoleDef
from dajian.platform.errors import Forbidden, Invalid, NotFound
from dajian.platform.filters import row_condition
from dajian.platform.models import departments, memberships, roles, users
from dajian.platform.permissions import authorize, user_role_keys
from dajian.platform.principal import Principal
from dajian.platform.records import FormContext, ListQuery, list_records

_ROLES = TypeAdapter(list[RoleDef])


def draft_roles(draft: Any) -> list[RoleDef]:
    """The draft's roles, or 422 naming each problem's JSON path under ``/roles`` (a draft may hold anything)."""
    if not isinstance(draft, dict):
        raise Invalid("the draft is not an app definition", errors=[{"path": "", "message": "must be an object"}])
    try:
        return _ROLES.validate_python(draft.get("roles") or [])
    except ValidationError as exc:
        raise Invalid("the draft's roles are invalid", errors=[
            {"path": "/roles/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]) from None


def _target(conn: Connection, viewer: Principal, app_id: int, *, user_id: int | None,
            role_keys: Sequence[str] | None, dept_id: int | None) -> tuple[Principal, list[str], dict[str, Any]]:
    """The principal to view as: a user of the organisation (with their roles in the app), or a role set and
    department standing for someone who does not exist yet (no records of their own)."""
    if user_id is not None:
        row = conn.execute(select(users).where(users.c.id == user_id, users.c.org_id == viewer.org_id)).first()
        if row is None:
            raise NotFound(f"no user {user_id} in this organisation")
        who = Principal(user_id=row.id, org_id=viewer.org_id, dept_id=row.dept_id, is_org_admin=row.is_org_admin,
                        via="system")
        keys = user_role_keys(conn, who, app_id)
        return who, keys, {"user_id": row.id, "display_name": row.display_name, "username": row.username}
    if dept_id is not None and conn.execute(select(departments.c.id).where(
            departments.c.id == dept_id, departments.c.org_id == viewer.org_id)).first() is None:
        raise Invalid("no such department", errors=[{"path": "/dept_id", "message": f"no department {dept_id}"}])
    who = Principal(user_id=0, org_id=viewer.org_id, dept_id=dept_id, is_org_admin=False, via="system")
    return who, list(role_keys or []), {"user_id": None, "display_name": None, "username": None}


def _condition(runtime: RuntimeApp, form_key: str, who: Principal,
               role_list: list[RoleDef]) -> Callable[[Any], ColumnElement[bool]]:
    """``also_where`` compiled as at run time; a draft's bad expression is a 422 naming its path."""
    compile_one = row_condition(runtime.form(form_key), runtime, who)
    paths = {id(r.permissions[form_key].also_where): f"/roles/{i}/permissions/{form_key}/also_where"
             for i, r in enumerate(role_list) if form_key in r.permissions}

    def compiled(expression: Any) -> ColumnElement[bool]:
        try:
            built: ColumnElement[bool] = compile_one(expression)
            return built
        except (ExprError, ValueError) as exc:
            path = paths.get(id(expression), "/roles")
            raise Invalid("a role's condition is invalid", errors=[{"path": path, "message": str(exc)}]) from None

    return compiled


def view_as(conn: Connection, viewer: Principal, app_key: str, *, form: str, user_id: int | None = None,
            role_keys: Sequence[str] | None = None, dept_id: int | None = None, limit: int = 50,
            after: str | None = None, count_cap: int = 10_000) -> dict[str, Any]:
    """One page of ``form``'s list as the principal would see it under the draft's roles. Audited."""
    row = get_app_row(conn, viewer, app_key, draft=True)
    require_manage(conn, viewer, row)
    runtime = load_runtime(conn, viewer, app_key)
    role_list = draft_roles(row["draft"] or {})
    drafted = dataclasses.replace(runtime, definition=runtime.definition.model_copy(update={"roles": role_list}))
    compiled = runtime.form(form)
    who, keys, person = _target(conn, viewer, runtime.app_id, user_id=user_id, role_keys=role_keys, dept_id=dept_id)
    unknown = [k for k in keys if drafted.definition.role(k) is None]
    write_audit(conn, org_id=viewer.org_id, actor_id=viewer.user_id, entity="permission", action="view_as",
                app_id=runtime.app_id, form_key=form,
                changes={"user_id": user_id, "roles": list(keys), "dept_id": who.dept_id})
    answer: dict[str, Any] = {
        "principal": {**person, "dept_id": who.dept_id, "roles": keys, "is_org_admin": who.is_org_admin},
        "unknown_roles": unknown, "allowed": True, "reason": None, "fields": [], "writable": [],
        "actions": _actions(drafted, keys, form, who), "items": [], "next_cursor": None, "total": None,
        "total_is_exact": None,
    }
    try:
        grant = authorize(conn, who, app=drafted.definition, app_id=runtime.app_id, form_key=form, action="read",
                          table=compiled.table, role_keys=keys,
                          condition=_condition(drafted, form, who, role_list))
    except Forbidden as exc:
        return {**answer, "allowed": False, "reason": str(exc.args[0]) if exc.args else "forbidden"}
    ctx = FormContext(drafted, compiled, grant, who)
    answer["fields"] = [k for k in compiled.fields if grant.can_read(k)]
    answer["writable"] = [k for k in compiled.fields if grant.can_write(k)]
    page = list_records(conn, ctx, ListQuery(limit=limit, after=after), count_cap=count_cap)
    return {**answer, **page}


def _actions(runtime: RuntimeApp, keys: Sequence[str], form: str, who: Principal) -> list[str]:
    if who.is_org_admin:
        return ["create", "read", "update", "delete", "export", "manage"]
    found: set[str] = set()
    for key in keys:
        role = runtime.definition.role(key)
        perm = role.permissions.get(form) if role else None
        found |= set(perm.actions) if perm else set()
    return sorted(found)


def members(conn: Connection, viewer: Principal, app_key: str) -> dict[str, Any]:
    """The app's people for the view-as picker, and how many members each role has (removing a role asks)."""
    row = get_app_row(conn, viewer, app_key)
    require_manage(conn, viewer, row)
    query = (select(users.c.id, users.c.display_name, users.c.username, users.c.dept_id, roles.c.key)
             .join(memberships, memberships.c.user_id == users.c.id)
             .join(roles, roles.c.id == memberships.c.role_id)
             .where(roles.c.app_id == row["id"], ~roles.c.archived, users.c.is_active)
             .order_by(users.c.display_name, users.c.id, roles.c.key))
    people: dict[int, dict[str, Any]] = {}
    for r in conn.execute(query):
        person = people.setdefault(r.id, {"user_id": r.id, "display_name": r.display_name, "username": r.username,
                                          "dept_id": r.dept_id, "roles": []})
        person["roles"].append(r.key)
    counts = {key: n for key, n in conn.execute(
        select(roles.c.key, func.count(memberships.c.id)).join(memberships, memberships.c.role_id == roles.c.id)
        .where(roles.c.app_id == row["id"], ~roles.c.archived).group_by(roles.c.key))}
    depts = [{"id": d.id, "name": d.name} for d in conn.execute(
        select(departments.c.id, departments.c.name).where(departments.c.org_id == viewer.org_id)
        .order_by(departments.c.path))]
    return {"people": list(people.values()), "role_members": counts, "departments": depts}
