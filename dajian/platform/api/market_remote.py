"""Remote template centers for an organisation's admins: configure them by URL, browse their listing, fetch a
version's package (verified against the publisher key the remote serves, pinned on first use) into the
uploads, then install it with the package routes. See ``dajian.platform.market.remote``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, transaction
from dajian.platform.api.market_center import FromCenter, TemplateKey
from dajian.platform.api.schemas import market_center as out
from dajian.platform.api.schemas import market_install as pkg_out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, binary, errors
from dajian.platform.api.versions import V1
from dajian.platform.market import listing as local_listing
from dajian.platform.market import remote
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/admin/market/remotes", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
RemoteId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class RemoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=500, description="the remote server's address: https://center.example")
    label: str = Field(min_length=1, max_length=200)


@router.get("", **answers(list[out.Remote], *SIGNED_IN))
def list_remotes(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    return remote.list_remotes(conn, principal)


@router.post("", status_code=201, **answers(out.Remote, *SIGNED_IN, 409, 413, 422))
def add_remote(conn: Conn, principal: Auth, body: RemoteIn) -> dict[str, Any]:
    """Configure a remote center: an http(s) address that resolves to public addresses only, unless the
    organisation's outbound allow-list (``/admin/webhook-allowlist``) names it."""
    return remote.add_remote(conn, principal, url=body.url, label=body.label)


@router.delete("/{remote_id}", status_code=204, response_class=Response, responses=errors(*SIGNED_IN, 404, 422))
def remove_remote(conn: Conn, principal: Auth, remote_id: RemoteId) -> Response:
    remote.remove_remote(conn, principal, remote_id)
    return Response(status_code=204)


@router.get("/{remote_id}/templates", **answers(out.Listing, *SIGNED_IN, 404, 422, 502))
def remote_templates(conn: ReadConn, principal: Auth, remote_id: RemoteId,
                     q: Annotated[str | None, Query(max_length=200)] = None,
                     category: Annotated[str | None, Query(max_length=100)] = None,
                     tag: Annotated[str | None, Query(max_length=100)] = None,
                     publisher: Annotated[str | None, Query(max_length=200)] = None,
                     sort: Literal["popular", "newest", "rating"] = "popular",
                     page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                     limit: Annotated[int, Query(ge=1, le=local_listing.MAX_PAGE)] = local_listing.PAGE,
                     ) -> dict[str, Any]:
    """A page of the remote center's listing, asked with the same query (502 when it does not answer)."""
    return remote.listing(conn, principal, remote_id, q=q, category=category, tag=tag, publisher=publisher,
                          sort=sort, page=page, limit=limit)


@router.get("/{remote_id}/templates/{template_key}", **answers(out.Detail, *SIGNED_IN, 404, 422, 502))
def remote_template(conn: ReadConn, principal: Auth, remote_id: RemoteId, template_key: TemplateKey) -> dict[str, Any]:
    return remote.detail(conn, principal, remote_id, template_key)


@router.get("/{remote_id}/templates/{template_key}/screenshots/{index}", response_class=Response,
            responses={**binary("an image", "image/png", "image/jpeg", "image/webp"),
                       **errors(*SIGNED_IN, 404, 422, 502)})
def remote_screenshot(conn: ReadConn, principal: Auth, remote_id: RemoteId, template_key: TemplateKey,
                      index: Annotated[int, Path(ge=0, le=99)]) -> Response:
    """A screenshot of the remote's template, fetched through this server (the browser never calls the remote),
    checked to be a PNG, JPEG or WebP image."""
    data, media = remote.screenshot(conn, principal, remote_id, template_key, index)
    return Response(data, media_type=media, headers={"Cache-Control": "private, max-age=3600",
                                                     "X-Content-Type-Options": "nosniff"})


@router.post("/{remote_id}/install", **answers(pkg_out.PackageUpload, *SIGNED_IN, 404, 409, 413, 422, 502))
def install_from_remote(request: Request, principal: Auth, remote_id: RemoteId, body: FromCenter) -> dict[str, Any]:
    """Download a published version from the remote center into the organisation's uploads, verified against
    the publisher key the remote serves (pinned on first use, 409 when it changed; the key joins the trusted
    keys): then preview and install it with the package routes. No transaction is held while downloading."""
    with transaction(request, read_only=True) as conn:
        downloaded = remote.download(conn, principal, remote_id, body.template, body.version)
    with transaction(request) as conn:
        return remote.accept(conn, principal, downloaded)
