"""Full-text search of a form's records and suggestions of records related to one record.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Connection

from dajian.platform import records as service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute
from dajian.platform.api.params import PathId
from dajian.platform.api.schemas import records as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.principal import Principal
from dajian.platform.search import related_records, search_records

router = APIRouter(prefix=V1, tags=[RUNTIME], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]


def _contexts(conn: Connection, principal: Principal, app_key: str, *form_keys: str) -> list[service.FormContext]:
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    return [service.form_context(conn, principal, runtime, k, "read", role_keys=role_keys) for k in form_keys]


@router.get("/apps/{app_key}/forms/{form_key}/search", **answers(out.Hits, *SIGNED_IN, 404, 422))
def search(
    conn: ReadConn, principal: Auth, app_key: str, form_key: str,
    q: Annotated[str, Query(min_length=1, max_length=500, description="words to find, e.g. 屏幕 碎裂")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Records having every word of ``q`` in a searchable field you may read, most relevant first.

    Searchable: text, long_text and rich_text fields marked ``"indexed": true``, and the form's title field.
    Each item has the fields you may read and ``_score`` (higher is more relevant); ``words`` is how ``q`` was cut.
    """
    (ctx,) = _contexts(conn, principal, app_key, form_key)
    return search_records(conn, ctx, q, limit=limit)


@router.get("/apps/{app_key}/forms/{form_key}/records/{record_id}/related", **answers(out.Hits, *SIGNED_IN, 404, 422))
def related(
    conn: ReadConn, principal: Auth, app_key: str, form_key: str, record_id: PathId,
    target: Annotated[str, Query(description="the form to suggest records of, e.g. a knowledge base")],
    fields: Annotated[str | None, Query(description="comma-separated fields of this record to match by; "
                                                    "default: its searchable fields")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict[str, Any]:
    """Records of ``target`` sharing the most telling words with the given fields of this record, best first."""
    keys = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    source, target_ctx = _contexts(conn, principal, app_key, form_key, target)
    return related_records(conn, source, record_id, target_ctx, fields=keys, limit=limit)
