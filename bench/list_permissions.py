"""Keyset list pages under a row-scope permission: the record API vs the raw query.

A form (service_desk ``ticket``) holds 1M rows on PostgreSQL (200k on SQLite;
``--quick``: 100k / 50k) spread over 50 departments and one year. Non-admin
team leads, whose role reads with ``row_scope: "dept"``, list pages of 50
sorted by ``-created_at`` (the default) through ``GET .../records`` with a
bearer token, starting at the newest rows and at random points in the year,
following ``next_cursor``. ``list_page`` is the request a UI makes (default
capped total); ``list_page_nocount`` passes ``count=none``. The baseline is a
hand-written FastAPI endpoint running the hand-written query (same WHERE and
ORDER BY) through the same in-process client, as ``api_create``'s baseline is;
the bare query (execute + fetch on an open connection) is timed and printed too.

    .venv/bin/python bench/list_permissions.py [--quick] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from _common import (
    World,
    backends,
    database,
    format_profile,
    load_note,
    make_world,
    note,
    parse_args,
    percentile,
    profile_requests,
    result,
    summary_ms,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Connection, Engine, bindparam, create_engine, text

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.pagination import SortKey, encode_cursor

URL = "/api/v1/apps/service_desk/forms/ticket/records"
DEPARTMENTS = 50
PAGE = 50
PAGES_PER_WALK = 10
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
COLUMNS = ["created_at", "updated_at", "created_by", "owner_id", "dept_id", "row_version", "deleted_at",
           "title", "description", "category", "priority", "tags", "amount", "effort_hours", "urgent",
           "due_date", "reported_at", "contact_email", "contact_phone", "assignee", "team"]
SORT = [SortKey("created_at", True), SortKey("id", True)]


@dataclass(frozen=True)
class Size:
    rows: int
    users: int  # team leads, each in their own department
    walks_per_user: int  # one from the newest row, the rest from random points in the year


SIZES = {
    ("postgresql", False): Size(1_000_000, 8, 3),
    ("sqlite", False): Size(200_000, 8, 3),
    ("postgresql", True): Size(100_000, 5, 2),
    ("sqlite", True): Size(50_000, 5, 2),
}

# --- data ----------------------------------------------------------------------

CATEGORIES = ["hardware", "software", "network", "billing"]
PRIORITIES = ["p1", "p2", "p3", "p3", "p4"]
TAGS = ['[]', '["vip"]', '["repeat"]', '["onsite"]', '["vip","repeat"]']
SUBJECTS = ["Printer jams", "VPN drops", "Invoice wrong", "Laptop will not boot", "Wiki unreachable",
            "Password reset loop", "Desk for new starter", "Monitor flickers", "Refund missing",
            "Mail bounces"]
DESCRIPTIONS = [
    "The user reports it fails again after restarting twice; last week's workaround no longer helps.",
    "Happens every morning around nine. Logs attached. Please call back before noon.",
    "Customer escalated through the account manager; needs an answer today.",
    "Reproduced on two machines in the same office, not on the guest network.",
]


def generate(n: int, dept_ids: list[int], user_ids: list[int], seed: int = 11) -> Iterator[tuple[Any, ...]]:
    """Rows in creation order: created_at grows through the year with jitter, ids follow."""
    rng = random.Random(seed)
    step = YEAR / n
    for i in range(n):
        created = YEAR_START + step * i + timedelta(microseconds=rng.randrange(1_000_000))
        updated = created + timedelta(hours=rng.randrange(0, 72))
        owner = rng.choice(user_ids)
        deleted = updated if rng.random() < 0.02 else None
        yield (
            created, updated, owner, owner, rng.choice(dept_ids), 1 + (updated > created), deleted,
            f"{rng.choice(SUBJECTS)} #{i}", rng.choice(DESCRIPTIONS), rng.choice(CATEGORIES),
            rng.choice(PRIORITIES), rng.choice(TAGS), Decimal(rng.randrange(0, 500000)).scaleb(-2),
            rng.randrange(0, 40), rng.random() < 0.1, (created + timedelta(days=rng.randrange(1, 30))).date(),
            created - timedelta(minutes=rng.randrange(0, 600)), f"user{rng.randrange(10000)}@example.com",
            f"+86 138 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}", rng.choice(user_ids),
            rng.choice(dept_ids),
        )


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)  # no generated text holds a tab, newline or backslash


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, Decimal):
        return int(value.scaleb(2))  # ExactDecimal(12, 2) stores scaled integers on SQLite
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def load(world: World, backend: str, n: int, user_ids: list[int]) -> float:
    started = time.perf_counter()
    rows = generate(n, world.dept_ids, user_ids)
    chunk = 20_000 if backend == "postgresql" else 5_000
    columns = ", ".join(COLUMNS)
    progress = Progress(TextColumn(f"loading {n:,} rows into {backend}"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), transient=False)
    with progress, world.engine.begin() as conn:
        task = progress.add_task("load", total=n)
        if backend == "postgresql":
            raw = conn.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cur, cur.copy(f"COPY {world.table_name} ({columns}) FROM STDIN") as copy:
                buffer: list[str] = []
                for i, row in enumerate(rows, 1):
                    buffer.append("\t".join(map(_pg_text, row)))
                    if i % chunk == 0 or i == n:
                        copy.write("\n".join(buffer) + "\n")
                        buffer.clear()
                        progress.update(task, completed=i)
        else:
            sql = f"INSERT INTO {world.table_name} ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})"
            raw = conn.connection.driver_connection
            assert raw is not None
            batch: list[tuple[Any, ...]] = []
            for i, row in enumerate(rows, 1):
                batch.append(tuple(map(_sqlite_value, row)))
                if i % chunk == 0 or i == n:
                    raw.executemany(sql, batch)
                    batch.clear()
                    progress.update(task, completed=i)
    with world.engine.begin() as conn:
        conn.exec_driver_sql(f"ANALYZE {world.table_name}")
    return time.perf_counter() - started


# --- the walks -----------------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    username: str
    dept_id: int
    start: tuple[datetime, int] | None  # None: the newest rows (first page)


def plan_walks(world: World, size: Size, n: int, seed: int = 5) -> list[Walk]:
    rng = random.Random(seed)
    walks = []
    for username, (_, dept_id) in world.users.items():
        walks.append(Walk(username, dept_id, None))
        for _ in range(size.walks_per_user - 1):
            fraction = rng.uniform(0.05, 0.95)
            walks.append(Walk(username, dept_id, (YEAR_START + YEAR * fraction, n + 1)))
    return walks


def start_cursor(walk: Walk) -> str | None:
    if walk.start is None:
        return None
    return encode_cursor({"created_at": walk.start[0], "id": walk.start[1]}, SORT)  # type: ignore[arg-type]


def api_walk(client: TestClient, walk: Walk, token: str, count: str | None) -> tuple[list[float], list[int]]:
    headers = {"Authorization": f"Bearer {token}"}
    params: dict[str, Any] = {"limit": PAGE}
    if count is not None:
        params["count"] = count
    cursor = start_cursor(walk)
    times, ids = [], []
    for _ in range(PAGES_PER_WALK):
        query = {**params, **({"after": cursor} if cursor else {})}
        t0 = time.perf_counter()
        response = client.get(URL, params=query, headers=headers)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"GET {URL}: {response.status_code} {response.text[:300]}")
        body = response.json()
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return times, ids


class HandQuery:
    """The query a developer would write for this screen, run on one open connection."""

    def __init__(self, conn: Connection, table: str, *, with_count: bool, count_cap: int) -> None:
        cols = ", ".join(["id", *(c for c in COLUMNS if c != "deleted_at")])
        base = f"SELECT {cols} FROM {table} WHERE dept_id = :d AND deleted_at IS NULL"
        order = f"ORDER BY created_at DESC, id DESC LIMIT {PAGE + 1}"
        self.conn = conn
        self.first = text(f"{base} {order}")
        self.after = text(f"{base} AND (created_at, id) < (:c, :i) {order}").bindparams(
            bindparam("c", type_=UtcDateTime()))
        self.count = text(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE dept_id = :d "
                          f"AND deleted_at IS NULL LIMIT {count_cap + 1}) AS capped")
        self.with_count = with_count

    def walk(self, walk: Walk) -> tuple[list[float], list[int]]:
        times, ids = [], []
        start = walk.start
        for _ in range(PAGES_PER_WALK):
            t0 = time.perf_counter()
            if start is None:
                rows = self.conn.execute(self.first, {"d": walk.dept_id}).all()
            else:
                rows = self.conn.execute(self.after, {"d": walk.dept_id, "c": start[0], "i": start[1]}).all()
            if self.with_count:
                self.conn.execute(self.count, {"d": walk.dept_id}).scalar_one()
            times.append(time.perf_counter() - t0)
            page = rows[:PAGE]
            ids += [r[0] for r in page]
            if len(rows) <= PAGE:
                break
            last = page[-1]
            created = last[1]
            if isinstance(created, str):  # SQLite hands back the stored text
                created = datetime.fromisoformat(created).replace(tzinfo=UTC)
            start = (created, last[0])
        return times, ids


def hand_endpoint(engine: Engine, table: str) -> FastAPI:
    """The endpoint a developer would hand-write for this screen: same SQL, same JSON, no platform."""
    app = FastAPI()
    cols = ["id", *(c for c in COLUMNS if c != "deleted_at")]
    base = f"SELECT {', '.join(cols)} FROM {table} WHERE dept_id = :d AND deleted_at IS NULL"
    order = f"ORDER BY created_at DESC, id DESC LIMIT {PAGE + 1}"
    first = text(f"{base} {order}")
    after = text(f"{base} AND (created_at, id) < (:c, :i) {order}").bindparams(bindparam("c", type_=UtcDateTime()))

    @app.get("/hand/{dept_id}")
    def page(dept_id: int, c: str | None = None, i: int | None = None) -> dict[str, Any]:
        with engine.connect() as conn:
            if c is None:
                rows = conn.execute(first, {"d": dept_id}).mappings().all()
            else:
                rows = conn.execute(after, {"d": dept_id, "c": datetime.fromisoformat(c), "i": i}).mappings().all()
        items = [dict(r) for r in rows[:PAGE]]
        last = items[-1] if len(rows) > PAGE else None
        return {"items": items, "next": [str(last["created_at"]), last["id"]] if last else None}

    return app


def hand_walk(client: TestClient, walk: Walk) -> tuple[list[float], list[int]]:
    times, ids = [], []
    params: dict[str, Any] = {}
    if walk.start is not None:
        params = {"c": walk.start[0].isoformat(), "i": walk.start[1]}
    for _ in range(PAGES_PER_WALK):
        t0 = time.perf_counter()
        response = client.get(f"/hand/{walk.dept_id}", params=params)
        times.append(time.perf_counter() - t0)
        body = response.json()
        ids += [item["id"] for item in body["items"]]
        if body["next"] is None:
            break
        created = datetime.fromisoformat(body["next"][0])
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        params = {"c": created.isoformat(), "i": body["next"][1]}
    return times, ids


def bench_backend(backend: str, quick: bool, do_profile: bool) -> None:
    size = SIZES[(backend, quick)]
    with database(backend) as url:
        world = make_world(url, departments=DEPARTMENTS)
        for i in range(size.users):
            world.add_team_lead(f"lead{i}", world.dept_ids[i * (DEPARTMENTS // size.users)])
        user_ids = [uid for uid, _ in world.users.values()] + [world.admin.user_id]
        seconds = load(world, backend, size.rows, user_ids)
        note(f"[{backend}] loaded {size.rows:,} rows + ANALYZE in {seconds:.1f}s "
             f"({size.rows / seconds:,.0f} rows/s)")
        tokens = {name: world.token(name, scopes=("records:read",)) for name in world.users}
        walks = plan_walks(world, size, size.rows)
        count_cap = world.app.state.settings.count_cap

        base_engine: Engine = create_engine(url, isolation_level="AUTOCOMMIT")
        capped: list[float] = []
        nocount: list[float] = []
        hand: list[float] = []
        hand_counted: list[float] = []
        hand_api: list[float] = []
        hand_client = TestClient(hand_endpoint(world.engine, world.table_name))
        with TestClient(world.app) as client, base_engine.connect() as conn:
            plain = HandQuery(conn, world.table_name, with_count=False, count_cap=count_cap)
            counted = HandQuery(conn, world.table_name, with_count=True, count_cap=count_cap)
            for walk in walks:  # warm caches and check both sides list the same rows
                _, api_ids = api_walk(client, walk, tokens[walk.username], None)
                _, hand_ids = plain.walk(walk)
                if api_ids != hand_ids or hand_walk(hand_client, walk)[1] != hand_ids:
                    raise RuntimeError(f"API and hand query disagree for {walk}")
                api_walk(client, walk, tokens[walk.username], "capped")
                counted.walk(walk)
            for walk in walks:
                token = tokens[walk.username]
                capped += api_walk(client, walk, token, None)[0]
                hand += plain.walk(walk)[0]
                nocount += api_walk(client, walk, token, "none")[0]
                hand_counted += counted.walk(walk)[0]
                hand_api += hand_walk(hand_client, walk)[0]

        note(f"[{backend}] {len(walks)} walks of up to {PAGES_PER_WALK} pages, {size.rows:,} rows, "
             f"~{size.rows // DEPARTMENTS:,} per department, count cap {count_cap}")
        note(f"[{backend}] API, default capped count : {summary_ms(capped)}")
        note(f"[{backend}] API, count=none            : {summary_ms(nocount)}")
        note(f"[{backend}] hand query                 : {summary_ms(hand)}")
        note(f"[{backend}] hand query + capped count  : {summary_ms(hand_counted)}")
        note(f"[{backend}] hand-written endpoint     : {summary_ms(hand_api)}")
        p95 = {k: percentile(v, 95) * 1000 for k, v in
               {"capped": capped, "nocount": nocount, "hand": hand, "hand_counted": hand_counted,
                "hand_api": hand_api}.items()}
        # The baseline is a hand-written endpoint running the hand-written SQL through the same
        # in-process client (as in api_create); the bare query time is printed beside it.
        result("list_page", p95["capped"], p95["hand_api"], "<=1.3", db=backend)
        result("list_page_nocount", p95["nocount"], p95["hand_api"], "<=1.3", db=backend)
        note(f"[{backend}] p95 vs the bare SQL query (no HTTP): capped {p95['capped'] / p95['hand']:.1f}x, "
             f"count=none {p95['nocount'] / p95['hand']:.1f}x")
        result("list_page_p95_ms", p95["capped"], 50, "<1", db=backend)
        note(f"[{backend}] medians ms: API capped {statistics.median(capped) * 1000:.3f}, "
             f"API none {statistics.median(nocount) * 1000:.3f}, hand {statistics.median(hand) * 1000:.3f}, "
             f"hand+count {statistics.median(hand_counted) * 1000:.3f}")

        if do_profile:
            for count in ("none", "capped"):
                reqs = []
                for walk in walks:
                    cursor = start_cursor(walk)
                    params = {"count": count, **({"after": cursor} if cursor else {})}
                    headers = {"Authorization": f"Bearer {tokens[walk.username]}"}
                    reqs.append(("GET", URL, {"params": params, "headers": headers}))
                profiled = 100 if quick else 200
                reqs = (reqs * (1 + (profiled + 20) // len(reqs)))[:profiled + 20]
                stats = profile_requests(world.app, reqs)
                print(format_profile(stats, f"list_page count={count} [{backend}]", profiled), flush=True)
            explain(world, walks[-1])
        base_engine.dispose()
        world.engine.dispose()


def explain(world: World, walk: Walk) -> None:
    """The plans the database picks for the API's page query and its capped count."""
    if world.engine.dialect.name != "postgresql" or walk.start is None:
        return
    table = world.table_name
    cols = ", ".join(["id", *(c for c in COLUMNS if c != "deleted_at")])
    page = (f"SELECT {cols} FROM {table} WHERE deleted_at IS NULL AND dept_id = :d "
            f"AND (created_at, id) < (:c, :i) ORDER BY created_at DESC, id DESC LIMIT 51")
    count = (f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE deleted_at IS NULL AND dept_id = :d "
             f"LIMIT {world.app.state.settings.count_cap + 1}) AS c")
    params = {"d": walk.dept_id, "c": walk.start[0], "i": walk.start[1]}
    with world.engine.connect() as conn:
        for name, sql in (("page", page), ("capped count", count)):
            plan = conn.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}"), params).scalar_one()
            top = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            note(f"[postgresql] EXPLAIN {name}: {top['Execution Time']:.3f} ms, "
                 f"plan: {_plan_summary(top['Plan'])}")


def _plan_summary(node: dict[str, Any]) -> str:
    label = node["Node Type"] + (f" using {node['Index Name']}" if "Index Name" in node else "")
    children = node.get("Plans", [])
    inner = ", ".join(_plan_summary(c) for c in children)
    return f"{label}({inner})" if inner else label


def main() -> None:
    args = parse_args(__doc__ or "")
    for backend in backends(args):
        started = time.perf_counter()
        load_note(backend)
        bench_backend(backend, args.quick, do_profile=not args.no_profile)
        load_note(backend)
        note(f"[{backend}] done in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
