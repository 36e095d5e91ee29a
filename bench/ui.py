"""The web UI in Chromium against the real server (SQLite, the complaint template's demo data).

1. JavaScript on the runtime's first screen: sign in, then the app home and a list, counting every script
   the browser downloads, gzip-compressed (value) against the gzip total of all the built JS (baseline).
   Target ≤ 350 KB: echarts and the other heavy parts must stay out of it.
2. The cockpit interactive: from navigation to every widget drawn (the page marks ``dashboard:interactive``
   with performance.mark when the last chart has rendered), median of several loads with a warm HTTP cache;
   baseline the same page's API call alone (POST …/dashboards/cockpit/run), timed from Python.
   Target ≤ 1.5 s on 10 000 complaints (``--quick``: 500).
3. The flow designer panning a 200-node flow: frames per second against an empty canvas (≥ 50 fps), and no
   request to the server during a drag (``bench/ui_flow.py``, which also runs alone).

Run: ``.venv/bin/python bench/ui.py [--quick]`` (needs npm and /usr/bin/chromium; builds the UI if stale).
"""

from __future__ import annotations

import gzip
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, load_note, note, parse_args, result, sqlite_database
from bench.ui_flow import flow_designer_figures
from dajian.platform.app import create_app
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.config import Settings
from dajian.platform.db import make_engine
from dajian.platform.demo import install_demo
from dajian.platform.migrate import upgrade
from dajian.platform.principal import Principal

TEMPLATE = ROOT / "app_templates" / "complaint_management"
APP = "complaint_management"
ORG = "bench"
MANAGER = "lijun"
PASSWORD = "demo password 2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FIRST_SCREEN_TARGET_KB = 350
COCKPIT_TARGET_MS = 1500


def built_js_gzip() -> int:
    assets = ROOT / "designer_ui" / "dist" / "assets"
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in assets.glob("*.js"))


def serve(url: str, files: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    engine = make_engine(url)
    config = uvicorn.Config(create_app(Settings(database_url=url, files_dir=files), engine=engine),
                            host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def sign_in(page: Any) -> None:
    page.goto("/login")
    page.get_by_label("组织").fill(ORG)
    page.get_by_label("用户名").fill(MANAGER)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码", exact=True).press("Enter")
    page.get_by_role("heading", name="我的应用").wait_for()


def first_screen_js(browser: Any, base: str) -> int:
    """Gzip bytes of every script downloaded from the login page to a list of complaints."""
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    scripts: dict[str, int] = {}

    def on_response(response: Any) -> None:
        if response.request.resource_type == "script" and response.ok:
            scripts[response.url] = len(gzip.compress(response.body(), 9))

    page = context.new_page()
    page.on("response", on_response)
    sign_in(page)
    page.get_by_role("link", name="客诉管理").first.click()
    page.wait_for_url(f"**/a/{APP}")
    page.get_by_role("heading", name="客诉管理").wait_for()
    page.goto(f"/a/{APP}/forms/complaint")
    page.wait_for_load_state("networkidle")
    for url, size in sorted(scripts.items(), key=lambda kv: -kv[1]):
        note(f"  first screen: {size / 1024:8.1f} KB gzip  {url.rsplit('/', 1)[-1]}")
    if any("EChart" in url for url in scripts):
        note("  WARNING: the chart module is on the first screen")
    context.close()
    return sum(scripts.values())


def cockpit_ms(browser: Any, base: str, runs: int) -> list[float]:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    sign_in(page)
    samples = []
    for i in range(runs + 1):
        page.goto(f"/a/{APP}/dashboards/cockpit")
        page.wait_for_function("performance.getEntriesByName('dashboard:interactive').length > 0", timeout=60_000)
        elapsed = page.evaluate("performance.getEntriesByName('dashboard:interactive')[0].startTime")
        if i:  # the first load fills the HTTP cache with the page's scripts
            samples.append(float(elapsed))
    context.close()
    return samples


def api_ms(base: str, runs: int) -> list[float]:
    samples = []
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.post("/api/v1/auth/login", json={"username": MANAGER, "password": PASSWORD, "org": ORG})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        for i in range(runs + 1):
            started = time.perf_counter()
            response = client.post(f"/api/v1/apps/{APP}/dashboards/cockpit/run", json={"filters": {}})
            response.raise_for_status()
            if i:
                samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    args = parse_args(__doc__ or "")
    records = 500 if args.quick else 10_000
    runs = 3 if args.quick else 5
    build = subprocess.run([str(ROOT / "scripts" / "build_ui")], capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(build.stdout + build.stderr)
    from playwright.sync_api import sync_playwright

    load_note("ui")
    with sqlite_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        with engine.begin() as conn:
            org_id = create_organisation(conn, key=ORG, name="演示公司")
            admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
        started = time.perf_counter()
        install_demo(engine, Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True,
                                       via="system"), TEMPLATE, password=PASSWORD, records=records)
        note(f"demo data: {records} complaints in {time.perf_counter() - started:.0f} s")
        engine.dispose()
        server, thread, base = serve(url, Path(url.removeprefix("sqlite:///")).parent / "files")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                first = first_screen_js(browser, base)
                total = built_js_gzip()
                result("ui_first_screen_js_kb_gzip", first / 1024, total / 1024,
                       f"<={FIRST_SCREEN_TARGET_KB}KB", baseline_is="all_built_js")
                page_ms = cockpit_ms(browser, base, runs)
                flow_designer_figures(browser, base, org=ORG, username="admin", password=PASSWORD)
                browser.close()
            calls = api_ms(base, runs)
            note(f"cockpit interactive ms: {[round(s) for s in page_ms]}; API alone ms: {[round(s) for s in calls]}")
            result("ui_cockpit_interactive_ms", statistics.median(page_ms), statistics.median(calls),
                   f"<={COCKPIT_TARGET_MS}ms", records=str(records), db="sqlite", baseline_is="api_call_alone")
        finally:
            server.should_exit = True
            thread.join(timeout=30)


if __name__ == "__main__":
    main()
