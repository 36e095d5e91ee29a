"""The ``Idempotency-Key`` header of create endpoints: the first answer again for a retried request.

A route declares ``key: IdempotencyKey`` and wraps its work in ``once``; without the header the
work simply runs. A replay has the first answer's status and body and the header
``Idempotent-Replayed: true``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Request, Response
from pydantic import TypeAdapter
from sqlalchemy import Connection, select

from dajian.platform import idempotency
from dajian.platform.models import organisations

IdempotencyKey = Annotated[str | None, Header(
    alias=idempotency.HEADER, min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
    description="Any unique string of yours (a UUID): a retry with the same key and body answers the first "
                "answer again instead of creating another record; kept 24 hours",
)]
_JSON = TypeAdapter(Any)


def once(request: Request, response: Response, conn: Connection, *, key: str | None, org_id: int, scope: str,
         body: Any, work: Callable[[], Any]) -> Any:
    """``work()``'s answer, or with a ``key`` seen before the answer stored for it (in ``conn``'s transaction)."""
    if key is None:
        return work()
    ref = idempotency.KeyRef(org_id, scope, key, idempotency.fingerprint(request.method, request.url.path, body))
    stored = idempotency.claim(conn, ref)
    if stored is not None:
        response.status_code = stored.status
        response.headers["Idempotent-Replayed"] = "true"
        return stored.body
    answer = _JSON.dump_python(work(), mode="json")  # exactly what the first client receives
    status = response.status_code or _route_status(request)
    idempotency.settle(conn, ref, idempotency.Answer(status, answer))
    return answer


def replay(request: Request, response: Response, conn: Connection, *, key: str | None, org_id: int | None,
           scope: str, body: Any) -> Any | None:
    """The stored answer of a finished request with this key, if any (checked before rate limits, so a
    client retrying after a dropped connection is not counted again); None: go on and do the work."""
    if key is None or org_id is None:
        return None
    ref = idempotency.KeyRef(org_id, scope, key, idempotency.fingerprint(request.method, request.url.path, body))
    stored = idempotency.settled(conn, ref)
    if stored is None:
        return None
    response.status_code = stored.status
    response.headers["Idempotent-Replayed"] = "true"
    return stored.body


def _route_status(request: Request) -> int:
    route = request.scope.get("route")
    return int(getattr(route, "status_code", None) or 200)


def org_of(conn: Connection, org_key: str) -> int | None:
    """The organisation of a public link (None: none such, and the request will answer 404)."""
    found = conn.execute(select(organisations.c.id).where(organisations.c.key == org_key)).scalar()
    return int(found) if found is not None else None
