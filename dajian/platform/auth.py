"""Who may sign in, and how they prove it on later requests.

Passwords are argon2 hashes. Browser sessions and API tokens are random
secrets of which only the sha256 is stored, so a copy of the database cannot
be replayed as a login. Login throttling counts rows in ``login_attempts``
rather than anything in memory, so every API process sees the same failures
(DESIGN §8). Every function takes the caller's ``Connection`` and writes its
audit entry in that same transaction (DESIGN §6).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Connection, Row, Select, Table, bindparam, insert, or_, select, update
from sqlalchemy.exc import OperationalError

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.config import Settings, get_settings
from dajian.platform.db import is_sqlite
from dajian.platform.errors import Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized, error
from dajian.platform.models import (
    api_tokens,
    apps,
    departments,
    login_attempts,
    memberships,
    organisations,
    roles,
    sessions,
    users,
)
from dajian.platform.principal import SCOPES, AppAccess, Principal
from dajian.platform.throttle import serialise

TOKEN_PREFIX = "dj_"
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 accepts more, but nobody types it and it costs CPU
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,150}$")
ORG_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LAST_USED_RESOLUTION = timedelta(minutes=1)
# One address may be a whole office behind NAT, or every user behind a proxy
# that does not forward client addresses: it gets more failures than one name.
CLIENT_FAILURE_FACTOR = 4
_APP_SCOPE = "app:"  # see _pack_scopes

# DAJIAN_PASSWORD_HASH=cheapest selects argon2's cheapest profile: for test suites only,
# where hundreds of users are created; production keeps the library's defaults.
_hasher = (
    PasswordHasher.from_parameters(profiles.CHEAPEST)
    if os.environ.get("DAJIAN_PASSWORD_HASH") == "cheapest"
    else PasswordHasher()
)
_PUBLIC_USER = (
    users.c.id,
    users.c.org_id,
    users.c.username,
    users.c.display_name,
    users.c.email,
    users.c.dept_id,
    users.c.is_org_admin,
    users.c.locale,
)
_PRINCIPAL_COLUMNS = (users.c.id.label("user_id"), users.c.org_id, users.c.dept_id, users.c.is_org_admin)


UserRow = Row[*tuple[Any, ...]]


class LoginResult(NamedTuple):
    session_token: str
    csrf_token: str
    user: dict[str, Any]


# --- passwords -------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """False for a wrong password *and* for a corrupt hash: either way, no login."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


def password_errors(password: str) -> list[dict[str, Any]]:
    if len(password) < MIN_PASSWORD:
        return [error("/password", f"must be at least {MIN_PASSWORD} characters")]
    if len(password) > MAX_PASSWORD:
        return [error("/password", f"must be at most {MAX_PASSWORD} characters")]
    return []


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


# --- organisations and users -----------------------------------------------


def create_organisation(conn: Connection, *, key: str, name: str) -> int:
    errors = [] if ORG_KEY_RE.match(key) else [error("/key", "must match ^[a-z][a-z0-9_-]{0,62}$")]
    if not errors and conn.scalar(select(organisations.c.id).where(organisations.c.key == key)):
        errors.append(error("/key", f"organisation '{key}' already exists"))
    if not name.strip():
        errors.append(error("/name", "must not be empty"))
    if errors:
        raise Invalid("organisation is not valid", errors=errors)
    values = {"key": key, "name": name, "settings": {}, "created_at": utcnow()}
    return _insert(conn, organisations, values)


