"""The API's version in its paths, and the unversioned paths of the previous release.

Every route lives under ``V1`` (``/api/v1/...``). For one release the old ``/api/...`` paths still
answer: ``LegacyPaths`` rewrites the request's path to its ``/api/v1`` successor before anything
else sees it (so the access table, upload and body-limit exemptions, idempotency and rate limits
know only v1 paths) and marks the answer ``Deprecation: true`` with a ``Link`` to the successor.
It is a rewrite, not a redirect, because clients follow redirects of a POST with a GET and drop its
body, and scripts written against the old paths must keep working unchanged. The old paths are not
in the OpenAPI document.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

V1 = "/api/v1"
_LEGACY = "/api/"


def successor(path: str) -> str | None:
    """The v1 path an old path stands for: ``/api/apps/a`` → ``/api/v1/apps/a``; None for a path that
    is already versioned or outside the API (``/docs``, ``/openapi.json``)."""
    if not path.startswith(_LEGACY) or path == V1 or path.startswith(V1 + "/"):
        return None
    return V1 + path.removeprefix("/api")


class LegacyPaths:
    """Answer ``/api/...`` as ``/api/v1/...`` would, with ``Deprecation`` and ``Link`` headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        new_path = successor(scope["path"]) if scope["type"] == "http" else None
        if new_path is None:
            await self.app(scope, receive, send)
            return
        raw_path = _raw_successor(scope, new_path)
        scope = {**scope, "path": new_path, "raw_path": raw_path}
        link = f'<{scope.get("root_path", "")}{raw_path.decode("latin-1")}>; rel="successor-version"'

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                headers["Deprecation"] = "true"
                headers.append("Link", link)
            await send(message)

        await self.app(scope, receive, send_marked)


def _raw_successor(scope: Scope, new_path: str) -> bytes:
    """The raw path with the same prefix change, keeping its percent-encoding as the client sent it."""
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        return new_path.encode()
    return V1.encode() + raw.removeprefix(b"/api") if raw.startswith(b"/api/") else new_path.encode()
