"""Who may see and do what: the user list, request body limits and the client address behind proxies
(SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from dajian.platform.app import create_app
from dajian.platform.cli import cli
from dajian.platform.config import Settings
from dajian.platform.models import login_attempts, users
from tests.platform.conftest import Org

# --- the user list ---------------------------------------------------------------------------


def test_members_see_only_what_a_person_picker_needs(org: Org) -> None:
    org.add_dept("sales")
    org.add_user("member", dept="sales")
    with org.engine.begin() as conn:
        conn.execute(users.update().where(users.c.org_id == org.id, users.c.username == "admin")
                     .values(email="boss@example.test"))
    as_member = org.client("member").get("/api/v1/admin/users")
    assert as_member.status_code == 200
    assert {u["username"] for u in as_member.json()} == {"admin", "member"}
    assert all(set(u) == {"id", "username", "display_name", "dept_id"} for u in as_member.json())
    as_admin = org.client().get("/api/v1/admin/users").json()
    boss = next(u for u in as_admin if u["username"] == "admin")
    assert boss["email"] == "boss@example.test" and boss["is_org_admin"] is True


# --- request bodies ----------------------------------------------------------------------------


def _chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    yield b'{"username": "'
    for _ in range(total // size):
        yield b"a" * size
    yield b'", "password": "x"}'


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/apps"])
def test_a_chunked_body_over_the_limit_gets_413(api: FastAPI, path: str) -> None:
    """No Content-Length (chunked transfer): the limit is counted as the body arrives."""
    client = TestClient(api)
    response = client.post(path, content=_chunks(1024 * 1024), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"


# --- client addresses behind proxies -----------------------------------------------------------


def _failed_login_from(app: FastAPI, peer: str, forwarded_for: str) -> str:
    """Fail a login from ``peer`` claiming ``forwarded_for``; the address the throttle counted."""
    name = f"nobody_{secrets.token_hex(4)}"
    client = TestClient(app, client=(peer, 50000))
    response = client.post("/api/v1/auth/login", json={"username": name, "password": "wrong-password"},
                           headers={"X-Forwarded-For": forwarded_for})
    assert response.status_code == 401
    engine = app.state.engine
    with engine.connect() as conn:
        return str(conn.scalar(select(login_attempts.c.client).where(login_attempts.c.username.endswith(name))))


def test_forwarded_for_is_believed_only_from_trusted_proxies(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(database_url=str(engine.url), files_dir=tmp_path, trusted_proxies=("10.0.0.0/8",))
    app = create_app(settings, engine=engine)
    assert _failed_login_from(app, "10.1.2.3", "198.51.100.20") == "198.51.100.20"
    assert _failed_login_from(app, "127.0.0.1", "198.51.100.21") == "127.0.0.1"
    untrusting = create_app(Settings(database_url=str(engine.url), files_dir=tmp_path), engine=engine)
    assert _failed_login_from(untrusting, "127.0.0.1", "198.51.100.22") == "127.0.0.1"


def test_a_bad_trusted_proxy_entry_fails_at_start(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(database_url=str(engine.url), files_dir=tmp_path, trusted_proxies=("10.0.0.300",))
    with pytest.raises(ValueError, match=r"DAJIAN_TRUSTED_PROXIES: '10\.0\.0\.300'"):
        create_app(settings, engine=engine)


def test_serve_leaves_forwarded_headers_to_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn would believe X-Forwarded-For from 127.0.0.1 by default; ``dajian serve`` turns that off."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    env = {"DAJIAN_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "DAJIAN_FILES_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["serve", "--no-worker"], env=env)
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False
