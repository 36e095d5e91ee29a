"""Reviewers' sandbox installs of a version under review: make one (the install runs as a job in a throwaway
organisation), poll it, enter it signed in as its administrator, discard it. See
``dajian.platform.market.sandbox``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import _set_cookies, current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, get_settings
from dajian.platform.api.schemas import market_center as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, errors
from dajian.platform.api.versions import V1
from dajian.platform.market import sandbox
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/market", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("/versions/{version_id}/sandboxes", status_code=202, **answers(out.Sandbox, *SIGNED_IN, 404, 422))
def create_sandbox(conn: Conn, principal: Auth, version_id: Id) -> dict[str, Any]:
    """Install the version, with its demo data, into a new throwaway organisation (reviewers only): 202 with the
    sandbox and its install job to poll. Purged after three days unless discarded before."""
    return sandbox.create(conn, principal, version_id)


@router.get("/versions/{version_id}/sandboxes", **answers(list[out.Sandbox], *SIGNED_IN, 404, 422))
def list_sandboxes(conn: ReadConn, principal: Auth, version_id: Id) -> list[dict[str, Any]]:
    """Your sandboxes of this version, the newest first."""
    return sandbox.for_version(conn, principal, version_id)


@router.get("/sandboxes/{sandbox_id}", **answers(out.Sandbox, *SIGNED_IN, 404, 422))
def get_sandbox(conn: ReadConn, principal: Auth, sandbox_id: Id) -> dict[str, Any]:
    return sandbox.view(conn, principal, sandbox_id)


@router.post("/sandboxes/{sandbox_id}/enter", **answers(out.SandboxEntered, *SIGNED_IN, 404, 409, 422))
def enter_sandbox(conn: Conn, principal: Auth, request: Request, response: Response,
                  sandbox_id: Id) -> dict[str, Any]:
    """Sign this browser in as the sandbox's administrator (its cookies replace yours: sign in again to come
    back) and answer the app's address; 409 until the install has succeeded."""
    client = request.client.host if request.client else "unknown"
    session, url = sandbox.enter(conn, principal, sandbox_id, client=client)
    _set_cookies(response, session, get_settings(request))
    return {"url": url}


@router.delete("/sandboxes/{sandbox_id}", status_code=204, response_class=Response,
               responses=errors(*SIGNED_IN, 404, 422))
def discard_sandbox(conn: Conn, principal: Auth, sandbox_id: Id) -> Response:
    """Drop the sandbox organisation with everything in it."""
    sandbox.discard(conn, principal, sandbox_id)
    return Response(status_code=204)
