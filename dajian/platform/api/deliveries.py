"""Webhook deliveries of the whole organisation, for the admin console (redeliver:
``POST /webhooks/deliveries/{id}/redeliver``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from dajian.engines.form.model import KEY_PATTERN
from dajian.platform import directory
from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute
from dajian.platform.api.params import QueryId
from dajian.platform.api.schemas import admin as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.models import apps
from dajian.platform.principal import Principal
from dajian.platform.rules import webhooks

router = APIRouter(prefix=V1 + "/admin/webhook-deliveries", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
DeliveryStatus = Literal["pending", "retrying", "delivered", "dead", "cancelled"]


@router.get("", **answers(out.DeliveryPage, *SIGNED_IN, 422))
def list_deliveries(
    conn: ReadConn, principal: Auth, status: DeliveryStatus | None = None,
    app: Annotated[str | None, Query(pattern=KEY_PATTERN, description="an app key")] = None,
    before_id: Annotated[QueryId, Query(description="keyset paging: deliveries older than this id")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Every app's deliveries and the flows' webhook calls, newest first."""
    directory.require_admin(principal)
    app_id = None
    if app is not None:
        app_id = conn.execute(select(apps.c.id).where(apps.c.org_id == principal.org_id, apps.c.key == app)).scalar()
        if app_id is None:
            return {"items": [], "next_before_id": None}
    items = webhooks.delivery_views(conn, principal.org_id, app_id, status=status, before_id=before_id, limit=limit)
    return {"items": items, "next_before_id": items[-1]["id"] if len(items) == limit else None}
