"""One API token under many concurrent requests, against a real server with a small thread pool.

The server runs in a subprocess (uvicorn) with 4 worker threads and 2 pooled connections, so a request
path that waits on a lock, or on a connection, that another request holds between its dependency and
its endpoint (separate thread-pool jobs) exhausts the threads within a handful of requests. Every wait
here is bounded by the client's timeout: a deadlock fails the test in seconds instead of hanging it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text, update

from dajian.platform import auth
from dajian.platform.apps import import_definition
from dajian.platform.clock import utcnow
from dajian.platform.models import api_tokens
from dajian.platform.principal import Principal
from tests.platform.conftest import ticket_app

ROOT = Path(__file__).resolve().parents[2]
THREADS = 4
POOL = 2  # connections: fewer than threads, as a crowd makes it
CLIENT_TIMEOUT = 8.0
RUNNER = textwrap.dedent(f"""
    import anyio.to_thread, os, sys, uvicorn
    from dajian.platform.app import create_app
    from dajian.platform.db import make_engine

    engine = make_engine(os.environ["DAJIAN_DATABASE_URL"], pool_size={POOL}, max_overflow=0, pool_timeout=10)
    inner = create_app(engine=engine)

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            anyio.to_thread.current_default_thread_limiter().total_tokens = {THREADS}
        await inner(scope, receive, send)

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
""")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(pg_engine: Engine, pg_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp_path = tmp_path_factory.mktemp("server")
    script = tmp_path / "serve.py"
    script.write_text(RUNNER)
    env = {**os.environ, "DAJIAN_DATABASE_URL": pg_database_url, "DAJIAN_FILES_DIR": str(tmp_path / "files"),
           "PYTHONPATH": str(ROOT)}
    port = _free_port()
    with (tmp_path / "server.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, str(script), str(port)], env=env, stderr=log, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a loaded 2-core machine starts uvicorn slowly
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.1)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _idle_token(engine: Engine) -> str:
    """A token last used two minutes ago, so the next request wants to touch ``last_used_at``."""
    key = f"org_{os.urandom(4).hex()}"
    with engine.begin() as conn:
        org_id = auth.create_organisation(conn, key=key, name=key)
        user_id = auth.create_user(conn, org_id=org_id, username="busy", password="correct horse battery")
        principal = Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=False, via="session")
        token_id, plaintext = auth.create_token(conn, principal=principal, name="load", scopes=["records:read"],
                                                app_keys=None)
        conn.execute(update(api_tokens).where(api_tokens.c.id == token_id)
                     .values(last_used_at=utcnow() - timedelta(minutes=2)))
    return plaintext


def _get(url: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        return httpx.get(url, headers=headers, timeout=CLIENT_TIMEOUT).status_code
    except httpx.TimeoutException:
        return 0  # no answer in time


def test_many_concurrent_requests_with_one_idle_token_all_answer(pg_engine: Engine, server: str) -> None:
    token = _idle_token(pg_engine)
    with ThreadPoolExecutor(max_workers=40) as pool:
        requests = [pool.submit(_get, f"{server}/api/v1/auth/me", token) for _ in range(40)]
        health = pool.submit(_get, f"{server}/api/v1/health")
        statuses = [r.result() for r in requests]
    assert health.result() == 200
    assert statuses == [200] * 40


def test_more_requests_than_connections_and_threads_all_answer(pg_engine: Engine, server: str) -> None:
    """30 requests arriving together: none may hold a connection while it waits for a thread."""
    token = _idle_token(pg_engine)
    arrived = threading.Barrier(30)

    def one() -> int:
        with httpx.Client(base_url=server, timeout=CLIENT_TIMEOUT) as client:
            client.get("/api/v1/health")  # connected before the burst
            arrived.wait()
            try:
                return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
            except httpx.TimeoutException:
                return 0

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(lambda _: one(), range(30)))
    assert statuses == [200] * 30


def _writer_token(engine: Engine) -> str:
    """An organisation administrator's token that may create records, in an organisation with the tickets app."""
    key = f"org_{os.urandom(4).hex()}"
    with engine.begin() as conn:
        org_id = auth.create_organisation(conn, key=key, name=key)
        user_id = auth.create_user(conn, org_id=org_id, username="writer", password="correct horse battery",
                                   is_org_admin=True)
        principal = Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=True, via="session")
        import_definition(conn, principal, ticket_app())
        _, plaintext = auth.create_token(conn, principal=principal, name="load",
                                         scopes=["records:read", "records:write"], app_keys=None)
    return plaintext


def test_concurrent_writes_and_reads_each_take_their_connection_in_their_own_job(pg_engine: Engine,
                                                                                 server: str) -> None:
    """30 creates and reads at once through the route's transaction (``Conn``/``ReadConn``): the connection
    is checked out, used and committed inside the endpoint's thread-pool job, so none is held by a
    request waiting for a thread, and every create is stored before its 201."""
    token = _writer_token(pg_engine)
    records = "/api/v1/apps/tickets/forms/ticket/records"
    arrived = threading.Barrier(30)

    def one(i: int) -> int:
        with httpx.Client(base_url=server, timeout=CLIENT_TIMEOUT,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            client.get("/api/v1/health")
            arrived.wait()
            try:
                if i % 2:
                    return client.post(records, json={"title": f"load {i}"}).status_code
                return client.get(records).status_code
            except httpx.TimeoutException:
                return 0

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(one, range(30)))
    assert sorted(statuses) == [200] * 15 + [201] * 15
    listed = httpx.get(f"{server}{records}", params={"limit": 100}, timeout=CLIENT_TIMEOUT,
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted(r["title"] for r in listed["items"]) == sorted(f"load {i}" for i in range(1, 30, 2))


def test_health_answers_while_every_thread_waits_on_the_database(pg_engine: Engine, server: str) -> None:
    token = _idle_token(pg_engine)
    with pg_engine.connect() as blocker, ThreadPoolExecutor(max_workers=THREADS * 2) as pool:
        blocker.execute(text("LOCK TABLE api_tokens IN ACCESS EXCLUSIVE MODE"))  # every token lookup waits
        stuck = [pool.submit(_get, f"{server}/api/v1/auth/me", token) for _ in range(THREADS * 2)]
        time.sleep(0.5)  # let them take every thread of the server
        assert not any(s.done() for s in stuck)
        assert _get(f"{server}/api/v1/health") == 200
        blocker.rollback()
        assert [s.result() for s in stuck] == [200] * (THREADS * 2)


def test_a_token_is_resolved_without_waiting_for_a_writer_of_its_row(engine: Engine) -> None:
    """Another transaction holds the token's row (PostgreSQL) or the write lock (SQLite): the lookup
    answers at once and leaves ``last_used_at`` to a later request. Without that it would wait, here
    for at most 2 s before the database gives up with an error."""
    token = _idle_token(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as holder, engine.connect() as conn:
        if sqlite:
            holder.exec_driver_sql("PRAGMA busy_timeout=2000")
            conn.exec_driver_sql("PRAGMA busy_timeout=2000")
        holder.execute(update(api_tokens).where(api_tokens.c.token_hash == auth._digest(token))
                       .values(name="renamed"))  # holds the row lock / the write lock until rollback
        if not sqlite:
            conn.execute(text("SET lock_timeout = '2s'"))
        principal = auth.resolve_token(conn, token)
        conn.commit()
        holder.rollback()
        if sqlite:
            holder.exec_driver_sql("PRAGMA busy_timeout=30000")
            conn.exec_driver_sql("PRAGMA busy_timeout=30000")
    assert principal is not None and principal.scopes == frozenset({"records:read"})
