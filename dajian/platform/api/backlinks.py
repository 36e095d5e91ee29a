"""Reverse relations of a record: who points at it (the customer 360 view)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from dajian.platform import backlinks as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute, get_settings
from dajian.platform.api.params import PathId
from dajian.platform.api.schemas.responses import SIGNED_IN, errors
from dajian.platform.api.versions import V1
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}/records/{record_id}", tags=[RUNTIME],
                   route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


class BacklinkItem(BaseModel):
    id: int
    title: str | None = Field(description="the value of the form's title field")
    created_at: str | None


class BacklinkGroup(BaseModel):
    form: str
    form_label: dict[str, str]
    field: str = Field(description="the relation field of ``form`` that points at this record")
    field_label: dict[str, str]
    title_field: str | None
    total: int
    total_is_exact: bool = Field(description="false: there are more than ``total`` (the list count cap)")
    items: list[BacklinkItem]


class SuggestTarget(BaseModel):
    form: str
    form_label: dict[str, str]
    field: str = Field(description="the relation field of this record's form that points at ``form``")
    field_label: dict[str, str]
    title_field: str | None


class Backlinks(BaseModel):
    groups: list[BacklinkGroup]
    suggest: list[SuggestTarget] = Field(description="forms to ask ``/related?target=`` for suggestions")


@router.get("/backlinks", responses=errors(*SIGNED_IN, 404, 422))
def backlinks(request: Request, conn: ReadConn, principal: Auth, app_key: str, form_key: str, record_id: PathId,
              limit: Annotated[int, Query(ge=1, le=50)] = 5) -> Backlinks:
    """Records of other forms whose relation fields point at this one, newest first, per form and field
    (only the forms, fields and rows you may read), and the forms ``/related`` can suggest records of."""
    found = service.backlinks(conn, principal, app_key, form_key, record_id, limit=limit,
                              count_cap=get_settings(request).count_cap)
    return Backlinks.model_validate(found)
