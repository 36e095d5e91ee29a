"""Template packages for an organisation's admins: trusted publisher keys, upload, install and upgrade with
their previews, uninstall (archive). See ``dajian.platform.market.install``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, RehearsalConn, TransactionalRoute, transaction
from dajian.platform.api.files import RAW_BODY
from dajian.platform.api.params import INT32_MAX, PathId
from dajian.platform.api.schemas import market_install as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, errors
from dajian.platform.api.templates import _read_body
from dajian.platform.api.versions import V1
from dajian.platform.market import install as service
from dajian.platform.market import install_jobs as jobs
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/admin/market", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
Digest = Annotated[str, Path(max_length=64, description="the package's sha256 (its upload id)")]
AppKey = Annotated[str, Path(max_length=63)]


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=200, description="the publisher, as you know them")
    public_key: str = Field(min_length=1, max_length=100, description='"ed25519:<base64>" from `dajian keys new`')


class InstallOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allow_unsigned: bool = Field(default=False, description="install a package not signed by a trusted key")
    demo: bool = Field(default=False, description="also install the package's demo data (see demo_data)")


class UpgradeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allow_unsigned: bool = False
    resolutions: dict[Annotated[str, Field(max_length=2000)], Literal["local", "new"]] = Field(
        default_factory=dict, max_length=1000, description="conflict path -> the side to keep")
    expected_version: int | None = Field(default=None, ge=0, le=INT32_MAX,
                                         description="from the preview; 409 if the app moved on")


@router.get("/keys", **answers(list[out.TrustedKey], *SIGNED_IN))
def list_keys(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    return service.list_keys(conn, principal)


@router.post("/keys", status_code=201, **answers(out.TrustedKey, *SIGNED_IN, 409, 413, 422))
def add_key(conn: Conn, principal: Auth, body: NewKey) -> dict[str, Any]:
    return service.add_key(conn, principal, label=body.label, public_key=body.public_key)


@router.delete("/keys/{key_id}", status_code=204, response_class=Response, responses=errors(*SIGNED_IN, 404, 422))
def remove_key(conn: Conn, principal: Auth,
               key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]) -> Response:
    service.remove_key(conn, principal, key_id)
    return Response(status_code=204)


@router.post("/packages", status_code=201, openapi_extra=RAW_BODY,
             **answers(out.PackageUpload, *SIGNED_IN, 413, 422))
async def upload(request: Request, principal: Auth) -> dict[str, Any]:
    """Upload a .dajian package (raw body): checked, kept by its sha256, described."""
    data = await _read_body(request)

    def run() -> dict[str, Any]:
        with transaction(request) as conn:
            return service.upload(conn, principal, data)

    return await run_in_threadpool(run)


@router.post("/packages/{digest}/install-preview", **answers(out.InstallPreview, *SIGNED_IN, 404, 422))
def install_preview(conn: RehearsalConn, principal: Auth, digest: Digest) -> dict[str, Any]:
    """What installing the package creates and its migration plan; changes nothing."""
    return service.install_preview(conn, principal, digest)


@router.post("/packages/{digest}/install", status_code=202,
             **answers(out.InstallJob, *SIGNED_IN, 404, 409, 413, 422))
def install(conn: Conn, principal: Auth, digest: Digest, body: InstallOptions) -> dict[str, Any]:
    """Queue the install (checked first: 404, 409, 422): 202 with the job to poll at ``/admin/market/jobs/{id}``."""
    return jobs.start_install(conn, principal, digest, allow_unsigned=body.allow_unsigned, demo=body.demo)


@router.post("/installs/{app_key}/upgrade-preview/{digest}",
             **answers(out.UpgradePreview, *SIGNED_IN, 404, 409, 413, 422))
def upgrade_preview(conn: RehearsalConn, principal: Auth, app_key: AppKey, digest: Digest,
                    body: UpgradeOptions) -> dict[str, Any]:
    """The upgrade's migration plan against the live app, local changes kept, conflicts to resolve."""
    return service.upgrade_preview(conn, principal, app_key, digest, body.resolutions)


@router.post("/installs/{app_key}/upgrade/{digest}", status_code=202,
             **answers(out.InstallJob, *SIGNED_IN, 404, 409, 413, 422))
def upgrade(conn: Conn, principal: Auth, app_key: AppKey, digest: Digest, body: UpgradeOptions) -> dict[str, Any]:
    """Queue the upgrade (checked first: 404, 409 for an unresolved conflict or a moved app, 422): 202 with
    the job to poll."""
    return jobs.start_upgrade(conn, principal, app_key, digest, allow_unsigned=body.allow_unsigned,
                              resolutions=body.resolutions, expected_version=body.expected_version)


@router.get("/jobs/{job_id}", **answers(out.InstallJob, *SIGNED_IN, 404, 422))
def install_job(conn: ReadConn, principal: Auth, job_id: PathId) -> dict[str, Any]:
    """An install or upgrade job: its state, the step under way and, at the end, its result or error."""
    return jobs.view(conn, principal, job_id)


@router.get("/installs", **answers(list[out.Installed], *SIGNED_IN))
def list_installs(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    return service.list_installs(conn, principal)


@router.post("/installs/{app_key}/uninstall", **answers(out.Uninstalled, *SIGNED_IN, 404, 409, 422))
def uninstall(conn: Conn, principal: Auth, app_key: AppKey) -> dict[str, Any]:
    """Archive the app: offline, data kept; installing its package again brings it back."""
    return service.uninstall(conn, principal, app_key)
