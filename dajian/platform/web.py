"""The web UI: the built single-page app (designer_ui/dist) served at ``/`` by the API server itself.

- ``/assets/*`` are Vite's content-hashed files: cached for a year, ``immutable``;
- any other GET or HEAD outside ``/api``, ``/docs``, ``/redoc`` and ``/openapi.json`` that accepts
  HTML gets ``index.html`` (``no-cache``, so a new release is picked up at once) and the SPA's router
  takes the path from there; other files at the top of dist/ (the favicon) are served as they are;
- everything else keeps the API's behaviour: unknown ``/api`` paths answer the JSON 404, wrong
  methods the 405, because the UI only answers requests that no route matched at all.

Where dist/ is found, first hit wins: ``$DAJIAN_UI_DIST``; ``dajian/platform/web_dist`` (what a wheel
carries: copy designer_ui/dist there before building it); ``designer_ui/dist`` of a source checkout.
It is looked up per request, so a UI built after the server started is served without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

PACKAGED_DIST = Path(__file__).resolve().parent / "web_dist"
CHECKOUT_DIST = Path(__file__).resolve().parents[2] / "designer_ui" / "dist"
SERVER_PREFIXES = ("/api", "/docs", "/redoc", "/openapi.json")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
TOP_LEVEL_FILES = "public, max-age=3600"

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dajian</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>The web UI is not built</h1>
<p>Run <code>scripts/serve</code>, or <code>npm ci &amp;&amp; npm run build</code> in <code>designer_ui/</code>.
The API is up: see <a href="/docs">/docs</a>.</p>
</body></html>
"""


def find_dist() -> Path | None:
    """The first of the candidate folders that holds an ``index.html``."""
    configured = os.environ.get("DAJIAN_UI_DIST")
    candidates = [Path(configured)] if configured else [PACKAGED_DIST, CHECKOUT_DIST]
    return next((c for c in candidates if (c / "index.html").is_file()), None)


def is_server_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in SERVER_PREFIXES)


def _accepts_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/xhtml+xml" in accept


async def _serve(request: Request) -> Response:
    dist = find_dist()
    path = request.url.path.lstrip("/")
    if dist is None:
        if path.startswith("assets/") or not _accepts_html(request):
            raise HTTPException(status_code=404)
        return HTMLResponse(_NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
    files = StaticFiles(directory=dist, check_dir=False)
    if path.startswith("assets/"):
        response = await files.get_response(path, request.scope)  # 404 when absent: never index.html
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    if path and "/" not in path and path != "index.html":
        try:
            response = await files.get_response(path, request.scope)
        except HTTPException:
            pass  # not a file of dist/: a route of the SPA
        else:
            response.headers["Cache-Control"] = TOP_LEVEL_FILES
            return response
    if not _accepts_html(request):
        raise HTTPException(status_code=404)
    response = await files.get_response("index.html", request.scope)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def mount_web(app: FastAPI) -> None:
    """Serve the UI from the router's default: it runs only when no route matched the path at all, so
    routes (even ones added later) win, and a path some route knows under another method stays a 405."""
    not_found = app.router.default

    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and not is_server_path(scope["path"]):
            response = await _serve(Request(scope, receive))
            await response(scope, receive, send)
            return
        await not_found(scope, receive, send)

    app.router.default = default
