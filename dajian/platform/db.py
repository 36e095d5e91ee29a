"""Database engines for SQLite (embedded) and PostgreSQL (production).

SQLite is driven in autocommit mode by the driver and given explicit ``BEGIN``
statements by SQLAlchemy events, so DDL is transactional (a failed form
migration rolls back) and job claims can use ``BEGIN IMMEDIATE``.

PostgreSQL connections are pinged as they leave the pool (``SELECT 1``), so one
that the server or a firewall closed is replaced before a request uses it,
except inside ``unpinged()``: for work that is retried instead (``retry_once``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import JSON, BigInteger, Engine, Table, any_, bindparam, create_engine, event, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.pool import NullPool

from dajian.engines.regex import regex_search

T = TypeVar("T")
# read in the thread that checks a connection out; run_in_threadpool copies the context there
_PING_ON_CHECKOUT: ContextVar[bool] = ContextVar("dajian_ping_on_checkout", default=True)
AUTOCOMMIT_OPTION = "dajian_autocommit"  # SQLite: no BEGIN, each statement commits itself


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    _cache_long_statements()
    ping = kwargs.pop("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if ping:
        event.listen(engine, "checkout", _ping_on_checkout(engine))
    return engine


# psycopg turns each statement's %(name)s placeholders into $n by splitting the text with a regex, and keeps
# the result (an LRU of 128) only for statements up to 4 096 characters and 50 parameters. A record's insert
# with its audit entry, a flow step's writes and the serial reservation are longer: they were split again on
# every execution, 14 % of a complaint create's CPU in the API process. Our statements are a bounded set
# (built once per form version and kept), so caching them all is safe.
_STATEMENT_CACHE_LIMITS = {"MAX_CACHED_STATEMENT_LENGTH": 64 * 1024, "MAX_CACHED_STATEMENT_PARAMS": 2_000}


def _cache_long_statements() -> None:
    from psycopg import _queries

    for name, limit in _STATEMENT_CACHE_LIMITS.items():
        if getattr(_queries, name, limit) < limit:
            setattr(_queries, name, limit)


def _ping_on_checkout(engine: Engine) -> Callable[[Any, Any, Any], None]:
    """SQLAlchemy's ``pool_pre_ping``, skipped inside ``unpinged()``: a dead connection is
    replaced (and every older pooled one with it) before it is handed out."""

    def ping(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        if not _PING_ON_CHECKOUT.get():
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as err:
            if engine.dialect.is_disconnect(err, dbapi_conn, None):
                raise InvalidatePoolError() from err  # the pool reconnects and tries again
            raise

    return ping


@contextmanager
def unpinged() -> Iterator[None]:
    """Check connections out without the liveness round trip, for short work that ``retry_once`` wraps."""
    token = _PING_ON_CHECKOUT.set(False)
    try:
        yield
    finally:
        _PING_ON_CHECKOUT.reset(token)


def retry_once(work: Callable[[], T]) -> T:
    """``work()``, run again once if its connection turned out to be dead (the pool has been refreshed
    by then). Only for work that is safe to repeat: reads, or writes that a repeat leaves the same."""
    try:
        return work()
    except DBAPIError as err:
        if not err.connection_invalidated:
            raise
    return work()


def autocommit(conn: Connection) -> Connection:
    """Each statement its own transaction: no BEGIN and COMMIT round trips, for work that needs none
    (one read, or one write that stands alone)."""
    if is_sqlite(conn):
        # not SQLAlchemy's AUTOCOMMIT level: resetting it on return would hand the transaction
        # back to the driver, which we drive ourselves (see _on_begin)
        return conn.execution_options(**{AUTOCOMMIT_OPTION: True})
    return conn.execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    if url in ("sqlite://", "sqlite:///:memory:"):
        kwargs.setdefault("poolclass", NullPool)
    kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()
        # x REGEXP p: RE2 (linear time, PostgreSQL's meaning) instead of SQLAlchemy's backtracking re.search
        dbapi_conn.create_function("regexp", 2, regex_search, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(AUTOCOMMIT_OPTION):
            return
        conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', '')}".strip())

    return engine


# Small batches of rows (a create's jobs, its rule runs) go as one statement built once per table, column set
# and row count. PostgreSQL: psycopg's executemany runs a pipeline whose Python cost per row is several times
# that of one statement, and SQLAlchemy does not cache a multi-row VALUES (it compiles it per call), so each
# further row is an INSERT of its own in a CTE of the first: cached, one round trip. SQLite's executemany
# is a loop in C: one cached single-row statement.
_MULTI_ROW_MAX = 16
_MULTI_ROW: dict[tuple[int, str, tuple[str, ...], int, str | None], tuple[Table, Any]] = {}
_MULTI_ROW_LOCK = Lock()


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]], *,
                skip_conflicts_on: str | None = None) -> None:
    """Insert ``rows`` (same keys in each) into ``table``.
    ``skip_conflicts_on``: a unique column; a row whose value is already taken is left out."""
    if not rows:
        return
    keys = tuple(rows[0])
    dialect = conn.dialect.name
    if dialect != "postgresql":
        conn.execute(_rows_insert(table, dialect, keys, 0, skip_conflicts_on), rows if len(rows) > 1 else rows[0])
        return
    for start in range(0, len(rows), _MULTI_ROW_MAX):
        chunk = rows[start:start + _MULTI_ROW_MAX]
        statement = _rows_insert(table, dialect, keys, len(chunk), skip_conflicts_on)
        conn.execute(statement, {f"{key}_{i}": row[key] for i, row in enumerate(chunk) for key in keys})


def _rows_insert(table: Table, dialect: str, keys: tuple[str, ...], count: int, conflict: str | None) -> Any:
    """``count`` = 0: one row whose parameters are named as the columns (for executemany); else ``count``
    rows whose parameters are ``<column>_<i>``."""
    cache_key = (id(table), dialect, keys, count, conflict)
    cached = _MULTI_ROW.get(cache_key)
    if cached is not None and cached[0] is table:
        return cached[1]

    def one(suffix: str) -> Any:
        values = {table.c[key]: bindparam(f"{key}{suffix}", type_=table.c[key].type) for key in keys}
        if conflict is None:
            return insert(table).values(values)
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).values(values).on_conflict_do_nothing(index_elements=[table.c[conflict]])

    if count == 0:
        statement = one("")
    else:
        statement = one("_0")
        for i in range(1, count):
            statement = statement.add_cte(one(f"_{i}").cte(f"row_{i}"))
    with _MULTI_ROW_LOCK:
        _MULTI_ROW[cache_key] = (table, statement)
    return statement


def one_of_ids(column: Any, name: str, dialect: str) -> Any:
    """``column`` is one of the integers bound as ``name`` (a list), in a statement compiled once: an
    expanding ``IN`` renders one placeholder per value on every execution (SQLAlchemy re-processes the
    compiled SQL each time, 8 % of a complaint create's CPU in round-robin assignment). PostgreSQL binds the
    list as one array (``= ANY(:name)``); SQLite as one JSON text read with ``json_each``."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(BigInteger)))
    each = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return column.in_(select(each.c.value))
