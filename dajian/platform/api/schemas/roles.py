"""The roles designer: "view as" under the draft's roles, and the app's people for its picker."""

from __future__ import annotations

from pydantic import Field

from dajian.platform.api.schemas.common import Out
from dajian.platform.api.schemas.records import Record


class ViewedAs(Out):
    user_id: int | None = Field(description="null: a role set and department standing for a new person")
    display_name: str | None
    username: str | None
    dept_id: int | None
    roles: list[str]
    is_org_admin: bool


class ViewAs(Out):
    principal: ViewedAs
    unknown_roles: list[str] = Field(description="role keys the person holds that the draft no longer has")
    allowed: bool = Field(description="false: they may not read this form at all (see reason)")
    reason: str | None
    actions: list[str] = Field(description="what the draft's roles let them do on this form")
    fields: list[str] = Field(description="the fields they may read")
    writable: list[str] = Field(description="the fields they may write")
    items: list[Record]
    next_cursor: str | None
    total: int | None = None
    total_is_exact: bool | None = None


class RoleMember(Out):
    user_id: int
    display_name: str
    username: str
    dept_id: int | None
    roles: list[str]


class RoleDepartment(Out):
    id: int
    name: str


class RoleMembers(Out):
    people: list[RoleMember]
    role_members: dict[str, int] = Field(description="members per role key")
    departments: list[RoleDepartment]
