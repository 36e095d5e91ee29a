"""Shared helpers for the benchmarks: throwaway databases, a seeded organisation,
result lines, percentiles and an in-thread profiler for the API.

Run benchmarks as ``.venv/bin/python bench/NAME.py [--quick]``; each prints
``RESULT name=... value=... baseline=... ratio=... target=...`` lines.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import secrets
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
# measure the checkout this file is in, not the one the shared venv was installed from
# (``python bench/X.py`` puts bench/ first on the path, then the venv's editable install)
sys.path.insert(0, str(ROOT))

from dajian.platform.app import create_app  # noqa: E402
from dajian.platform.apps import import_definition, load_runtime  # noqa: E402
from dajian.platform.auth import create_organisation, create_user  # noqa: E402
from dajian.platform.config import Settings  # noqa: E402
from dajian.platform.db import make_engine  # noqa: E402
from dajian.platform.directory import create_department, grant_role  # noqa: E402
from dajian.platform.migrate import upgrade  # noqa: E402
from dajian.platform.principal import Principal  # noqa: E402

PG_ADMIN_URL = os.environ.get("DAJIAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery staple"
SERVICE_DESK = ROOT / "app_templates" / "service_desk" / "app.json"


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small data, whole run under a minute")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile breakdown")
    return parser.parse_args()


def backends(args: argparse.Namespace) -> list[str]:
    return ["sqlite", "postgresql"] if args.db == "both" else [args.db]


# --- databases ------------------------------------------------------------------


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh ``dajian_bench_<random>`` database, dropped (even if in use) afterwards."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"dajian_bench_{secrets.token_hex(5)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="dajian_bench_") as tmp:
        yield f"sqlite:///{tmp}/bench.db"


@contextmanager
def database(backend: str) -> Iterator[str]:
    with (pg_database() if backend == "postgresql" else sqlite_database()) as url:
        yield url


# --- a seeded organisation -------------------------------------------------------


@dataclass
class World:
    """One organisation with the service_desk app, departments and non-admin team leads."""

    engine: Engine
    app: FastAPI
    org_key: str
    org_id: int
    admin: Principal
    app_id: int
    table_name: str
    dept_ids: list[int]
    users: dict[str, tuple[int, int]] = field(default_factory=dict)  # username -> (user id, dept id)

    def client(self) -> TestClient:
        return TestClient(self.app)

    def add_team_lead(self, username: str, dept_id: int, role: str = "team_lead") -> int:
        with self.engine.begin() as conn:
            user_id = create_user(conn, org_id=self.org_id, username=username, password=PASSWORD,
                                  dept_id=dept_id)
            grant_role(conn, self.admin, user_id=user_id, app_key="service_desk", role_key=role)
        self.users[username] = (user_id, dept_id)
        return user_id

    def token(self, username: str, scopes: tuple[str, ...] = ("records:read", "records:write")) -> str:
        """Sign in as ``username`` and mint a bearer API token for it."""
        with TestClient(self.app) as client:
            login = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD,
                                                         "org": self.org_key})
            assert login.status_code == 200, login.text
            client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            made = client.post("/api/v1/auth/tokens", json={"name": f"bench {username}", "scopes": list(scopes)})
            assert made.status_code == 201, made.text
            return str(made.json()["token"])


def service_desk_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SERVICE_DESK.read_text(encoding="utf-8"))
    return doc


def make_world(url: str, *, departments: int = 5, settings: Settings | None = None) -> World:
    engine = make_engine(url)
    upgrade(engine)
    org_key = f"bench{secrets.token_hex(3)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=org_key, name="Bench Org")
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    admin = Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
    dept_ids = []
    with engine.begin() as conn:
        for i in range(departments):
            dept = create_department(conn, admin, key=f"d{i:03d}", name=f"Department {i}")
            dept_ids.append(int(dept["id"]))
        import_definition(conn, admin, service_desk_doc())
        runtime = load_runtime(conn, admin, "service_desk")
    app = create_app(settings or Settings(database_url=url), engine=engine)
    return World(engine=engine, app=app, org_key=org_key, org_id=org_id, admin=admin, app_id=runtime.app_id,
                 table_name=runtime.form("ticket").table.name, dept_ids=dept_ids)


# --- reporting ------------------------------------------------------------------


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.3f}"
    return f"{value:.4g}"


def result(name: str, value: float, baseline: float, target: str, **extra: str) -> None:
    ratio = value / baseline if baseline else float("inf")
    keys = "".join(f" {k}={v}" for k, v in extra.items())
    print(f"RESULT name={name}{keys} value={fmt(value)} baseline={fmt(baseline)} ratio={ratio:.3f} "
          f"target={target}", flush=True)


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (f"n={len(ms)} median={statistics.median(ms):.3f}ms p95={percentile(ms, 95):.3f}ms "
            f"min={min(ms):.3f}ms max={max(ms):.3f}ms")


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_note(label: str) -> None:
    """The machine's load average: numbers taken on a busy machine are noisier."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return
    note(f"[{label}] load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs")


