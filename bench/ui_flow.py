"""The flow designer in Chromium: a 200-node flow panned on the canvas.

Frame times come from a requestAnimationFrame loop in the page while Playwright drags the pane for about
two seconds; value = frames per second panning the 200-node flow (from the median frame interval; the
p95 interval is noted), baseline = the same pan over an empty canvas (a start and an end node). Target
≥ 50 fps. A drag (a pan, and a node moved on the canvas) must send no request to the server: the requests
seen during the drags are printed as their own RESULT (target 0).

Run alone: ``.venv/bin/python bench/ui_flow.py`` (builds the UI if stale; SQLite, no demo data), or as
part of ``bench/ui.py``.
"""

from __future__ import annotations

import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, load_note, note, parse_args, result, sqlite_database

APP = "flowbench"
NODES = 200
TARGET_FPS = 50
PAN_MS = 2000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# rAF timestamps while a drag is under way: window.__frames gets one per frame
FRAME_PROBE = """() => { window.__frames = []; window.__probe = true;
  const tick = (t) => { if (!window.__probe) return; window.__frames.push(t); requestAnimationFrame(tick) };
  requestAnimationFrame(tick) }"""


def big_flow(key: str, blocks: int) -> dict[str, Any]:
    """start → (exclusive gateway → two tasks → a task where they meet) × blocks → end; 4 nodes a block."""
    task = {"kind": "task", "assignee": {"strategy": "initiator"}}
    nodes: list[dict[str, Any]] = [{"id": "start", "kind": "start", "label": {"zh-CN": "开始", "en": "Start"}}]
    edges: list[dict[str, Any]] = []
    last = "start"
    for i in range(blocks):
        gate, left, right, meet = f"g{i}", f"a{i}", f"b{i}", f"c{i}"
        nodes += [{"id": gate, "kind": "exclusive", "label": {"zh-CN": f"金额判断 {i}", "en": f"Gate {i}"}},
                  {"id": left, **task, "label": {"zh-CN": f"复核 {i}", "en": f"Review {i}"}},
                  {"id": right, **task, "label": {"zh-CN": f"办理 {i}", "en": f"Handle {i}"}},
                  {"id": meet, **task, "label": {"zh-CN": f"汇总 {i}", "en": f"Sum up {i}"}}]
        edges += [{"source": last, "target": gate},
                  {"source": gate, "target": left, "condition": {">": [{"var": "amount"}, i * 100]}},
                  {"source": gate, "target": right, "default": True},
                  {"source": left, "target": meet}, {"source": right, "target": meet}]
        last = meet
    for i in range(NODES - 2 - 4 * blocks):  # a tail of plain tasks up to NODES
        nodes.append({"id": f"t{i}", **task, "label": {"zh-CN": f"收尾 {i}", "en": f"Wrap up {i}"}})
        edges.append({"source": last, "target": f"t{i}"})
        last = f"t{i}"
    nodes.append({"id": "end", "kind": "end"})
    edges.append({"source": last, "target": "end"})
    return {"key": key, "label": {"zh-CN": key, "en": key}, "form": "ticket", "nodes": nodes, "edges": edges}


def bench_app() -> dict[str, Any]:
    blocks = (NODES - 2) // 4
    empty = {"key": "empty", "label": {"zh-CN": "空", "en": "Empty"}, "form": "ticket",
             "nodes": [{"id": "start", "kind": "start", "label": {"zh-CN": "开始", "en": "Start"}},
                       {"id": "end", "kind": "end"}],
             "edges": [{"source": "start", "target": "end"}]}
    flow = big_flow("big", blocks)
    return {"schema_version": 1, "key": APP, "label": {"zh-CN": "流程压测", "en": "Flow bench"},
            "forms": [{"key": "ticket", "label": {"en": "Ticket"},
                       "fields": [{"key": "amount", "kind": "decimal", "label": {"en": "Amount"}, "scale": 2}]}],
            "flows": [flow, empty]}


def put_app(base: str, org: str, username: str, password: str) -> int:
    """The bench app as a draft (nothing published: the designer opens drafts); the big flow's node count."""
    with httpx.Client(base_url=base, timeout=60) as client:
        login = client.post("/api/v1/auth/login", json={"username": username, "password": password, "org": org})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        app = bench_app()
        if client.get(f"/api/v1/apps/{APP}").status_code == 404:
            client.post("/api/v1/apps", json={"key": APP, "label": app["label"]}).raise_for_status()
        saved = client.put(f"/api/v1/apps/{APP}/draft", json=app)
        saved.raise_for_status()
        problems = saved.json()["errors"]
        if problems:
            note(f"  the bench flow has {len(problems)} problems, e.g. {problems[:2]}")
        return len(app["flows"][0]["nodes"])


