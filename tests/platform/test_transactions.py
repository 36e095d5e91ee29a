"""One transaction per request, opened by the route (``Conn``, ``ReadConn``, ``RehearsalConn``): committed
before the answer is sent, a failed commit answered with the error body, read-only routes marked on the route.

The probe routes here run in an app made by ``create_app`` (its error handlers) against the session's
database, on a scratch table with a deferred foreign key: a child without its parent passes every
statement and fails only at COMMIT, the case where a 201 would announce data that was never stored."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from starlette.routing import BaseRoute

from dajian.platform.api import deps
from dajian.platform.api.deps import Conn, ReadConn, RehearsalConn, TransactionalRoute
from dajian.platform.app import create_app
from dajian.platform.config import Settings


@pytest.fixture
def tables(engine: Engine) -> Iterator[tuple[str, str]]:
    suffix = secrets.token_hex(4)
    parent, child = f"probe_parent_{suffix}", f"probe_child_{suffix}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {parent} (id INTEGER PRIMARY KEY)"))
        conn.execute(text(f"CREATE TABLE {child} (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
                          f"REFERENCES {parent} (id) DEFERRABLE INITIALLY DEFERRED)"))
    yield parent, child
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {child}"))
        conn.execute(text(f"DROP TABLE {parent}"))


@pytest.fixture
def probe(engine: Engine, tables: tuple[str, str], tmp_path: Any) -> TestClient:
    parent, child = tables
    router = APIRouter(route_class=TransactionalRoute)

    def add(conn: Connection, child_id: int, parent_id: int) -> dict[str, int]:
        conn.execute(text(f"INSERT INTO {child} (id, parent_id) VALUES (:i, :p)"), {"i": child_id, "p": parent_id})
        return {"id": child_id}

    @router.post("/children/{child_id}", status_code=201)
    def create(conn: Conn, child_id: int, parent_id: int) -> dict[str, int]:
        return add(conn, child_id, parent_id)

    @router.post("/children/{child_id}/impatient", status_code=201)
    def create_impatiently(conn: Conn, child_id: int, parent_id: int) -> dict[str, int]:
        conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
        return add(conn, child_id, parent_id)

    @router.post("/children/{child_id}/rehearse")
    def rehearse(conn: RehearsalConn, child_id: int, parent_id: int) -> dict[str, Any]:
        add(conn, child_id, parent_id)
        return {"seen": conn.execute(text(f"SELECT count(*) FROM {child}")).scalar()}

    @router.get("/mode")
    def mode(conn: ReadConn) -> dict[str, Any]:
        if conn.dialect.name == "postgresql":
            return {"read_only": conn.execute(text("SHOW transaction_read_only")).scalar() == "on"}
        return {"read_only": None}

    @router.get("/sneaky-write")
    def sneaky_write(conn: ReadConn) -> dict[str, str]:
        conn.execute(text(f"INSERT INTO {parent} (id) VALUES (99)"))
        return {"wrote": "yes"}

    settings = Settings(database_url=str(engine.url), files_dir=tmp_path)
    app = create_app(settings, engine=engine)
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=False)


def stored(engine: Engine, table: str) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalars())


def test_a_commit_that_fails_is_answered_with_the_error_body_not_201(
        probe: TestClient, engine: Engine, tables: tuple[str, str]) -> None:
    parent, child = tables
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {parent} (id) VALUES (1)"))
    assert probe.post("/children/1", params={"parent_id": 1}).status_code == 201
    assert stored(engine, child) == [1]  # committed before the answer arrived

    refused = probe.post("/children/2", params={"parent_id": 404})  # every statement passes; COMMIT fails
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "conflict"
    assert "not saved" in refused.json()["detail"]
    assert stored(engine, child) == [1]


def test_a_rehearsal_does_the_work_and_keeps_none_of_it(probe: TestClient, engine: Engine,
                                                         tables: tuple[str, str]) -> None:
    parent, child = tables
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {parent} (id) VALUES (1)"))
    answer = probe.post("/children/5/rehearse", params={"parent_id": 1})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"seen": 1}
    assert stored(engine, child) == []


def test_a_read_only_route_stores_nothing(probe: TestClient, engine: Engine, tables: tuple[str, str]) -> None:
    parent, _ = tables
    mode = probe.get("/mode").json()
    answer = probe.get("/sneaky-write")
    if engine.dialect.name == "postgresql":
        assert mode == {"read_only": True}
        assert answer.status_code == 500  # PostgreSQL refuses the write: a bug of the route, not of the client
    else:
        assert answer.status_code == 200  # SQLite cannot refuse it, but it is never committed
    assert stored(engine, parent) == []
    assert probe.get("/mode").status_code == 200


def test_a_lock_timeout_is_a_503_to_retry(probe: TestClient, engine: Engine, tables: tuple[str, str]) -> None:
    """The commit checks the deferred key against a parent table that another transaction has locked."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers queue for its one write lock (BEGIN IMMEDIATE) instead")
    parent, child = tables
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {parent} (id) VALUES (1)"))
    with engine.connect() as holder:
        holder.execute(text(f"LOCK TABLE {parent} IN ACCESS EXCLUSIVE MODE"))
        try:
            busy = probe.post("/children/7/impatient", params={"parent_id": 1})
        finally:
            holder.rollback()
    assert busy.status_code == 503, busy.text
    assert busy.json()["code"] == "unavailable"
    assert busy.headers["Retry-After"] == "1"
    assert stored(engine, child) == []
    assert probe.post("/children/7/impatient", params={"parent_id": 1}).status_code == 201


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (FastAPI keeps them as they were declared)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def _transaction_kind(route: APIRoute) -> Any:
    calls = {dep.call for dep in route.dependant.dependencies}
    found = calls & {deps._writes, deps._reads, deps._rehearses}
    return found.pop() if found else None


