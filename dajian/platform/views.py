"""Saved list views: a named filter, sort, columns and view kind of one form, the user's own or shared.

A view is checked against the form when it is saved, as a list request would be (an unknown field or
an ill-typed filter is a 422 naming the JSON path), so opening a saved view never fails on its own
spelling; a later version of the form may still drop a field, and the list then says so.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, RowMapping, and_, or_, select

from dajian.platform import records as service
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.filters import compile_filter
from dajian.platform.models import departments, memberships, roles, saved_views, users
from dajian.platform.pagination import SORTABLE_STANDARD, parse_sort

ViewKind = Literal["table", "kanban", "calendar"]


class ViewSpec(BaseModel):
    """What a view shows. ``group_by`` is the single-select field of a kanban, ``date_field`` the
    date field of a calendar."""

    model_config = ConfigDict(extra="forbid")
    kind: ViewKind = "table"
    filter: Any = None
    sort: str | None = Field(default=None, max_length=500, examples=["-created_at,title"])
    columns: list[str] | None = Field(default=None, max_length=200)
    group_by: str | None = None
    date_field: str | None = None


class ViewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    shared: bool = False
    spec: ViewSpec = Field(default_factory=ViewSpec)


class ViewPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=100)
    shared: bool | None = None
    spec: ViewSpec | None = None


class ViewOut(BaseModel):
    id: int
    name: str
    shared: bool
    mine: bool
    spec: ViewSpec


def _check_spec(ctx: service.FormContext, spec: ViewSpec) -> None:
    fields = ctx.form.fields
    try:
        if spec.filter is not None:
            compile_filter(spec.filter, ctx.form, readable=ctx.grant.can_read, principal=ctx.principal,
                           runtime=ctx.runtime)
        parse_sort(spec.sort, ctx.form)
    except (Invalid, Forbidden) as exc:  # the list's own paths, placed inside the view's body
        for error in exc.errors:
            error["path"] = "/spec" + str(error.get("path", ""))
        raise
    errors = [{"path": f"/spec/columns/{i}", "message": f"unknown field '{key}'"}
              for i, key in enumerate(spec.columns or []) if key not in fields and key not in SORTABLE_STANDARD]
    for name, kinds in (("group_by", {"single_select"}), ("date_field", {"date", "datetime"})):
        key = getattr(spec, name)
        if key is not None and ((key not in fields and key not in ("created_at", "updated_at"))
                                or (key in fields and fields[key].kind not in kinds)):
            wanted = " or ".join(sorted(kinds))
            errors.append({"path": f"/spec/{name}", "message": f"'{key}' is not a field of kind {wanted}"})
    needed = {"kanban": "group_by", "calendar": "date_field"}.get(spec.kind)
    if needed and getattr(spec, needed) is None:
        errors.append({"path": f"/spec/{needed}", "message": f"a {spec.kind} view needs {needed}"})
    if errors:
        raise Invalid("the view is invalid", errors=errors)


def _out(row: RowMapping, user_id: int) -> ViewOut:
    return ViewOut(id=row["id"], name=row["name"], shared=row["shared"], mine=row["owner_id"] == user_id,
                   spec=ViewSpec.model_validate(row["spec"]))


def _of_form(ctx: service.FormContext) -> Any:
    p = ctx.principal
    return and_(saved_views.c.org_id == p.org_id, saved_views.c.app_key == ctx.runtime.key,
                saved_views.c.form_key == ctx.form.form.key)


def list_views(conn: Connection, ctx: service.FormContext) -> list[ViewOut]:
    """My views, then the views others shared, each by name."""
    uid = ctx.principal.user_id
    rows = conn.execute(
        select(saved_views).where(_of_form(ctx), or_(saved_views.c.owner_id == uid, saved_views.c.shared))
        .order_by((saved_views.c.owner_id != uid), saved_views.c.name, saved_views.c.id)).mappings()
    return [_out(r, uid) for r in rows]


def _taken(conn: Connection, ctx: service.FormContext, name: str, but: int | None = None) -> None:
    same = select(saved_views.c.id).where(_of_form(ctx), saved_views.c.owner_id == ctx.principal.user_id,
                                          saved_views.c.name == name)
    if but is not None:
        same = same.where(saved_views.c.id != but)
    if conn.execute(same).first() is not None:
        raise Conflict(f"you already have a view named '{name}'",
                       errors=[{"path": "/name", "message": "already exists"}])


def create_view(conn: Connection, ctx: service.FormContext, view: ViewIn) -> ViewOut:
    _check_spec(ctx, view.spec)
    _taken(conn, ctx, view.name)
    now = utcnow()
    new_id = conn.execute(saved_views.insert().values(
        org_id=ctx.principal.org_id, app_key=ctx.runtime.key, form_key=ctx.form.form.key,
        owner_id=ctx.principal.user_id, name=view.name, shared=view.shared,
        spec=view.spec.model_dump(exclude_none=True), created_at=now, updated_at=now)
        .returning(saved_views.c.id)).scalar_one()
    return _get(conn, ctx, new_id)


def _get(conn: Connection, ctx: service.FormContext, view_id: int) -> ViewOut:
    return _out(_row(conn, ctx, view_id), ctx.principal.user_id)


def _row(conn: Connection, ctx: service.FormContext, view_id: int) -> RowMapping:
    row = conn.execute(select(saved_views).where(_of_form(ctx), saved_views.c.id == view_id)).mappings().first()
    if row is None or not (row["shared"] or row["owner_id"] == ctx.principal.user_id):
        raise NotFound(f"no view {view_id} of this form")
    return row


def _owned(conn: Connection, ctx: service.FormContext, view_id: int) -> RowMapping:
    """Only the owner changes a view; an organisation admin may also remove a shared one."""
    row = _row(conn, ctx, view_id)
    if row["owner_id"] != ctx.principal.user_id:
        raise Forbidden("only the person who saved this view may change it", reason="view_owner_only")
    return row


def update_view(conn: Connection, ctx: service.FormContext, view_id: int, patch: ViewPatch) -> ViewOut:
    _owned(conn, ctx, view_id)
    values: dict[str, Any] = {"updated_at": utcnow()}
    if patch.name is not None:
        _taken(conn, ctx, patch.name, but=view_id)
        values["name"] = patch.name
    if patch.shared is not None:
        values["shared"] = patch.shared
    if patch.spec is not None:
        _check_spec(ctx, patch.spec)
        values["spec"] = patch.spec.model_dump(exclude_none=True)
    conn.execute(saved_views.update().where(saved_views.c.id == view_id).values(**values))
    return _get(conn, ctx, view_id)


def delete_view(conn: Connection, ctx: service.FormContext, view_id: int) -> None:
    row = _row(conn, ctx, view_id)
    if row["owner_id"] != ctx.principal.user_id and not (row["shared"] and ctx.principal.is_org_admin):
        raise Forbidden("only the person who saved this view may delete it", reason="view_owner_only")
    conn.execute(saved_views.delete().where(saved_views.c.id == view_id))


class OptionOut(BaseModel):
    value: str
    label: dict[str, str]
    color: str | None = None


class ColumnOut(BaseModel):
    key: str
    kind: str
    label: dict[str, str]
    options: list[OptionOut] | None = None
    sortable: bool
    filterable: bool


class ListColumns(BaseModel):
    """What a list page of the form needs: the fields the caller may read, in form order, and the
    names of the people and departments that user and department fields hold ids of."""

    form: str
    label: dict[str, str]
    title_field: str | None
    columns: list[ColumnOut]
    users: dict[str, str] = Field(description="display names of the app's members and the caller, by user id")
    departments: dict[str, str] = Field(description="department names by id")


MAX_NAMES = 5000  # beyond this a list shows ids rather than send a phone book with every list


def list_columns(conn: Connection, ctx: service.FormContext) -> ListColumns:
    form = ctx.form
    columns = [ColumnOut(key=f.key, kind=f.kind, label=dict(f.label),
                         options=[OptionOut(value=o.value, label=dict(o.label), color=o.color) for o in f.options]
                         if f.options else None,
                         sortable=form.kinds[f.key].sortable,
                         filterable=form.kinds[f.key].filterable)
               for f in form.form.fields if ctx.grant.can_read(f.key) and f.key not in form.children]
    return ListColumns(form=form.form.key, label=dict(form.form.label), title_field=form.form.title_field,
                       columns=columns, users=_user_names(conn, ctx),
                       departments=_department_names(conn, ctx.principal.org_id))


def _user_names(conn: Connection, ctx: service.FormContext) -> dict[str, str]:
    members = (select(memberships.c.user_id).join(roles, roles.c.id == memberships.c.role_id)
               .where(roles.c.app_id == ctx.runtime.app_id))
    rows = conn.execute(select(users.c.id, users.c.display_name).where(
        users.c.org_id == ctx.principal.org_id,
        or_(users.c.id.in_(members), users.c.id == ctx.principal.user_id)).limit(MAX_NAMES))
    return {str(i): name for i, name in rows}


def _department_names(conn: Connection, org_id: int) -> dict[str, str]:
    rows = conn.execute(select(departments.c.id, departments.c.name).where(departments.c.org_id == org_id)
                        .limit(MAX_NAMES))
    return {str(i): name for i, name in rows}
