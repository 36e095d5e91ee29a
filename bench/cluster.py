"""Real server processes under concurrent clients, shared by ``bench/load.py`` and the fault test
(``tests/platform/test_load_faults.py``).

* ``seed_site``: on a migrated database, an organisation with the complaint template, its seed
  users, bearer tokens of its agents and (optionally) a public-form rate limit raised for the load;
* ``Processes``: API processes (uvicorn serving the app factory; no embedded worker) and
  ``dajian worker`` processes, each started, SIGKILLed or stopped by the caller;
* ``drive``: async httpx clients creating complaints through the API and the public form until a
  deadline, each answer kept (status, latency, record id or serial);
* ``verify``: the SQL checks afterwards — every 2xx stored exactly once, no create stored twice,
  serial numbers unique and gap-free, every due job done once and its in-app message sent once.

Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select, text

from dajian.platform.apps import import_definition, load_runtime
from dajian.platform.auth import create_organisation, create_token, create_user
from dajian.platform.clock import utcnow
from dajian.platform.demo import install_seed
from dajian.platform.migrate import upgrade
from dajian.platform.models import jobs
from dajian.platform.principal import Principal
from dajian.platform.rules.tables import notifications
from dajian.platform.templates import load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "app_templates" / "complaint_management"
APP, FORM = "complaint_management", "complaint"
RECORDS = f"/api/v1/apps/{APP}/forms/{FORM}/records"
PASSWORD = "load bench password 1"
CLIENT_TIMEOUT = 60  # seconds a client waits for an answer
KEEP_ALIVE = 30  # seconds an API process keeps an idle client connection open
SERIAL = re.compile(r"^(?P<prefix>.*\D)(?P<number>\d+)$")


# --- the organisation -----------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    org_key: str
    org_id: int
    tokens: list[str]  # bearer tokens of the template's agents (records:read, records:write)

    @property
    def public_path(self) -> str:
        return f"/api/v1/public/{self.org_key}/{APP}/forms/{FORM}"


def seed_site(engine: Engine, *, public_limit: int | None = None, seed_records: bool = True,
              gapless: bool = True) -> Site:
    """The complaint template published in a new organisation, with its seed users (and, with
    ``seed_records``, its products and articles); ``public_limit`` replaces the public form's
    submissions per client and minute (all load comes from one address); ``gapless=False`` numbers
    complaints from a sequence that no create waits on (a failed create leaves a gap)."""
    upgrade(engine)
    key = f"load{uuid.uuid4().hex[:6]}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name="Load")
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    admin = Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
    _, doc, seed = load_template(TEMPLATE)
    if public_limit is not None:
        doc = with_public_limit(doc, public_limit)
    if not gapless:
        doc = with_sequence_serials(doc)
    with engine.begin() as conn:
        import_definition(conn, admin, doc)
        load_runtime(conn, admin, APP)
    people = install_seed(engine, admin, APP, seed if seed_records else replace(seed, records=[]), password=PASSWORD)
    tokens = []
    with engine.begin() as conn:
        for user_id in people.roles.get("agent", []):
            agent = Principal(user_id=user_id, org_id=org_id, dept_id=people.user_depts[user_id],
                              is_org_admin=False, via="session")
            tokens.append(create_token(conn, principal=agent, name="load", scopes=["records:read", "records:write"],
                                       app_keys=[APP])[1])
    return Site(org_key=key, org_id=org_id, tokens=tokens)


def with_public_limit(doc: dict[str, Any], limit: int) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for rule in doc.get("rules", []):
        if rule.get("kind") == "public_form":
            rule["rate_limit"] = {"max": limit, "per_minutes": 1}
    return doc


def with_sequence_serials(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for form in doc.get("forms", []):
        for spec in form.get("fields", []):
            if spec.get("kind") == "serial":
                spec.setdefault("config", {})["gapless"] = False
    return doc


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    url: str | None = None  # an API process's base URL

    def alive(self) -> bool:
        return self.popen.poll() is None


class Processes:
    """Server processes on one database; every one still alive is killed by ``close``."""

    def __init__(self, database_url: str, logs: Path) -> None:
        logs.mkdir(parents=True, exist_ok=True)
        self.logs = logs
        self.env = {**os.environ, "DAJIAN_DATABASE_URL": database_url, "DAJIAN_FILES_DIR": str(logs / "files"),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.started: list[Proc] = []
        self._names = itertools.count(1)

    def _start(self, name: str, command: list[str]) -> Proc:
        with (self.logs / f"{name}.log").open("wb") as log:
            popen = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT)
        proc = Proc(name, popen)
        self.started.append(proc)
        return proc

    def api(self, timeout: float = 60) -> Proc:
        """An API process (uvicorn, one event loop, the app factory) on a free port, once it answers."""
        return self.apis(1, timeout)[0]

    def apis(self, count: int, timeout: float = 60) -> list[Proc]:
        """``count`` API processes, started together, once all of them answer."""
        started = []
        for _ in range(count):
            port = free_port()
            proc = self._start(f"api{next(self._names)}", [
                sys.executable, "-m", "uvicorn", "--factory", "dajian.platform.app:create_app", "--host", "127.0.0.1",
                "--port", str(port), "--log-level", "warning", "--no-access-log",
                # longer than the clients' idle expiry (httpx: 5 s, as uvicorn's default): with equal
                # timeouts a client may send on a connection the server is closing (ReadError)
                "--timeout-keep-alive", str(KEEP_ALIVE)])
            proc.url = f"http://127.0.0.1:{port}"
            started.append(proc)
        deadline = time.monotonic() + timeout
        for proc in started:
            self._wait(proc, lambda p: _answers(str(p.url)), deadline)
        return started

    def worker(self, timeout: float = 60) -> Proc:
        """A ``dajian worker`` process, once it says it started."""
        return self.workers(1, timeout)[0]

    def workers(self, count: int, timeout: float = 60) -> list[Proc]:
        started = [self._start(f"worker{next(self._names)}", [
            sys.executable, "-m", "dajian.platform.cli", "worker", "--poll-interval", "0.2"]) for _ in range(count)]
        deadline = time.monotonic() + timeout
        for proc in started:
            self._wait(proc, lambda p: "started" in (self.logs / f"{p.name}.log").read_text(errors="replace"),
                       deadline)
        return started

    def _wait(self, proc: Proc, ready: Callable[[Proc], bool], deadline: float) -> None:
        while not ready(proc):
            if not proc.alive():
                raise RuntimeError(f"{proc.name} exited with {proc.popen.returncode}: see {self.logs}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{proc.name} was not ready in time: see {self.logs}")
            time.sleep(0.1)

    def kill(self, proc: Proc) -> None:
        """SIGKILL: no clean shutdown, connections dropped mid-transaction."""
        proc.popen.send_signal(signal.SIGKILL)
        proc.popen.wait(timeout=10)

    def close(self) -> None:
        for proc in self.started:
            if proc.alive():
                proc.popen.send_signal(signal.SIGTERM)
        for proc in self.started:
            try:
                proc.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait(timeout=10)


class CpuTimes:
    """CPU seconds spent from now on by this process (the clients), the API processes, the workers and
    PostgreSQL (every backend on the machine: other databases' work counts too; a backend that exits
    meanwhile is not counted), to say where a create's time goes."""

    def __init__(self, procs: Processes) -> None:
        self.procs = procs
        self.start = self._now()

    def _now(self) -> dict[tuple[str, int], float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        times = {("clients", 0): usage.ru_utime + usage.ru_stime}
        for proc in self.procs.started:
            if proc.alive():
                times[(proc.name.rstrip("0123456789"), proc.popen.pid)] = _cpu_seconds(proc.popen.pid)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[0].endswith("(postgres"):
                    pid = int(stat.parent.name)
                    times[("postgres", pid)] = _cpu_seconds(pid)
            except (OSError, ValueError):
                continue
        return times

    def per(self, creates: int) -> str:
        spent: Counter[str] = Counter()
        for (name, pid), seconds in self._now().items():
            spent[name] += seconds - self.start.get((name, pid), 0.0)
        return ", ".join(f"{name} {1000 * sec / max(creates, 1):.1f}" for name, sec in sorted(spent.items()))


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def processes(database_url: str, logs: Path) -> Iterator[Processes]:
    procs = Processes(database_url, logs)
    try:
        yield procs
    finally:
        procs.close()


# --- clients --------------------------------------------------------------------------------


@dataclass
class Sent:
    """One create as the client saw it (after any retries)."""

    via: str  # "api" or "public"
    marker: str  # the subject, unique per create
    status: int  # 0: no answer (connection failed on every try)
    seconds: float
    record_id: int | None = None
    serial: str | None = None
    tries: int = 1
    error: str | None = None  # with status 0: the last transport error (ReadTimeout, ConnectError, …)
    detail: str | None = None  # with status 0: that error's message, for the report


def complaint(marker: str, i: int) -> dict[str, Any]:
    return {"subject": marker, "contact_name": "王先生", "contact_phone": f"138{i % 100_000_000:08d}",
            "category": ["product_quality", "function_failure", "wont_power_on"],
            "description": "购买的智能手表无法开机，充电一晚也无反应，要求换货。", "expectation": ["exchange"]}


@dataclass
class Load:
    """Who sends what: ``bases`` may be changed while clients run (a restarted server's new URL)."""

    bases: list[str]
    site: Site
    clients: int
    seconds: float
    public_every: int = 4  # every 4th client uses the public form, the others the API
    idempotent: bool = False  # send an Idempotency-Key and retry failed connections with it
    retries: int = 0
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])


