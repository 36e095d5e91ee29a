"""Request-scoped helpers shared by every router.

Each user action is one transaction (``transaction``): the handler's work
commits when it returns and rolls back on any error, so nothing is
half-written. Authentication reads in a short transaction of its own just
before (``api.auth``), so no connection is held between the dependency's
thread-pool job and the endpoint's. ``ReleaseConnection`` closes a
connection a request opened but never committed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request, Response
from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from dajian.platform.config import Settings

CONNECTION_KEY = "dajian.connection"
# POST endpoints that only read (queries with bodies, previews, report runs): no SQLite write lock
READ_ONLY_POST = re.compile(r"/(records/(query|preview)|reports/[^/]+/run|reports/preview|dashboards/[^/]+/run)$")


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def request_connection(request: Request) -> Connection:
    """The request's connection, opened with a transaction on first use."""
    conn: Connection | None = request.scope.get(CONNECTION_KEY)
    if conn is None:
        conn = get_engine(request).connect()
        if request.method not in ("GET", "HEAD", "OPTIONS") and not READ_ONLY_POST.search(request.scope["path"]):
            # SQLite: take the write lock up front (waiting for it) rather than failing later
            # when a read transaction tries to become a write transaction
            conn.execution_options(sqlite_begin="IMMEDIATE")
        conn.begin()
        request.scope[CONNECTION_KEY] = conn
    return conn


def release_connection(scope: dict[str, Any] | Scope) -> None:
    conn: Connection | None = scope.pop(CONNECTION_KEY, None)
    if conn is not None:
        conn.close()  # rolls back whatever was not committed


@contextmanager
def transaction(request: Request) -> Iterator[Connection]:
    conn = request_connection(request)
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()
    finally:
        release_connection(request.scope)


class ReleaseConnection:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            release_connection(scope)


_OBJECT = TypeAdapter(dict[str, Any])


def rendered(content: dict[str, Any], response: Response, *, status_code: int) -> Response:
    """``content`` as FastAPI sends a returned ``dict[str, Any]`` (the same Pydantic JSON bytes), rendered in
    the endpoint's thread: given the dict, FastAPI would validate it again in a thread-pool job of its own,
    one more wait for a thread on every request. Keeps the status and headers set on the injected
    ``response`` (an idempotent replay's); declare ``response_model=dict[str, Any]`` for the OpenAPI."""
    out = Response(_OBJECT.dump_json(content), status_code=response.status_code or status_code,
                   media_type="application/json")
    out.headers.raw.extend(response.headers.raw)
    return out
