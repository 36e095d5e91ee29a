"""Authentication over HTTP and in the service, on SQLite and PostgreSQL.

The database is shared by every test of a run, so each test makes its own
organisation, random usernames and its own client address (the login
throttle counts failures per address too).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from dajian.platform import auth
from dajian.platform.api.auth import CSRF_COOKIE, SESSION_COOKIE, require_scope
from dajian.platform.app import create_app
from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.config import Settings
from dajian.platform.errors import Forbidden, Invalid, NotFound
from dajian.platform.models import api_tokens, audit_log, sessions, users
from dajian.platform.principal import Principal

PASSWORD = "correct horse battery"
MAX_FAILURES = 3

# --- the app under test -------------------------------------------------------

probe = APIRouter(prefix="/probe")


@probe.get("/read")
def _read(p: Annotated[Principal, Depends(require_scope("records:read"))]) -> dict[str, Any]:
    return {"user_id": p.user_id}


@probe.post("/write")
def _write(p: Annotated[Principal, Depends(require_scope("records:write"))]) -> dict[str, Any]:
    return {"user_id": p.user_id}


@probe.post("/admin")
def _admin(p: Annotated[Principal, Depends(require_scope("admin"))]) -> dict[str, Any]:
    return {"user_id": p.user_id}


def build_app(engine: Engine, settings: Settings) -> FastAPI:
    """The real app with its error handlers, plus routes that need one scope each."""
    app = create_app(settings, engine=engine)
    app.include_router(probe)
    return app


# --- fixtures and helpers ---------------------------------------------------------


@dataclass(frozen=True)
class Org:
    """Just an organisation; shadows the richer ``org`` of conftest, whose app uses other settings."""

    id: int
    key: str


@pytest.fixture
def settings() -> Settings:
    return Settings(login_max_failures=MAX_FAILURES, login_window_seconds=600, session_days=7,
                    secure_cookies=False)


@pytest.fixture
def app(engine: Engine, settings: Settings) -> FastAPI:
    return build_app(engine, settings)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return new_client(app)


@pytest.fixture
def org(engine: Engine) -> Org:
    return make_org(engine)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime.now(UTC))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


def new_client(app: FastAPI) -> TestClient:
    """Each client has its own address, so one test's failed logins never throttle another's."""
    return TestClient(app, client=(f"client-{secrets.token_hex(6)}", 50000))


def make_org(engine: Engine) -> Org:
    key = f"org-{secrets.token_hex(5)}"
    with engine.begin() as conn:
        return Org(auth.create_organisation(conn, key=key, name=key), key)


def make_user(engine: Engine, org: Org, *, admin: bool = False, username: str | None = None) -> str:
    username = username or f"u_{secrets.token_hex(5)}"
    with engine.begin() as conn:
        auth.create_user(conn, org_id=org.id, username=username, password=PASSWORD, is_org_admin=admin)
    return username


def sign_in(client: TestClient, org: Org | None, username: str, password: str = PASSWORD) -> httpx.Response:
    body = {"username": username, "password": password, **({"org": org.key} if org else {})}
    response: httpx.Response = client.post("/api/v1/auth/login", json=body)
    return response


def signed_in(client: TestClient, org: Org, username: str) -> dict[str, str]:
    """Log in and return the CSRF header the browser would send back."""
    response = sign_in(client, org, username)
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def mint(client: TestClient, csrf: dict[str, str], scopes: list[str], **extra: Any) -> httpx.Response:
    body = {"name": "ci", "scopes": scopes, **extra}
    response: httpx.Response = client.post("/api/v1/auth/tokens", json=body, headers=csrf)
    return response


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def set_cookie(response: httpx.Response, name: str) -> str:
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    return header.lower()


# --- login, cookies, sessions --------------------------------------------------------


def test_login_sets_session_and_csrf_cookies(engine: Engine, client: TestClient, org: Org) -> None:
    response = sign_in(client, org, make_user(engine, org))
    assert response.status_code == 200
    session, csrf = set_cookie(response, SESSION_COOKIE), set_cookie(response, CSRF_COOKIE)
    assert "httponly" in session and "samesite=lax" in session and "path=/" in session
    assert "httponly" not in csrf and "samesite=strict" in csrf and "path=/" in csrf
    assert "secure" not in session
    assert response.json()["csrf_token"] == client.cookies[CSRF_COOKIE]
    assert "password_hash" not in response.json()["user"]


def test_cookies_are_secure_when_configured(engine: Engine, org: Org) -> None:
    client = new_client(build_app(engine, Settings(secure_cookies=True)))
    response = sign_in(client, org, make_user(engine, org))
    assert "; secure" in set_cookie(response, SESSION_COOKIE)
    assert "; secure" in set_cookie(response, CSRF_COOKIE)


def test_wrong_password_and_unknown_user_look_the_same(engine: Engine, client: TestClient, org: Org) -> None:
    wrong = sign_in(client, org, make_user(engine, org), "not the password")
    unknown = sign_in(client, org, "nobody_here", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json() == {"code": "unauthorized", "detail": "invalid username or password"}


def test_throttle_is_per_username_even_with_the_right_password(
    engine: Engine, app: FastAPI, client: TestClient, org: Org
) -> None:
    victim, bystander = make_user(engine, org), make_user(engine, org)
    for _ in range(MAX_FAILURES):
        assert sign_in(client, org, victim, "guess-guess").status_code == 401
    refused = sign_in(new_client(app), org, victim)  # another address changes nothing
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert refused.json()["retry_after"] == int(refused.headers["Retry-After"])
    assert sign_in(client, org, bystander).status_code == 200  # same address, other name


def test_failures_in_one_organisation_do_not_lock_the_same_name_in_another(
    engine: Engine, app: FastAPI, client: TestClient, org: Org
) -> None:
    other = make_org(engine)
    name = f"admin_{secrets.token_hex(3)}"
    make_user(engine, org, username=name)
    make_user(engine, other, username=name)
    for _ in range(MAX_FAILURES):
        assert sign_in(client, org, name, "guess-guess").status_code == 401
    assert sign_in(new_client(app), org, name).status_code == 429
    assert sign_in(new_client(app), other, name).status_code == 200


def test_concurrent_wrong_passwords_check_no_more_than_the_limit(
    engine: Engine, app: FastAPI, org: Org
) -> None:
    """40 guesses at once from 40 addresses: 5 passwords are checked (401), the rest refused (429)."""
    victim = make_user(engine, org)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda _: sign_in(new_client(app), org, victim, "guess-guess").status_code,
                                 range(40)))
    assert sorted(statuses) == [401] * MAX_FAILURES + [429] * (40 - MAX_FAILURES)


def test_naming_the_organisation_does_not_add_to_the_budget(
    engine: Engine, app: FastAPI, client: TestClient, org: Org
) -> None:
    """The account counts, not how the login names it: with and without ``org`` share one budget."""
    victim = make_user(engine, org)
    for _ in range(MAX_FAILURES):
        assert sign_in(new_client(app), None, victim, "guess-guess").status_code == 401
    assert sign_in(new_client(app), org, victim, "guess-guess").status_code == 429
    assert sign_in(new_client(app), org, victim).status_code == 429


def test_throttle_is_per_client_too(engine: Engine, client: TestClient, org: Org) -> None:
    """A guesser spreading over many names is stopped, later than one name would be."""
    for i in range(MAX_FAILURES * auth.CLIENT_FAILURE_FACTOR):
        assert sign_in(client, org, f"ghost_{i}_{secrets.token_hex(3)}").status_code == 401
    assert sign_in(client, org, make_user(engine, org)).status_code == 429


def test_throttle_lifts_after_the_window(
    engine: Engine, client: TestClient, org: Org, clock: ManualClock, settings: Settings
) -> None:
    username = make_user(engine, org)
    for _ in range(MAX_FAILURES):
        sign_in(client, org, username, "guess-guess")
    wait = int(sign_in(client, org, username).headers["Retry-After"])
    clock.advance(timedelta(seconds=wait - 2))
    assert sign_in(client, org, username).status_code == 429
    clock.advance(timedelta(seconds=2))
    assert sign_in(client, org, username).status_code == 200


def test_session_reaches_me(engine: Engine, client: TestClient, org: Org) -> None:
    username = make_user(engine, org)
    signed_in(client, org, username)
    me = client.get("/api/v1/auth/me").json()
    assert me["user"]["username"] == username
    assert me["org"]["key"] == org.key
    assert me["dept"] is None and me["is_org_admin"] is False and me["via"] == "session"
    assert "admin" not in me["scopes"] and "records:write" in me["scopes"]
    assert client.get("/probe/read").status_code == 200


def test_unsafe_session_requests_need_the_csrf_header(engine: Engine, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    missing = client.post("/probe/write")
    token = csrf["X-CSRF-Token"]
    # another first character (a token may well start with "x": then "x" + the rest was the right token)
    wrong = client.post("/probe/write", headers={"X-CSRF-Token": ("y" if token[0] == "x" else "x") + token[1:]})
    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["detail"] == "CSRF token missing or wrong"
    assert client.post("/probe/write", headers=csrf).status_code == 200
    assert client.get("/probe/read").status_code == 200  # safe methods need none


def test_logout_ends_the_session(engine: Engine, app: FastAPI, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    stolen = client.cookies[SESSION_COOKIE]
    assert client.post("/api/v1/auth/logout").status_code == 403  # CSRF applies here too
    assert client.post("/api/v1/auth/logout", headers=csrf).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
    replay = new_client(app)
    replay.cookies.set(SESSION_COOKIE, stolen)
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_expired_session_is_refused(engine: Engine, client: TestClient, org: Org, clock: ManualClock) -> None:
    signed_in(client, org, make_user(engine, org))
    clock.advance(timedelta(days=7, seconds=-1))
    assert client.get("/api/v1/auth/me").status_code == 200
    clock.advance(timedelta(seconds=1))
    assert client.get("/api/v1/auth/me").status_code == 401


def test_session_token_and_password_are_stored_hashed(engine: Engine, client: TestClient, org: Org) -> None:
    username = make_user(engine, org)
    signed_in(client, org, username)
    token = client.cookies[SESSION_COOKIE]
    with engine.connect() as conn:
        stored = conn.execute(select(sessions).where(sessions.c.token_hash == _sha256(token))).one()
        password_hash = conn.scalar(select(users.c.password_hash).where(users.c.username == username))
    assert token not in [str(value) for value in stored]
    assert password_hash is not None and password_hash.startswith("$argon2id$")


def test_outdated_password_hash_is_upgraded_on_login(engine: Engine, client: TestClient, org: Org) -> None:
    username = make_user(engine, org)
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(password_hash=weak))
    signed_in(client, org, username)
    with engine.connect() as conn:
        upgraded = conn.scalar(select(users.c.password_hash).where(users.c.username == username))
    assert upgraded is not None and upgraded != weak and not auth.needs_rehash(upgraded)


def test_org_is_needed_only_for_an_ambiguous_username(engine: Engine, client: TestClient, org: Org) -> None:
    unique = make_user(engine, org)
    assert sign_in(client, None, unique).status_code == 200
    shared = make_user(engine, org)
    make_user(engine, make_org(engine), username=shared)
    ambiguous = sign_in(client, None, shared)
    assert ambiguous.status_code == 422
    assert ambiguous.json()["errors"] == [{"path": "/org", "message": "required"}]
    assert sign_in(client, org, shared).status_code == 200


def test_create_user_reports_every_problem(engine: Engine, org: Org) -> None:
    username = make_user(engine, org)
    with engine.begin() as conn, pytest.raises(Invalid) as bad:
        auth.create_user(conn, org_id=org.id, username="has space", password="short")
    assert [e["path"] for e in bad.value.errors] == ["/username", "/password"]
    with engine.begin() as conn, pytest.raises(Invalid) as taken:
        auth.create_user(conn, org_id=org.id, username=username, password=PASSWORD)
    assert [e["path"] for e in taken.value.errors] == ["/username"]


# --- API tokens ---------------------------------------------------------------------


def test_bearer_token_is_limited_to_its_scopes(
    engine: Engine, app: FastAPI, client: TestClient, org: Org
) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    created = mint(client, csrf, ["records:read"])
    assert created.status_code == 201 and created.json()["token"].startswith("dj_")
    script = new_client(app)
    token = created.json()["token"]
    assert script.get("/probe/read", headers=bearer(token)).status_code == 200
    denied = script.post("/probe/write", headers=bearer(token))  # no CSRF needed, but no scope either
    assert denied.status_code == 403 and "records:write" in denied.json()["detail"]
    assert script.get("/api/v1/auth/me", headers=bearer(token)).json()["scopes"] == ["records:read"]
    assert script.get("/probe/read", headers=bearer("dj_forged")).status_code == 401
    assert script.get("/probe/read", headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_bearer_requests_skip_csrf(engine: Engine, app: FastAPI, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    token = mint(client, csrf, ["records:write"]).json()["token"]
    assert new_client(app).post("/probe/write", headers=bearer(token)).status_code == 200


def test_revoked_token_is_refused(engine: Engine, app: FastAPI, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    created = mint(client, csrf, ["records:read"]).json()
    assert client.delete(f"/api/v1/auth/tokens/{created['id']}", headers=csrf).status_code == 204
    assert new_client(app).get("/probe/read", headers=bearer(created["token"])).status_code == 401
    (listed,) = client.get("/api/v1/auth/tokens").json()["tokens"]
    assert listed["revoked_at"] is not None


def test_expired_token_is_refused(
    engine: Engine, app: FastAPI, client: TestClient, org: Org, clock: ManualClock
) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    expires = (clock.now() + timedelta(hours=1)).isoformat()
    token = mint(client, csrf, ["records:read"], expires_at=expires).json()["token"]
    assert new_client(app).get("/probe/read", headers=bearer(token)).status_code == 200
    clock.advance(timedelta(hours=1))
    assert new_client(app).get("/probe/read", headers=bearer(token)).status_code == 401
    past = mint(client, csrf, ["records:read"], expires_at=expires)
    assert past.status_code == 422 and past.json()["errors"][0]["path"] == "/expires_at"


def test_tokens_belong_to_one_org(engine: Engine, app: FastAPI, client: TestClient, org: Org) -> None:
    other = make_org(engine)
    name = make_user(engine, org)
    make_user(engine, other, username=name, admin=True)
    csrf = signed_in(client, org, name)
    created = mint(client, csrf, ["records:read"]).json()
    with engine.begin() as conn:
        principal = auth.resolve_token(conn, created["token"])
    assert principal is not None and principal.org_id == org.id
    outsider = new_client(app)
    outsider_csrf = signed_in(outsider, other, name)
    assert outsider.delete(f"/api/v1/auth/tokens/{created['id']}", headers=outsider_csrf).status_code == 404
    assert outsider.get("/api/v1/auth/tokens?all=true").json()["tokens"] == []


def test_tokens_are_stored_hashed_and_never_listed(engine: Engine, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    created = mint(client, csrf, ["records:read", "apps:read"]).json()
    with engine.connect() as conn:
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == created["id"])).one()
    assert row.token_hash == _sha256(created["token"])
    assert created["token"] not in [str(value) for value in row]
    (listed,) = client.get("/api/v1/auth/tokens").json()["tokens"]
    assert "token_hash" not in listed and created["token"] not in str(listed)
    assert listed["scopes"] == ["apps:read", "records:read"] and listed["apps"] is None


def test_only_org_admins_grant_admin(engine: Engine, app: FastAPI, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    refused = mint(client, csrf, ["records:read", "admin"])
    assert refused.status_code == 403 and refused.json()["errors"][0]["path"] == "/scopes/1"
    assert client.post("/probe/admin", headers=csrf).status_code == 403  # a session is not admin either
    unknown = mint(client, csrf, ["records:nuke"])
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "/scopes/0"
    boss = new_client(app)
    boss_csrf = signed_in(boss, org, make_user(engine, org, admin=True))
    token = mint(boss, boss_csrf, ["admin"]).json()["token"]
    assert new_client(app).post("/probe/admin", headers=bearer(token)).status_code == 200
    narrow = mint(boss, boss_csrf, ["records:read"]).json()["token"]
    assert new_client(app).post("/probe/admin", headers=bearer(narrow)).status_code == 403


def test_a_token_cannot_mint_tokens(engine: Engine, app: FastAPI, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    token = mint(client, csrf, ["records:read"]).json()["token"]
    response = new_client(app).post("/api/v1/auth/tokens", json={"name": "x", "scopes": ["records:read"]},
                                    headers=bearer(token))
    assert response.status_code == 403


def test_token_apps_limit_round_trips(engine: Engine, org: Org) -> None:
    user_id, principal = _session_principal(engine, org)
    with engine.begin() as conn, pytest.raises(Invalid) as missing:
        auth.create_token(conn, principal=principal, name="x", scopes=["records:read"], app_keys=["nope"])
    assert missing.value.errors[0]["path"] == "/apps/0"
    with engine.begin() as conn:
        _, plaintext = auth.create_token(conn, principal=principal, name="x", scopes=["records:read"],
                                         app_keys=[])
        resolved = auth.resolve_token(conn, plaintext)
    assert resolved is not None and resolved.user_id == user_id and resolved.app_keys == frozenset()


def test_last_used_is_written_at_most_once_a_minute(engine: Engine, org: Org, clock: ManualClock) -> None:
    _, principal = _session_principal(engine, org)
    with engine.begin() as conn:
        token_id, plaintext = auth.create_token(conn, principal=principal, name="x", scopes=["apps:read"],
                                                app_keys=None)
    first = clock.now()
    for step in (0, 30, 29):
        clock.advance(timedelta(seconds=step))
        with engine.begin() as conn:
            assert auth.resolve_token(conn, plaintext) is not None
        assert _last_used(engine, token_id) == first
    clock.advance(timedelta(seconds=1))
    with engine.begin() as conn:
        auth.resolve_token(conn, plaintext)
    assert _last_used(engine, token_id) == first + timedelta(minutes=1)


def test_a_non_admin_token_principal_cannot_revoke_others(engine: Engine, org: Org) -> None:
    _, owner = _session_principal(engine, org)
    _, stranger = _session_principal(engine, org)
    with engine.begin() as conn:
        token_id, _ = auth.create_token(conn, principal=owner, name="x", scopes=["apps:read"], app_keys=None)
    with engine.begin() as conn, pytest.raises(NotFound):
        auth.revoke_token(conn, principal=stranger, token_id=token_id)
    with engine.begin() as conn, pytest.raises(Forbidden):
        auth.list_tokens(conn, stranger, every_user=True)


def test_logins_and_token_changes_are_audited(engine: Engine, client: TestClient, org: Org) -> None:
    csrf = signed_in(client, org, make_user(engine, org))
    created = mint(client, csrf, ["records:read"]).json()
    client.delete(f"/api/v1/auth/tokens/{created['id']}", headers=csrf)
    client.post("/api/v1/auth/logout", headers=csrf)
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.entity, audit_log.c.action, audit_log.c.changes)
            .where(audit_log.c.org_id == org.id).order_by(audit_log.c.id)
        ).all()
    assert [(r.entity, r.action) for r in rows] == [
        ("session", "login"), ("token", "create"), ("token", "revoke"), ("session", "revoke"),
    ]
    assert created["token"] not in str([r.changes for r in rows])


# --- helpers that read the database ----------------------------------------------------


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _session_principal(engine: Engine, org: Org) -> tuple[int, Principal]:
    with engine.begin() as conn:
        user_id = auth.create_user(conn, org_id=org.id, username=f"u_{secrets.token_hex(5)}",
                                   password=PASSWORD)
    return user_id, Principal(user_id=user_id, org_id=org.id, dept_id=None, is_org_admin=False, via="session")


def _last_used(engine: Engine, token_id: int) -> datetime | None:
    with engine.connect() as conn:
        query = select(api_tokens.c.last_used_at).where(api_tokens.c.id == token_id)
        value: datetime | None = conn.scalar(query)
    return value
