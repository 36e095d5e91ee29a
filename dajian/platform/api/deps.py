"""Request-scoped helpers shared by every router, and the request's transaction.

Each user action is one transaction. An endpoint asks for it by a parameter: ``conn: Conn`` (read and
write, committed when the endpoint returns), ``conn: ReadConn`` (only reads: a READ ONLY transaction
on PostgreSQL, no write lock on SQLite, never committed) or ``conn: RehearsalConn`` (dry runs: the
real work, rolled back). Any error rolls everything back, so nothing is half-written.

Why a route class and not a ``yield`` dependency: FastAPI runs a sync dependency, its exit code and
the endpoint as separate thread-pool jobs, and a connection held from one job to the next waits for a
thread while holding a pooled connection — under a crowd every connection is held by a request that
has no thread, and every API process deadlocks (tests/platform/test_token_load.py). So the
dependency only hands over a ``Pending`` marker (on the event loop, no database), and
``TransactionalRoute`` runs the endpoint inside its transaction in the endpoint's own thread-pool job:
check out, work, commit, return the connection, then the response is sent. A failed commit (a unique
violation of a deferred constraint, a serialization failure) answers with the error body instead of a
success for data that was not stored.

Authentication reads in a short transaction of its own just before (``api.auth``). Routes that need
several transactions or none (uploads, sign-in) use ``transaction`` explicitly.

The request's connection leaves the pool without the liveness ping (a round trip per request): if the
server closed it, the transaction fails before its commit, the server has stored nothing of it, and the
endpoint runs once more on a pinged connection (``ConnectionLost``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import Annotated, Any, NamedTuple

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.concurrency import run_in_threadpool

from dajian.platform import db
from dajian.platform.config import Settings
from dajian.platform.errors import Conflict, Unavailable

# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available; retrying may well succeed
_RETRYABLE_PG = frozenset({"40001", "40P01", "55P03"})


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class Pending(NamedTuple):
    """What an endpoint's ``Conn`` parameter holds until ``TransactionalRoute`` opens the transaction."""

    engine: Engine
    read_only: bool
    commit: bool


async def _writes(request: Request) -> Pending:
    return Pending(get_engine(request), read_only=False, commit=True)


async def _reads(request: Request) -> Pending:
    return Pending(get_engine(request), read_only=True, commit=False)


async def _rehearses(request: Request) -> Pending:
    return Pending(get_engine(request), read_only=False, commit=False)


# The annotation says what the endpoint receives; the dependency's marker is swapped for it by the route
Conn = Annotated[Connection, Depends(_writes)]
ReadConn = Annotated[Connection, Depends(_reads)]
RehearsalConn = Annotated[Connection, Depends(_rehearses)]


# Authentication deferred into the endpoint's own thread-pool job (see ``access.enforce``): a sync check
# that signs the caller in and applies the route's access rule, set by ``enforce`` for the request's task
# and run by ``in_transaction`` before the endpoint (``run_in_threadpool`` copies the context). The
# endpoint's principal parameter holds ``DEFERRED_PRINCIPAL`` until then.
_DEFERRED_CHECK: ContextVar[Callable[[], Any] | None] = ContextVar("dajian_deferred_check", default=None)


class _DeferredPrincipal:
    def __repr__(self) -> str:
        return "<principal: resolved in the endpoint's thread>"


DEFERRED_PRINCIPAL: Any = _DeferredPrincipal()


def defer_check(check: Callable[[], Any]) -> None:
    _DEFERRED_CHECK.set(check)


def deferred_check() -> Callable[[], Any] | None:
    return _DEFERRED_CHECK.get()


def _run_deferred_check(kwargs: dict[str, Any]) -> dict[str, Any]:
    check = _DEFERRED_CHECK.get()
    if check is None:
        return kwargs
    _DEFERRED_CHECK.set(None)
    principal = check()
    return {k: principal if v is DEFERRED_PRINCIPAL else v for k, v in kwargs.items()}


class ConnectionLost(Exception):
    """The connection of an unpinged transaction died before its commit: nothing was stored, run it again."""