def create_user(
    conn: Connection,
    *,
    org_id: int,
    username: str,
    password: str,
    display_name: str | None = None,
    email: str | None = None,
    dept_id: int | None = None,
    is_org_admin: bool = False,
    password_hash: str | None = None,
) -> int:
    """Every problem is reported at once, so a sign-up form can mark all fields. ``password_hash``:
    ``hash_password(password)`` made once for users who share a password (argon2 takes ~0.3 s)."""
    errors = [
        *_username_errors(conn, org_id=org_id, username=username),
        *password_errors(password),
        *_dept_errors(conn, org_id=org_id, dept_id=dept_id),
    ]
    if errors:
        raise Invalid("user is not valid", errors=errors)
    values = {
        "org_id": org_id,
        "username": username,
        "display_name": display_name or username,
        "email": email,
        "password_hash": password_hash or hash_password(password),
        "dept_id": dept_id,
        "is_org_admin": is_org_admin,
        "is_active": True,
        "created_at": utcnow(),
    }
    return _insert(conn, users, values)


def _username_errors(conn: Connection, *, org_id: int, username: str) -> list[dict[str, Any]]:
    if not USERNAME_RE.match(username):
        return [error("/username", "use 1–150 letters, digits or _ . @ -")]
    taken = select(users.c.id).where(users.c.org_id == org_id, users.c.username == username)
    return [error("/username", f"'{username}' is taken")] if conn.scalar(taken) else []


def _dept_errors(conn: Connection, *, org_id: int, dept_id: int | None) -> list[dict[str, Any]]:
    if dept_id is None:
        return []
    found = select(departments.c.id).where(departments.c.id == dept_id, departments.c.org_id == org_id)
    return [] if conn.scalar(found) else [error("/dept_id", "no such department")]


# --- login and sessions ----------------------------------------------------


class LoginAttempt(NamedTuple):
    """A counted attempt whose password is not checked yet (``begin_login``)."""

    id: int
    user: UserRow | None
    client: str
    at: datetime


def begin_login(
    conn: Connection,
    *,
    org_key: str | None,
    username: str,
    client: str,
    settings: Settings | None = None,
) -> LoginAttempt:
    """Count the attempt, as a failure until ``finish_login`` says otherwise, or raise 429.

    Counting and checking the count happen under a lock on the account and on the client (``throttle``), so
    concurrent guesses are counted one after another: 40 at once check no more passwords than 40
    in a row. The caller commits before ``finish_login``, so the lock is not held while argon2 runs.
    The account is the user the name resolves to, however it was spelled (with or without the org).
    """
    settings = settings or get_settings()
    now = utcnow()
    username, client = username[:150], client[:100]
    user = _login_candidate(conn, org_key=org_key, username=username)
    account = f"#{user.id}" if user is not None else f"{org_key or ''}/{username}"[:150]
    serialise(conn, f"login-account:{account}", f"login-client:{client}")
    _check_throttle(conn, username=account, client=client, settings=settings, now=now)
    attempt_id = _insert(conn, login_attempts, {"username": account, "client": client, "succeeded": False, "at": now})
    return LoginAttempt(attempt_id, user, client, now)


def finish_login(
    conn: Connection, attempt: LoginAttempt, *, password: str, settings: Settings | None = None
) -> LoginResult:
    """Check the password and open a session; a wrong one raises ``Unauthorized`` (already counted)."""
    settings = settings or get_settings()
    user = _authenticate(conn, user=attempt.user, password=password)
    if user is None:
        raise Unauthorized("invalid username or password")
    conn.execute(update(login_attempts).where(login_attempts.c.id == attempt.id).values(succeeded=True))
    expires_at = attempt.at + timedelta(days=settings.session_days)
    return _open_session(conn, user=user, client=attempt.client, expires_at=expires_at)


def logout(conn: Connection, token: str) -> bool:
    """End the session; False if there was none (already ended or never existed)."""
    query = (
        select(sessions.c.id, users.c.id.label("user_id"), users.c.org_id)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == _digest(token))
    )
    row = conn.execute(query).first()
    if row is None:
        return False
    conn.execute(sessions.delete().where(sessions.c.id == row.id))
    write_audit(conn, org_id=row.org_id, actor_id=row.user_id, entity="session", action="revoke", changes={},
                record_id=row.id)
    return True


