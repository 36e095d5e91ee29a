"""Sign-in routes, API token routes, and the dependencies every other router
uses to learn who is calling (``current_principal``, ``require_scope``).

Browsers hold an HttpOnly session cookie plus a readable CSRF cookie whose
value must come back in ``X-CSRF-Token`` on every unsafe request; scripts
send ``Authorization: Bearer dj_…`` and need no CSRF token, since a browser
never attaches that header on its own.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from dajian.platform import auth, db
from dajian.platform.api.audiences import AUTH
from dajian.platform.api.deps import (
    DEFERRED_PRINCIPAL,
    Conn,
    ReadConn,
    TransactionalRoute,
    deferred_check,
    get_engine,
    get_settings,
)
from dajian.platform.api.params import PathId
from dajian.platform.api.schemas import auth as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, errors
from dajian.platform.api.versions import V1
from dajian.platform.config import Settings
from dajian.platform.errors import BadRequest, Forbidden, Invalid, Unauthorized
from dajian.platform.principal import SCOPES, Principal

SESSION_COOKIE = "dajian_session"
CSRF_COOKIE = "dajian_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PRINCIPAL_KEY = "dajian.principal"

router = APIRouter(prefix=V1 + "/auth", tags=[AUTH], route_class=TransactionalRoute)


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=auth.MAX_PASSWORD)
    org: str | None = Field(default=None, max_length=63)


class MeBody(BaseModel):
    """What a user may change about themselves; absent keys stay as they are."""

    model_config = ConfigDict(extra="forbid")
    locale: str | None = Field(default=None, max_length=10, description="zh-CN or en: the UI's language")
    display_name: str | None = Field(default=None, min_length=1, max_length=200)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=auth.MAX_PASSWORD)
    new_password: str = Field(min_length=1, max_length=auth.MAX_PASSWORD)


class PasswordChanged(BaseModel):
    sessions_ended: int = Field(description="the user's other browser sessions, signed out by the change")


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(max_length=len(SCOPES))
    apps: list[str] | None = Field(default=None, max_length=500)
    expires_at: AwareDatetime | None = None


# --- dependencies -------------------------------------------------------------


async def current_principal(request: Request) -> Principal:
    """Bearer token first, else the session cookie; sessions must pass the CSRF check.

    Once per request: ``access.enforce`` asks first, the endpoint's dependency gets the same answer.
    A coroutine, so that second answer costs no thread-pool job; only the database read takes one."""
    known: Principal | None = request.scope.get(PRINCIPAL_KEY)
    if known is not None:
        return known
    if deferred_check() is not None:
        # signed in by the endpoint's own thread-pool job (``access.enforce``)
        return cast(Principal, DEFERRED_PRINCIPAL)
    return await run_in_threadpool(sign_in, request)


def sign_in(request: Request) -> Principal:
    """Who is calling (blocking: a database read), with the CSRF check of a session's unsafe request."""
    principal = _authenticate(request)
    if principal.via == "session" and request.method not in SAFE_METHODS:
        _check_csrf(request, principal)
    request.scope[PRINCIPAL_KEY] = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_scope(scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    """``Depends(require_scope("records:write"))``; an unknown scope fails at import, not per request."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; known: {', '.join(SCOPES)}")

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not auth.permits(principal, scope):
            raise Forbidden(f"missing scope '{scope}'",
                            reason="token_scope_missing", params={"scope": scope}, scope=scope)
        return principal

    return dependency


def _authenticate(request: Request) -> Principal:
    """On a connection of its own, in autocommit, which goes back to the pool at once.

    The dependency and the endpoint run as separate thread-pool jobs: a connection held from one to
    the other would let queued requests take every connection while the holders wait for a thread,
    and a row lock held across them (the token's ``last_used_at``) would make every request with that
    token wait for one that has no thread. The endpoint opens the request's own transaction.
    """
    header = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    token = _bearer(header) if header is not None else None
    principal = None
    if token is not None or cookie:
        engine = get_engine(request)
        app_key = request.path_params.get("app_key")  # read with the credentials: records need it next

        def resolve() -> Principal | None:
            # every statement here stands alone (a read, at most one UPDATE that a repeat leaves the same):
            # autocommit saves BEGIN and COMMIT, and a dead pooled connection is retried rather than pinged
            # first, so the common case costs the one read
            with db.unpinged(), engine.connect() as conn:
                db.autocommit(conn)
                if token:
                    return auth.resolve_token(conn, token, app_key=app_key)
                return auth.resolve_session(conn, cookie or "", app_key=app_key)

        principal = db.retry_once(resolve)
    if principal is None:
        raise Unauthorized("not signed in, or the session or token has expired")
    return principal


def _bearer(header: str) -> str:
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized("use 'Authorization: Bearer dj_…'")
    return credentials.strip()


def _check_csrf(request: Request, principal: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER, "").encode()
    expected = (principal.csrf_token or "").encode()
    if not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("CSRF token missing or wrong", reason="csrf")


# --- sessions -------------------------------------------------------------------


@router.post("/login", **answers(out.LoggedIn, 401, 413, 422, 429, e401="wrong user name or password"))
def login(body: LoginBody, request: Request, response: Response) -> dict[str, Any]:
    """429 carries ``retry_after``, which the app's error handler copies into ``Retry-After``."""
    settings = get_settings(request)
    result = _login(request, body, settings)
    _set_cookies(response, result, settings)
    return {"user": result.user, "csrf_token": result.csrf_token}


@router.post("/logout", status_code=204,
             responses=errors(*SIGNED_IN, 400, e400="signed in with a token: revoke it instead"))
def logout(request: Request, conn: Conn, principal: CurrentPrincipal) -> Response:
    if principal.via != "session":
        raise BadRequest("logout ends a browser session; revoke a token with DELETE " + V1 + "/auth/tokens/{id}")
    auth.logout(conn, request.cookies[SESSION_COOKIE])
    response = Response(status_code=204)
    secure = get_settings(request).secure_cookies
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, samesite="strict")
    return response


@router.get("/me", **answers(out.Me, *SIGNED_IN))
def me(conn: ReadConn, principal: CurrentPrincipal) -> dict[str, Any]:
    return auth.whoami(conn, principal)


@router.patch("/me", **answers(out.Me, *SIGNED_IN, 413, 422))
def update_me(body: MeBody, conn: Conn, principal: CurrentPrincipal) -> dict[str, Any]:
    """Change my language or display name; answers like ``GET /api/v1/auth/me``."""
    auth.update_me(conn, principal, locale=body.locale, display_name=body.display_name)
    return auth.whoami(conn, principal)


@router.post("/password", responses=errors(*SIGNED_IN, 400, 413, 422, 429,
                                                 e400="signed in with a token: use a browser session"))
def change_password(body: PasswordBody, request: Request, principal: CurrentPrincipal) -> PasswordChanged:
    """Needs the current password; signs out the user's other sessions, keeps this one.

    Two transactions, as at login: the check is counted (and throttled) with the login attempts first."""
    if principal.via != "session":
        raise BadRequest("a password is changed from a browser session, not with an API token")
    settings = get_settings(request)
    client = request.client.host if request.client else "unknown"
    with get_engine(request).connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        attempt = auth.begin_password_change(conn, principal, client=client, settings=settings)
        conn.commit()
        try:
            ended = auth.finish_password_change(
                conn, attempt, principal, current_password=body.current_password, new_password=body.new_password,
                keep_session=request.cookies.get(SESSION_COOKIE))
        except Invalid:
            conn.commit()  # a wrong current password stays counted; nothing else was written
            raise
        conn.commit()
    return PasswordChanged(sessions_ended=ended)


def _login(request: Request, body: LoginBody, settings: Settings) -> auth.LoginResult:
    """Two transactions: the attempt is counted and committed first, then the password is checked."""
    client = request.client.host if request.client else "unknown"
    with get_engine(request).connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        attempt = auth.begin_login(conn, org_key=body.org, username=body.username, client=client,
                                   settings=settings)
        conn.commit()
        result = auth.finish_login(conn, attempt, password=body.password, settings=settings)
        conn.commit()
    return result


def _set_cookies(response: Response, result: auth.LoginResult, settings: Settings) -> None:
    """The session cookie is invisible to scripts; the CSRF cookie is meant to be read by ours."""
    max_age = settings.session_days * 86400
    secure = settings.secure_cookies
    response.set_cookie(SESSION_COOKIE, result.session_token, max_age=max_age, path="/",
                        secure=secure, httponly=True, samesite="lax")
    response.set_cookie(CSRF_COOKIE, result.csrf_token, max_age=max_age, path="/",
                        secure=secure, httponly=False, samesite="strict")


# --- API tokens -------------------------------------------------------------------


@router.post("/tokens", status_code=201,
             **answers(out.NewToken, *SIGNED_IN, 413, 422, e403="only from a browser session, with scopes you have"))
def create_token(body: TokenBody, conn: Conn, principal: CurrentPrincipal) -> dict[str, Any]:
    """The plaintext is in this response and nowhere else, ever."""
    token_id, plaintext = auth.create_token(
        conn, principal=principal, name=body.name, scopes=body.scopes,
        app_keys=body.apps, expires_at=body.expires_at,
    )
    return {"id": token_id, "token": plaintext}


@router.get("/tokens", **answers(out.Tokens, *SIGNED_IN, 422))
def list_tokens(
    conn: ReadConn, principal: CurrentPrincipal, every_user: Annotated[bool, Query(alias="all")] = False
) -> dict[str, Any]:
    """``?all=true`` lists every user's tokens, for an org admin cleaning up."""
    return {"tokens": auth.list_tokens(conn, principal, every_user=every_user)}


@router.delete("/tokens/{token_id}", status_code=204, responses=errors(*SIGNED_IN, 404, 422))
def revoke_token(token_id: PathId, conn: Conn, principal: CurrentPrincipal) -> Response:
    auth.revoke_token(conn, principal=principal, token_id=token_id)
    return Response(status_code=204)
