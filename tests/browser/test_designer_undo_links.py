"""Issue 15's test 4 in Chromium, by role and label: undo and redo across designers (a form field's label, then a flow
node's name, undone in reverse order with the toolbar and Ctrl+Z and redone, each designer showing its state), and a
problem link that selects the decision-table cell or the report measure its JSON path names."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, shoot
from tests.browser.test_designer_form import APP, draft_text, open_designer

SUBJECT = re.compile("^字段 投诉主题")
RENAMED = re.compile("^字段 投诉标题")


def saved(page: Any) -> None:
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")


def node(page: Any, name: str) -> Any:
    return page.get_by_role("main", name="流程画布").get_by_role("button", name=f"节点 {name}（办理）")


def test_undo_and_redo_across_the_form_and_flow_designers(page: Any, site: Site) -> None:
    open_designer(page, site)
    page.get_by_role("button", name=SUBJECT).click()
    page.get_by_label("显示名称（中文）").fill("投诉标题")
    expect(page.get_by_role("button", name=RENAMED)).to_be_visible()

    page.get_by_role("menuitem", name="客诉处理").click()  # the flow designer, same draft
    node(page, "分派受理").click()
    page.get_by_label("节点名称（中文）").fill("分派处理")
    expect(node(page, "分派处理")).to_be_visible()

    undo, redo = page.get_by_role("button", name="撤销"), page.get_by_role("button", name="重做")
    undo.click()  # the last change first: the node's name
    expect(node(page, "分派受理")).to_be_visible()
    expect(node(page, "分派处理")).to_have_count(0)
    page.get_by_role("heading", name="设计：客诉管理").click()  # out of the text box: the keys are the draft's
    page.keyboard.press("Control+z")  # then the form's label, undone from the flow designer
    expect(node(page, "分派受理")).to_be_visible()
    page.get_by_role("menuitem", name="客诉工单").click()
    expect(page.get_by_role("button", name=SUBJECT)).to_be_visible()
    expect(page.get_by_role("button", name=RENAMED)).to_have_count(0)

    page.keyboard.press("Control+Shift+z")  # the form's label again
    expect(page.get_by_role("button", name=RENAMED)).to_be_visible()
    redo.click()  # and the node's name, shown when the flow opens
    expect(redo).to_be_disabled()
    page.get_by_role("menuitem", name="客诉处理").click()
    expect(node(page, "分派处理")).to_be_visible()
    saved(page)
    draft = json.loads(draft_text(site))
    form = next(f for f in draft["forms"] if f["key"] == "complaint")
    assert next(f for f in form["fields"] if f["key"] == "subject")["label"]["zh-CN"] == "投诉标题"
    flow = next(f for f in draft["flows"] if f["key"] == "handle_complaint")
    assert any(n.get("label", {}).get("zh-CN") == "分派处理" for n in flow["nodes"])


def test_a_problem_link_selects_the_table_cell_and_the_report_measure_it_names(page: Any, site: Site) -> None:
    with site.api_login("admin") as api:  # another designer left a cell the engine refuses
        draft = api.get(f"/api/v1/apps/{APP}").json()["draft"]
        table = next(r for r in draft["rules"] if r["key"] == "routing")
        table["rows"][1]["when"]["vip"] = "maybe"
        table["outputs"].append({"key": "hours", "label": {"zh-CN": "处理时限", "en": "Hours"}, "type": "integer"})
        table["rows"][2]["then"]["hours"] = "soon"  # a result cell the engine refuses too
        report = next(r for r in draft["reports"] if r["key"] == "sla_by_priority")
        report["measures"][1]["where"] = "sla_state <>"
        assert api.put(f"/api/v1/apps/{APP}/draft", json=draft).status_code == 200
    open_designer(page, site)
    page.get_by_role("button", name=re.compile("^字段 投诉(主题|标题)")).click()  # something else selected first
    saved(page)  # the server checks the draft it is handed
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("问题")).click()
    drawer = page.get_by_role("dialog", name=re.compile("问题"))
    drawer.get_by_role("button", name=re.compile("客诉路由表")).first.click()
    drawer.get_by_role("button", name="Close").or_(drawer.get_by_role("button", name="关闭")).first.click()
    grid = page.get_by_role("table", name="决策表 客诉路由表")
    cell = grid.get_by_label("第 2 行 条件 VIP 客户")
    expect(cell).to_be_focused()
    expect(cell).to_have_text("maybe")
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(cell).to_have_attribute("aria-description", re.compile("'maybe' is not a boolean value"))

    # a result cell: the link outlines and focuses it, and it says what is wrong
    toolbar.get_by_role("button", name=re.compile("问题")).click()
    drawer.get_by_role("listitem").filter(has_text="'soon' is not a integer value").get_by_role("button").click()
    result = grid.get_by_label("第 3 行 结果 处理时限")
    expect(result).to_be_focused()  # the drawer stays open beside the table: the person can type at once
    drawer.get_by_role("button", name="Close").or_(drawer.get_by_role("button", name="关闭")).first.click()
    expect(drawer).to_be_hidden()
    expect(result).to_be_focused()  # closing the drawer leaves the person on the cell, not on the toolbar
    expect(result).to_have_value("soon")
    expect(result).to_have_attribute("aria-invalid", "true")
    shoot(page, "designer-table-result-problem", site, as_is=True)

    # the report measure: its report opens with the measure selected and its properties shown
    toolbar.get_by_role("button", name=re.compile("问题")).click()
    drawer.get_by_role("button", name=re.compile("各优先级 SLA 达成率")).first.click()
    drawer.get_by_role("button", name="Close").or_(drawer.get_by_role("button", name="关闭")).first.click()
    canvas = page.get_by_role("main", name="报表画布")
    expect(canvas.get_by_role("button", name=re.compile("^指标 未超时"))).to_have_attribute("aria-pressed", "true")
    expect(canvas.get_by_role("button", name=re.compile("^指标 工单"))).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("complementary", name="属性面板").get_by_text("指标", exact=True)).to_be_visible()