def _with_app(query: Select[Any]) -> Select[Any]:
    """``query`` plus the app ``:app_key`` of the user's organisation and the user's live role keys in it
    (as ``apps.load_runtime_and_roles`` reads them): one row per role, one with NULLs when there is none.
    Every join goes through a unique index: the app by (org, key), its few roles by app, each membership
    by (user, role)."""
    holds_role = select(memberships.c.id).where(
        memberships.c.role_id == roles.c.id, memberships.c.user_id == users.c.id).exists()
    return (
        query.add_columns(apps.c.id.label("app_id"), apps.c.current_version_id, roles.c.key.label("role_key"))
        .outerjoin(apps, (apps.c.org_id == users.c.org_id) & (apps.c.key == bindparam("app_key")))
        .outerjoin(roles, (roles.c.app_id == apps.c.id) & ~roles.c.archived & holds_role)
    )


_SESSION_QUERY = (  # built once: this runs on every browser request
    select(sessions.c.csrf_token, *_PRINCIPAL_COLUMNS)
    .join(users, users.c.id == sessions.c.user_id)
    .where(sessions.c.token_hash == bindparam("digest"),
           sessions.c.expires_at > bindparam("now", type_=UtcDateTime()), users.c.is_active)
)
_SESSION_WITH_APP = _with_app(_SESSION_QUERY)


def resolve_session(conn: Connection, token: str, *, app_key: str | None = None) -> Principal | None:
    """``app_key``: also read that app and the user's roles in it (``Principal.app``), in the same statement."""
    query = _SESSION_QUERY if app_key is None else _SESSION_WITH_APP
    rows = _credential_rows(conn, query, {"digest": _digest(token), "now": utcnow()}, app_key)
    if not rows:
        return None
    row = rows[0]
    return Principal(
        user_id=row.user_id,
        org_id=row.org_id,
        dept_id=row.dept_id,
        is_org_admin=row.is_org_admin,
        via="session",
        csrf_token=row.csrf_token,
        app=_app_access(app_key, rows),
    )


def _check_throttle(
    conn: Connection, *, username: str, client: str, settings: Settings, now: datetime
) -> None:
    """Refuse before looking at the password, so a locked account leaks nothing."""
    limit = settings.login_max_failures
    window = timedelta(seconds=settings.login_window_seconds)
    wait = max(
        _lockout_seconds(conn, login_attempts.c.username == username, limit=limit, window=window, now=now),
        _lockout_seconds(conn, login_attempts.c.client == client, limit=limit * CLIENT_FAILURE_FACTOR,
                         window=window, now=now),
    )
    if wait:
        raise TooManyRequests("too many failed logins; try again later", retry_after=wait)


