"""What the web UI's record page needs to draw one form for the caller, in one call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from dajian.platform import records as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute
from dajian.platform.api.schemas.responses import SIGNED_IN, errors
from dajian.platform.api.schemas.runtime import RuntimeForm
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.errors import Forbidden
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1, route_class=TransactionalRoute, tags=[RUNTIME])
Auth = Annotated[Principal, Depends(current_principal)]

_ACTIONS = ("create", "update", "delete")


@router.get("/apps/{app_key}/forms/{form_key}/definition", responses=errors(*SIGNED_IN, 404, 422))
def get_form(conn: ReadConn, principal: Auth, app_key: str, form_key: str) -> RuntimeForm:
    """The form's fields, layout and linkage from the published version, with what the caller may write
    (the fields an update may change; a create may set the same ones)."""
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    read = service.form_context(conn, principal, runtime, form_key, "read", role_keys=role_keys)
    actions = ["read"]
    write_fields: set[str] | None = set()
    for action in _ACTIONS:
        try:
            grant = service.form_context(conn, principal, runtime, form_key, action, role_keys=role_keys).grant
        except Forbidden:
            continue
        actions.append(action)
        if action in ("create", "update") and write_fields is not None:
            write_fields = None if grant.write_fields is None else write_fields | grant.write_fields
    form = read.form.form
    return RuntimeForm(
        app_version=runtime.version, timezone=runtime.definition.settings.timezone, form=form,
        actions=actions,
        read_fields=None if read.grant.read_fields is None else sorted(read.grant.read_fields),
        write_fields=None if write_fields is None else sorted(write_fields),
    )
