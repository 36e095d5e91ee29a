"""Reverse relations of a record: who points at it (the customer 360 view)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from dajian.platform import backlinks as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute, get_settings
from dajian.platform.api.params import PathId
from dajian.platform.api.schemas import runtime as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}/records/{record_id}", tags=[RUNTIME],
                   route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


@router.get("/backlinks", **answers(out.Backlinks, *SIGNED_IN, 404, 422))
def backlinks(request: Request, conn: ReadConn, principal: Auth, app_key: str, form_key: str, record_id: PathId,
              limit: Annotated[int, Query(ge=1, le=50)] = 5) -> dict[str, Any]:
    """Records of other forms whose relation fields point at this one, newest first, per form and field
    (only the forms, fields and rows you may read), and the forms ``/related`` can suggest records of."""
    return service.backlinks(conn, principal, app_key, form_key, record_id, limit=limit,
                             count_cap=get_settings(request).count_cap)
