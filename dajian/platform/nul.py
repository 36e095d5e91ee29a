"""Refuse the NUL character (U+0000) in a request's text, with 422 and its path.

PostgreSQL cannot store NUL in ``text`` or ``jsonb`` while SQLite stores it,
so the same request used to succeed on one database and fail with a 500 on
the other. No user text needs it, so every request carrying one is refused
before any handler runs, the same way on both: in a path parameter
(``/app_key``), a query parameter (``/filter``) or anywhere in a JSON body,
keys included (``/items/0/sku``). Raw file bodies (uploads) are exempt: a
file may hold any byte. Record values from other sources (Excel, CSV) are
checked by the form engine (``CompiledForm.coerce``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dajian.engines.form.fields import NUL_MESSAGE, nul_path

JSON_NUL = b"\\u0000"


class RefuseNul:
    def __init__(self, app: ASGIApp, exempt: Callable[[str], bool] = lambda path: False) -> None:
        self.app = app
        self.exempt = exempt  # raw file bodies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _url_issue(scope)
        if path is None and not self.exempt(scope["path"]) and _may_be_json(scope):
            body = await _read_body(receive)
            if body is None:  # the client went away
                return
            path = _body_issue(body)
            receive = _replay(body, receive)
        if path is None:
            await self.app(scope, receive, send)
        else:
            await _refuse(send, path)


def _url_issue(scope: Scope) -> str | None:
    """The path of a path or query parameter holding NUL, if any."""
    if "\x00" in scope["path"]:
        return _path_param(scope)
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"/{name}"
    return None


def _path_param(scope: Scope) -> str:
    """The name of the route parameter holding NUL (``/app_key``), found through the OpenAPI paths."""
    openapi = getattr(scope.get("app"), "openapi", None)
    for template in (openapi() if openapi else {}).get("paths", {}):
        match = _template_regex(template).match(scope["path"])
        for name, value in (match.groupdict() if match else {}).items():
            if "\x00" in value:
                return f"/{name}"
    return ""


@cache
def _template_regex(template: str) -> re.Pattern[str]:
    return compile_path(template)[0]


def _may_be_json(scope: Scope) -> bool:
    """FastAPI reads a body without a content type as JSON, so those are checked too."""
    if scope["method"] in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    return not content_type or b"json" in content_type.lower()


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _body_issue(body: bytes) -> str | None:
    if JSON_NUL not in body:
        return None
    try:
        return nul_path(json.loads(body))
    except (ValueError, RecursionError):  # not JSON (or too deep): the route answers that itself
        return None


async def _refuse(send: Send, path: str) -> None:
    payload: dict[str, Any] = {"code": "invalid", "detail": "the request is invalid",
                               "errors": [{"path": path, "message": NUL_MESSAGE}]}
    body = json.dumps(payload, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

