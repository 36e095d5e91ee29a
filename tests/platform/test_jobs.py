"""The durable job queue on SQLite and PostgreSQL: claiming, leases, retries, atomic handlers.

The database is shared by the whole test session, so every test uses its own job
``kind`` and only claims that kind.
"""

from __future__ import annotations

import os
import select as selectmod
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, func, select, text

from dajian.platform import jobs as q
from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.models import jobs

results = Table(
    "job_test_results",
    MetaData(),
    Column("job_id", Integer, nullable=False),
    Column("worker", String(100), nullable=False),
    Column("kind", String(63), nullable=False),
)

WORKER_SCRIPT = """
import sys, time
from datetime import timedelta
from sqlalchemy import text
from dajian.platform import jobs as q
from dajian.platform.db import make_engine

url, kind, worker_id, expected, lease, sleep = sys.argv[1:7]
engine = make_engine(url)

def handler(conn, payload, job):
    conn.execute(text("INSERT INTO job_test_results (job_id, worker, kind) VALUES (:j, :w, :k)"),
                 {"j": job.id, "w": worker_id, "k": kind})
    print("started", job.id, flush=True)
    time.sleep(float(sleep))

q.register_job_handler(kind, handler)
worker = q.Worker(engine, worker_id=worker_id, batch=20, lease=timedelta(seconds=float(lease)), kinds=[kind])
print("ready", flush=True)
done_sql = text("SELECT count(*) FROM jobs WHERE kind = :k AND status = 'done'")
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    if worker.run_once() == 0:
        with engine.connect() as conn:
            if conn.execute(done_sql, {"k": kind}).scalar() >= int(expected):
                break
        time.sleep(0.005)
"""


@pytest.fixture
def kind() -> str:
    return f"test.{uuid.uuid4().hex[:12]}"


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime.now(UTC).replace(microsecond=0))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


@pytest.fixture(scope="module")
def tables(engine: Engine) -> Engine:
    results.create(engine, checkfirst=True)
    return engine


def add(engine: Engine, kind: str, payload: Any = None, **kwargs: Any) -> int:
    with engine.begin() as conn:
        job_id = q.enqueue(conn, kind, payload if payload is not None else {}, **kwargs)
    assert job_id is not None
    return job_id


def job(engine: Engine, job_id: int) -> q.Job:
    with engine.connect() as conn:
        found = q.get_job(conn, job_id)
    assert found is not None
    return found


def effects(engine: Engine, kind: str) -> Counter[int]:
    with engine.connect() as conn:
        rows = conn.execute(select(results.c.job_id).where(results.c.kind == kind)).scalars()
        return Counter(rows)


def record_effect(kind: str, worker: str) -> q.Handler:
    def handler(conn: Connection, payload: Any, job: q.Job) -> Any:
        conn.execute(results.insert().values(job_id=job.id, worker=worker, kind=kind))
        return {"echo": payload}

    return handler


# -- basics -----------------------------------------------------------------------------------


def test_enqueue_claim_complete(engine: Engine, kind: str, clock: ManualClock) -> None:
    job_id = add(engine, kind, {"ticket": 7}, org_id=3)
    [claimed] = q.claim(engine, worker_id="w1", kinds=[kind], lease=timedelta(seconds=30))
    assert (claimed.id, claimed.payload, claimed.org_id, claimed.status) == (
        job_id,
        {"ticket": 7},
        3,
        "running",
    )
    assert (claimed.attempts, claimed.locked_by) == (1, "w1")
    assert claimed.locked_until == claimed.available_at == clock.now() + timedelta(seconds=30)
    assert q.claim(engine, worker_id="w2", kinds=[kind]) == []
    q.complete(engine, job_id, worker_id="w1", result={"sent": True})
    done = job(engine, job_id)
    assert (done.status, done.result, done.finished_at) == ("done", {"sent": True}, clock.now())
    clock.advance(timedelta(hours=1))
    assert q.claim(engine, worker_id="w2", kinds=[kind]) == []


def test_enqueue_belongs_to_the_callers_transaction(engine: Engine, kind: str) -> None:
    with engine.connect() as conn, conn.begin() as tx:
        q.enqueue(conn, kind, {})
        tx.rollback()
    assert q.claim(engine, worker_id="w1", kinds=[kind]) == []


