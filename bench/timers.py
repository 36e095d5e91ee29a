"""Timers fired per second per worker, with many pending-but-not-due timers in the table.

The claim is a range scan of the partial index ``ix_jobs_claimable`` up to "now",
so firing the due timers should cost the same with 1M pending timers as with 100k.
For each size the ``jobs`` table is refilled by COPY with N pending timers of which
``due`` are already due; then the due ones are claimed and fired (a trivial
handler) by one worker, and again (a fresh set of due timers) by two worker
processes. Runs on PostgreSQL in a throwaway ``dajian_bench_<random>`` database.

    .venv/bin/python bench/timers.py [--quick]     # quick: 200k vs 20k pending, 5k due
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, text

from dajian.platform import jobs as q
from dajian.platform.db import make_engine
from dajian.platform.migrate import upgrade

PG_ADMIN_URL = os.environ.get("DAJIAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KIND = "bench.timer"
COPY_SQL = "COPY jobs (kind, payload, status, due_at, available_at, attempts, max_attempts, created_at) FROM STDIN"


def note(message: str, end: str = "\n") -> None:
    print(message, file=sys.stderr, end=end, flush=True)


@contextmanager
def pg_database() -> Iterator[str]:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"dajian_bench_{secrets.token_hex(5)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- data ---------------------------------------------------------------------------------------


def copy_timers(engine: Engine, count: int, *, due: bool, chunk: int = 50_000) -> None:
    """COPY ``count`` pending timers: due in the last 10 minutes, or in the next 30 days."""
    now, rng = datetime.now(UTC), random.Random(count)
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:  # type: ignore[union-attr]
            for start in range(0, count, chunk):
                with cur.copy(COPY_SQL) as copy:
                    for n in range(start, min(count, start + chunk)):
                        offset = -rng.uniform(0, 600) if due else rng.uniform(60, 30 * 86400)
                        at = now + timedelta(seconds=offset)
                        copy.write_row((KIND, json.dumps({"n": n}), "pending", at, at, 0, 5, now))
                what = "due" if due else "not due"
                note(f"\r  inserted {min(count, start + chunk):>9,} / {count:,} {what}", "")
        raw.commit()
    finally:
        raw.close()
    note("")


def vacuum(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE jobs"))


def refill(engine: Engine, pending: int, due: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE jobs"))
    copy_timers(engine, pending - due, due=False)
    copy_timers(engine, due, due=True)
    vacuum(engine)


def claim_plan(engine: Engine) -> str:
    """EXPLAIN ANALYZE of the claim's row-locking query (expect an index scan of ix_jobs_claimable)."""
    plan = q.explain_claim(engine, kinds=[KIND], analyze=True)
    assert "Index Scan using ix_jobs_claimable" in plan, plan
    return "\n".join(f"    {line}" for line in plan.splitlines())


# -- firing -------------------------------------------------------------------------------------


def fire(_conn: Any, _payload: Any, _job: q.Job) -> None:
    return None


def drain(engine: Engine, worker_id: str) -> int:
    """Run one worker until no due timer is left; returns how many it fired."""
    worker = q.Worker(engine, worker_id=worker_id, batch=100, kinds=[KIND])
    fired = 0
    while n := worker.run_once():
        fired += n
    return fired


def one_worker(engine: Engine, due: int) -> float:
    started = time.perf_counter()
    fired = drain(engine, "solo")
    elapsed = time.perf_counter() - started
    assert fired == due, f"fired {fired} of {due}"
    return fired / elapsed


def _process_worker(url: str, name: str, ready: Any, go: Any, out: Any) -> None:
    engine = make_engine(url)
    q.register_job_handler(KIND, fire)
    with engine.connect() as conn:  # connect before the clock starts
        conn.execute(text("SELECT 1"))
    ready.put(name)
    go.wait()
    out.put(drain(engine, name))
    engine.dispose()


def two_workers(url: str, due: int) -> float:
    """Fired per second per worker with two worker processes started on a common signal."""
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_process_worker, args=(url, f"w{i}", ready, go, out)) for i in range(2)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=60)
    started = time.perf_counter()
    go.set()
    counts = [out.get(timeout=300) for _ in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    assert sum(counts) == due, f"fired {counts} of {due}"
    note(f"  two workers fired {counts} in {elapsed:.2f} s")
    return due / elapsed / 2


def fill(url: str, pending: int) -> Engine:
    """A migrated database holding ``pending`` timers that are not yet due."""
    note(f"{pending:,} pending timers")
    engine = make_engine(url)
    upgrade(engine)
    copy_timers(engine, pending, due=False)
    vacuum(engine)
    return engine


def fire_round(engine: Engine, url: str, due: int, *, workers: int) -> float:
    """Make ``due`` timers due and fire them; returns fired/s per worker."""
    copy_timers(engine, due, due=True)
    return one_worker(engine, due) if workers == 1 else two_workers(url, due)


def result(name: str, value: float, baseline: float, target: str) -> None:
    ratio = value / baseline
    print(f"RESULT name={name} value={value:.1f} baseline={baseline:.1f} ratio={ratio:.3f} target={target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200k vs 20k pending, 5k due (under a minute)")
    parser.add_argument("--rounds", type=int, help="alternating 1-worker rounds per size (3; 2 with --quick)")
    args = parser.parse_args()
    args.rounds = args.rounds or (2 if args.quick else 3)
    large, small, due = (200_000, 20_000, 5_000) if args.quick else (1_000_000, 100_000, 10_000)
    started = time.perf_counter()
    q.register_job_handler(KIND, fire)
    with pg_database() as small_url, pg_database() as large_url:
        urls = {small: small_url, large: large_url}
        engines = {size: fill(url, size - due) for size, url in urls.items()}
        try:
            copy_timers(engines[large], due, due=True)
            note("claim plan with the large table:\n" + claim_plan(engines[large]))
            drain(engines[large], "warm-up")
            solo: dict[int, list[float]] = {small: [], large: []}
            for _ in range(args.rounds):  # alternate so background load hits both sizes alike
                for size in (small, large):
                    solo[size].append(fire_round(engines[size], urls[size], due, workers=1))
                    note(f"  1 worker, {size:,} pending: {solo[size][-1]:,.0f} fired/s")
            pair = {size: fire_round(engines[size], urls[size], due, workers=2) for size in (small, large)}
        finally:
            for engine in engines.values():
                engine.dispose()
    value, baseline = statistics.median(solo[large]), statistics.median(solo[small])
    note(f"2 workers, per worker: {pair[large]:,.0f} fired/s at {large:,} vs {pair[small]:,.0f} at {small:,}")
    result("timers_fired", value, baseline, ">=0.8")
    result("timers_fired_per_worker", value, 1000, ">=1")
    note(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
