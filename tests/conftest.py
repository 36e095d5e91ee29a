"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL tests create their own database ``dajian_test_<random>`` on the
server at ``DAJIAN_TEST_PG`` (default 127.0.0.1:5432) and drop it afterwards.
Under ``CI=true`` an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("DAJIAN_PASSWORD_HASH", "cheapest")  # argon2id still, with its cheapest profile
from sqlalchemy import Engine, create_engine, text

from dajian.platform.db import make_engine
from dajian.platform.migrate import upgrade

PG_ADMIN_URL = os.environ.get("DAJIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("DAJIAN_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _pg_admin() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def pg_available() -> bool:
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        admin.dispose()


def require_pg() -> None:
    """Skip when PostgreSQL is unreachable, but fail under ``CI=true``, where it is required."""
    if not pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is unreachable at {PG_ADMIN_URL} (required under CI)")
        pytest.skip("PostgreSQL is not reachable")


@contextmanager
def new_pg_database() -> Iterator[str]:
    """The URL of a new ``dajian_test_<random>`` database, dropped (even if in use) afterwards."""
    require_pg()
    name = f"dajian_test_{secrets.token_hex(6)}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    with new_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("db") / "dajian_test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    name = "pg_database_url" if request.param == "postgresql" else "sqlite_database_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_database_url)
    upgrade(eng)
    yield eng
    eng.dispose()
