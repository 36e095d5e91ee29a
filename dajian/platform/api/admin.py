"""Organisation administration: departments, users, role memberships, audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from dajian.engines.form.model import KEY_PATTERN
from dajian.platform import audit_search, directory
from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute
from dajian.platform.api.params import BodyId, PathId, QueryId
from dajian.platform.api.schemas import admin as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.auth import change_account, create_user
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/admin", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


class NewDepartment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    parent_id: BodyId | None = None
    manager_id: BodyId | None = None


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=500)
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    dept_id: BodyId | None = None
    is_org_admin: bool = False


class RoleGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: BodyId
    app: str = Field(pattern=KEY_PATTERN)
    role: str = Field(pattern=KEY_PATTERN)


class Manager(BaseModel):
    model_config = ConfigDict(extra="forbid")
    manager_id: BodyId | None


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=1024)


class UserDepartment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dept_id: BodyId | None


@router.post("/departments", status_code=201, **answers(out.Department, *SIGNED_IN, 409, 413, 422))
def create_department(conn: Conn, principal: Auth, body: NewDepartment) -> dict[str, Any]:
    return directory.create_department(conn, principal, **body.model_dump())


@router.get("/departments", **answers(list[out.Department], *SIGNED_IN))
def list_departments(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    return directory.list_departments(conn, principal)


@router.put("/departments/{dept_id}/manager", **answers(out.DepartmentManager, *SIGNED_IN, 404, 413, 422))
def set_manager(conn: Conn, principal: Auth, dept_id: PathId, body: Manager) -> dict[str, Any]:
    directory.set_department_manager(conn, principal, dept_id, body.manager_id)
    return {"id": dept_id, "manager_id": body.manager_id}


@router.post("/users", status_code=201, **answers(out.NewUser, *SIGNED_IN, 413, 422))
def new_user(conn: Conn, principal: Auth, body: NewUser) -> dict[str, Any]:
    directory.require_admin(principal)
    if body.dept_id is not None:
        directory.department(conn, principal.org_id, body.dept_id, "/dept_id")
    user_id = create_user(conn, org_id=principal.org_id, **body.model_dump())
    return {"id": user_id, "username": body.username, "dept_id": body.dept_id}


@router.get("/users", **answers(list[out.UserEntry | out.UserPick], *SIGNED_IN))
def list_users(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    return directory.list_users(conn, principal)


@router.patch("/users/{user_id}", **answers(out.AccountChanged, *SIGNED_IN, 404, 413, 422))
def change_user_account(conn: Conn, principal: Auth, user_id: PathId, body: AccountChange) -> dict[str, Any]:
    """Disable or enable a user, or reset their password; either ends their sessions."""
    ended = change_account(conn, principal, user_id, is_active=body.is_active, password=body.password)
    return {"id": user_id, "sessions_ended": ended}


@router.put("/users/{user_id}/department", **answers(out.UserDepartment, *SIGNED_IN, 404, 413, 422))
def set_user_department(conn: Conn, principal: Auth, user_id: PathId, body: UserDepartment) -> dict[str, Any]:
    directory.set_user_department(conn, principal, user_id, body.dept_id)
    return {"id": user_id, "dept_id": body.dept_id}


@router.post("/memberships", status_code=201, **answers(out.Membership, *SIGNED_IN, 404, 413, 422))
def grant(conn: Conn, principal: Auth, body: RoleGrant) -> dict[str, Any]:
    directory.grant_role(conn, principal, user_id=body.user_id, app_key=body.app, role_key=body.role)
    return body.model_dump()


@router.delete("/memberships", **answers(out.Membership, *SIGNED_IN, 404, 413, 422))
def revoke(conn: Conn, principal: Auth, body: RoleGrant) -> dict[str, Any]:
    directory.revoke_role(conn, principal, user_id=body.user_id, app_key=body.app, role_key=body.role)
    return body.model_dump()


@router.get("/memberships", **answers(list[out.RoleMembership], *SIGNED_IN, 422))
def memberships(conn: ReadConn, principal: Auth, user_id: QueryId = None,
                app: Annotated[str | None, Query(pattern=KEY_PATTERN)] = None) -> list[dict[str, Any]]:
    """The roles people hold per app (archived roles left out), by app and role."""
    return directory.list_memberships(conn, principal, user_id=user_id, app_key=app)


@router.get("/audit", **answers(list[out.AuditEntry], *SIGNED_IN, 422))
def audit(
    conn: ReadConn, principal: Auth, limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[QueryId, Query(description="keyset paging: entries older than this id")] = None,
    actor_id: QueryId = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    entity: Annotated[str | None, Query(max_length=40, description="see GET /admin/audit/entities")] = None,
    app: Annotated[str | None, Query(pattern=KEY_PATTERN, description="an app key")] = None,
    form: Annotated[str | None, Query(pattern=KEY_PATTERN, description="a form key")] = None,
    record_id: QueryId = None,
    since: Annotated[AwareDatetime | None, Query(description="from this time on (inclusive)")] = None,
    until: Annotated[AwareDatetime | None, Query(description="before this time (exclusive)")] = None,
) -> list[dict[str, Any]]:
    """The audit log, newest first, filtered on the server; page with ``before_id`` = the last id you got."""
    directory.require_admin(principal)
    where = audit_search.AuditFilter(
        actor_id=actor_id, action=action, entity=entity, app=app, form_key=form, record_id=record_id,
        since=audit_search.utc(since, "/since"), until=audit_search.utc(until, "/until"))
    return audit_search.search(conn, principal.org_id, where, before_id=before_id, limit=limit)


@router.get("/audit/entities", **answers(out.AuditEntities, *SIGNED_IN))
def audit_entities(principal: Auth) -> dict[str, Any]:
    directory.require_admin(principal)
    return {"entities": list(audit_search.ENTITIES)}