def _lockout_seconds(
    conn: Connection, who: ColumnElement[bool], *, limit: int, window: timedelta, now: datetime
) -> int:
    """Seconds until fewer than ``limit`` failures remain in the window.

    That moment is when the N-th most recent failure leaves the window, so one
    indexed query answers both "locked?" and "until when?".
    """
    if limit < 1:
        return 0
    nth_latest: datetime | None = conn.scalar(
        select(login_attempts.c.at)
        .where(who, ~login_attempts.c.succeeded, login_attempts.c.at > now - window)
        .order_by(login_attempts.c.at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    if nth_latest is None:
        return 0
    return max(1, math.ceil((nth_latest + window - now).total_seconds()))


def _authenticate(conn: Connection, *, user: UserRow | None, password: str) -> UserRow | None:
    """The user if the password is right; unknown users cost the same time as known ones."""
    if user is None or user.password_hash is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        conn.execute(update(users).where(users.c.id == user.id).values(password_hash=hash_password(password)))
    return user


def _login_candidate(conn: Connection, *, org_key: str | None, username: str) -> UserRow | None:
    """The one active user this login names; without ``org_key`` the name must be unique."""
    query = (
        select(*_PUBLIC_USER, users.c.password_hash)
        .join(organisations, organisations.c.id == users.c.org_id)
        .where(users.c.username == username, users.c.is_active)
        .limit(2)
    )
    if org_key is not None:
        query = query.where(organisations.c.key == org_key)
    rows = conn.execute(query).all()
    if len(rows) > 1:
        raise Invalid("this username exists in several organisations", errors=[error("/org", "required")])
    return rows[0] if rows else None


def open_session_for(conn: Connection, *, user_id: int, client: str, expires_at: datetime) -> LoginResult:
    """A session for an active user without a password: for a sandbox's administrator, whom the reviewer who
    made the sandbox signs in as (the caller checked that). Audited as a login."""
    user = conn.execute(select(*_PUBLIC_USER).where(users.c.id == user_id, users.c.is_active)).first()
    if user is None:
        raise NotFound(f"no active user {user_id}")
    return _open_session(conn, user=user, client=client, expires_at=expires_at)


def _open_session(conn: Connection, *, user: UserRow, client: str, expires_at: datetime) -> LoginResult:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    values = {
        "user_id": user.id,
        "token_hash": _digest(token),
        "csrf_token": csrf,
        "expires_at": expires_at,
        "created_at": utcnow(),
    }
    session_id = _insert(conn, sessions, values)
    changes = {"client": client, "expires_at": expires_at}
    write_audit(conn, org_id=user.org_id, actor_id=user.id, entity="session", action="login", changes=changes,
                record_id=session_id)
    public = {key: value for key, value in user._mapping.items() if key != "password_hash"}
    return LoginResult(token, csrf, public)


# --- API tokens --------------------------------------------------------------


def permits(principal: Principal, scope: str) -> bool:
    """``admin`` needs an org admin behind it, since a session carries every scope."""
    return principal.has_scope(scope) and (scope != "admin" or principal.is_org_admin)


def create_token(
    conn: Connection,
    *,
    principal: Principal,
    name: str,
    scopes: list[str],
    app_keys: list[str] | None,
    expires_at: datetime | None = None,
) -> tuple[int, str]:
    """Mint a token; the plaintext is returned once and never stored."""
    if principal.via == "token":
        raise Forbidden("API tokens can only be created from a signed-in session", reason="token_needs_session")
    expires_at = expires_at and (expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC))
    _check_token_request(conn, principal=principal, scopes=scopes, app_keys=app_keys, expires_at=expires_at)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    values = {
        "org_id": principal.org_id,
        "user_id": principal.user_id,
        "name": name,
        "token_hash": _digest(plaintext),
        "scopes": _pack_scopes(scopes, app_keys),
        "expires_at": expires_at,
        "created_at": utcnow(),
    }
    token_id = _insert(conn, api_tokens, values)
    changes = {"name": name, "scopes": sorted(set(scopes)), "apps": app_keys, "expires_at": expires_at}
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="token", action="create",
                changes=changes, record_id=token_id)
    return token_id, plaintext


def revoke_token(conn: Connection, *, principal: Principal, token_id: int) -> None:
    """Own tokens, or any in the org for an admin; others look absent (no probing)."""
    row = conn.execute(
        select(api_tokens.c.user_id, api_tokens.c.revoked_at)
        .where(api_tokens.c.id == token_id, api_tokens.c.org_id == principal.org_id)
    ).first()
    if row is None or (row.user_id != principal.user_id and not permits(principal, "admin")):
        raise NotFound("no such token")
    if row.revoked_at is not None:
        return
    conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=utcnow()))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="token", action="revoke",
                changes={}, record_id=token_id)


def list_tokens(conn: Connection, principal: Principal, *, every_user: bool = False) -> list[dict[str, Any]]:
    """The principal's tokens (every user's for an admin who asks), never their hashes."""
    if every_user and not permits(principal, "admin"):
        raise Forbidden("only organisation admins may list every user's tokens", reason="admins_only")
    query = select(
        api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.name, api_tokens.c.scopes,
        api_tokens.c.created_at, api_tokens.c.expires_at, api_tokens.c.revoked_at, api_tokens.c.last_used_at,
    ).where(api_tokens.c.org_id == principal.org_id).order_by(api_tokens.c.id)
    if not every_user:
        query = query.where(api_tokens.c.user_id == principal.user_id)
    return [_token_view(row._asdict()) for row in conn.execute(query)]


