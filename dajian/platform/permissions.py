"""The one permission check (DESIGN §7).

``authorize`` answers "may this principal do ACTION on FORM, and on which
rows and fields?" as a ``Grant`` whose ``row_filter`` is a SQL expression
that every list, read, update, delete, count and export path adds to its
WHERE clause. Several roles combine by union: actions and fields add up,
row scopes are OR-ed. Features may add rows a person works on outside their
scope (``register_row_grant``): the flows feature adds the records on which
they have an open task, so an approver can read what they approve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, false, or_, select, true

from dajian.platform.definition.model import AppDefinition, RolePermission
from dajian.platform.errors import Forbidden, ForbiddenReason
from dajian.platform.models import departments, memberships, roles
from dajian.platform.principal import Principal

DENIED: dict[str, ForbiddenReason] = {
    "read": "form_read_denied", "export": "form_export_denied", "create": "form_create_denied",
    "update": "form_update_denied", "delete": "form_delete_denied", "manage": "form_manage_denied",
}
ACTION_SCOPES = {
    "read": "records:read", "export": "records:read",
    "create": "records:write", "update": "records:write", "delete": "records:write",
    "manage": "apps:manage",
}


class Grant:
    """What a principal may do on one form. ``row_filter`` is built on first use: a create never
    reads it, and a department-tree scope costs queries to build (``subtree_ids``)."""

    __slots__ = ("_build", "_row_filter", "read_fields", "write_fields")

    def __init__(self, row_filter: ColumnElement[bool] | Callable[[], ColumnElement[bool]],
                 read_fields: frozenset[str] | None,  # None: all fields
                 write_fields: frozenset[str] | None) -> None:
        self._build: Callable[[], ColumnElement[bool]] | None = None
        self._row_filter: ColumnElement[bool] | None = None
        if callable(row_filter) and not isinstance(row_filter, ColumnElement):
            self._build = row_filter
        else:
            self._row_filter = row_filter
        self.read_fields = read_fields
        self.write_fields = write_fields

    @property
    def row_filter(self) -> ColumnElement[bool]:
        if self._row_filter is None:
            assert self._build is not None
            self._row_filter, self._build = self._build(), None
        return self._row_filter

    def can_read(self, key: str) -> bool:
        return self.read_fields is None or key in self.read_fields

    def can_write(self, key: str) -> bool:
        return self.write_fields is None or key in self.write_fields


RowGrant = Callable[[Connection, Principal, AppDefinition, int, str], Sequence[int]]
_ROW_GRANTS: list[tuple[RowGrant, frozenset[str]]] = []


def register_row_grant(grant: RowGrant, *, actions: Sequence[str] = ("read", "update")) -> None:
    """``grant(conn, principal, app, app_id, form_key)`` names record ids the principal may take
    ``actions`` on (read and update by default) beyond their row scope (still only with a role that
    allows the action on the form): an approver's open task, a copy (抄送) to read."""
    entry = (grant, frozenset(actions))
    if entry not in _ROW_GRANTS:
        _ROW_GRANTS.append(entry)


_ROLE_KEYS = (  # built once: every non-admin request asks
    select(roles.c.key)
    .join(memberships, memberships.c.role_id == roles.c.id)
    .where(memberships.c.user_id == bindparam("user"), roles.c.app_id == bindparam("app"), ~roles.c.archived)
)


def user_role_keys(conn: Connection, principal: Principal, app_id: int) -> list[str]:
    return list(conn.execute(_ROLE_KEYS, {"user": principal.user_id, "app": app_id}).scalars())


def check_scope(principal: Principal, action: str, app_key: str) -> None:
    scope = ACTION_SCOPES[action]
    if not principal.has_scope(scope):
        raise Forbidden(f"this API token lacks the scope '{scope}'",
                        reason="token_scope_missing", params={"scope": scope})
    if not principal.can_reach_app(app_key):
        raise Forbidden(f"this API token is not valid for app '{app_key}'", reason="token_not_for_app",
                        params={"app": app_key})


def authorize(
    conn: Connection,
    principal: Principal,
    *,
    app: AppDefinition,
    app_id: int,
    form_key: str,
    action: str,
    table: Table,
    role_keys: Sequence[str] | None = None,
    condition: Callable[[Any], ColumnElement[bool]] | None = None,
) -> Grant:
    """Return what ``principal`` may do, or raise ``Forbidden`` naming the action.

    ``role_keys``: the caller's roles in the app when already loaded (saves a query).
    ``condition``: compiles a role's ``also_where`` expression for this form (without it, roles
    that widen their scope that way are held to their row scope alone).
    """
    check_scope(principal, action, app.key)
    if principal.is_org_admin:
        return Grant(true(), None, None)
    keys = role_keys if role_keys is not None else user_role_keys(conn, principal, app_id)
    perms = _permissions(app, keys, form_key, action)
    if not perms:
        raise Forbidden(f"you may not {action} records of form '{form_key}'", reason=DENIED[action],
                        params={"form": form_key})

    def row_filter() -> ColumnElement[bool]:  # in this request's transaction, on first use
        filters = [row_scope_filter(conn, principal, p.row_scope, table) for p in perms]
        if condition is not None:
            filters += [condition(p.also_where) for p in perms if p.also_where is not None]
        grants = [grant for grant, actions in _ROW_GRANTS if action in actions]
        if grants:
            granted = {rid for grant in grants for rid in grant(conn, principal, app, app_id, form_key)}
            if granted:
                filters.append(table.c.id.in_(sorted(granted)))
        return or_(*filters)

    return Grant(
        row_filter=row_filter,
        read_fields=_union([p.read_fields for p in perms]),
        write_fields=_union([p.write_fields for p in perms]),
    )


def _permissions(app: AppDefinition, role_keys: Sequence[str], form_key: str, action: str) -> list[RolePermission]:
    found = []
    for key in role_keys:
        role = app.role(key)
        perm = role.permissions.get(form_key) if role else None
        if perm is not None and (action in perm.actions or "manage" in perm.actions):
            found.append(perm)
    return found


def _union(field_lists: list[list[str] | None]) -> frozenset[str] | None:
    if any(f is None for f in field_lists):
        return None
    return frozenset(k for fields in field_lists for k in fields or [])


def row_scope_filter(conn: Connection, principal: Principal, scope: str, table: Table) -> ColumnElement[bool]:
    if scope == "all":
        return true()
    if scope == "own":
        return table.c.owner_id == principal.user_id
    if principal.dept_id is None:
        return false()
    if scope == "dept":
        return table.c.dept_id == principal.dept_id
    return table.c.dept_id.in_(subtree_ids(conn, principal.org_id, principal.dept_id))


def subtree_ids(conn: Connection, org_id: int, dept_id: int) -> list[int]:
    path = conn.execute(select(departments.c.path).where(departments.c.id == dept_id)).scalar_one_or_none()
    if path is None:
        return [dept_id]
    query = select(departments.c.id).where(
        departments.c.org_id == org_id, departments.c.path.startswith(path, autoescape=True)
    )
    return list(conn.execute(query).scalars())


def visible(grant: Grant, table: Table, extra: Any = None) -> ColumnElement[bool]:
    """The WHERE clause every read path uses: live rows within the grant."""
    clause = and_(table.c.deleted_at.is_(None), grant.row_filter)
    return and_(clause, extra) if extra is not None else clause
