"""Concurrent complaint creates through a real uvicorn server on PostgreSQL: gap-free serials vs
``"gapless": false`` (issue #12 item 8). A quick measuring script, not the full load bench.

Each of N clients (a browser session of its own) creates complaints of the complaint template for
a bounded time; prints creates/s, p50/p95 and errors, then checks the serials are unique (and
gap-free in gap-free mode).

    PYTHONPATH=. .venv/bin/python bench/serial_contention.py [--clients 50] [--seconds 15] [--mode both]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
from _common import PASSWORD, ROOT, pg_database
from sqlalchemy import text

from dajian.platform.apps import import_definition
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.db import make_engine
from dajian.platform.directory import grant_role
from dajian.platform.migrate import upgrade
from dajian.platform.principal import Principal
from dajian.platform.templates import load_template

TEMPLATE = ROOT / "app_templates" / "complaint_management"
APP = "complaint_management"
BODY = {"subject": "智能手表无法开机", "channel": "phone", "contact_name": "王先生", "contact_phone": "13800138000",
        "category": ["product_quality", "function_failure", "wont_power_on"],
        "description": "购买的智能手表无法开机，充电一晚也无反应，要求换货。", "expectation": ["exchange"]}
SERVER = """
import sys, uvicorn
from dajian.platform.app import create_app
from dajian.platform.config import Settings
from dajian.platform.db import make_engine
url, port = sys.argv[1], int(sys.argv[2])
engine = make_engine(url, pool_size=60, max_overflow=10)
uvicorn.run(create_app(Settings(database_url=url), engine=engine), host="127.0.0.1", port=port, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(url: str, *, gapless: bool, clients: int) -> str:
    engine = make_engine(url)
    upgrade(engine)
    _, doc, _ = load_template(TEMPLATE)
    complaint = next(f for f in doc["forms"] if f["key"] == "complaint")
    serial = next(f for f in complaint["fields"] if f["kind"] == "serial")
    if not gapless:  # (gap-free is the default: a platform without the setting measures the same)
        serial["config"] = {**serial.get("config", {}), "gapless": False}
    with engine.begin() as conn:
        org_id = create_organisation(conn, key="bench", name="Bench")
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
        admin = Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
        import_definition(conn, admin, doc)
        for role in ("agent", "supervisor", "tech_support", "quality", "manager"):
            for n in range(2):
                user = create_user(conn, org_id=org_id, username=f"{role}{n}", password=PASSWORD)
                grant_role(conn, admin, user_id=user, app_key=APP, role_key=role)
        for n in range(clients):
            user = create_user(conn, org_id=org_id, username=f"client{n}", password=PASSWORD)
            grant_role(conn, admin, user_id=user, app_key=APP, role_key="agent")
    engine.dispose()
    return str(serial["key"])


def run(url: str, *, clients: int, seconds: float) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        sessions = []
        for n in range(clients):
            client = httpx.Client(base_url=base, timeout=60)
            r = client.post("/api/v1/auth/login", json={"username": f"client{n}", "password": PASSWORD, "org": "bench"})
            r.raise_for_status()
            client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            sessions.append(client)
        latencies: list[float] = []
        errors: dict[int, int] = {}
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def work(client: httpx.Client) -> None:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = client.post(f"/api/v1/apps/{APP}/forms/complaint/records", json=BODY)
                took = time.perf_counter() - t0
                with lock:
                    if r.status_code == 201:
                        latencies.append(took)
                    else:
                        errors[r.status_code] = errors.get(r.status_code, 0) + 1

        started = time.monotonic()
        threads = [threading.Thread(target=work, args=(c,)) for c in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        latencies.sort()
        return {"creates_per_s": len(latencies) / elapsed, "created": len(latencies), "errors": errors,
                "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
                "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0}
    finally:
        server.terminate()
        server.wait(timeout=30)


def check_serials(url: str, serial_key: str, *, gapless: bool) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        table = conn.execute(text("SELECT table_name FROM information_schema.tables WHERE table_name LIKE "
                                  "'f%\\_complaint' ESCAPE '\\'")).scalar_one()
        values = list(conn.execute(text(f'SELECT "{serial_key}" FROM "{table}"')).scalars())
    engine.dispose()
    numbers = sorted(int(re.sub(r".*-", "", v)) for v in values)
    unique = len(set(values)) == len(values)
    gap_free = numbers == list(range(1, len(numbers) + 1))
    return f"serials unique={unique} gap_free={gap_free}" + ("" if gap_free or not gapless else "  <-- BROKEN")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--mode", choices=["gapless", "sequence", "both"], default="both")
    args = parser.parse_args()
    modes = {"gapless": [True], "sequence": [False], "both": [True, False]}[args.mode]
    for gapless in modes:
        with pg_database() as url:
            serial_key = setup(url, gapless=gapless, clients=args.clients)
            found = run(url, clients=args.clients, seconds=args.seconds)
            name = "gapless" if gapless else "sequence"
            checked = check_serials(url, serial_key, gapless=gapless)
            print(f"{name}: {args.clients} clients, {json.dumps(found)}  {checked}")
            print(f"RESULT name=serial_contention mode={name} clients={args.clients} "
                  f"value={found['creates_per_s']:.1f} p50_ms={found['p50_ms']:.0f} p95_ms={found['p95_ms']:.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
