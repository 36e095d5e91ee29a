"""The form designer in Chromium: opening a 150-field form, and a drag that must not talk to the server.

1. Open: from navigation to the frame that draws the form's last field on the canvas (a full page load with a
   warm HTTP cache: the designer's code, the draft, the catalog, the canvas drawn; the page's own clock, checked
   every animation frame), median of RUNS loads; value = a
   form of 150 fields (text, numbers, dates, selects, in 6 sections), baseline = the same page on an empty
   form. Target < 1000 ms.
2. Drag: a palette field dragged across the canvas for about a second, and a field dragged over its
   section, counting every request the page sends from the press to just before the release (target 0);
   the drop then autosaves (one PUT of the draft, noted, proving the counter sees the page's requests).
   The flow designer's drag figures are ``bench/ui_flow.py``'s ``ui_flow_drag_requests``.

Run: ``.venv/bin/python bench/ui_designer.py [--quick]`` (builds the UI if stale; SQLite, no demo data).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, load_note, note, parse_args, result, sqlite_database
from bench.ui_flow import CHROMIUM, CHROMIUM_ARGS, sign_in

APP = "formbench"
FIELDS = 150
TARGET_MS = 1000
KINDS = ["text", "text", "integer", "decimal", "date", "single_select"]


def wide_form() -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for i in range(1, FIELDS + 1):
        kind = KINDS[i % len(KINDS)]
        field: dict[str, Any] = {"key": f"f{i:03d}", "kind": kind,
                                 "label": {"zh-CN": f"字段 {i:03d}", "en": f"Field {i:03d}"}}
        if kind == "decimal":
            field["scale"] = 2
        if kind == "single_select":
            field["options"] = [{"value": v, "label": {"zh-CN": v, "en": v}} for v in ("甲", "乙", "丙")]
        fields.append(field)
    layout = [{"key": f"s{n + 1}", "label": {"zh-CN": f"第 {n + 1} 部分", "en": f"Part {n + 1}"}, "columns": 2,
               "fields": [f["key"] for f in fields[n * 25:(n + 1) * 25]]} for n in range(FIELDS // 25)]
    return {"key": "wide", "label": {"zh-CN": "宽表单", "en": "Wide form"}, "fields": fields, "layout": layout}


def bench_app() -> dict[str, Any]:
    empty = {"key": "empty", "label": {"zh-CN": "空表单", "en": "Empty form"}, "fields": []}
    return {"schema_version": 2, "key": APP, "label": {"zh-CN": "表单设计压测", "en": "Form bench"},
            "forms": [wide_form(), empty]}


def put_app(base: str, org: str, username: str, password: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        login = client.post("/api/v1/auth/login", json={"username": username, "password": password, "org": org})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        app = bench_app()
        client.post("/api/v1/apps", json={"key": APP, "label": app["label"]}).raise_for_status()
        saved = client.put(f"/api/v1/apps/{APP}/draft", json=app)
        saved.raise_for_status()
        if saved.json()["errors"]:
            note(f"  the bench app has problems, e.g. {saved.json()['errors'][:2]}")


# Checked on every animation frame, so the time is the frame the target was drawn in: Playwright's own
# waits poll at growing intervals (up to 500 ms apart) and measured their own polling as much as the page.
DRAWN = """([last]) => {
  const canvas = document.querySelector('main[aria-label="画布"]')
  if (!canvas) return false
  const hit = last ? canvas.querySelector(`[role="button"][aria-label*="字段 ${last}（"]`)
    : [...canvas.querySelectorAll('div')].find((e) => e.childElementCount === 0 && e.textContent === '拖放字段到这里')
  return hit ? performance.now() : false
}"""


def open_ms(page: Any, form: str, last: str | None) -> float:
    """From navigation start to the frame that draws the canvas's last field (or the empty section's drop zone),
    by the page's clock (``performance.now()`` counts from the navigation)."""
    page.goto(f"/design/{APP}/forms/{form}", wait_until="commit")
    drawn = page.wait_for_function(DRAWN, arg=[last], polling="raf", timeout=60_000)
    return float(drawn.json_value())


def drag_requests(page: Any) -> tuple[int, int]:
    """(requests during two drags, requests in the 3 s after each drop)."""
    page.goto(f"/design/{APP}/forms/wide")
    canvas = page.get_by_role("main", name="画布")
    canvas.get_by_role("button", name="字段 025（", exact=False).wait_for()
    page.wait_for_load_state("networkidle")
    seen: list[str] = []

    def on_request(request: Any) -> None:
        seen.append(f"{request.method} {request.url}")

    page.on("request", on_request)
    during = after = 0
    field = lambda n: canvas.get_by_role("button", name=f"字段 {n:03d}（", exact=False)  # noqa: E731
    for source, target in ((page.get_by_label("添加字段：单行文本"), field(10)), (field(2), field(20))):
        start, end = source.bounding_box(), target.bounding_box()
        assert start and end
        x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 12, y + 8, steps=4)
        for step in range(1, 41):  # about a second of travel, hovering over many fields on the way
            page.mouse.move(x + (end["x"] + 20 - x) * step / 40, y + (end["y"] + 10 - y) * step / 40)
            page.wait_for_timeout(20)
        during += len(seen)
        for url in seen:
            note(f"  request during a drag: {url}")
        seen.clear()
        page.mouse.up()
        page.wait_for_timeout(3000)  # the autosave after the drop (1.2 s after the last edit)
        after += sum(1 for url in seen if "/api/" in url)  # not the chunks of the properties shown on the drop
        seen.clear()
    page.remove_listener("request", on_request)
    return during, after


def form_designer_figures(browser: Any, base: str, *, org: str, username: str, password: str, runs: int) -> None:
    put_app(base, org, username, password)
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, org, username, password)
    open_ms(page, "wide", f"{FIELDS:03d}")  # warm the HTTP cache once
    wide, empty = [], []
    for _ in range(runs):
        wide.append(open_ms(page, "wide", f"{FIELDS:03d}"))
        empty.append(open_ms(page, "empty", None))
    during, after = drag_requests(page)
    context.close()
    note(f"form designer open ms: {FIELDS} fields {[round(s) for s in wide]}; empty form {[round(s) for s in empty]}")
    note(f"form designer drags: {during} requests while dragging, {after} after the drops (the autosave)")
    result("ui_form_designer_open_ms", statistics.median(wide), statistics.median(empty), f"<{TARGET_MS}ms",
           fields=str(FIELDS), baseline_is="empty_form")
    result("ui_form_drag_requests", float(during), 0.0, "=0", saves_after_drop=str(after),
           baseline_is="none_expected")


def main() -> None:
    args = parse_args(__doc__ or "")
    runs = 3 if args.quick else 7
    build = subprocess.run([str(ROOT / "scripts" / "build_ui")], capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(build.stdout + build.stderr)
    from playwright.sync_api import sync_playwright

    from bench.ui import ORG, PASSWORD, serve
    from dajian.platform.auth import create_organisation, create_user
    from dajian.platform.db import make_engine
    from dajian.platform.migrate import upgrade

    load_note("ui_designer")
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
                form_designer_figures(browser, base, org=ORG, username="admin", password=PASSWORD, runs=runs)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    load_note("ui_designer, after")


if __name__ == "__main__":
    main()