def warm(load: Load) -> list[Sent]:
    """One create through each API process and each path before anything is measured: the first
    create of a process loads the search segmenter's dictionary (jieba, seconds) and compiles the app."""
    return asyncio.run(_warm(load))


async def _warm(load: Load) -> list[Sent]:
    async with httpx.AsyncClient(timeout=120) as http:

        async def both(n: int) -> list[Sent]:
            return [await _send(http, load, n, public, *_request(load, n, 0, public, tag=f"{load.tag}w"))
                    for public in (False, True)]

        per_base = await asyncio.gather(*(both(n) for n in range(len(load.bases))))
    return [sent for pair in per_base for sent in pair]


async def drive(load: Load) -> list[Sent]:
    """Run ``load.clients`` clients until ``load.seconds`` have passed; every create they made."""
    deadline = time.monotonic() + load.seconds
    per_client = await asyncio.gather(*(_client(load, n, deadline) for n in range(load.clients)))
    return [sent for batch in per_client for sent in batch]


async def _client(load: Load, n: int, deadline: float) -> list[Sent]:
    """One client, as a person's browser or a script would be: its own connection. (One pool shared by
    100 clients costs the load generator ~4x the CPU per request, taken from the server it measures.)"""
    public = load.public_every > 0 and n % load.public_every == load.public_every - 1
    out: list[Sent] = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT, limits=limits) as http:
        for i in itertools.count():
            if time.monotonic() >= deadline:
                return out
            out.append(await _send(http, load, n, public, *_request(load, n, i, public)))
    return out


