"""The authenticated request path: what a request costs before its endpoint runs, and that the cheaper
path still survives connections the database closed.

Authentication reads in one statement with no transaction around it, on a connection checked out
without the liveness ping; a dead connection is retried instead. The request's transaction is not pinged
either: a dead connection fails it before the commit and the endpoint runs again on a pinged one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from dajian.platform.app import create_app
from dajian.platform.config import Settings
from dajian.platform.db import make_engine
from tests.platform.conftest import Org, publish, ticket_app

TEST_APP_NAME = "dajian_liveness_test"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def bearer(client: TestClient, scopes: list[str]) -> dict[str, str]:
    made = client.post("/api/v1/auth/tokens", json={"name": "path", "scopes": scopes})
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


def test_a_token_request_authenticates_in_one_statement_outside_any_transaction(org: Org) -> None:
    headers = bearer(org.client(), ["records:read"])
    anonymous = TestClient(org.api)
    assert anonymous.get("/api/v1/auth/me", headers=headers).status_code == 200  # last_used_at touched
    with statements(org.engine) as seen:
        r = anonymous.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["via"] == "token"
    token_reads = [s for s in seen if "FROM api_tokens" in s]
    assert len(token_reads) == 1
    # the endpoint's transaction is the only one (PostgreSQL's BEGIN is the driver's, not a statement)
    expected_begins = 1 if org.engine.dialect.name == "sqlite" else 0
    assert sum(s.startswith("BEGIN") for s in seen) == expected_begins, seen
    assert seen.index(token_reads[0]) < (seen.index("BEGIN") if expected_begins else 1)


CLERK = {"key": "clerk", "label": {"en": "Clerk"},
         "permissions": {"ticket": {"actions": ["create", "read"], "row_scope": "own"}}}
RECORDS = "/api/v1/apps/tickets/forms/ticket/records"


def clerk_token(org: Org) -> tuple[int, dict[str, str]]:
    admin = org.client()
    assert publish(admin, ticket_app(roles=[CLERK])).status_code == 200
    clerk = org.add_user("clerk")
    granted = admin.post("/api/v1/admin/memberships", json={"user_id": clerk, "app": "tickets", "role": "clerk"})
    assert granted.status_code == 201, granted.text
    return clerk, bearer(org.client("clerk"), ["records:write"])


def test_a_record_create_reads_the_app_and_roles_with_the_token(org: Org) -> None:
    _, headers = clerk_token(org)
    client = TestClient(org.api)
    assert client.post(RECORDS, json={"title": "warm"}, headers=headers).status_code == 201
    with statements(org.engine) as seen:
        r = client.post(RECORDS, json={"title": "Printer jams"}, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Printer jams"
    [credentials] = [s for s in seen if "FROM api_tokens" in s]
    assert "JOIN apps" in credentials and "roles" in credentials
    assert not [s for s in seen if "FROM apps" in s], seen  # not read again by the endpoint


def test_roles_read_with_the_token_are_the_current_ones(org: Org) -> None:
    clerk, headers = clerk_token(org)
    client = TestClient(org.api)
    assert client.post(RECORDS, json={"title": "allowed"}, headers=headers).status_code == 201
    revoked = org.client().request("DELETE", "/api/v1/admin/memberships",
                                   json={"user_id": clerk, "app": "tickets", "role": "clerk"})
    assert revoked.status_code == 200, revoked.text
    refused = client.post(RECORDS, json={"title": "not any more"}, headers=headers)
    assert refused.status_code == 403, refused.text
    missing = client.post("/api/v1/apps/nosuch/forms/ticket/records", json={"title": "x"}, headers=headers)
    assert missing.status_code == 404, missing.text


def test_a_revoked_token_is_refused_on_its_next_request(org: Org) -> None:
    client = org.client()
    made = client.post("/api/v1/auth/tokens", json={"name": "soon gone", "scopes": ["records:read"]})
    headers = {"Authorization": f"Bearer {made.json()['token']}"}
    anonymous = TestClient(org.api)
    assert anonymous.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{made.json()['id']}").status_code == 204
    refused = anonymous.get("/api/v1/auth/me", headers=headers)
    assert refused.status_code == 401, refused.text


def _terminate(url: str) -> int:
    """Close, from the server's side, every connection the test's engine holds."""
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            killed = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": TEST_APP_NAME}).scalar_one()
    finally:
        admin.dispose()
    return int(killed)


@pytest.fixture
def pg_url(org: Org) -> str:
    if org.engine.dialect.name != "postgresql":
        pytest.skip("the server closing connections is a PostgreSQL matter")
    return org.engine.url.render_as_string(hide_password=False)


def test_a_pooled_connection_the_server_closed_is_replaced_before_use(pg_url: str) -> None:
    engine = make_engine(pg_url, connect_args={"application_name": TEST_APP_NAME})
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
        assert _terminate(pg_url) >= 1
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 2")).scalar_one() == 2
    finally:
        engine.dispose()


def test_token_requests_answer_after_the_server_closed_every_pooled_connection(org: Org, pg_url: str) -> None:
    engine = make_engine(pg_url, connect_args={"application_name": TEST_APP_NAME})
    api = create_app(Settings(database_url=pg_url), engine=engine)
    try:
        with TestClient(api) as client:
            login = client.post("/api/v1/auth/login", json={"username": "admin", "password": "correct horse battery",
                                                         "org": org.key})
            assert login.status_code == 200, login.text
            client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            headers = bearer(client, ["records:read"])
            client.cookies.clear()
            assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
            assert _terminate(pg_url) >= 1
            again = client.get("/api/v1/auth/me", headers=headers)
            assert again.status_code == 200, again.text
            assert again.json()["via"] == "token"
    finally:
        engine.dispose()


def test_a_created_record_answers_its_values_as_json(org: Org) -> None:
    """Decimals as text at the field's scale, instants with their offset, UTF-8 text; a replay the same."""
    _, headers = clerk_token(org)
    client = TestClient(org.api)
    body = {"title": "标题 ü", "amount": "12.5", "qty": 3, "seen_at": "2026-01-02T03:04:05+08:00", "tags": ["new"]}
    r = client.post(RECORDS, json=body, headers={**headers, "Idempotency-Key": "render-1"})
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == "application/json"
    made = r.json()
    assert (made["title"], made["amount"], made["qty"], made["tags"]) == ("标题 ü", "12.50", 3, ["new"])
    assert made["seen_at"].startswith("2026-01-01T19:04:05")
    assert "标题 ü".encode() in r.content  # UTF-8, not \u escapes
    again = client.post(RECORDS, json=body, headers={**headers, "Idempotency-Key": "render-1"})
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert again.json() == made


