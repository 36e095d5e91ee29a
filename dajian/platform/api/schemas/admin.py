"""Organisation administration: departments, users, memberships, the audit log, the webhook allow-list."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dajian.platform.api.schemas.common import Out, Timestamp


class Department(Out):
    id: int
    key: str
    name: str
    parent_id: int | None
    manager_id: int | None
    path: str = Field(description='every ancestor id, e.g. "/1/4/9/"')


class DepartmentManager(Out):
    id: int
    manager_id: int | None


class NewUser(Out):
    id: int
    username: str
    dept_id: int | None


class UserDepartment(Out):
    id: int
    dept_id: int | None


class UserPick(Out):
    """What a member sees of a person, to pick them in a user field."""

    id: int
    username: str
    display_name: str
    dept_id: int | None


class UserEntry(UserPick):
    """What an administrator sees (only with the ``admin`` scope)."""

    email: str | None
    is_org_admin: bool
    is_active: bool
    locale: str


class Membership(Out):
    user_id: int
    app: str
    role: str


class AuditEntry(Out):
    id: int
    org_id: int
    at: Timestamp
    actor_id: int | None
    entity: str = Field(description="record | definition | permission | membership | token | …")
    action: str
    app_id: int | None
    form_key: str | None
    record_id: int | None
    changes: dict[str, Any] = Field(description="a record's changes: field -> [before, after]; otherwise by action")
    request_id: str | None


class AllowList(Out):
    allow: list[str] = Field(description="host names, IP addresses or CIDR networks webhooks may reach")