_TOKEN_QUERY = (  # built once: this runs on every API-token request
    select(api_tokens.c.id, api_tokens.c.scopes, api_tokens.c.last_used_at, *_PRINCIPAL_COLUMNS)
    .join(users, (users.c.id == api_tokens.c.user_id) & (users.c.org_id == api_tokens.c.org_id))
    .where(api_tokens.c.token_hash == bindparam("digest"), api_tokens.c.revoked_at.is_(None))
    .where(users.c.is_active,
           or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > bindparam("now", type_=UtcDateTime())))
)
_TOKEN_WITH_APP = _with_app(_TOKEN_QUERY)


def resolve_token(conn: Connection, token: str, *, app_key: str | None = None) -> Principal | None:
    """``app_key``: also read that app and the user's roles in it (``Principal.app``), in the same statement."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = utcnow()
    query = _TOKEN_QUERY if app_key is None else _TOKEN_WITH_APP
    rows = _credential_rows(conn, query, {"digest": _digest(token), "now": now}, app_key)
    if not rows:
        return None
    row = rows[0]
    _touch_token(conn, token_id=row.id, last_used_at=row.last_used_at, now=now)
    scopes, app_keys = _unpack_scopes(row.scopes)
    return Principal(
        user_id=row.user_id,
        org_id=row.org_id,
        dept_id=row.dept_id,
        is_org_admin=row.is_org_admin,
        via="token",
        scopes=scopes if row.is_org_admin else scopes - {"admin"},  # the user may have lost admin since
        app_keys=app_keys,
        app=_app_access(app_key, rows),
    )


def _credential_rows(conn: Connection, query: Select[Any], params: dict[str, Any],
                     app_key: str | None) -> Sequence[Row[Any]]:
    return conn.execute(query, params if app_key is None else {**params, "app_key": app_key}).all()


def _app_access(app_key: str | None, rows: Sequence[Row[Any]]) -> AppAccess | None:
    if app_key is None:
        return None
    first = rows[0]
    return AppAccess(key=app_key, app_id=first.app_id, current_version_id=first.current_version_id,
                     role_keys=tuple(r.role_key for r in rows if r.role_key is not None))


def _check_token_request(
    conn: Connection,
    *,
    principal: Principal,
    scopes: list[str],
    app_keys: list[str] | None,
    expires_at: datetime | None,
) -> None:
    """Unknown names are ``Invalid``; known scopes beyond the creator's are ``Forbidden``."""
    errors = [error(f"/scopes/{i}", f"unknown scope '{s}'") for i, s in enumerate(scopes) if s not in SCOPES]
    if not scopes:
        errors.append(error("/scopes", "name at least one scope"))
    errors += _app_key_errors(conn, org_id=principal.org_id, app_keys=app_keys)
    if expires_at is not None and expires_at <= utcnow():
        errors.append(error("/expires_at", "must be in the future"))
    if errors:
        raise Invalid("token request is not valid", errors=errors)
    beyond = [error(f"/scopes/{i}", f"you cannot grant '{s}'") for i, s in enumerate(scopes)
              if not permits(principal, s)]
    if beyond:
        raise Forbidden("a token cannot carry more than its creator", reason="token_beyond_creator", errors=beyond)


def _app_key_errors(conn: Connection, *, org_id: int, app_keys: list[str] | None) -> list[dict[str, Any]]:
    if app_keys is None:
        return []
    query = select(apps.c.key).where(apps.c.org_id == org_id, apps.c.key.in_(app_keys))
    known = set(conn.scalars(query))
    return [error(f"/apps/{i}", f"no app '{key}'") for i, key in enumerate(app_keys) if key not in known]


