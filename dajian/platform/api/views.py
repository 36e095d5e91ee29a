"""Saved list views of a form: mine and the ones others shared."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy import Connection

from dajian.platform import records as service
from dajian.platform import views
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute
from dajian.platform.api.params import PathId
from dajian.platform.api.schemas.responses import SIGNED_IN, errors
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}", tags=[RUNTIME],
                   route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


def _context(conn: Connection, principal: Principal, app_key: str, form_key: str) -> service.FormContext:
    """A view is of a form the user may read; the filter is checked with the user's field rights."""
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    return service.form_context(conn, principal, runtime, form_key, "read", role_keys=role_keys)


@router.get("/views", responses=errors(*SIGNED_IN, 404, 422))
def list_views(conn: ReadConn, principal: Auth, app_key: str, form_key: str) -> list[views.ViewOut]:
    """My views of the form, then those others shared, each group by name."""
    return views.list_views(conn, _context(conn, principal, app_key, form_key))


@router.post("/views", status_code=201, responses=errors(*SIGNED_IN, 404, 409, 413, 422))
def create(conn: Conn, principal: Auth, app_key: str, form_key: str, view: views.ViewIn) -> views.ViewOut:
    """Save a view. The filter, sort and fields are checked against the form (422 with the JSON path);
    a second view of mine with the same name is a 409."""
    return views.create_view(conn, _context(conn, principal, app_key, form_key), view)


@router.patch("/views/{view_id}", responses=errors(*SIGNED_IN, 404, 409, 413, 422))
def update(conn: Conn, principal: Auth, app_key: str, form_key: str, view_id: PathId,
           patch: views.ViewPatch) -> views.ViewOut:
    """Rename, share or change one of my views."""
    return views.update_view(conn, _context(conn, principal, app_key, form_key), view_id, patch)


@router.delete("/views/{view_id}", status_code=204, responses=errors(*SIGNED_IN, 404, 422))
def delete(conn: Conn, principal: Auth, app_key: str, form_key: str, view_id: PathId) -> Response:
    """Delete one of my views (an organisation admin may also delete a shared one)."""
    views.delete_view(conn, _context(conn, principal, app_key, form_key), view_id)
    return Response(status_code=204)


@router.get("/columns", responses=errors(*SIGNED_IN, 404, 422))
def columns(conn: ReadConn, principal: Auth, app_key: str, form_key: str) -> views.ListColumns:
    """The fields of the form the caller may read, with option labels and colours, and the names of
    the app's people and the organisation's departments, so a list shows names rather than ids."""
    return views.list_columns(conn, _context(conn, principal, app_key, form_key))