def _request(load: Load, n: int, i: int, public: bool, tag: str | None = None) -> tuple[dict[str, Any],
                                                                                          dict[str, str]]:
    """Client ``n``'s ``i``-th create: its body (the subject is unique) and headers."""
    tag = tag or load.tag
    body = complaint(f"load {tag} {n}-{i}{'p' if public else 'a'}", n * 100_000 + i)
    token = load.site.tokens[n % len(load.site.tokens)]
    headers = {} if public else {"Authorization": f"Bearer {token}"}
    if load.idempotent:
        headers["Idempotency-Key"] = body["subject"].replace(" ", "_")
    if not public:
        body["channel"] = "phone"
    return body, headers


async def _send(http: httpx.AsyncClient, load: Load, n: int, public: bool, body: dict[str, Any],
                headers: dict[str, str]) -> Sent:
    path = load.site.public_path if public else RECORDS
    started, error, detail = time.monotonic(), "", ""
    for attempt in range(load.retries + 1):
        base = load.bases[(n + attempt) % len(load.bases)]
        try:
            response = await http.post(base + path, json=body, headers=headers)
        except httpx.TransportError as exc:
            error = type(exc).__name__
            detail = f"{exc!r} (cause {exc.__cause__!r}) after {time.monotonic() - started:.1f}s"
            if attempt < load.retries:
                await asyncio.sleep(0.2)
            continue
        sent = Sent("public" if public else "api", body["subject"], response.status_code,
                    time.monotonic() - started, tries=attempt + 1)
        if response.status_code in (200, 201):
            data = response.json()
            sent.record_id, sent.serial = data.get("id"), data.get("serial", data.get("ticket_no"))
        return sent
    return Sent("public" if public else "api", body["subject"], 0, time.monotonic() - started,
                tries=load.retries + 1, error=error, detail=detail)


