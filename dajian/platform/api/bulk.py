"""Bulk changes chosen in a list: set fields on, or delete, many records in one transaction.

Each record goes through the same service call as its single-record route (field rights, row scope,
validation, rules, audit), so a bulk change may do exactly what the user could do one by one. The first
record refused stops the whole change (nothing is saved) and the error names it as ``/ids/<n>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from dajian.platform import records as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, TransactionalRoute
from dajian.platform.api.params import BodyId, request_id
from dajian.platform.api.schemas.responses import SIGNED_IN, errors
from dajian.platform.api.schemas.runtime import BulkDone
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.errors import DajianError
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}/records", tags=[RUNTIME],
                   route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
Ids = Annotated[list[BodyId], Field(min_length=1, max_length=service.MAX_BULK)]


class BulkUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Ids
    values: dict[str, Any] = Field(min_length=1, examples=[{"assignee": 7}])


class BulkDelete(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Ids


def _context(conn: Connection, principal: Principal, app_key: str, form_key: str, action: str) -> service.FormContext:
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    return service.form_context(conn, principal, runtime, form_key, action, role_keys=role_keys)


@contextmanager
def _located(index: int) -> Iterator[None]:
    try:
        yield
    except DajianError as exc:
        exc.errors = [{**e, "path": f"/ids/{index}{e.get('path', '')}"} for e in exc.errors] or [
            {"path": f"/ids/{index}", "message": exc.message}]
        exc.message = f"record {index + 1} of the selection: {exc.message}"
        raise


def _each(ids: list[int], act: Callable[[int], object]) -> BulkDone:
    for index, record_id in enumerate(dict.fromkeys(ids)):
        with _located(index):
            act(record_id)
    return BulkDone(count=len(set(ids)))


@router.post("/bulk-update", responses=errors(*SIGNED_IN, 404, 409, 413, 422))
def bulk_update(request: Request, conn: Conn, principal: Auth, app_key: str, form_key: str,
                body: BulkUpdate) -> BulkDone:
    """Set the same values on every chosen record (e.g. assign them), all or nothing."""
    ctx = _context(conn, principal, app_key, form_key, "update")
    rid = request_id(request)

    def update(record_id: int) -> None:
        # a bulk change sets the same values whatever the record held, so it applies to the version
        # there is now (read under the row scope) rather than to one the list showed earlier
        current = service.get_record(conn, ctx, record_id)["row_version"]
        service.update_record(conn, ctx, record_id, body.values, row_version=current, request_id=rid)

    return _each(body.ids, update)


@router.post("/bulk-delete", responses=errors(*SIGNED_IN, 404, 409, 413, 422))
def bulk_delete(request: Request, conn: Conn, principal: Auth, app_key: str, form_key: str,
                body: BulkDelete) -> BulkDone:
    """Delete every chosen record (they can be restored one by one), all or nothing."""
    ctx = _context(conn, principal, app_key, form_key, "delete")
    rid = request_id(request)
    return _each(body.ids, lambda i: service.delete_record(conn, ctx, i, request_id=rid))
