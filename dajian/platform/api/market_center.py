"""The template center's HTTP API: the listing (no sign-in: another Dajian server browses it too), publishers
and their versions, the reviewers' queue and decisions, ratings. See ``dajian.platform.market.center``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, transaction
from dajian.platform.api.files import RAW_BODY
from dajian.platform.api.schemas import market_center as out
from dajian.platform.api.schemas import market_install as pkg_out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, binary, errors
from dajian.platform.api.templates import _read_body
from dajian.platform.api.versions import V1
from dajian.platform.market import center, listing
from dajian.platform.market import install as installs
from dajian.platform.market.package import MIME, SUFFIX
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1, tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
TemplateKey = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
SemVer = Annotated[str, Path(pattern=r"^\d{1,6}\.\d{1,6}\.\d{1,6}$")]
VersionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Action = Literal["submit", "start_review", "approve", "request_changes", "publish", "deprecate", "yank"]


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    site: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=4000)


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    public_key: str = Field(min_length=1, max_length=100, description='"ed25519:<base64>" from `dajian keys new`')


class ActIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Action
    comment: str | None = Field(default=None, max_length=4000)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=4000)


class FromCenter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    template: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    version: str = Field(pattern=r"^\d{1,6}\.\d{1,6}\.\d{1,6}$")


# -- the listing ----------------------------------------------------------------------------------


@router.get("/market/templates", **answers(out.Listing, 422))
def list_templates(conn: ReadConn, q: Annotated[str | None, Query(max_length=200)] = None,
                   category: Annotated[str | None, Query(max_length=100)] = None,
                   tag: Annotated[str | None, Query(max_length=100)] = None,
                   publisher: Annotated[str | None, Query(max_length=200, description="a publisher's name")] = None,
                   sort: Annotated[Literal["popular", "newest", "rating"], Query(
                       description="most installed, latest published or best rated first")] = "popular",
                   page: Annotated[int, Query(ge=1, le=100_000, description="from 1")] = 1,
                   limit: Annotated[int, Query(ge=1, le=listing.MAX_PAGE)] = listing.PAGE) -> dict[str, Any]:
    """Published templates a page at a time: search (Chinese segmented), category, tag, publisher, in ``sort``
    order; ``count`` is the number on all pages."""
    return listing.list_templates(conn, q=q, category=category, tag=tag, publisher=publisher, sort=sort, page=page,
                                  limit=limit)


@router.get("/market/templates/{template_key}", **answers(out.Detail, 404, 422))
def get_template(conn: ReadConn, template_key: TemplateKey) -> dict[str, Any]:
    return listing.template_detail(conn, template_key)


@router.get("/market/templates/{template_key}/versions/{version}/package", response_class=Response,
            responses={**binary("the signed .dajian package", MIME), **errors(404, 410, 422)})
def download(conn: Conn, template_key: TemplateKey, version: SemVer) -> Response:
    """A published version's package (counted as an install); a yanked one is gone (410)."""
    data = listing.package_data(conn, template_key, version)
    name = f"{template_key}-{version}{SUFFIX}"
    return Response(data, media_type=MIME, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/market/templates/{template_key}/versions/{version}/signer", **answers(out.Signer, 404, 422))
def get_signer(conn: ReadConn, template_key: TemplateKey, version: SemVer) -> dict[str, Any]:
    """The publisher and public key a published version is signed with: another server installing it from
    here verifies the package against this key (and pins it)."""
    return listing.signer(conn, template_key, version)


@router.get("/market/templates/{template_key}/screenshots/{index}", response_class=Response,
            responses={**binary("an image", "image/png", "image/jpeg", "image/webp"), **errors(404, 422)})
def get_screenshot(conn: ReadConn, template_key: TemplateKey,
                   index: Annotated[int, Path(ge=0, le=99)]) -> Response:
    data, media = listing.screenshot(conn, template_key, index)
    return Response(data, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@router.post("/market/templates/{template_key}/ratings", **answers(out.Detail, *SIGNED_IN, 404, 413, 422))
def rate(conn: Conn, principal: Auth, template_key: TemplateKey, body: RatingIn) -> dict[str, Any]:
    """Rate a template your organisation installed (your earlier rating is replaced)."""
    return listing.rate(conn, principal, template_key, stars=body.stars, comment=body.comment)


@router.post("/admin/market/center/install", **answers(pkg_out.PackageUpload, *SIGNED_IN, 404, 410, 413, 422))
def install_from_center(conn: Conn, principal: Auth, body: FromCenter) -> dict[str, Any]:
    """Fetch a published version from this server's center into the organisation's uploads: then preview and
    install it with the package routes (``/admin/market/packages/{id}/…``)."""
    return installs.upload(conn, principal, listing.package_data(conn, body.template, body.version))


# -- publishers -----------------------------------------------------------------------------------


@router.get("/market/me", **answers(out.CenterMe, *SIGNED_IN))
def get_me(conn: ReadConn, principal: Auth) -> dict[str, Any]:
    """Your publisher profile (or null) and whether you review for this center."""
    return center.me(conn, principal)


@router.put("/market/me/publisher", **answers(out.CenterMe, *SIGNED_IN, 413, 422))
def save_publisher(conn: Conn, principal: Auth, body: ProfileIn) -> dict[str, Any]:
    return center.save_profile(conn, principal, name=body.name, site=body.site, description=body.description)


@router.post("/market/me/keys", status_code=201, **answers(out.CenterMe, *SIGNED_IN, 409, 413, 422))
def add_key(conn: Conn, principal: Auth, body: KeyIn) -> dict[str, Any]:
    """Register a public key: versions you upload must be signed by one of yours."""
    return center.add_key(conn, principal, body.public_key)


@router.post("/market/publisher/versions", status_code=201, openapi_extra=RAW_BODY,
             **answers(out.TemplateVersion, *SIGNED_IN, 409, 413, 422))
async def upload_version(request: Request, principal: Auth) -> dict[str, Any]:
    """Upload a signed .dajian package (raw body) as a draft version; semver is checked here."""
    data = await _read_body(request)

    def run() -> dict[str, Any]:
        with transaction(request) as conn:
            return center.upload_version(conn, principal, data)

    return await run_in_threadpool(run)


@router.get("/market/publisher/versions", **answers(list[out.TemplateVersion], *SIGNED_IN))
def my_versions(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    return center.my_versions(conn, principal)


@router.get("/market/versions/{version_id}", **answers(out.TemplateVersion, *SIGNED_IN, 404, 422))
def get_version(conn: ReadConn, principal: Auth, version_id: VersionId) -> dict[str, Any]:
    return center.version_detail(conn, principal, version_id)


@router.post("/market/versions/{version_id}/act", **answers(out.TemplateVersion, *SIGNED_IN, 404, 409, 413, 422))
def act(conn: Conn, principal: Auth, version_id: VersionId, body: ActIn) -> dict[str, Any]:
    """Move a version: submit (publisher); start_review, approve, request_changes (reviewer); publish,
    deprecate, yank (either). Audited with the comment."""
    return center.act(conn, principal, version_id, body.action, body.comment)


@router.get("/market/review/queue", **answers(list[out.QueueEntry], *SIGNED_IN))
def review_queue(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    """Versions submitted or in review, the longest waiting first, with a summary of their automatic checks
    (the whole checks: ``GET /market/versions/{version_id}``). Empty for anyone who does not review."""
    return center.review_queue(conn, principal)
