"""The generic record API, the same for every published form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from dajian.platform import records as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, get_settings
from dajian.platform.api.idempotency import IdempotencyKey, once
from dajian.platform.api.params import PathId, QueryId, request_id
from dajian.platform.api.schemas import records as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, errors
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.errors import Invalid
from dajian.platform.filters import parse_filter_param
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1 + "/apps/{app_key}/forms/{form_key}/records", tags=[RUNTIME],
                   route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
Values = Annotated[dict[str, Any], Body()]
FILTER_HELP = 'JSON expression, e.g. {"==": [{"var": "status"}, "open"]}, or formula text: status = "open"'


class Bulk(BaseModel):
    model_config = ConfigDict(extra="forbid")
    records: list[dict[str, Any]] = Field(min_length=1)


class Query_(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filter: Any = None
    sort: str | None = None
    limit: int = Field(default=50, ge=1, le=service.MAX_PAGE)
    after: str | None = None
    fields: list[str] | None = None
    count: str = Field(default="capped", pattern="^(capped|exact|none)$")
    deleted: bool = False


def _context(conn: Connection, principal: Principal, app_key: str, form_key: str, action: str) -> service.FormContext:
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    return service.form_context(conn, principal, runtime, form_key, action, role_keys=role_keys)


def _request_id(request: Request) -> str:
    return request_id(request)


@router.post("", status_code=201, **answers(out.CreatedRecord, *SIGNED_IN, 404, 409, 413, 422))
def create(request: Request, conn: Conn, response: Response, principal: Auth, app_key: str, form_key: str,
           values: Values, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Create a record. With ``Idempotency-Key`` a retry answers the first answer again (no second record)."""
    ctx = _context(conn, principal, app_key, form_key, "create")
    made: dict[str, Any] = once(
        request, response, conn, key=idempotency_key, org_id=principal.org_id, scope=f"user:{principal.user_id}",
        body=values, work=lambda: service.create_records(conn, ctx, [values], request_id=_request_id(request))[0])
    return made


@router.post("/preview", **answers(out.RecordPreview, *SIGNED_IN, 404, 413, 422))
def preview(conn: ReadConn, principal: Auth, app_key: str, form_key: str, values: Values,
            record_id: QueryId = None) -> dict[str, Any]:
    """Evaluate defaults, formulas and linkage for unsaved values (``record_id``: editing that record)."""
    action = "update" if record_id is not None else "create"
    ctx = _context(conn, principal, app_key, form_key, action)
    result = service.preview_record(conn, ctx, values, record_id=record_id)
    return result


@router.post("/bulk", status_code=201, **answers(out.Records, *SIGNED_IN, 404, 409, 413, 422))
def create_bulk(request: Request, conn: Conn, response: Response, principal: Auth, app_key: str, form_key: str,
                body: Bulk, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Create many records at once: all of them or, if any is invalid, none (``Idempotency-Key`` as on create)."""
    ctx = _context(conn, principal, app_key, form_key, "create")
    made: dict[str, Any] = once(
        request, response, conn, key=idempotency_key, org_id=principal.org_id, scope=f"user:{principal.user_id}",
        body=body.records,
        work=lambda: {"items": service.create_records(conn, ctx, body.records, request_id=_request_id(request))})
    return made


def _run_list(request: Request, conn: Connection, principal: Principal, app_key: str, form_key: str,
              q: Query_) -> dict[str, Any]:
    ctx = _context(conn, principal, app_key, form_key, "read")
    query = service.ListQuery(**q.model_dump())
    return service.list_records(conn, ctx, query, count_cap=get_settings(request).count_cap)


@router.get("", **answers(out.Page, *SIGNED_IN, 404, 422))
def list_records(
    request: Request, conn: ReadConn, principal: Auth, app_key: str, form_key: str,
    filter: Annotated[str | None, Query(description=FILTER_HELP)] = None,
    sort: str | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    after: str | None = None,
    fields: Annotated[str | None, Query(description="comma-separated field keys")] = None,
    count: Annotated[str, Query(pattern="^(capped|exact|none)$")] = "capped",
    deleted: bool = False,
) -> dict[str, Any]:
    q = Query_(filter=parse_filter_param(filter), sort=sort, limit=limit, after=after, count=count, deleted=deleted,
               fields=[f.strip() for f in fields.split(",") if f.strip()] if fields else None)
    return _run_list(request, conn, principal, app_key, form_key, q)


@router.post("/query", **answers(out.Page, *SIGNED_IN, 404, 413, 422))
def query_records(request: Request, conn: ReadConn, principal: Auth, app_key: str, form_key: str,
                  body: Query_) -> dict[str, Any]:
    """The same as listing, with the filter in a JSON body."""
    return _run_list(request, conn, principal, app_key, form_key, body)


@router.get("/{record_id}", **answers(out.Record, *SIGNED_IN, 404, 422))
def read(conn: ReadConn, principal: Auth, app_key: str, form_key: str, record_id: PathId) -> dict[str, Any]:
    ctx = _context(conn, principal, app_key, form_key, "read")
    return service.get_record(conn, ctx, record_id)


@router.patch("/{record_id}", **answers(out.Record, *SIGNED_IN, 404, 409, 413, 422))
def update(request: Request, conn: Conn, principal: Auth, app_key: str, form_key: str, record_id: PathId,
           values: Values) -> dict[str, Any]:
    """Change some fields. ``row_version`` must be the version you read; a stale one gives 409."""
    row_version = values.pop("row_version", None)
    if row_version is not None and (isinstance(row_version, bool) or not isinstance(row_version, int)):
        raise Invalid("row_version must be an integer", errors=[{"path": "/row_version", "message": "not an integer"}])
    ctx = _context(conn, principal, app_key, form_key, "update")
    return service.update_record(conn, ctx, record_id, values, row_version=row_version,
                                 request_id=_request_id(request))


@router.delete("/{record_id}", status_code=204,
               responses=errors(*SIGNED_IN, 404, 409, 422, e409="records of another form still link to this one"))
def delete(request: Request, conn: Conn, principal: Auth, app_key: str, form_key: str, record_id: PathId) -> Response:
    ctx = _context(conn, principal, app_key, form_key, "delete")
    service.delete_record(conn, ctx, record_id, request_id=_request_id(request))
    return Response(status_code=204)


@router.post("/{record_id}/restore", **answers(out.Record, *SIGNED_IN, 404, 409, 422))
def restore(request: Request, conn: Conn, principal: Auth, app_key: str, form_key: str,
            record_id: PathId) -> dict[str, Any]:
    ctx = _context(conn, principal, app_key, form_key, "delete")
    return service.restore_record(conn, ctx, record_id, request_id=_request_id(request))


@router.get("/{record_id}/history", **answers(list[out.HistoryEntry], *SIGNED_IN, 404, 422))
def history(conn: ReadConn, principal: Auth, app_key: str, form_key: str, record_id: PathId) -> list[dict[str, Any]]:
    ctx = _context(conn, principal, app_key, form_key, "read")
    return service.record_history(conn, ctx, record_id)
