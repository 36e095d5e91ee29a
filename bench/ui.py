"""The web UI in Chromium against the real server (SQLite, the complaint template's demo data).

1. JavaScript on the runtime's first screen: sign in, then the app home and a list, counting every script
   the browser downloads, gzip-compressed (value) against the gzip total of all the built JS (baseline).
   Target ≤ 350 KB: echarts and the other heavy parts must stay out of it.
2. The cockpit interactive: from navigation to every widget drawn (the page marks ``dashboard:interactive``
   with performance.mark when the last chart has rendered), median of several loads with a warm HTTP cache;
   baseline the same page's API call alone (POST …/dashboards/cockpit/run), timed from Python.
   Target ≤ 1.5 s on 10 000 complaints (``--quick``: 500).
3. A list of 50 complaints rendered: from the records response's last byte (Resource Timing ``responseEnd``)
   to the frame after the table's rows are committed (the page marks ``list:rendered``), median of several
   loads. Target ≤ 300 ms; baseline the request itself (``requestStart`` → ``responseEnd``).
4. Keystrokes on a record page of 60 fields with 20 linkage rules (an app the bench imports through the API,
   ``wide_form``): the main thread's script time per keystroke (Chrome's Performance domain,
   ``ScriptDuration`` before and after each key, the key's events, React's render and effects, up to the
   next frame), median and p95 of 40 keys typed into a field 8 rules depend on; baseline the same fields,
   sections and labels as a hand-written antd form without linkage (``bench/fixtures/plain_form.tsx``,
   bundled here with esbuild and served on a path the bench intercepts, never shipped), its ``Form.Item``s
   bound to their inputs (checked: the form must hold the typed text afterwards). Target < 16 ms,
   ratio ≤ 1.5.

Run: ``.venv/bin/python bench/ui.py [--quick] [--parts first,list,keys,cockpit,flow]`` (needs npm and
/usr/bin/chromium; builds the UI if stale). The machine is shared: run it three times and quote medians.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, load_note, note, percentile, result, sqlite_database
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
ADMIN = "admin"
PASSWORD = "demo password 2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FIRST_SCREEN_TARGET_KB = 350
COCKPIT_TARGET_MS = 1500
LIST_TARGET_MS = 300
KEYSTROKE_TARGET_MS = 16
KEYSTROKE_TARGET_RATIO = 1.5
PARTS = ("first", "list", "keys", "cockpit", "flow")

WIDE_APP = "ui_bench"
WIDE_FORM = "wide_form"
TYPED_FIELD = "f01"
TYPED_LABEL = "字段 01"
PLAIN_FORM_PATH = "/bench-fixture/plain-form"
KEYS = 40
WARM_UP_KEYS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="500 complaints instead of 10 000")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    args = parser.parse_args()
    args.parts = [p for p in args.parts.split(",") if p]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


# --- the wide form: 60 fields, 20 linkage rules -----------------------------------------------------------

KINDS = ["text"] * 30 + ["integer"] * 10 + ["decimal"] * 5 + ["single_select"] * 5 + ["date"] * 5 + ["boolean"] * 5
OPTIONS = ["甲", "乙", "丙", "丁"]


def _rules() -> dict[str, dict[str, str]]:
    """20 linkage rules on fields 41–60: 8 read the typed field (visibility and requiredness change while
    typing), 12 read other fields (their results stay put, so a fine-grained page need not redraw them)."""
    rules: dict[str, dict[str, str]] = {}
    for i in range(8):
        attr = "visible_if" if i % 2 == 0 else "required_if"
        rules[f"f{41 + i:02d}"] = {attr: f"LEN({TYPED_FIELD}) > {3 + 2 * i}"}
    for i in range(12):
        source = f"f{2 + i:02d}" if i < 6 else f"f{31 + i - 6:02d}"
        attr = ("visible_if", "readonly_if", "required_if")[i % 3]
        test = f'{source} = "隐藏"' if i < 6 else f"{source} > 100"
        rules[f"f{49 + i:02d}"] = {attr: test if attr != "visible_if" else f"NOT({test})"}
    return rules


def wide_fields() -> list[dict[str, Any]]:
    rules = _rules()
    fields = []
    for i, kind in enumerate(KINDS, start=1):
        key = f"f{i:02d}"
        field: dict[str, Any] = {"key": key, "kind": kind, "label": {"zh-CN": f"字段 {i:02d}", "en": f"Field {i:02d}"}}
        if kind == "single_select":
            field["options"] = [{"value": o, "label": {"zh-CN": o, "en": o}} for o in OPTIONS]
        if kind == "decimal":
            field["scale"] = 2
        fields.append({**field, **rules.get(key, {})})
    return fields


def wide_sections() -> list[tuple[str, str, list[dict[str, Any]]]]:
    fields = wide_fields()
    return [(f"s{n + 1}", f"第 {n + 1} 部分", fields[n * 10:(n + 1) * 10]) for n in range(6)]


def wide_app() -> dict[str, Any]:
    return {
        "schema_version": 2, "key": WIDE_APP, "label": {"zh-CN": "界面基准", "en": "UI bench"},
        "forms": [{
            "key": WIDE_FORM, "label": {"zh-CN": "宽表单", "en": "Wide form"}, "title_field": TYPED_FIELD,
            "fields": wide_fields(),
            "layout": [{"key": key, "label": {"zh-CN": label, "en": label}, "columns": 2,
                        "fields": [f["key"] for f in fields]} for key, label, fields in wide_sections()],
        }],
    }


def plain_form_html() -> str:
    """The baseline page: bench/fixtures/plain_form.tsx bundled (minified, production React) with the fields inline."""
    ui = ROOT / "designer_ui"
    with tempfile.TemporaryDirectory(prefix="dajian_plain_form_") as tmp:
        out = Path(tmp) / "plain_form.js"
        source = ROOT / "bench" / "fixtures" / "plain_form.tsx"
        esbuild = ui / "node_modules" / ".bin" / "esbuild"
        subprocess.run([str(esbuild), str(source), "--bundle", "--minify", "--format=esm", "--jsx=automatic",
                        "--log-level=warning", "--define:process.env.NODE_ENV=\"production\"", f"--outfile={out}"],
                       check=True, env={**os.environ, "NODE_PATH": str(ui / "node_modules")})
        script = out.read_text(encoding="utf-8").replace("</script", "<\\/script")
    sections = [{"key": key, "label": label, "fields": [
        {"key": f["key"], "kind": f["kind"], "label": f["label"]["zh-CN"], "options": OPTIONS} for f in fields]}
        for key, label, fields in wide_sections()]
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>plain antd form</title></head>"
            f"<body><div id=\"root\"></div><script>window.BENCH_SECTIONS = {json.dumps(sections)}</script>"
            f"<script type=\"module\">{script}</script></body></html>")


def import_wide_app(base: str) -> None:
    """Through the API, as any app arrives: the org admin imports and publishes the wide form."""
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.post("/api/v1/auth/login", json={"username": ADMIN, "password": PASSWORD, "org": ORG})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        client.post("/api/v1/apps/import", json=wide_app()).raise_for_status()


# --- the server and the browser ------------------------------------------------------------------------------


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


def new_context(browser: Any, base: str) -> Any:
    return browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}, locale="zh-CN")


def sign_in(page: Any, username: str = MANAGER) -> None:
    page.goto("/login")
    page.get_by_label("组织").fill(ORG)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码", exact=True).press("Enter")
    page.get_by_role("heading", name="我的应用").wait_for()


# --- 1. JavaScript on the first screen --------------------------------------------------------------------------


def first_screen_js(browser: Any, base: str) -> int:
    """Gzip bytes of every script downloaded from the login page to a list of complaints."""
    context = new_context(browser, base)
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


# --- 2. the cockpit -----------------------------------------------------------------------------------------------


def cockpit_ms(browser: Any, base: str, runs: int) -> list[float]:
    context = new_context(browser, base)
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


# --- 3. a list of 50 ------------------------------------------------------------------------------------------------

# the records request of the list and the page's mark, both on the page's own clock
LIST_TIMES = """() => {
  const request = performance.getEntriesByType('resource').filter((e) => e.name.includes('/records/query')).at(-1)
  const mark = performance.getEntriesByName('list:rendered').at(-1)
  if (!request || !mark) return null
  return { arrived: request.responseEnd, asked: request.requestStart, rendered: mark.startTime }
}"""


def list_render_ms(browser: Any, base: str, runs: int) -> tuple[list[float], list[float]]:
    """(data arrived → rows drawn, request sent → data arrived) per load of the complaint list."""
    context = new_context(browser, base)
    page = context.new_page()
    sign_in(page)
    rendered, fetched = [], []
    for i in range(runs + 1):
        page.goto(f"/a/{APP}/forms/complaint")
        page.wait_for_function("performance.getEntriesByName('list:rendered').length > 0", timeout=60_000)
        times = page.evaluate(LIST_TIMES)
        rows = page.get_by_role("row").count() - 1  # the header row
        if rows < 50:
            raise RuntimeError(f"the list shows {rows} rows, not 50")
        if i and times:
            rendered.append(float(times["rendered"] - times["arrived"]))
            fetched.append(float(times["arrived"] - times["asked"]))
    context.close()
    return rendered, fetched


# --- 4. keystrokes ----------------------------------------------------------------------------------------------------

NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))"


def keystroke_script_ms(page: Any, field: Any) -> list[float]:
    """Script time per key typed into ``field``: Chrome's ScriptDuration before the key and after the next frame."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def script_seconds() -> float:
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        return float(next(m["value"] for m in metrics if m["name"] == "ScriptDuration"))

    field.click()
    page.evaluate(NEXT_FRAME)
    samples = []
    text = "投诉处理流程中的字段联动测试文本abcdefghijklmnopqrstuvwxyz0123456789"
    for i in range(KEYS + WARM_UP_KEYS):
        before = script_seconds()
        page.keyboard.press(text[i % len(text)] if text[i % len(text)].isascii() else "x")
        page.evaluate(NEXT_FRAME)
        after = script_seconds()
        if i >= WARM_UP_KEYS:
            samples.append((after - before) * 1000)
    cdp.detach()
    return samples


