"""The rule designer in Chromium, found by role and label only: the complaint template's rules open and save
byte-identically; a rule's condition changed and dry-run on a real complaint shows each part of the condition
and the actions that would run; a notification is previewed as the server's sandbox renders it; a decision
table's cell edited shows the engine's problem on that cell and its hit policy's overlaps on the rows' cells;
the change is published and the run log lists what the published rule did."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_form import draft_text, keep_screenshot, pick
from tests.browser.test_foundation import sign_in

APP = "complaint_management"
RULES = f"/design/{APP}/rules"


def open_rules(page: Any, site: Site, rule: str = "") -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"{RULES}/{rule}" if rule else RULES)
    expect(page.get_by_role("heading", name="设计：客诉管理")).to_be_visible()
    expect(page.get_by_role("navigation", name="规则列表")).to_be_visible()


def pick_record(page: Any, box: Any, record_id: int) -> None:
    """Type a record's number into a record picker and take the record it finds."""
    box.click()
    box.fill(str(record_id))
    expect(page.get_by_role("option", name=re.compile(rf"^#{record_id}( |$)"))).to_be_attached()
    box.press("Enter")


def routing_rows(site: Site) -> list[dict[str, Any]]:
    """The rows of the draft's routing decision table."""
    rules = json.loads(draft_text(site))["rules"]
    rows: list[dict[str, Any]] = next(r for r in rules if r["key"] == "routing")["rows"]
    return rows


def saved(page: Any) -> None:
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")


def a_complaint(site: Site) -> dict[str, Any]:
    """A real complaint of the demo data with an amount and a contact, read through the API, not the page."""
    with site.api_login("admin") as api:
        condition = {"and": [{">": [{"var": "amount_involved"}, 0]}, {"!=": [{"var": "contact_name"}, None]}]}
        response = api.post(f"/api/v1/apps/{APP}/forms/complaint/records/query",
                            json={"filter": condition, "limit": 1, "sort": "-id"})
        assert response.status_code == 200, response.text
        [record] = response.json()["items"]
        return dict(record)


def test_the_rules_round_trip_byte_identical(page: Any, site: Site) -> None:
    before = draft_text(site)
    open_rules(page, site)
    rules = page.get_by_role("navigation", name="规则列表")
    rules.get_by_role("button", name="规则 安全关键词：起火/爆炸/触电").click()
    expect(page.get_by_role("region", name="动作 3：发送通知")).to_be_visible()
    rules.get_by_role("button", name="决策表 客诉路由表").click()
    expect(page.get_by_role("table", name="决策表 客诉路由表")).to_be_visible()
    saved(page)
    page.wait_for_load_state("networkidle")
    assert draft_text(site) == before