def pan_frames(page: Any, flow: str) -> tuple[list[float], int]:
    """Frame intervals (ms) while the pane is dragged for PAN_MS, and the requests sent meanwhile."""
    page.goto(f"/design/{APP}/flows/{flow}")
    canvas = page.get_by_role("main", name="流程画布")
    canvas.get_by_role("button", name="节点 开始（开始）").wait_for()
    page.wait_for_load_state("networkidle")
    pane = page.locator(".react-flow__pane").bounding_box()  # the empty pane itself has no role or name
    assert pane
    requests: list[str] = []

    def seen(request: Any) -> None:
        requests.append(request.url)

    page.on("request", seen)
    x, y = pane["x"] + 12, pane["y"] + pane["height"] - 12
    viewport = page.locator(".react-flow__viewport")
    before = viewport.get_attribute("style")
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAME_PROBE)
    started = time.perf_counter()
    step = 0
    while (time.perf_counter() - started) * 1000 < PAN_MS:
        step += 1
        dx = 150 * ((step // 30) % 2 * 2 - 1)  # back and forth, so the flow stays in view
        page.mouse.move(x + (step % 30) * dx / 30, y - (step % 30) * 8, steps=1)
    page.mouse.up()
    frames: list[float] = page.evaluate("() => { window.__probe = false; return window.__frames }")
    intervals = [b - a for a, b in itertools.pairwise(frames)]
    if viewport.get_attribute("style") == before:
        note(f"  WARNING: the {flow} canvas did not pan")
    # a node dragged on the canvas moves there only: still nothing for the server
    node = canvas.get_by_role("button", name="节点 开始（开始）").bounding_box()
    assert node
    page.mouse.move(node["x"] + node["width"] / 2, node["y"] + node["height"] / 2)
    page.mouse.down()
    page.mouse.move(node["x"] + 80, node["y"] + 60, steps=20)
    page.mouse.up()
    page.wait_for_timeout(300)
    page.remove_listener("request", seen)
    for url in requests:
        note(f"  request during a drag: {url}")
    return intervals, len(requests)


def sign_in(page: Any, org: str, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("组织").fill(org)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_label("密码", exact=True).press("Enter")
    page.get_by_role("heading", name="我的应用").wait_for()


def fps(intervals: list[float]) -> float:
    return 1000 / statistics.median(intervals) if intervals else 0.0


def p95(intervals: list[float]) -> float:
    ordered = sorted(intervals)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0.0


def flow_designer_figures(browser: Any, base: str, *, org: str, username: str, password: str) -> None:
    """Print the pan RESULT (200 nodes against an empty canvas) and the requests-during-drag RESULT."""
    count = put_app(base, org, username, password)
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, org, username, password)
    empty, empty_requests = pan_frames(page, "empty")
    big, big_requests = pan_frames(page, "big")
    context.close()
    note(f"flow pan: {count} nodes {fps(big):.1f} fps (p95 frame {p95(big):.1f} ms, {len(big)} frames); "
         f"empty canvas {fps(empty):.1f} fps (p95 {p95(empty):.1f} ms)")
    result("ui_flow_pan_fps", fps(big), fps(empty), f">={TARGET_FPS}fps", nodes=str(count),
           p95_frame_ms=f"{p95(big):.1f}", baseline_is="empty_canvas")
    result("ui_flow_drag_requests", float(big_requests + empty_requests), 0.0, "=0", baseline_is="none_expected")


def main() -> None:
    parse_args(__doc__ or "")
    build = subprocess.run([str(ROOT / "scripts" / "build_ui")], capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(build.stdout + build.stderr)
    from playwright.sync_api import sync_playwright

    from bench.ui import ORG, PASSWORD, serve
    from dajian.platform.auth import create_organisation, create_user
    from dajian.platform.db import make_engine
    from dajian.platform.migrate import upgrade

    load_note("ui_flow")
    with sqlite_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        with engine.begin() as conn:
            org_id = create_organisation(conn, key=ORG, name="演示公司")
            create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
        engine.dispose()
        server, thread, base = serve(url, Path(url.removeprefix("sqlite:///")).parent / "files")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                flow_designer_figures(browser, base, org=ORG, username="admin", password=PASSWORD)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=30)


if __name__ == "__main__":
    main()
