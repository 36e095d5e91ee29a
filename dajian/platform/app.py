"""The FastAPI application: routers, error handlers, request limits."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from dajian import __version__
from dajian.platform import features as _features  # noqa: F401 - job handlers, listeners, reference kinds
from dajian.platform.api.access import enforce
from dajian.platform.api.audiences import OPENAPI_TAGS, PUBLIC, operation_id
from dajian.platform.api.schemas.catalog import Health
from dajian.platform.api.versions import V1, LegacyPaths
from dajian.platform.config import Settings, get_settings
from dajian.platform.db import make_engine
from dajian.platform.docs import mount_docs
from dajian.platform.errors import DajianError, document_errors
from dajian.platform.files import is_upload_path
from dajian.platform.nul import RefuseNul
from dajian.platform.search.tokens import warm_segmenter
from dajian.platform.web import mount_web


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not they declare a length."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt: Callable[[str], bool] = lambda path: False) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt  # streamed uploads enforce their own, larger limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"code": "payload_too_large",
                           "detail": f"request body larger than {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(StarletteHTTPException):
    """Raised from ``receive`` while a handler reads the body: an HTTPException, so FastAPI's body
    parsing passes it on (it turns any other exception into 400) and ``_too_large`` answers 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=f"request body larger than {max_bytes} bytes")


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, _TooLarge)
    return JSONResponse({"code": "payload_too_large", "detail": exc.detail}, status_code=413)


def _loc_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return "".join(f"/{p}" for p in parts)


async def _dajian_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DajianError)
    headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        message = "the request body is not valid JSON" if err.get("type") == "json_invalid" else err["msg"]
        errors.append({"path": _loc_path(tuple(err.get("loc", ()))), "message": message})
    return JSONResponse({"code": "invalid", "detail": "the request is invalid", "errors": errors}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse({"code": "http_error", "detail": exc.detail}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def _proxies(entries: tuple[str, ...]) -> list[str]:
    """``DAJIAN_TRUSTED_PROXIES``: addresses or networks; a typo fails at start, naming the entry."""
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"DAJIAN_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from None
    return list(entries)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # sync endpoints and dependencies run on anyio's thread pool; its limiter is the process's admission
    # control (FIFO), so 100 concurrent clients queue for a thread instead of all thrashing at once
    settings: Settings = app.state.settings
    anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, settings.request_threads)
    # jieba's dictionary takes 1-5 s to load: load it beside the server's start, not inside the first
    # request that indexes a record (which would hold that request's transaction, and its locks, meanwhile)
    warm_segmenter()
    yield


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    from dajian.platform.api import (
        admin,
        apps,
        auth,
        backlinks,
        bulk,
        comments,
        deliveries,
        excel,
        files,
        flows,
        forms,
        jobs,
        market_center,
        market_install,
        market_remote,
        market_sandbox,
        public,
        records,
        reports,
        role_design,
        rule_design,
        rules,
        search,
        templates,
        views,
    )
    from dajian.platform.api import catalog as catalog_api
    from dajian.platform.api import printing as printing_api

    settings = settings or get_settings()
    app = FastAPI(
        title="Dajian",
        version=__version__,
        description="Dajian (搭建) no-code platform API. Per-app APIs: " + V1 + "/apps/{app}/openapi.json",
        openapi_tags=OPENAPI_TAGS,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,  # both served offline by mount_docs
        lifespan=_lifespan,
    )
    mount_docs(app)
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.add_exception_handler(DajianError, _dajian_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(_TooLarge, _too_large)
    # the busiest routes first: a request is matched against the routes in order (about 0.4 ms per request
    # when a record create was tried against every admin and design route before its own); no route of
    # one module matches a path of another, so the order changes nothing else
    for module in (records, public, flows, auth, views, search, comments, backlinks, files, bulk, excel, reports,
                   forms, apps, rules, rule_design, role_design, admin, jobs, deliveries, templates, market_install,
                   market_center, market_sandbox, market_remote):
        app.include_router(module.router, dependencies=[Depends(enforce)])  # the access table
    app.include_router(catalog_api.router, dependencies=[Depends(enforce)])
    app.include_router(printing_api.router, dependencies=[Depends(enforce)])
    app.add_middleware(RefuseNul, exempt=is_upload_path)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, exempt=is_upload_path)
    app.add_middleware(LegacyPaths)  # outside the rest: every layer below sees only /api/v1 paths
    if settings.trusted_proxies:  # outermost: every layer below sees the client's own address
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=_proxies(settings.trusted_proxies))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get(V1 + "/health", tags=[PUBLIC], response_model=Health)
    async def health() -> dict[str, str]:
        """On the event loop, touching no database: it answers while every thread or connection is busy."""
        return {"status": "ok", "version": __version__}

    mount_web(app)  # the web UI at "/", for GETs no route matched (never /api or /docs)
    return app
