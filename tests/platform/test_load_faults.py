"""Crashes under load, on PostgreSQL with real processes (the process and check code is the load
bench's, ``bench/cluster.py``): 2 API processes and a worker on a fresh database, clients
creating complaints through the API and the public form with Idempotency-Keys; one API process and
one worker are SIGKILLed mid-load and replaced. Nothing is lost (every create answered 2xx is
stored, once), nothing is doubled (no create stored twice though clients retried it on the other
server, serial numbers unique and gap-free), and every due job is done once: the jobs the killed
worker held are taken again once their lease expires, and each sends its message once."""

from __future__ import annotations

import asyncio
import socket
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bench.cluster import Load, Sent, drive, processes, seed_site, verify, wait_for_jobs, warm
from dajian.platform import features as _features  # noqa: F401 - job handlers for the reclaiming worker
from dajian.platform.clock import ManualClock, set_clock, utcnow
from dajian.platform.db import make_engine
from dajian.platform.jobs import Worker
from dajian.platform.models import jobs
from tests.conftest import BACKENDS, new_pg_database

pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL only (real processes)")


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """A database of its own: the workers of this test must not take other tests' jobs."""
    with new_pg_database() as url:
        yield url


@pytest.fixture
def fresh_engine(fresh_pg: str) -> Iterator[Engine]:
    eng = make_engine(fresh_pg)
    yield eng
    eng.dispose()


def holding_jobs(engine: Engine, pid: int, seconds: float) -> bool:
    """Wait (up to ``seconds``) until the worker process ``pid`` has claimed jobs it has not finished."""
    held = select(func.count()).select_from(jobs).where(jobs.c.status == "running",
                                                        jobs.c.locked_by == f"{socket.gethostname()}-{pid}")
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(held).scalar_one():
                return True
            conn.rollback()
            time.sleep(0.01)
    return False


def reclaim_lost_jobs(engine: Engine) -> int:
    """Run the jobs a killed worker held, as any worker will once their 60 s lease has expired."""
    previous = set_clock(ManualClock(utcnow() + timedelta(seconds=61)))
    try:
        worker, ran = Worker(engine, worker_id="after-the-lease"), 0
        while (claimed := worker.run_once()) > 0:
            ran += claimed
        return ran
    finally:
        set_clock(previous)


def test_sigkill_of_an_api_process_and_a_worker_mid_load_loses_and_doubles_nothing(
        fresh_pg: str, fresh_engine: Engine, tmp_path: Path) -> None:
    engine = fresh_engine
    site = seed_site(engine, public_limit=10_000, seed_records=False)
    with processes(fresh_pg, tmp_path) as procs:
        apis, workers = procs.apis(2), procs.workers(1)
        load = Load([str(a.url) for a in apis], site, clients=12, seconds=6, idempotent=True, retries=30)

        async def scenario() -> list[Sent]:
            clients = asyncio.create_task(drive(load))
            await asyncio.sleep(2.5)
            procs.kill(apis[0])  # mid-request: some creates commit unanswered, others roll back
            await asyncio.to_thread(holding_jobs, engine, workers[0].popen.pid, 3)
            procs.kill(workers[0])  # mid-batch if caught holding jobs: they stay leased to a dead worker
            replacement = await asyncio.to_thread(procs.api)
            load.bases[0] = str(replacement.url)
            await asyncio.to_thread(procs.worker)
            return await clients

        sent = warm(load) + asyncio.run(scenario())
        assert not apis[0].alive() and not workers[0].alive()
        wait_for_jobs(engine, site.org_id, timeout=15)
        reclaim_lost_jobs(engine)
        assert wait_for_jobs(engine, site.org_id, timeout=15) == 0

    statuses = Counter(s.status for s in sent)
    assert set(statuses) == {201}, statuses  # every create was answered in the end (some after retries)
    assert statuses[201] >= 20 and Counter(s.via for s in sent)["public"] > 0
    assert any(s.tries > 1 for s in sent)  # the kill cut some requests off: they were retried
    report = verify(engine, site, sent, allow_rerun=True)
    assert report.problems == [], report.summary()
    assert report.stored == len(sent) and report.jobs_done > 0