def _touch_token(conn: Connection, *, token_id: int, last_used_at: datetime | None, now: datetime) -> None:
    """At most one write per token per minute, and never a wait for it.

    Many requests with one token arrive together: none may queue behind another's row lock (they would
    fill the thread pool while the holder waits for a thread to commit in). PostgreSQL skips a locked
    row; SQLite gives up at once if another connection is writing. A skipped touch is made by the next
    request: ``last_used_at`` is only accurate to a minute anyway.
    """
    stale = now - LAST_USED_RESOLUTION
    if last_used_at is not None and last_used_at > stale:
        return
    still_stale = (api_tokens.c.id == token_id) & or_(
        api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at <= stale)
    if not is_sqlite(conn):
        free = select(api_tokens.c.id).where(still_stale).with_for_update(skip_locked=True).scalar_subquery()
        conn.execute(update(api_tokens).where(api_tokens.c.id == free).values(last_used_at=now))
        return
    waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    conn.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        conn.execute(update(api_tokens).where(still_stale).values(last_used_at=now))
    except OperationalError:  # another connection holds the write lock: skip, do not wait
        pass
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(waited or 0)}")


def _pack_scopes(scopes: list[str], app_keys: list[str] | None) -> list[str]:
    """Stored form of scopes plus app limits: ``["records:read", "app:crm"]``.

    ``api_tokens`` has no column for app limits yet, so they ride in ``scopes``
    as ``app:<key>`` entries; these two functions are the only ones that know.
    """
    limits = [] if app_keys is None else [_APP_SCOPE, *(_APP_SCOPE + key for key in sorted(set(app_keys)))]
    return sorted(set(scopes)) + limits  # a bare "app:" marks "limited", even to no app at all


def _unpack_scopes(stored: list[str]) -> tuple[frozenset[str], frozenset[str] | None]:
    scopes = frozenset(s for s in stored if not s.startswith(_APP_SCOPE))
    if _APP_SCOPE not in stored:
        return scopes, None
    limits = (s.removeprefix(_APP_SCOPE) for s in stored if s.startswith(_APP_SCOPE))
    return scopes, frozenset(key for key in limits if key)


def _token_view(row: dict[str, Any]) -> dict[str, Any]:
    scopes, app_keys = _unpack_scopes(row.pop("scopes"))
    return {**row, "scopes": sorted(scopes), "apps": None if app_keys is None else sorted(app_keys)}


# --- who am I ----------------------------------------------------------------


def whoami(conn: Connection, principal: Principal) -> dict[str, Any]:
    """What the UI needs to greet the user and hide what they cannot do."""
    user = conn.execute(select(*_PUBLIC_USER).where(users.c.id == principal.user_id)).one()._asdict()
    org = conn.execute(
        select(organisations.c.id, organisations.c.key, organisations.c.name)
        .where(organisations.c.id == principal.org_id)
    ).one()._asdict()
    dept = conn.execute(
        select(departments.c.id, departments.c.key, departments.c.name)
        .where(departments.c.id == principal.dept_id)
    ).first()
    return {
        "user": user,
        "org": org,
        "dept": dept._asdict() if dept else None,
        "is_org_admin": principal.is_org_admin,
        "scopes": sorted(s for s in SCOPES if permits(principal, s)),
        "apps": None if principal.app_keys is None else sorted(principal.app_keys),
        "via": principal.via,
    }


# --- my profile ----------------------------------------------------------------

LOCALES = ("zh-CN", "en")  # the languages of the web UI and of bilingual labels


def update_me(
    conn: Connection, principal: Principal, *, locale: str | None = None, display_name: str | None = None
) -> None:
    """The caller's own preferences: the UI's language (remembered across sign-ins) and their name."""
    changes: dict[str, Any] = {}
    if locale is not None:
        if locale not in LOCALES:
            raise Invalid("profile is not valid", errors=[error("/locale", f"must be one of {', '.join(LOCALES)}")])
        changes["locale"] = locale
    if display_name is not None:
        if not display_name.strip():
            raise Invalid("profile is not valid", errors=[error("/display_name", "must not be blank")])
        changes["display_name"] = display_name.strip()
    if not changes:
        return
    conn.execute(update(users).where(users.c.id == principal.user_id).values(**changes))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="user", action="update",
                changes=changes, record_id=principal.user_id)


