"""The API's routers are included busiest first (``create_app``), which is only safe while no route of one
module matches a path of another: then the order in which modules are tried changes no answer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from dajian.platform.app import create_app
from dajian.platform.config import Settings


def _flat(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _flat(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from _flat(route.routes)


def test_no_route_of_one_module_answers_a_path_of_another(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'routes.db'}", files_dir=tmp_path))
    routes = list(_flat(app.router.routes))
    assert len(routes) > 100
    overlaps = [
        (a.endpoint.__module__, a.path, b.endpoint.__module__, b.path)
        for a in routes for b in routes
        if a.endpoint.__module__ != b.endpoint.__module__ and a.methods & b.methods
        and a.path_regex.match(re.sub(r"\{[^}]+\}", "x1", b.path))
    ]
    assert overlaps == []