# --- checks ---------------------------------------------------------------------------------


def wait_for_jobs(engine: Engine, org_id: int, timeout: float) -> int:
    """Wait until no job of the organisation is due and undone; how many still are."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            left = int(conn.execute(select(func.count()).select_from(jobs).where(
                jobs.c.org_id == org_id, jobs.c.status.in_(("pending", "running")),
                jobs.c.due_at <= utcnow())).scalar_one())
        if left == 0 or time.monotonic() >= deadline:
            return left
        time.sleep(0.25)


@dataclass
class Report:
    problems: list[str]
    stored: int  # complaints of the run in the table
    jobs_done: int
    jobs_rerun: int  # done on a second attempt (their first worker died holding them)

    def summary(self) -> str:
        return (f"{self.stored} complaints stored, {self.jobs_done} due jobs done ({self.jobs_rerun} on a second "
                f"attempt), {len(self.problems)} problems")


def verify(engine: Engine, site: Site, sent: list[Sent], *, allow_rerun: bool = False,
           gapless: bool = True) -> Report:
    """Every 2xx stored once, nothing stored twice, serials unique (and gap-free unless ``gapless`` is
    False), due jobs done once."""
    with engine.connect() as conn:
        runtime_table = _complaint_table(conn, site)
        rows = conn.execute(select(runtime_table.c.id, runtime_table.c.ticket_no, runtime_table.c.subject)
                            .where(runtime_table.c.deleted_at.is_(None))).all()
        job_rows = conn.execute(select(jobs.c.id, jobs.c.kind, jobs.c.status, jobs.c.attempts, jobs.c.due_at,
                                       jobs.c.payload).where(jobs.c.org_id == site.org_id)).all()
        sent_messages = conn.execute(select(notifications.c.user_id, notifications.c.link, notifications.c.source)
                                     .where(notifications.c.org_id == site.org_id)).all()
    problems = _record_problems(rows, sent) + _serial_problems([r.ticket_no for r in rows], gapless=gapless)
    job_problems, done, rerun = _job_problems(job_rows, sent_messages, allow_rerun=allow_rerun)
    return Report(problems + job_problems, stored=len(rows), jobs_done=done, jobs_rerun=rerun)


def _complaint_table(conn: Any, site: Site) -> Any:
    admin = Principal(user_id=0, org_id=site.org_id, dept_id=None, is_org_admin=True, via="system")
    return load_runtime(conn, admin, APP).form(FORM).table


def _record_problems(rows: list[Any], sent: list[Sent]) -> list[str]:
    problems = []
    by_marker = Counter(r.subject for r in rows)
    problems += [f"{m!r} stored {c} times" for m, c in by_marker.items() if c > 1]
    by_id = {r.id: r for r in rows}
    by_serial = {r.ticket_no: r for r in rows}
    for s in sent:
        if s.status not in (200, 201):
            continue
        row = by_id.get(s.record_id) if s.via == "api" else by_serial.get(s.serial)
        if row is None or row.subject != s.marker:
            problems.append(f"{s.via} create {s.marker!r} answered {s.status} ({s.record_id or s.serial}) "
                            f"but is not stored as answered")
    return problems


def _serial_problems(serials: list[str | None], *, gapless: bool = True) -> list[str]:
    problems = [f"serial {s!r} given {c} times" for s, c in Counter(serials).items() if c > 1]
    numbers: dict[str, list[int]] = {}
    for serial in serials:
        match = SERIAL.match(serial or "")
        if match is None:
            problems.append(f"record without a well-formed serial: {serial!r}")
            continue
        numbers.setdefault(match["prefix"], []).append(int(match["number"]))
    for prefix, got in numbers.items():
        missing = sorted(set(range(1, max(got) + 1)) - set(got))
        if missing and gapless:
            problems.append(f"serials {prefix}…: {len(missing)} missing (first {missing[:5]})")
    return problems


def _job_problems(job_rows: list[Any], messages: list[Any], *, allow_rerun: bool) -> tuple[list[str], int, int]:
    now = utcnow()
    problems = [f"job {j.id} ({j.kind}) is {j.status}" for j in job_rows if j.status in ("dead", "failed")]
    undone = [j for j in job_rows if j.status in ("pending", "running") and j.due_at <= now]
    if undone:
        problems.append(f"{len(undone)} due jobs not done (first: {undone[0].id} {undone[0].kind} {undone[0].status})")
    done = [j for j in job_rows if j.status == "done"]
    rerun = [j for j in done if j.attempts > 1]
    if rerun and not allow_rerun:
        problems.append(f"{len(rerun)} jobs ran more than once (first: {rerun[0].id})")
    expected = Counter(_message_key(j.payload) for j in done if j.kind == "notify"
                       and j.payload.get("channel") == "in_app")
    made = Counter((m.user_id, m.link["record"], m.source) for m in messages  # rule messages about a record
                   if isinstance(m.link, dict) and "record" in m.link)
    for key, count in made.items():
        if count != expected.get(key, 0):
            problems.append(f"in-app message {key} sent {count} times, {expected.get(key, 0)} notify jobs done")
    missing = sum(1 for key in expected if key not in made)
    if missing:
        problems.append(f"{missing} done notify jobs sent no in-app message")
    return problems, len(done), len(rerun)


def _message_key(payload: dict[str, Any]) -> tuple[int, Any, Any]:
    return int(payload["recipient"][1]), (payload.get("link") or {}).get("record"), payload.get("source")



class LockWaits:
    """Samples, every ``every`` seconds while running, how many sessions on this database are active
    and how many of them wait for a lock (PostgreSQL ``pg_stat_activity``), and what the waiters run
    (the start of their statement), so a summary names the lock that queues creates."""

    QUERY = text("SELECT state = 'active' AS active, wait_event_type = 'Lock' AS waiting, "
                 "wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query "
                 "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")

    def __init__(self, engine: Engine, every: float = 0.5) -> None:
        self.engine, self.every = engine, every
        self.samples: list[tuple[int, int]] = []
        self.waited_in: Counter[str] = Counter()  # statement start (and lock kind) → waiting sessions seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LockWaits:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.wait(self.every):
                rows = conn.execute(self.QUERY).all()
                conn.rollback()
                waiting = [r for r in rows if r.active and r.waiting]
                self.waited_in.update(f"{r.wait_event}: {r.query}" for r in waiting)
                self.samples.append((sum(1 for r in rows if r.active), len(waiting)))

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        waiting = [w for _, w in self.samples]
        active = [a for a, _ in self.samples]
        top = "; ".join(f"{n}× {what}" for what, n in self.waited_in.most_common(3))
        return (f"sessions waiting on a lock: mean {sum(waiting) / len(waiting):.1f}, max {max(waiting)} "
                f"(active: mean {sum(active) / len(active):.1f}, max {max(active)}; {len(self.samples)} samples)"
                + (f"; most seen waiting in: {top}" if top else ""))