def test_jobs_are_claimed_when_due_oldest_first(engine: Engine, kind: str, clock: ManualClock) -> None:
    now = clock.now()
    later = add(engine, kind, due_at=now + timedelta(hours=2))
    sooner = add(engine, kind, due_at=now + timedelta(hours=1))
    assert q.claim(engine, worker_id="w1", kinds=[kind]) == []
    clock.advance(timedelta(minutes=59, seconds=59))
    assert q.claim(engine, worker_id="w1", kinds=[kind]) == []
    clock.advance(timedelta(hours=5))
    assert [j.id for j in q.claim(engine, worker_id="w1", kinds=[kind], limit=1)] == [sooner]
    assert [j.id for j in q.claim(engine, worker_id="w1", kinds=[kind])] == [later]


def test_idempotency_key_deduplicates(engine: Engine, kind: str) -> None:
    key = f"sla:{kind}:ticket-1"
    first = add(engine, kind, {"n": 1}, idempotency_key=key)
    assert add(engine, kind, {"n": 2}, idempotency_key=key) == first
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(jobs.c.kind == kind)).scalar() == 1
    assert job(engine, first).payload == {"n": 1}


def test_cancel_and_reschedule(engine: Engine, kind: str, clock: ManualClock) -> None:
    now = clock.now()
    timer = add(engine, kind, due_at=now + timedelta(hours=4), idempotency_key=f"{kind}:timer")
    other = add(engine, kind, due_at=now + timedelta(hours=4))
    with engine.begin() as conn:
        assert q.reschedule(conn, idempotency_key=f"{kind}:timer", due_at=now + timedelta(minutes=5))
        assert q.cancel(conn, job_id=other)
        assert not q.cancel(conn, job_id=other)
        with pytest.raises(TypeError, match="exactly one"):
            q.cancel(conn)
    clock.advance(timedelta(minutes=5))
    assert [j.id for j in q.claim(engine, worker_id="w1", kinds=[kind])] == [timer]
    with engine.begin() as conn:
        assert not q.reschedule(conn, job_id=timer, due_at=now)  # running: not movable
        assert q.cancel(conn, idempotency_key=f"{kind}:timer")
    with pytest.raises(q.LeaseLost):
        q.complete(engine, timer, worker_id="w1")
    assert job(engine, other).status == job(engine, timer).status == "cancelled"


# -- failures ---------------------------------------------------------------------------------


def test_backoff_doubles_with_jitter_and_a_cap() -> None:
    for attempts, seconds in [(1, 10), (2, 20), (3, 40), (10, 5120), (50, 6 * 3600)]:
        delay = q.backoff(attempts)
        assert timedelta(seconds=seconds * 0.9) <= delay <= timedelta(seconds=seconds)


def test_retries_with_backoff_then_dead_then_requeued(tables: Engine, kind: str, clock: ManualClock) -> None:
    engine, healthy = tables, threading.Event()

    def flaky(conn: Connection, payload: Any, job: q.Job) -> Any:
        conn.execute(results.insert().values(job_id=job.id, worker="w", kind=kind))
        if not healthy.is_set():
            raise ConnectionError(f"smtp down (attempt {job.attempts})")
        return "sent"

    q.register_job_handler(kind, flaky)
    job_id = add(engine, kind, max_attempts=3, org_id=42)
    worker = q.Worker(engine, worker_id="w", kinds=[kind])
    for attempt, wait in [(1, 10), (2, 20)]:
        assert worker.run_once() == 1
        failed = job(engine, job_id)
        assert (failed.status, failed.attempts, failed.locked_by) == ("pending", attempt, None)
        assert f"ConnectionError: smtp down (attempt {attempt})" in (failed.last_error or "")
        assert clock.now() + timedelta(seconds=wait * 0.9) <= failed.available_at
        assert failed.available_at <= clock.now() + timedelta(seconds=wait)
        assert worker.run_once() == 0  # not due yet
        clock.advance(timedelta(seconds=wait))
    assert worker.run_once() == 1
    assert job(engine, job_id).status == "dead"
    with engine.begin() as conn:
        assert [j.id for j in q.list_dead(conn, 42, kind=kind)] == [job_id]
        assert q.list_dead(conn, 43, kind=kind) == []
        assert q.requeue_dead(conn, job_id)
        assert not q.requeue_dead(conn, job_id)
    healthy.set()
    assert worker.run_once() == 1
    done = job(engine, job_id)
    assert (done.status, done.attempts, done.result) == ("done", 1, "sent")
    assert effects(engine, kind) == {job_id: 1}  # the failed attempts' writes were rolled back


def test_unknown_kind_fails_instead_of_running(engine: Engine, kind: str) -> None:
    job_id = add(engine, kind, max_attempts=1)
    assert q.Worker(engine, kinds=[kind]).run_once() == 1
    dead = job(engine, job_id)
    assert dead.status == "dead"
    assert "no handler registered" in (dead.last_error or "")