# --- profiling ------------------------------------------------------------------


@contextmanager
def inline_threadpool() -> Iterator[None]:
    """Run FastAPI's sync endpoints and dependencies on the event-loop thread.

    cProfile only sees the thread it was enabled on; with this patch and an
    ``httpx.AsyncClient`` driven by ``asyncio.run`` on the main thread, the
    whole request (routing, auth, handler, JSON) runs where the profiler is.
    Only for profiling: timings are measured with the real threadpool.
    """
    from starlette.concurrency import run_in_threadpool

    async def run_inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    # FastAPI's own modules and ours (async dependencies hand their database work to the pool)
    users = [module for module in list(sys.modules.values())
             if getattr(module, "run_in_threadpool", None) is run_in_threadpool]
    for module in users:
        module.run_in_threadpool = run_inline  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in users:
            module.run_in_threadpool = run_in_threadpool  # type: ignore[attr-defined]


def profile_requests(app: FastAPI, requests: list[tuple[str, str, dict[str, Any]]]) -> pstats.Stats:
    """Profile ``requests`` ((method, url, httpx kwargs)) on one thread; the first 20 only warm up."""

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for method, url, kwargs in requests[:20]:
                (await client.request(method, url, **kwargs)).raise_for_status()
            profiler.enable()
            for method, url, kwargs in requests[20:]:
                response = await client.request(method, url, **kwargs)
                if response.status_code >= 400:
                    raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:200]}")
            profiler.disable()

    profiler = cProfile.Profile()
    with inline_threadpool():
        asyncio.run(main())
    return pstats.Stats(profiler)


# the frames worth reading in a cumulative listing: ours, plus the big library stages
INTERESTING = (r"dajian/|jsonable_encoder|serialize_response|solve_dependencies|request_body_to_args|"
               r"_exec_single_context|_execute_clauseelement|_compile_w_cache|do_execute|do_commit|"
               r"_checkout|pre_ping|do_ping|Response.render|json/encoder|json/decoder|fetchall|_iter_impl")


def format_profile(stats: pstats.Stats, title: str, requests: int, *, top: int = 15) -> str:
    """Top ``top`` by own time, then the interesting frames by cumulative time, per request."""
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(INTERESTING, 30)
    keep = [ln for ln in out.getvalue().splitlines()
            if ln.strip() and not ln.lstrip().startswith(("Ordered by", "List reduced", "Random listing"))
            and "function calls" not in ln]
    keep = ["   (by own time)", *keep[:top + 1], "   (our frames and library stages, by cumulative time)",
            *keep[top + 1:]] if keep else keep
    header = (f"--- profile: {title}: {requests} requests, {total:.3f}s profiled, "
              f"{total / requests * 1000:.3f} ms/request (profiler overhead included) ---")
    return "\n".join([header, *keep])