def begin_password_change(
    conn: Connection, principal: Principal, *, client: str, settings: Settings | None = None
) -> LoginAttempt:
    """Count the check of the current password like a login attempt, so a stolen session cannot be
    used to guess it faster than the login form allows (and a locked account stays locked)."""
    settings = settings or get_settings()
    now = utcnow()
    account, client = f"#{principal.user_id}", client[:100]
    serialise(conn, f"login-account:{account}", f"login-client:{client}")
    _check_throttle(conn, username=account, client=client, settings=settings, now=now)
    attempt_id = _insert(conn, login_attempts, {"username": account, "client": client, "succeeded": False, "at": now})
    user = conn.execute(select(*_PUBLIC_USER, users.c.password_hash).where(users.c.id == principal.user_id)).one()
    return LoginAttempt(attempt_id, user, client, now)


def finish_password_change(
    conn: Connection, attempt: LoginAttempt, principal: Principal, *, current_password: str, new_password: str,
    keep_session: str | None,
) -> int:
    """Set the new password and end every other session of the user; returns how many were ended.

    A wrong current password raises 422 on ``/current_password`` (the attempt stays counted)."""
    if _authenticate(conn, user=attempt.user, password=current_password) is None:
        raise Invalid("the current password is wrong", errors=[error("/current_password", "wrong password")])
    conn.execute(update(login_attempts).where(login_attempts.c.id == attempt.id).values(succeeded=True))
    problems = [error("/new_password", e["message"]) for e in password_errors(new_password)]
    if new_password == current_password:
        problems.append(error("/new_password", "must differ from the current password"))
    if problems:
        raise Invalid("the new password is not valid", errors=problems)
    conn.execute(update(users).where(users.c.id == principal.user_id)
                 .values(password_hash=hash_password(new_password)))
    others = sessions.delete().where(sessions.c.user_id == principal.user_id)
    if keep_session is not None:
        others = others.where(sessions.c.token_hash != _digest(keep_session))
    ended = conn.execute(others).rowcount
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="user", action="password",
                changes={"sessions_ended": ended}, record_id=principal.user_id)
    return ended


def change_account(
    conn: Connection, principal: Principal, user_id: int, *, is_active: bool | None, password: str | None
) -> int:
    """An administrator disables / enables a user or resets their password; returns the sessions ended.

    Either change ends the user's sessions, so a disabled user or a leaked password stops working now."""
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may do this", reason="admins_only")
    found = conn.execute(select(users.c.id).where(users.c.id == user_id, users.c.org_id == principal.org_id)).first()
    if found is None:
        raise NotFound(f"user {user_id} not found")
    problems = [] if password is None else [error("/password", e["message"]) for e in password_errors(password)]
    if is_active is False and user_id == principal.user_id:
        problems.append(error("/is_active", "you cannot disable yourself"))
    if is_active is None and password is None:
        problems.append(error("", "name is_active or password"))
    if problems:
        raise Invalid("account change is not valid", errors=problems)
    values: dict[str, Any] = {}
    if is_active is not None:
        values["is_active"] = is_active
    if password is not None:
        values["password_hash"] = hash_password(password)
    conn.execute(update(users).where(users.c.id == user_id).values(**values))
    ended = conn.execute(sessions.delete().where(sessions.c.user_id == user_id)).rowcount
    action = "reset_password" if password is not None else ("enable" if is_active else "disable")
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="user", action=action,
                changes={"is_active": is_active, "sessions_ended": ended}, record_id=user_id)
    return int(ended)


# --- shared ------------------------------------------------------------------


def _digest(secret: str) -> str:
    """sha256, not argon2: the secrets are 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _insert(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    key = conn.execute(insert(table).values(values)).inserted_primary_key
    assert key is not None
    return int(key[0])