def test_every_route_that_asks_for_a_transaction_gets_it(api: FastAPI) -> None:
    """A route with ``conn: Conn`` outside a ``TransactionalRoute`` would receive a marker, not a connection."""
    routes = [r for r in api_routes(api.routes) if _transaction_kind(r) is not None]
    assert len(routes) > 60
    assert all(isinstance(r, TransactionalRoute) for r in routes), [r.path for r in routes
                                                                   if not isinstance(r, TransactionalRoute)]


def test_reads_are_marked_on_their_routes(api: FastAPI) -> None:
    """GET routes only read, but for the two that mint channel and subscription secrets on first sight (the public
    status lookup, which counts guesses, opens its own transactions); the POST routes that only read
    (queries with a body, report runs, previews) say so."""
    kinds = {(method, r.path): _transaction_kind(r) for r in api_routes(api.routes) for method in r.methods}
    writes_on_get = [key for key, kind in kinds.items() if key[0] == "GET" and kind not in (None, deps._reads)]
    assert sorted(writes_on_get) == [("GET", "/api/v1/apps/{app_key}/channels"),
                                     ("GET", "/api/v1/apps/{app_key}/webhooks"),  # subscriptions' secrets too
                                     # a template package's download counts an install
                                     ("GET", "/api/v1/market/templates/{template_key}/versions/{version}/package")]
    records = "/api/v1/apps/{app_key}/forms/{form_key}/records"
    for path in (records + "/query", records + "/preview", "/api/v1/apps/{app_key}/reports/{report_key}/run",
                 "/api/v1/apps/{app_key}/reports/preview", "/api/v1/apps/{app_key}/dashboards/{dashboard_key}/run"):
        assert kinds[("POST", path)] is deps._reads, path
    assert kinds[("POST", "/api/v1/apps/{app_key}/rules/dry-run")] is deps._rehearses
    assert kinds[("POST", records)] is deps._writes
