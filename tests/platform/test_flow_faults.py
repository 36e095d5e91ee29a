"""Flows under process failures, on PostgreSQL with real processes: an API server killed right
after answering loses nothing it committed (and a retried request is answered as a replay), and
two ``dajian worker`` processes fire 1,000 due flow timers exactly once each, then stop on SIGTERM."""

from __future__ import annotations

import os
import secrets
import select as selectmod
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select

from dajian.platform.apps import import_definition, load_runtime
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.flows import service
from dajian.platform.flows.tables import flow_events, flow_instances
from dajian.platform.models import jobs
from dajian.platform.principal import Principal
from dajian.platform.records import create_records, form_context
from tests.platform.conftest import PASSWORD, Org
from tests.platform.test_flows import Desk, open_nodes

ROOT = Path(__file__).resolve().parents[2]
# the CLI of this checkout (PYTHONPATH=ROOT), also in a worktree without its own .venv
DAJIAN = (sys.executable, "-m", "dajian.platform.cli")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Processes:
    """Subprocesses of one test, killed (if still alive) when it ends."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.started: list[subprocess.Popen[str]] = []

    def start(self, *command: str, name: str) -> subprocess.Popen[str]:
        log = (self.logs / f"{name}.log").open("w")
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env=self.env, cwd=ROOT)
        log.close()
        self.started.append(proc)
        return proc

    def close(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
            if proc.stdout:
                proc.stdout.close()


@pytest.fixture
def processes(pg_database_url: str, tmp_path: Path) -> Iterator[Processes]:
    env = {**os.environ, "DAJIAN_DATABASE_URL": pg_database_url, "DAJIAN_FILES_DIR": str(tmp_path / "files"),
           "PYTHONPATH": str(ROOT)}
    procs = Processes(env, tmp_path)
    try:
        yield procs
    finally:
        procs.close()


def serve(processes: Processes) -> str:
    """Start the real API server (uvicorn, the app factory) and wait until it answers."""
    port = free_port()
    proc = processes.start(sys.executable, "-m", "uvicorn", "--factory", "dajian.platform.app:create_app",
                           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", name=f"api{port}")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded 2-core machine starts uvicorn slowly
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited with {proc.returncode}"
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return url
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer within 60 s")


@dataclass
class LiveOrg(Org):
    """An organisation whose clients talk HTTP to a real server at ``base_url``."""

    base_url: str = ""

    def client(self, username: str = "admin") -> Any:
        client = httpx.Client(base_url=self.base_url, timeout=10)
        r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD, "org": self.key})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client


def live_org(engine: Engine, base_url: str) -> LiveOrg:
    key = f"org_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=key)
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    return LiveOrg(api=None, engine=engine, key=key, id=org_id, admin_id=admin_id, base_url=base_url)  # type: ignore[arg-type]


def moved(client: httpx.Client, url: str) -> httpx.Client:
    """The same session (cookies, CSRF header) against another server; the old client is closed."""
    again = httpx.Client(base_url=url, cookies=client.cookies, headers=client.headers, timeout=10)
    client.close()
    return again


@pytest.fixture
def desk(pg_engine: Engine, processes: Processes) -> Iterator[Desk]:
    desk = Desk(live_org(pg_engine, serve(processes)))
    try:
        yield desk
    finally:
        for client in [desk.admin, *desk.clients.values()]:
            client.close()


def test_a_killed_api_server_loses_no_committed_action(pg_engine: Engine, processes: Processes, desk: Desk) -> None:
    ids = desk.ids
    view = desk.start(desk.new_complaint())
    [task] = [t for t in view["tasks"] if t["status"] == "pending"]
    body = {"action": "approve", "comment": "已受理", "client_request_id": "triage-once"}
    answered = desk.as_("agent1").post(f"/api/v1/flows/tasks/{task['id']}/act", json=body)
    server = processes.started[0]
    server.send_signal(signal.SIGKILL)  # right after the answer: no clean shutdown
    assert answered.status_code == 200 and answered.json()["replayed"] is False
    assert server.wait(timeout=10) == -signal.SIGKILL

    url = serve(processes)  # a new server process on the same database
    desk.admin = moved(desk.admin, url)
    desk.clients = {name: moved(client, url) for name, client in desk.clients.items()}
    after = desk.admin.get(f"/api/v1/flows/instances/{view['id']}").json()
    triage = next(t for t in after["tasks"] if t["id"] == task["id"])
    assert (triage["status"], triage["acted_by"], triage["comment"]) == ("done", ids["agent1"], "已受理")
    assert open_nodes(after) == [("logistics", ids["logi1"]), ("tech", ids["tech1"])]
    assert [e["action"] for e in after["timeline"]] == ["start", "approve"]

    retried = desk.as_("agent1").post(f"/api/v1/flows/tasks/{task['id']}/act", json=body)
    assert retried.status_code == 200 and retried.json()["replayed"] is True
    assert open_nodes(retried.json()) == open_nodes(after) and len(retried.json()["tasks"]) == len(after["tasks"])
    with pg_engine.connect() as conn:
        logged = conn.execute(select(func.count()).select_from(flow_events)
                              .where(flow_events.c.instance_id == view["id"],
                                     flow_events.c.client_request_id == "triage-once")).scalar_one()
    assert logged == 1


# -- workers -------------------------------------------------------------------------------


def timer_app(user_id: int) -> dict[str, Any]:
    nodes = [{"id": "start", "kind": "start"}, {"id": "wait", "kind": "timer", "duration": {"hours": 1}},
             {"id": "end", "kind": "end", "outcome": "waited"}]
    flow = {"key": "wait", "label": {"en": "Wait"}, "form": "req", "nodes": nodes,
            "edges": [{"source": "start", "target": "wait"}, {"source": "wait", "target": "end"}]}
    return {"schema_version": 1, "key": "timers", "label": {"en": "Timers"}, "flows": [flow],
            "forms": [{"key": "req", "label": {"en": "Request"},
                       "fields": [{"key": "title", "kind": "text", "label": {"en": "Title"}}]}]}


def read_line(proc: subprocess.Popen[str], timeout: float = 20) -> str:
    assert proc.stdout is not None
    ready, _, _ = selectmod.select([proc.stdout], [], [], timeout)
    assert ready, "the process printed nothing"
    return proc.stdout.readline().strip()


def park_at_due_timers(engine: Engine, total: int) -> tuple[int, list[int]]:
    """``total`` instances waiting at a timer that fell due an hour ago (started two hours ago)."""
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=f"t{secrets.token_hex(4)}", name="timers")
        user_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
        principal = Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
        import_definition(conn, principal, timer_app(user_id))
        runtime = load_runtime(conn, principal, "timers")
        records = create_records(conn, form_context(conn, principal, runtime, "req", "create"),
                                 [{"title": f"r{i}"} for i in range(total)])
    previous = set_clock(ManualClock(datetime.now(UTC) - timedelta(hours=2)))
    try:
        with engine.begin() as conn:  # one commit: the workers see all of them at once
            ids = [service.start_instance(conn, principal, "timers", "wait", int(r["id"])) for r in records]
    finally:
        set_clock(previous)
    return runtime.app_id, ids


def test_two_worker_processes_fire_each_due_timer_once(pg_engine: Engine, processes: Processes) -> None:
    workers = [processes.start(*DAJIAN, "worker", "--poll-interval", "0.2", name=f"worker{i}") for i in range(2)]
    assert all(read_line(w).startswith("worker ") for w in workers)  # "worker <id> started"
    total = 1000
    app_id, ids = park_at_due_timers(pg_engine, total)
    mine = flow_instances.c.app_id == app_id
    deadline = time.monotonic() + 60
    with pg_engine.connect() as conn:
        count = select(func.count()).select_from(flow_instances).where(mine, flow_instances.c.state == "completed")
        while conn.execute(count).scalar_one() < total and time.monotonic() < deadline:
            conn.rollback()
            time.sleep(0.2)
        fired = dict(conn.execute(select(flow_events.c.instance_id, func.count())
                                  .where(flow_events.c.instance_id.in_(ids), flow_events.c.action == "timer")
                                  .group_by(flow_events.c.instance_id)).all())
        timer_jobs = conn.execute(select(jobs.c.status, jobs.c.attempts, jobs.c.locked_by)
                                  .where(jobs.c.kind == "flow.timer", jobs.c.payload["instance"].as_integer()
                                         .in_(ids))).all()
        outcomes = set(conn.execute(select(flow_instances.c.outcome).where(mine)).scalars())
    assert fired == dict.fromkeys(ids, 1)  # every timer fired, none twice
    assert outcomes == {"waited"}
    assert len(timer_jobs) == total and {(s, a) for s, a, _ in timer_jobs} == {("done", 1)}
    assert len({w for _, _, w in timer_jobs}) == 2  # both workers took part

    for w in workers:
        w.send_signal(signal.SIGTERM)
    assert [w.wait(timeout=15) for w in workers] == [0, 0]
    assert all("worker stopped" in (w.stdout.read() if w.stdout else "") for w in workers)