def keystrokes(browser: Any, base: str) -> tuple[list[float], list[float]]:
    """(the record page, the plain antd form) script ms per key, in the same browser."""
    html = plain_form_html()
    context = new_context(browser, base)
    page = context.new_page()
    sign_in(page, ADMIN)
    page.goto(f"/a/{WIDE_APP}/forms/{WIDE_FORM}/new")
    ours = keystroke_script_ms(page, page.get_by_label(TYPED_LABEL, exact=True))
    if not page.get_by_label("字段 47", exact=True).is_visible():
        raise RuntimeError("the linkage did not show field 47 after typing")
    page.route(f"**{PLAIN_FORM_PATH}", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(PLAIN_FORM_PATH)
    plain = keystroke_script_ms(page, page.get_by_label(TYPED_LABEL, exact=True))
    held = page.evaluate("() => window.BENCH_FORM_VALUES()").get(TYPED_FIELD)
    if not held:
        raise RuntimeError("the plain antd form does not hold what was typed: its inputs are not bound to the form")
    context.close()
    return ours, plain


def main() -> None:
    args = parse_args()
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
            admin_id = create_user(conn, org_id=org_id, username=ADMIN, password=PASSWORD, is_org_admin=True)
        started = time.perf_counter()
        install_demo(engine, Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True,
                                       via="system"), TEMPLATE, password=PASSWORD, records=records)
        note(f"demo data: {records} complaints in {time.perf_counter() - started:.0f} s")
        engine.dispose()
        server, thread, base = serve(url, Path(url.removeprefix("sqlite:///")).parent / "files")
        try:
            if "keys" in args.parts:
                import_wide_app(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                if "first" in args.parts:
                    first = first_screen_js(browser, base)
                    result("ui_first_screen_js_kb_gzip", first / 1024, built_js_gzip() / 1024,
                           f"<={FIRST_SCREEN_TARGET_KB}KB", baseline_is="all_built_js")
                if "list" in args.parts:
                    rendered, fetched = list_render_ms(browser, base, runs)
                    note(f"list of 50: drawn ms after the data {[round(s) for s in rendered]}; "
                         f"request ms {[round(s) for s in fetched]}")
                    result("ui_list_render_ms", statistics.median(rendered), statistics.median(fetched),
                           f"<={LIST_TARGET_MS}ms", rows="50", baseline_is="records_request")
                if "keys" in args.parts:
                    ours, plain = keystrokes(browser, base)
                    note(f"keystroke script ms, record page: median {statistics.median(ours):.2f} "
                         f"p95 {percentile(ours, 95):.2f} max {max(ours):.2f}; plain antd form: median "
                         f"{statistics.median(plain):.2f} p95 {percentile(plain, 95):.2f} max {max(plain):.2f}")
                    target = f"<{KEYSTROKE_TARGET_MS}ms,ratio<={KEYSTROKE_TARGET_RATIO}"
                    result("ui_keystroke_script_ms", statistics.median(ours), statistics.median(plain), target,
                           fields="60", rules="20", baseline_is="plain_antd_form")
                    result("ui_keystroke_script_p95_ms", percentile(ours, 95), percentile(plain, 95), target,
                           fields="60", rules="20", baseline_is="plain_antd_form")
                if "cockpit" in args.parts:
                    page_ms = cockpit_ms(browser, base, runs)
                if "flow" in args.parts:
                    flow_designer_figures(browser, base, org=ORG, username=ADMIN, password=PASSWORD)
                browser.close()
            if "cockpit" in args.parts:
                calls = api_ms(base, runs)
                note(f"cockpit interactive ms: {[round(s) for s in page_ms]}; "
                     f"API alone ms: {[round(s) for s in calls]}")
                result("ui_cockpit_interactive_ms", statistics.median(page_ms), statistics.median(calls),
                       f"<={COCKPIT_TARGET_MS}ms", records=str(records), db="sqlite", baseline_is="api_call_alone")
        finally:
            server.should_exit = True
            thread.join(timeout=30)
        load_note("ui, after")


if __name__ == "__main__":
    main()