def test_change_dry_run_preview_table_publish(page: Any, site: Site, tmp_path: Path) -> None:
    complaint = a_complaint(site)
    threshold = int(float(complaint["amount_involved"])) - 1  # this complaint's amount passes it
    open_rules(page, site, "large_amount")
    main = page.get_by_role("main", name="金额超过 5000 元升级")
    expect(main.get_by_role("textbox", name="条件公式")).to_have_text("amount_involved > 5000")
    # the condition changed; the dry run rehearses the draft, not the published version
    main.get_by_role("textbox", name="条件公式").fill(f"AND(amount_involved > {threshold}, NOT(ISBLANK(contact_name)))")
    saved(page)
    main.get_by_role("tab", name="试运行").click()
    pick_record(page, main.get_by_label("用哪条记录试"), complaint["id"])
    main.get_by_role("button", name=re.compile("^(play-circle )?试运行$")).click()
    result = main.get_by_role("region", name="试运行结果")
    expect(result).to_be_visible()
    checks = result.get_by_role("region", name="条件检查")
    expect(checks).to_contain_text(f"amount_involved > {threshold}")
    expect(checks.get_by_role("img", name="成立")).to_have_count(2)
    expect(result.get_by_text("会触发", exact=True)).to_be_visible()
    expect(result.get_by_role("region", name="将执行的动作")).to_contain_text(re.compile(r"设置 升级级别 = \d"))
    keep_screenshot(page, "designer-rules", tmp_path)

    # a notification of another rule, rendered by the server's sandbox on the same complaint
    rules = page.get_by_role("navigation", name="规则列表")
    rules.get_by_role("button", name="规则 安全关键词：起火/爆炸/触电").click()
    notify = page.get_by_role("region", name="动作 3：发送通知")
    notify.get_by_role("button", name=re.compile("预览通知")).click()
    dialog = page.get_by_role("dialog", name="通知预览（服务器沙箱渲染）")
    pick_record(page, dialog.get_by_label("用哪条记录试"), complaint["id"])
    expect(dialog.get_by_text(re.compile(f"^【安全】{re.escape(str(complaint['ticket_no']))} "))).to_be_visible()
    dialog.get_by_role("button", name="Close").or_(dialog.get_by_role("button", name="关闭")).first.click()

    # the routing table: a cell the engine refuses is flagged on that cell; 'unique' flags overlapping rows' cells
    page.get_by_role("navigation", name="规则列表").get_by_role("button", name="决策表 客诉路由表").click()
    grid = page.get_by_role("table", name="决策表 客诉路由表")
    vip = grid.get_by_label("第 2 行 条件 VIP 客户")
    expect(vip).to_have_text("true")
    vip.fill("maybe")
    vip.press("Enter")
    saved(page)
    expect(vip).to_have_attribute("aria-invalid", "true")
    expect(vip).to_have_attribute("aria-description", re.compile("'maybe' is not a boolean value"))
    vip.fill("true")
    vip.press("Enter")
    pick(page.get_by_label("命中策略"), "只允许一行匹配")
    saved(page)
    first_row = grid.get_by_label("第 1 行 条件 VIP 客户")
    expect(first_row).to_have_attribute("aria-description", re.compile("rows 0 and 1 overlap"))
    keep_screenshot(page, "designer-decision-table", tmp_path)
    pick(page.get_by_label("命中策略"), "取第一条匹配行")
    saved(page)
    expect(first_row).not_to_have_attribute("aria-invalid", "true")

    # a condition cell is a one-line formula editor: after '=' the inputs complete, the parser's error is on the cell
    region = grid.get_by_label("第 3 行 条件 客户区域")
    region.click()
    page.keyboard.type("=regi")
    page.get_by_role("option", name=re.compile("^region")).click()  # the completion, and the cell still has the focus
    expect(region).to_have_text("=region")
    page.keyboard.type(' = "east" AND')
    expect(region).to_have_attribute("aria-invalid", "true")
    expect(region).to_have_attribute("aria-description", re.compile(r"第 1 行第 \d+ 列：公式没有写完"))
    expect(grid.get_by_text(re.compile(r"^第 1 行第 \d+ 列：公式没有写完"))).to_be_visible()
    keep_screenshot(page, "designer-decision-table-formula", tmp_path)
    region.press("Escape")  # closes a completion list if one is open
    region.press("Escape")  # the cell as it was
    expect(region).to_have_text("任意")  # empty again: its placeholder, any value
    expect(region).to_have_attribute("aria-invalid", "false")
    region.fill('=region = "east"')
    region.press("Tab")  # leaving the cell keeps what was typed; Tab goes on to the next cell
    expect(grid.get_by_label(re.compile("^第 3 行 结果 "))).to_be_focused()
    saved(page)
    assert routing_rows(site)[2]["when"]["region"] == {"formula": 'region = "east"'}
    region.fill("")
    region.press("Enter")
    saved(page)
    assert "region" not in routing_rows(site)[2]["when"]

    # publish the changed condition
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    publish = page.get_by_role("dialog", name="发布应用")
    expect(publish.get_by_text("校验通过")).to_be_visible()
    publish.get_by_label("版本说明").fill("大额索赔阈值按试运行调整")
    publish.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(publish.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible()
    publish.get_by_role("button", name="完成").click()
    with site.api_login("admin") as api:
        published = api.get(f"/api/v1/apps/{APP}/export").json()
    rule = next(r for r in published["rules"] if r.get("key") == "large_amount")
    assert rule["when"] == f"AND(amount_involved > {threshold}, NOT(ISBLANK(contact_name)))"

    # the published rule runs on a change of the amount; the run log, filtered on the server, shows it
    with site.api_login("admin") as api:
        url = f"/api/v1/apps/{APP}/forms/complaint/records/{complaint['id']}"
        current = api.get(url).json()
        changed = api.patch(url, json={"amount_involved": str(threshold + 100), "row_version": current["row_version"]})
        assert changed.status_code == 200, changed.text
    page.get_by_role("navigation", name="规则列表").get_by_role("link", name=re.compile("运行记录")).click()
    log = page.get_by_role("table", name="运行记录")
    pick(page.get_by_label("规则", exact=True), "金额超过 5000 元升级")
    page.get_by_label("记录编号").fill(str(complaint["id"]))
    pick(page.get_by_label("事件", exact=True), "修改")
    row = log.get_by_role("row").filter(has_text="已执行")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(complaint["id"]))
    pick(page.get_by_label("状态", exact=True), "出错")
    expect(log.get_by_text("没有符合条件的运行记录")).to_be_visible()