def test_a_record_create_takes_no_liveness_round_trip(org: Org, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither authentication nor the request's transaction pings its connection as it leaves the pool."""
    _, headers = clerk_token(org)
    client = TestClient(org.api)
    assert client.post(RECORDS, json={"title": "warm"}, headers=headers).status_code == 201
    pings: list[object] = []
    real_ping = org.engine.dialect.do_ping
    monkeypatch.setattr(org.engine.dialect, "do_ping",
                        lambda dbapi_conn: pings.append(dbapi_conn) or real_ping(dbapi_conn))
    r = client.post(RECORDS, json={"title": "Printer jams"}, headers=headers)
    assert r.status_code == 201, r.text
    assert pings == []


def test_a_create_whose_transaction_finds_its_connection_closed_is_stored_once(org: Org, pg_url: str) -> None:
    """The server closes the connection the request's (unpinged) transaction was handed, after
    authentication ran on another: nothing of the transaction was stored, and the endpoint runs again on a
    fresh connection (one record, one answer)."""
    _, headers = clerk_token(org)
    engine = make_engine(pg_url, connect_args={"application_name": TEST_APP_NAME})
    api = create_app(Settings(database_url=pg_url), engine=engine)
    checkouts: list[int] = []

    def close_the_second(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        checkouts.append(dbapi_conn.info.backend_pid)
        if len(checkouts) == 2:  # authentication's was the first
            _terminate_pid(pg_url, checkouts[-1])

    try:
        with TestClient(api) as client:
            assert client.post(RECORDS, json={"title": "warm"}, headers=headers).status_code == 201
            event.listen(engine, "checkout", close_the_second)
            again = client.post(RECORDS, json={"title": "after the close"}, headers=headers)
            event.remove(engine, "checkout", close_the_second)
            assert again.status_code == 201, again.text
    finally:
        engine.dispose()
    assert len(checkouts) == 3  # authentication, the closed one, the run again
    titles = [i["title"] for i in org.client().get(RECORDS).json()["items"]]
    assert sorted(titles) == ["after the close", "warm"]


def _terminate_pid(url: str, pid: int) -> None:
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # with a timeout: returns once the backend is gone, so no statement of the request can beat it
            assert conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}).scalar_one()
    finally:
        admin.dispose()


def test_a_record_create_is_one_thread_pool_job(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-in, the access rule, the endpoint and its transaction share one thread-pool job, and the answer
    is checked on the event loop: each further job is a hand-over between threads and a new place in the
    queue behind every waiting request (under a crowd, the tail of the latencies)."""
    import anyio.to_thread

    _, headers = clerk_token(org)
    client = TestClient(org.api)
    assert client.post(RECORDS, json={"title": "warm"}, headers=headers).status_code == 201
    jobs: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        jobs.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    r = client.post(RECORDS, json={"title": "Printer jams"}, headers=headers)
    assert r.status_code == 201, r.text
    assert len(jobs) == 1, jobs
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["via"] == "token"
    assert len(jobs) == 2, jobs


def test_who_is_asking_is_answered_before_what_is_wrong_with_the_body(org: Org) -> None:
    """Authentication runs with the endpoint, but a bad body is not reported to a caller who may not use
    the route: no sign-in → 401, a token without the scope → 403, the right token → 422 naming the field."""
    _, headers = clerk_token(org)
    reader = bearer(org.client("clerk"), ["records:read"])
    client = TestClient(org.api)
    bad = {"title": "x", "qty": "not a number"}
    assert client.post(RECORDS, json=bad).status_code == 401
    refused = client.post(RECORDS, json=bad, headers=reader)
    assert refused.status_code == 403 and "records:write" in refused.text
    wrong = client.post(RECORDS, json=bad, headers=headers)
    assert wrong.status_code == 422 and "qty" in wrong.text
    assert client.post(RECORDS, json={**bad, "qty": 2}, headers=headers).status_code == 201
