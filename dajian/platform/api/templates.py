"""Installing, upgrading and exporting apps as template packages (the admin console's apps page).

``POST /admin/templates/import`` takes the raw body: a template folder as a .zip, or an app definition as
JSON. ``dry_run=true`` answers the migration plan and changes nothing; applying it passes the
``expected_version`` the plan was made against.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dajian.platform import template_install
from dajian.platform.api.audiences import ADMIN
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute, transaction
from dajian.platform.api.files import RAW_BODY, body_chunks, declared_length
from dajian.platform.api.params import INT32_MAX
from dajian.platform.api.schemas import admin as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, binary, errors
from dajian.platform.api.versions import V1
from dajian.platform.errors import Forbidden, Invalid, PayloadTooLarge
from dajian.platform.files import content_disposition
from dajian.platform.principal import Principal
from dajian.platform.template_archive import MAX_ARCHIVE, ZIP_MIME, MiB

router = APIRouter(prefix=V1 + "/admin", tags=[ADMIN], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


def _require_admin(principal: Principal) -> None:
    """An organisation administrator; the token scope is the route's own (``apps:manage``, ``apps:read``)."""
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may do this", reason="admins_only")


def _too_large() -> PayloadTooLarge:
    message = f"a template upload is at most {MAX_ARCHIVE // MiB} MiB"
    return PayloadTooLarge(message, errors=[{"path": "/file", "message": message}])


async def _read_body(request: Request) -> bytes:
    declared = declared_length(request)
    if declared is not None and declared > MAX_ARCHIVE:
        raise _too_large()
    data = bytearray()
    async for chunk in body_chunks(request):
        data += chunk
        if len(data) > MAX_ARCHIVE:
            raise _too_large()
    if not data:
        raise Invalid("the body is empty", errors=[{"path": "/file", "message": "send the .zip or .json file"}])
    return bytes(data)


@router.post("/templates/import", openapi_extra=RAW_BODY,
             **answers(out.TemplateImport, *SIGNED_IN, 409, 413, 422))
async def import_template(
    request: Request, principal: Auth, dry_run: bool = False,
    expected_version: Annotated[int | None, Query(ge=0, le=INT32_MAX, description=(
        "the installed version the plan was made against (0: not installed); 409 if it changed"))] = None,
) -> dict[str, Any]:
    """Install or upgrade an app from a template folder (.zip) or an app definition (.json)."""
    _require_admin(principal)
    data = await _read_body(request)

    def run() -> dict[str, Any]:
        with transaction(request) as conn:
            return template_install.import_upload(conn, principal, data, dry_run=dry_run,
                                                  expected_version=expected_version)

    return await run_in_threadpool(run)


@router.get("/apps/{app_key}/template.zip", response_class=Response,
            responses={**binary("The published app as a template package", ZIP_MIME), **errors(*SIGNED_IN, 404, 422)})
def export_template(conn: ReadConn, principal: Auth, app_key: str,
                    version: Annotated[str | None, Query(max_length=50, description="the manifest's version")] = None,
                    ) -> Response:
    _require_admin(principal)
    data = template_install.export_zip(conn, principal, app_key, version=version)
    return Response(data, media_type=ZIP_MIME, headers={"Content-Disposition": content_disposition(f"{app_key}.zip"),
                                                        "Cache-Control": "private, max-age=0"})
