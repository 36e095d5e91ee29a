"""Complaints created by many concurrent clients against real server processes on PostgreSQL.

On a throwaway database ``dajian_bench_<random>``: the complaint template with its seed users,
2 API processes (uvicorn, the app factory, no embedded worker) and 2 ``dajian worker``
processes. Clients (async httpx) create complaints until a deadline, three in four through the
record API with bearer tokens of the template's agents, one in four through the public form link
(its per-client rate limit raised to 10,000 a minute for the run, as all clients share 127.0.0.1;
a 429 would still count as a rate limit, not an error). First 4 clients (the baseline), then 100;
a client waits up to 60 s for an answer (a timeout counts as an error). Afterwards the due jobs
are drained and the database is checked: every 2xx stored exactly once, nothing stored twice,
serial numbers unique and gap-free, every due job done once (its in-app message sent once), none
failed.

    .venv/bin/python bench/load.py [--quick] [--clients 100] [--baseline-clients 4] [--seconds 60]

Prints ``RESULT name=load_concurrency``, ``load_p95_ms`` and ``load_errors``; exits 1 when the
checks find a problem.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import fmt, load_note, note, percentile, pg_database, result
from cluster import (
    CpuTimes,
    Load,
    LockWaits,
    Processes,
    Report,
    Sent,
    Site,
    drive,
    processes,
    seed_site,
    verify,
    wait_for_jobs,
    warm,
)
from sqlalchemy import Engine

from dajian.platform.db import make_engine

OK = (200, 201)
RATE_LIMITED = 429


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter phases: the whole run under 3 minutes")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--baseline-clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, help="length of each phase (default 60, quick 20)")
    parser.add_argument("--apis", type=int, default=2, help="API processes")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--serials", choices=["gapless", "sequence"], default="gapless",
                        help="the template's gap-free ticket numbers, or numbers from a sequence no create waits on")
    parser.add_argument("--public-every", type=int, default=4, help="every Nth client uses the public form (0: none)")
    return parser.parse_args()


class Phase:
    def __init__(self, label: str, clients: int, sent: list[Sent], elapsed: float) -> None:
        self.label, self.clients, self.sent, self.elapsed = label, clients, sent, elapsed
        self.ok = [s for s in sent if s.status in OK]
        self.rate = len(self.ok) / elapsed if elapsed else 0.0
        self.errors = Counter(str(s.status or s.error) for s in sent if s.status not in (*OK, RATE_LIMITED))
        self.limited = sum(1 for s in sent if s.status == RATE_LIMITED)

    def latency_ms(self, pct: float) -> float:
        return percentile([s.seconds for s in self.ok], pct) * 1000 if self.ok else 0.0

    def _via_ms(self, via: str, pct: float) -> float:
        return percentile([s.seconds for s in self.ok if s.via == via], pct) * 1000

    def describe(self) -> str:
        by_via = Counter(s.via for s in self.ok)
        errors = ", ".join(f"{status}: {n}" for status, n in sorted(self.errors.items())) or "none"
        return (f"[{self.label}] {self.clients} clients, {self.elapsed:.1f}s: {len(self.ok)} created "
                f"({by_via['api']} api, {by_via['public']} public) = {fmt(self.rate)}/s; "
                f"p50 {self.latency_ms(50):.0f} ms, p95 {self.latency_ms(95):.0f} ms, p99 {self.latency_ms(99):.0f} ms;"
                f" rate limited {self.limited}; errors {errors}"
                + "".join(f"\n  {via}: p50 {self._via_ms(via, 50):.0f} ms, p95 {self._via_ms(via, 95):.0f} ms"
                          for via in sorted(by_via))
                + "".join(f"\n  e.g. {s.error}: {s.detail}" for s in self._first_of_each_transport_error()))

    def _first_of_each_transport_error(self) -> list[Sent]:
        firsts: dict[str, Sent] = {}
        for s in self.sent:
            if s.status == 0 and s.error is not None:
                firsts.setdefault(s.error, s)
        return list(firsts.values())


def run_phase(label: str, bases: list[str], site: Site, clients: int, seconds: float, public_every: int,
              engine: Engine, procs: Processes) -> Phase:
    started = time.monotonic()
    cpu = CpuTimes(procs)
    with LockWaits(engine) as waits:
        sent = asyncio.run(drive(Load(bases, site, clients=clients, seconds=seconds, public_every=public_every)))
    phase = Phase(label, clients, sent, time.monotonic() - started)
    note(phase.describe())
    note(f"[{label}] {waits.summary()}")
    note(f"[{label}] CPU ms per create: {cpu.per(len(phase.ok))}")
    return phase


def report_results(baseline: Phase, crowd: Phase, phases: list[Phase], serials: str) -> int:
    result("load_concurrency", crowd.rate, baseline.rate, ">=0.7", serials=serials)
    result("load_p95_ms", crowd.latency_ms(95), 2000, "<=1", serials=serials)
    errors = sum(sum(p.errors.values()) for p in phases)
    print(f"RESULT name=load_errors value={errors} baseline=0 ratio={'0.000' if errors == 0 else 'inf'} "
          f"target=<=0 rate_limited={sum(p.limited for p in phases)}", flush=True)
    return errors


def main() -> int:
    args = parse()
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    baseline_seconds = seconds * 0.75 if args.quick else seconds
    begun = time.monotonic()
    load_note("load")
    logs = Path(tempfile.mkdtemp(prefix="dajian_load_"))
    with pg_database() as url:
        engine = make_engine(url)
        gapless = args.serials == "gapless"
        site = seed_site(engine, public_limit=10_000, gapless=gapless)
        note(f"[load] seeded {url.rsplit('/', 1)[1]} in {time.monotonic() - begun:.1f}s: "
             f"{len(site.tokens)} agent tokens")
        with processes(url, logs) as procs:
            bases = [str(api.url) for api in procs.apis(args.apis)]
            procs.workers(args.workers)
            note(f"[load] {args.apis} API processes, {args.workers} workers up after {time.monotonic() - begun:.1f}s")
            warmed = time.monotonic()
            phases = [Phase("warm-up", 1, warm(Load(bases, site, clients=1, seconds=0)), time.monotonic() - warmed)]
            note(phases[0].describe())
            phases.append(run_phase("baseline", bases, site, args.baseline_clients, baseline_seconds,
                                    args.public_every, engine, procs))
            phases.append(run_phase("crowd", bases, site, args.clients, seconds, args.public_every, engine, procs))
            drained = time.monotonic()
            left = wait_for_jobs(engine, site.org_id, timeout=60)
            note(f"[load] due jobs drained in {time.monotonic() - drained:.1f}s ({left} left)")
            checks: Report = verify(engine, site, [s for p in phases for s in p.sent], gapless=gapless)
        engine.dispose()
    errors = report_results(phases[1], phases[2], phases, args.serials)
    note(f"[load] checks: {checks.summary()}")
    for problem in checks.problems[:20]:
        note(f"    PROBLEM {problem}")
    if checks.problems or errors:
        note(f"[load] server logs kept in {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    load_note("load")
    note(f"[load] done in {time.monotonic() - begun:.1f}s")
    return 1 if checks.problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