def test_handler_registry_rejects_duplicates(kind: str) -> None:
    q.register_job_handler(kind, lambda conn, payload, job: None)
    with pytest.raises(ValueError, match="already registered"):
        q.register_job_handler(kind, lambda conn, payload, job: None)
    q.register_job_handler(kind, lambda conn, payload, job: 1, replace=True)
    assert kind in q.registered_kinds()


# -- leases -----------------------------------------------------------------------------------


def test_expired_lease_is_reclaimed_and_the_stale_worker_is_refused(
    engine: Engine, kind: str, clock: ManualClock
) -> None:
    job_id = add(engine, kind)
    assert len(q.claim(engine, worker_id="slow", kinds=[kind], lease=timedelta(seconds=30))) == 1
    clock.advance(timedelta(seconds=29))
    assert q.claim(engine, worker_id="fast", kinds=[kind]) == []
    clock.advance(timedelta(seconds=1))
    [again] = q.claim(engine, worker_id="fast", kinds=[kind])
    assert (again.id, again.attempts, again.locked_by) == (job_id, 2, "fast")
    with pytest.raises(q.LeaseLost):
        q.complete(engine, job_id, worker_id="slow", result="stale")
    with pytest.raises(q.LeaseLost):
        q.fail(engine, job_id, worker_id="slow", error="stale")
    q.complete(engine, job_id, worker_id="fast", result="fresh")
    assert job(engine, job_id).result == "fresh"


def test_lease_lost_on_the_last_attempt_is_dead_lettered(engine: Engine, kind: str, clock: ManualClock) -> None:
    job_id = add(engine, kind, max_attempts=1)
    assert len(q.claim(engine, worker_id="crashes", kinds=[kind])) == 1
    clock.advance(timedelta(minutes=2))
    assert q.claim(engine, worker_id="other", kinds=[kind]) == []
    dead = job(engine, job_id)
    assert (dead.status, dead.attempts, dead.locked_by) == ("dead", 1, None)
    assert "lease expired" in (dead.last_error or "")


def test_handler_writes_commit_only_with_the_completion(tables: Engine, kind: str, clock: ManualClock) -> None:
    engine = tables
    q.register_job_handler(kind, record_effect(kind, "stale"))
    job_id = add(engine, kind)
    [claimed] = q.claim(engine, worker_id="stale", kinds=[kind], lease=timedelta(seconds=5))
    clock.advance(timedelta(seconds=6))
    assert len(q.claim(engine, worker_id="owner", kinds=[kind])) == 1
    assert q.Worker(engine, worker_id="stale", kinds=[kind]).run_jobs([claimed]) == 0  # lease lost
    assert effects(engine, kind) == {}
    assert job(engine, job_id).locked_by == "owner"


# -- concurrency ------------------------------------------------------------------------------


def run_threads(count: int, target: Any) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_concurrent_claimers_never_share_a_job(engine: Engine, kind: str) -> None:
    total = 1000 if engine.dialect.name == "postgresql" else 400
    with engine.begin() as conn:
        for n in range(total):
            q.enqueue(conn, kind, {"n": n})
    got: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def claimer(i: int) -> None:
        start.wait()
        while batch := q.claim(engine, worker_id=f"w{i}", kinds=[kind], limit=10):
            got[i] += [j.id for j in batch]

    run_threads(2, claimer)
    assert len(got[0]) + len(got[1]) == total
    assert not set(got[0]) & set(got[1])
    if engine.dialect.name == "postgresql":  # SQLite serialises claims and need not be fair
        assert got[0] and got[1]


def test_worker_threads_run_each_job_exactly_once(tables: Engine, kind: str) -> None:
    engine, total = tables, 300
    q.register_job_handler(kind, record_effect(kind, "thread"))
    with engine.begin() as conn:
        ids = [q.enqueue(conn, kind, n) or 0 for n in range(total)]
    workers = [q.Worker(engine, worker_id=f"t{i}", batch=10, kinds=[kind]) for i in range(2)]
    run_threads(2, lambda i: [None for _ in iter(workers[i].run_once, 0)])
    assert effects(engine, kind) == dict.fromkeys(ids, 1)
    assert job(engine, ids[5]).result == {"echo": 5}


