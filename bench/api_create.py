"""Records created per second: the generic record API vs a hand-written endpoint.

Ours: ``POST /api/v1/apps/service_desk/forms/ticket/records`` with a bearer API
token of a non-admin team lead (token lookup, permission check, validation,
reference checks, insert, audit row). Baseline: a hand-written FastAPI
endpoint with a pydantic model that inserts the same row, with SQLAlchemy
Core, into a hand-made table with the same columns, types and indexes, on
the same database. Both go through the same in-process ``TestClient`` (sync
endpoints run in the threadpool, as under uvicorn), in alternating blocks.

    .venv/bin/python bench/api_create.py [--quick] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from _common import (
    World,
    backends,
    database,
    format_profile,
    load_note,
    make_world,
    note,
    parse_args,
    profile_requests,
    result,
    summary_ms,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Engine,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    event,
    insert,
)
from sqlalchemy.dialects.postgresql import JSONB

from dajian.engines.sqltypes import ExactDecimal, UtcDateTime
from dajian.platform.db import make_engine

URL = "/api/v1/apps/service_desk/forms/ticket/records"
HAND_URL = "/hand/tickets"
BLOCK = 50

# --- the hand-written baseline --------------------------------------------------

Id = BigInteger().with_variant(Integer(), "sqlite")
hand_metadata = MetaData()
hand_tickets = Table(
    "hand_tickets", hand_metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", Id),
    Column("owner_id", Id),
    Column("dept_id", Id),
    Column("row_version", Integer, nullable=False),
    Column("deleted_at", UtcDateTime),
    Column("title", Text),
    Column("description", Text),
    Column("category", Text),
    Column("priority", Text),
    Column("tags", JSON().with_variant(JSONB(), "postgresql")),
    Column("amount", ExactDecimal(12, 2)),
    Column("effort_hours", BigInteger),
    Column("urgent", Boolean),
    Column("due_date", Date),
    Column("reported_at", UtcDateTime),
    Column("contact_email", Text),
    Column("contact_phone", Text),
    Column("assignee", Id),
    Column("team", Id),
    Index("ix_hand_tickets_created", "created_at", "id"),
    Index("ix_hand_tickets_owner", "owner_id", "created_at", "id"),
    Index("ix_hand_tickets_dept", "dept_id", "created_at", "id"),
    Index("ix_hand_tickets_category", "category"),
)


EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,63}$"
PHONE = r"^\+?[0-9][0-9 \-]{4,19}$"


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str | None = None
    category: Literal["hardware", "software", "network", "billing"]
    priority: Literal["p1", "p2", "p3", "p4"] = "p3"
    tags: list[Literal["vip", "repeat", "onsite"]] | None = None
    amount: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    effort_hours: Annotated[int, Field(ge=0, le=1000)] | None = None
    urgent: bool = False
    due_date: date | None = None
    reported_at: AwareDatetime | None = None
    contact_email: Annotated[str, Field(pattern=EMAIL)] | None = None
    contact_phone: Annotated[str, Field(pattern=PHONE)] | None = None
    assignee: int | None = None
    team: int | None = None


def hand_app(engine: Engine, *, user_id: int, dept_id: int) -> FastAPI:
    """What a developer would write by hand for this one form (no auth, no audit)."""
    app = FastAPI()

    @app.post(HAND_URL, status_code=201)
    def create_ticket(body: TicketIn) -> dict[str, Any]:
        now = datetime.now(UTC)
        row = {**body.model_dump(), "created_at": now, "updated_at": now, "created_by": user_id,
               "owner_id": user_id, "dept_id": dept_id, "row_version": 1}
        with engine.begin() as conn:
            new_id = conn.execute(insert(hand_tickets).values(row).returning(hand_tickets.c.id)).scalar_one()
        return {**row, "id": new_id}

    return app


# --- payloads -------------------------------------------------------------------

SUBJECTS = ["Printer on floor 3 jams", "VPN drops every hour", "Invoice total looks wrong",
            "Laptop will not boot", "Cannot reach the wiki", "Password reset loop",
            "New starter needs a desk", "Monitor flickers", "Refund not received",
            "Email bounces from partner domain"]
WORDS = ["the", "user", "reports", "that", "since", "this", "morning", "it", "fails", "again", "after",
         "restarting", "twice", "and", "workaround", "from", "last", "week", "no", "longer", "helps",
         "please", "check", "logs", "call", "back", "printer", "server", "invoice"]


def payloads(n: int, *, user_ids: list[int], dept_ids: list[int], seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        reported = base + timedelta(minutes=rng.randrange(60 * 24 * 300))
        out.append({
            "title": f"{rng.choice(SUBJECTS)} (#{i})",
            "description": " ".join(rng.choices(WORDS, k=rng.randrange(12, 40))),
            "category": rng.choice(["hardware", "software", "network", "billing"]),
            "priority": rng.choice(["p1", "p2", "p3", "p3", "p4"]),
            "tags": rng.sample(["vip", "repeat", "onsite"], k=rng.randrange(0, 3)),
            "amount": f"{rng.randrange(0, 500000) / 100:.2f}",
            "effort_hours": rng.randrange(0, 40),
            "urgent": rng.random() < 0.1,
            "due_date": (reported + timedelta(days=rng.randrange(1, 30))).date().isoformat(),
            "reported_at": reported.isoformat().replace("+00:00", "Z"),
            "contact_email": f"user{rng.randrange(10000)}@example.com",
            "contact_phone": f"+86 138 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
            "assignee": rng.choice(user_ids),
            "team": rng.choice(dept_ids),
        })
    return out


# --- measurement ----------------------------------------------------------------


def run_block(client: TestClient, url: str, bodies: list[dict[str, Any]], headers: dict[str, str],
              latencies: list[float]) -> float:
    start = time.perf_counter()
    for body in bodies:
        t0 = time.perf_counter()
        response = client.post(url, json=body, headers=headers)
        latencies.append(time.perf_counter() - t0)
        if response.status_code != 201:
            raise RuntimeError(f"POST {url}: {response.status_code} {response.text[:300]}")
    return time.perf_counter() - start


def count_statements(engine: Engine, action: Callable[[], Any]) -> list[str]:
    seen: list[str] = []

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split())[:90])

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return seen


def bench_backend(backend: str, n: int, warmup: int, do_profile: bool) -> None:
    with database(backend) as url:
        world: World = make_world(url, departments=5)
        lead_dept = world.dept_ids[0]
        user_id = world.add_team_lead("lead", lead_dept)
        world.add_team_lead("agent2", world.dept_ids[1])
        token = world.token("lead", scopes=("records:write",))
        headers = {"Authorization": f"Bearer {token}"}
        hand_metadata.create_all(world.engine)
        hand_engine = make_engine(url)  # same database, same engine settings as the platform's
        hand = hand_app(hand_engine, user_id=user_id, dept_id=lead_dept)
        user_ids = [uid for uid, _ in world.users.values()]
        bodies = payloads(warmup + n, user_ids=user_ids, dept_ids=world.dept_ids)

        ours_lat: list[float] = []
        hand_lat: list[float] = []
        ours_time = hand_time = 0.0
        with TestClient(world.app) as ours_client, TestClient(hand) as hand_client:
            run_block(ours_client, URL, bodies[:warmup], headers, [])
            run_block(hand_client, HAND_URL, bodies[:warmup], {}, [])
            for offset in range(warmup, warmup + n, BLOCK):
                chunk = bodies[offset:offset + BLOCK]
                ours_time += run_block(ours_client, URL, chunk, headers, ours_lat)
                hand_time += run_block(hand_client, HAND_URL, chunk, {}, hand_lat)
            ours_sql = count_statements(world.engine,
                                        lambda: ours_client.post(URL, json=bodies[0], headers=headers))
            hand_sql = count_statements(hand_engine, lambda: hand_client.post(HAND_URL, json=bodies[0]))

        ours_rate, hand_rate = len(ours_lat) / ours_time, len(hand_lat) / hand_time
        note(f"[{backend}] ours: {ours_rate:.1f} rec/s  {summary_ms(ours_lat)}")
        note(f"[{backend}] hand: {hand_rate:.1f} rec/s  {summary_ms(hand_lat)}")
        note(f"[{backend}] SQL statements per request: ours {len(ours_sql)}, hand {len(hand_sql)}")
        for stmt in ours_sql:
            note(f"    ours: {stmt}")
        result("api_create", ours_rate, hand_rate, ">=0.7", db=backend)

        if do_profile:
            count = min(n // 2, 500)
            reqs = [("POST", URL, {"json": b, "headers": headers}) for b in bodies[: 20 + count]]
            stats = profile_requests(world.app, reqs)
            print(format_profile(stats, f"api_create ours [{backend}]", count), flush=True)
            hand_reqs = [("POST", HAND_URL, {"json": b}) for b in bodies[: 20 + count]]
            stats = profile_requests(hand, hand_reqs)
            print(format_profile(stats, f"api_create hand [{backend}]", count, top=8), flush=True)
        hand_engine.dispose()
        world.engine.dispose()


def main() -> None:
    args = parse_args(__doc__ or "")
    n = 500 if args.quick else 3000
    warmup = 50 if args.quick else 200
    for backend in backends(args):
        started = time.perf_counter()
        load_note(backend)
        bench_backend(backend, n, warmup, do_profile=not args.no_profile)
        load_note(backend)
        note(f"[{backend}] done in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