@contextmanager
def open_transaction(engine: Engine, *, read_only: bool = False, commit: bool = True,
                     pinged: bool = True) -> Iterator[Connection]:
    """A connection in a transaction: committed at the end (``commit``) or rolled back; any error rolls back.

    Writers take SQLite's write lock up front (waiting for it) rather than failing later when a read
    transaction tries to become a write transaction. ``pinged=False``: no liveness round trip at checkout;
    a connection found dead before the commit raises ``ConnectionLost`` (the server ended the transaction,
    so nothing of it was stored) and the caller runs the work again."""
    with nullcontext() if pinged else db.unpinged():
        checked_out = engine.connect()
    with checked_out as conn:
        if read_only:
            if conn.dialect.name == "postgresql":
                conn.execution_options(postgresql_readonly=True)
        else:
            conn.execution_options(sqlite_begin="IMMEDIATE")
        with _stored_or_refused():
            conn.begin()
            try:
                yield conn
            except DBAPIError as exc:
                conn.rollback()
                if exc.connection_invalidated and not pinged:
                    raise ConnectionLost() from exc
                raise
            except BaseException:
                conn.rollback()
                raise
            if not commit:
                conn.rollback()
                return
            try:
                conn.commit()
            except BaseException:
                # SQLite keeps the transaction open when COMMIT fails (a deferred key), while SQLAlchemy
                # already counts it as ended and the pool would skip its reset: end it on the driver
                conn.connection.rollback()
                raise


def transaction(request: Request, *, read_only: bool = False) -> AbstractContextManager[Connection]:
    """For the routes that need several transactions (uploads: check, receive the body, save)."""
    return open_transaction(get_engine(request), read_only=read_only)


@contextmanager
def _stored_or_refused() -> Iterator[None]:
    """Database refusals that the request did not cause by its content become the API's error bodies."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict("the change conflicts with data stored meanwhile and was not saved") from exc
    except DBAPIError as exc:
        if not _retryable(exc):
            raise
        raise Unavailable("the database was busy with another change and nothing was saved; retry",
                          retry_after=1) from exc


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code is not None:
        return code in _RETRYABLE_PG
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text  # SQLite after busy_timeout


def in_transaction(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` run inside the transaction its ``Conn``/``ReadConn``/``RehearsalConn`` parameter asks for.

    The wrapper keeps the endpoint's signature (``functools.wraps``), which FastAPI reads for the
    parameters and the response model. It is a coroutine that runs the sync endpoint and its transaction
    as one thread-pool job: FastAPI then checks the response model on the event loop, where for a sync
    endpoint it would take one more thread-pool job (a hand-over and a queue behind every waiting request,
    under a crowd)."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint  # async routes (uploads) open their transactions themselves

    def run(*args: Any, **kwargs: Any) -> Any:
        kwargs = _run_deferred_check(kwargs)
        pending = [(name, value) for name, value in kwargs.items() if isinstance(value, Pending)]
        if not pending:
            return endpoint(*args, **kwargs)
        if len(pending) > 1:
            raise TypeError(f"{endpoint.__qualname__}: one transaction per request, not {len(pending)}")
        name, unit = pending[0]
        try:
            # no liveness ping (one round trip fewer per request): a connection the server closed fails
            # before the commit, and then the endpoint runs once more on a pinged connection
            with open_transaction(unit.engine, read_only=unit.read_only, commit=unit.commit, pinged=False) as conn:
                return endpoint(*args, **{**kwargs, name: conn})
        except ConnectionLost:
            pass
        with open_transaction(unit.engine, read_only=unit.read_only, commit=unit.commit) as conn:
            return endpoint(*args, **{**kwargs, name: conn})

    @functools.wraps(endpoint)
    async def in_thread(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(run, *args, **kwargs)

    return in_thread


class TransactionalRoute(APIRoute):
    """The route class of every router: endpoints asking for ``Conn`` get their transaction (see above),
    and sync endpoints sign the caller in within their own thread-pool job (``defers_auth``)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.defers_auth = not inspect.iscoroutinefunction(endpoint)
        super().__init__(path, in_transaction(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not self.defers_auth:
            return handler

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError:
                # the body or parameters are wrong, but who is asking is answered first, as when the
                # check ran before them: a caller who may not use the route learns nothing of its input
                check = _DEFERRED_CHECK.get()
                if check is not None:
                    _DEFERRED_CHECK.set(None)
                    await run_in_threadpool(check)
                raise

        return handle
