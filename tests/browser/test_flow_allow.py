"""A step's allowed actions in Chromium, by role and label.

The designer switches off 转交 on the triage step and publishes, moving the running complaints to the
new version by their node map; a complaint started afterwards shows its triage holder no 转交 button
(委托 and 前加签 still there); the holder adds a signer before themself (前加签), the added agent
approves from the same record page, and the task comes back to the holder."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, TEMPLATE, Site, keep_screenshot, shoot
from tests.browser.test_designer_flow import choose, node, open_flow, save
from tests.browser.test_foundation import sign_in
from tests.browser.test_tasks import AGENTS, SEED, _leaf, _pending

NAMES = {u["username"]: u["display_name"] for u in SEED["users"]}


def switch_off_transfer_on_triage(page: Any, site: Site, tmp_path: Path) -> None:
    canvas = open_flow(page, site)
    node(canvas, "分派受理", "办理").click()
    expect(page.get_by_text("节点：分派受理")).to_be_visible()
    transfer = page.get_by_role("switch", name="转交")
    expect(transfer).to_be_checked()  # absent from the template: on, as before
    transfer.click()
    expect(transfer).not_to_be_checked()
    expect(page.get_by_role("switch", name="前加签")).to_be_checked()
    page.get_by_role("switch", name="转交").scroll_into_view_if_needed()
    keep_screenshot(page, "designer-flow-allow", tmp_path)
    save(page)
    with site.api_login("admin") as api:
        triage = next(n for n in api.get(f"/api/v1/apps/{site.app}").json()["draft"]["flows"][0]["nodes"]
                      if n["id"] == "triage")
        assert triage["allow"] == {"transfer": False}
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    # saving and checking take a while on a busy machine
    expect(dialog.get_by_text("校验通过")).to_be_visible(timeout=60_000)
    # the demo's running complaints may move to the new version: a node map, by id unless changed
    move = dialog.get_by_role("checkbox", name=re.compile(r"^把流程 handle_complaint 的 \d+ 个运行中实例迁移到新版本$"))
    move.check()
    moving = dialog.get_by_role("region", name="流程 handle_complaint 的运行中实例")
    with site.api_login("admin") as api:  # what the server counts, independently of the dialog
        dry = api.post(f"/api/v1/apps/{site.app}/publish", params={"dry_run": True}).json()
    [running] = [f for f in dry["instances"] if f["flow"] == "handle_complaint"]
    assert running["nodes"]
    for entry in running["nodes"]:
        expect(moving.get_by_role("combobox", name=f"{entry['node']} 迁移到")).to_be_visible()
        expect(moving.get_by_role("row", name=re.compile(rf"^{entry['node']} {entry['running']} "))).to_be_visible()
    keep_screenshot(page, "designer-publish-move-instances", tmp_path)
    dialog.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(dialog.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible()
    with site.api_login("admin") as api:  # the running complaints are on the version now current
        again = api.post(f"/api/v1/apps/{site.app}/publish", params={"dry_run": True}).json()
        assert [f for f in again["instances"] if f["flow"] == "handle_complaint"] == [running]


def new_complaint(site: Site) -> tuple[int, str]:
    """A complaint started on the version just published; its triage holder (with the field triage needs)."""
    records = f"/api/v1/apps/{site.app}/forms/complaint/records"
    trees = json.loads((TEMPLATE / "trees.json").read_text(encoding="utf-8"))
    with site.api_login(AGENTS[0]) as api:
        body = {"subject": "耳机左侧无声", "channel": "phone", "priority": "P3", "status": "new",
                "received_at": datetime.now(UTC).isoformat(), "description": "收到即左耳无声。",
                "category": _leaf(trees["complaint_category"]), "contact_phone": "13800138001"}
        made = api.post(records, json=body)
        assert made.status_code == 201, made.text
        record_id = int(made.json()["id"])
        if not api.get(f"{records}/{record_id}/flows").json()["items"]:
            started = api.post(f"/api/v1/apps/{site.app}/flows/handle_complaint/start", json={"record_id": record_id})
            assert started.status_code == 201, started.text
    holder = next(a for a in AGENTS if _pending(site, a, record_id, "triage"))
    return record_id, holder


def open_record(browser: Any, site: Site, username: str, record_id: int) -> Any:
    context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, site, username)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{site.app}/forms/complaint/records/{record_id}")
    return page


def test_a_switched_off_transfer_is_hidden_and_a_signer_added_before_acts_first(
        page: Any, browser: Any, site: Site, tmp_path: Path) -> None:
    switch_off_transfer_on_triage(page, site, tmp_path)
    record_id, holder = new_complaint(site)
    other = next(a for a in AGENTS if a != holder)

    mine = open_record(browser, site, holder, record_id)
    flow = mine.get_by_role("region", name="流程")
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text("分派受理")
    expect(flow.get_by_role("button", name="通过")).to_be_visible()
    expect(flow.get_by_role("button", name="委托")).to_be_visible()  # the other switches stay on
    expect(flow.get_by_role("button", name="转交")).to_have_count(0)
    shoot(mine, "flow-allow-runtime", site)

    # 前加签: the added agent acts first
    flow.get_by_label("处理意见").fill("请先帮忙核对订单")
    flow.get_by_role("button", name="前加签").click()
    dialog = mine.get_by_role("dialog", name="前加签")
    expect(dialog).to_contain_text("加签的人先审批")
    choose(dialog.get_by_label("选择人员"), NAMES[other])
    dialog.get_by_text("加签的人先审批").click()  # the list closes
    shoot(mine, "flow-add-signer-before", site, as_is=True)
    dialog.get_by_role("button", name="前加签").click()
    expect(mine.get_by_text("已前加签：分派受理")).to_be_visible()
    open_steps = flow.get_by_role("region", name="待处理环节")
    expect(open_steps).to_contain_text(f"处理人：{NAMES[other]}")
    expect(flow.get_by_role("button", name="通过")).to_have_count(0)  # not mine until they approve
    assert _pending(site, holder, record_id, "triage") is None

    theirs = open_record(browser, site, other, record_id)
    their_flow = theirs.get_by_role("region", name="流程")
    expect(their_flow.get_by_role("button", name="前加签")).to_have_count(0)  # an added signer adds nobody
    their_flow.get_by_role("button", name="通过").click()
    expect(theirs.get_by_text("已通过：分派受理")).to_be_visible()
    theirs.context.close()

    mine.reload()
    flow = mine.get_by_role("region", name="流程")
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text(f"处理人：{NAMES[holder]}")
    expect(flow.get_by_role("button", name="通过")).to_be_visible()  # back to me
    assert _pending(site, holder, record_id, "triage") is not None
    mine.context.close()
