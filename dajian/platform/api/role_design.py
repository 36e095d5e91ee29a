"""The roles designer's server side: "view as" a person under the DRAFT's roles (read-only, audited) and
the app's people and role sizes. App managers only; records are the published version's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dajian.platform import view_as as service
from dajian.platform.api.audiences import DESIGNER
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, get_settings
from dajian.platform.api.params import BodyId
from dajian.platform.api.schemas import roles as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.principal import Principal
from dajian.platform.records import MAX_PAGE

router = APIRouter(prefix=V1, route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
RoleKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class ViewAsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str = Field(max_length=63)
    user_id: BodyId | None = Field(default=None, description="a person of the organisation (their roles in the app)")
    roles: list[RoleKey] | None = Field(default=None, max_length=50, description="without user_id: these roles")
    dept_id: BodyId | None = Field(default=None, description="without user_id: in this department")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    after: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _one_principal(self) -> ViewAsBody:
        if self.user_id is None and self.roles is None:
            raise ValueError("name a user_id, or roles (and a dept_id)")
        if self.user_id is not None and (self.roles is not None or self.dept_id is not None):
            raise ValueError("a user_id comes with their own roles and department")
        return self


@router.post("/apps/{app_key}/draft/view-as", tags=[DESIGNER], **answers(out.ViewAs, *SIGNED_IN, 404, 413, 422))
def view_as(request: Request, conn: Conn, principal: Auth, app_key: str, body: ViewAsBody) -> dict[str, Any]:
    """A page of a form's list as a person (or a role set and department) would see it once the draft is
    published: the one permission check with the draft's roles, on the published records. Nothing but the
    audit entry is written."""
    return service.view_as(conn, principal, app_key, form=body.form, user_id=body.user_id, role_keys=body.roles,
                           dept_id=body.dept_id, limit=body.limit, after=body.after,
                           count_cap=get_settings(request).count_cap)


@router.get("/apps/{app_key}/draft/members", tags=[DESIGNER], **answers(out.RoleMembers, *SIGNED_IN, 404, 422))
def members(conn: ReadConn, principal: Auth, app_key: str) -> dict[str, Any]:
    """The app's people with their roles, each role's member count, and the organisation's departments."""
    return service.members(conn, principal, app_key)