def test_run_in_thread_picks_up_new_jobs(tables: Engine, kind: str) -> None:
    engine = tables
    q.register_job_handler(kind, record_effect(kind, "bg"))
    worker = q.Worker(engine, poll_interval=0.02, kinds=[kind])
    thread = worker.run_in_thread()
    try:
        job_id = add(engine, kind)
        deadline = time.monotonic() + 10
        while job(engine, job_id).status != "done" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert job(engine, job_id).status == "done"
    finally:
        worker.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()


# -- PostgreSQL: processes, crashes, plans ------------------------------------------------------


def start_worker(script: Path, url: str, kind: str, worker_id: str, *args: object) -> subprocess.Popen[str]:
    command = [sys.executable, str(script), url, kind, worker_id, *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    _started.append(proc)
    return proc


def read_line(proc: subprocess.Popen[str], timeout: float = 20) -> str:
    assert proc.stdout is not None
    ready, _, _ = selectmod.select([proc.stdout], [], [], timeout)
    assert ready, "worker process printed nothing"
    return proc.stdout.readline().strip()


@pytest.fixture
def worker_script(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "worker.py"
    path.write_text(WORKER_SCRIPT)
    yield path
    for proc in _started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()
    _started.clear()


_started: list[subprocess.Popen[str]] = []


def test_worker_processes_run_each_job_exactly_once(
    pg_engine: Engine, pg_database_url: str, worker_script: Path, kind: str
) -> None:
    results.create(pg_engine, checkfirst=True)
    total = 1000
    procs = [start_worker(worker_script, pg_database_url, kind, f"p{i}", total, 60, 0) for i in range(2)]
    assert [read_line(p) for p in procs] == ["ready", "ready"]
    with pg_engine.begin() as conn:
        ids = [q.enqueue(conn, kind, n) for n in range(total)]
    started = time.monotonic()
    assert [p.wait(timeout=30) for p in procs] == [0, 0]
    print(f"{total} jobs by 2 processes in {time.monotonic() - started:.2f} s")
    assert effects(pg_engine, kind) == dict.fromkeys(ids, 1)
    with pg_engine.connect() as conn:
        query = select(results.c.worker, func.count()).where(results.c.kind == kind).group_by(results.c.worker)
        by_worker = {worker: n for worker, n in conn.execute(query)}
    assert set(by_worker) == {"p0", "p1"}  # both really took part


def test_killed_worker_job_is_finished_by_another_after_the_lease(
    pg_engine: Engine, pg_database_url: str, worker_script: Path, kind: str
) -> None:
    results.create(pg_engine, checkfirst=True)
    q.register_job_handler(kind, record_effect(kind, "rescuer"))
    job_id = add(pg_engine, kind)
    victim = start_worker(worker_script, pg_database_url, kind, "victim", 1, 1.5, 60)
    assert read_line(victim) == "ready"
    assert read_line(victim) == f"started {job_id}"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    held = job(pg_engine, job_id)
    assert (held.status, held.locked_by) == ("running", "victim")
    rescuer = q.Worker(pg_engine, worker_id="rescuer", kinds=[kind])
    deadline = time.monotonic() + 10
    while rescuer.run_once() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held.locked_until is not None and datetime.now(UTC) >= held.locked_until
    done = job(pg_engine, job_id)
    assert (done.status, done.attempts, done.locked_by) == ("done", 2, "rescuer")
    assert effects(pg_engine, kind) == {job_id: 1}  # the victim's write died with it


def test_claim_uses_the_partial_index_even_with_stale_statistics(pg_engine: Engine, kind: str) -> None:
    """20,000 timers due at random times tomorrow are analyzed; then 2,000 more become due.
    With so few rows estimated due the planner would read and sort them all (bitmap scan);
    the claim must still walk the index in order and stop after its limit."""
    now = datetime.now(UTC)
    insert = text(
        "INSERT INTO jobs (kind, payload, status, due_at, available_at, attempts, max_attempts, created_at)"
        " SELECT :k, '{}', 'pending', t, t, 0, 5, now()"
        " FROM (SELECT :t + random() * interval '1 day' AS t FROM generate_series(1, :n)) AS s"
    )
    with pg_engine.begin() as conn:
        conn.execute(insert, {"k": kind, "t": now + timedelta(days=1), "n": 20_000})
        conn.execute(text("ANALYZE jobs"))
        conn.execute(insert, {"k": kind, "t": now - timedelta(days=1), "n": 2_000})
    plan = q.explain_claim(pg_engine, kinds=[kind], analyze=True)
    assert "Index Scan using ix_jobs_claimable" in plan
    assert "Bitmap" not in plan and "Seq Scan" not in plan and "Sort" not in plan
    assert len(q.claim(pg_engine, worker_id="w", kinds=[kind], limit=100)) == 100
