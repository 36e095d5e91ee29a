"""The report and dashboard designers in Chromium, by role and label only: a complaint report opens with a
live preview on real data, a field dragged into the rows changes the preview (and no preview request leaves
during the drag), the chart type changes, the report publishes; a cockpit widget moves by drag and pushes
the one below; opening both and saving leaves the complaint template's draft byte-identical."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_form import APP, draft_text, keep_screenshot, pick
from tests.browser.test_foundation import sign_in

REPORT = f"/design/{APP}/reports/sla_by_priority"
COCKPIT = f"/design/{APP}/dashboards/cockpit"


def open_page(page: Any, site: Site, path: str) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(path)
    expect(page.get_by_role("heading", name="设计：客诉管理")).to_be_visible()


def preview_rows(page: Any) -> Any:
    return page.get_by_role("region", name="实时预览").get_by_role("status", name="预览行数")


def test_opening_the_report_and_cockpit_designers_changes_no_byte(page: Any, site: Site) -> None:
    before = draft_text(site)
    open_page(page, site, REPORT)
    expect(preview_rows(page)).to_have_text(re.compile(r"^\d+ 行"))
    page.get_by_role("menuitem", name="客诉驾驶舱").click()
    expect(page.get_by_role("button", name=re.compile("^组件 核心指标"))).to_be_visible()
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    page.wait_for_load_state("networkidle")
    assert draft_text(site) == before


def test_drag_a_dimension_see_the_preview_change_chart_and_publish(page: Any, site: Site, tmp_path: Path) -> None:
    previews: list[str] = []
    page.on("request", lambda r: previews.append(r.url) if r.url.endswith("/reports/preview") else None)
    open_page(page, site, REPORT)
    rows = page.get_by_role("region", name="行（维度）")
    expect(rows.get_by_role("button", name="行维度 紧急程度")).to_be_visible()
    expect(preview_rows(page)).to_have_text(re.compile(r"^\d+ 行"))
    before = preview_rows(page).inner_text()
    expect(page.get_by_role("region", name="实时预览").get_by_role("img", name="各优先级 SLA 达成率")).to_be_visible()

    # drag "channel" into the rows; while the pointer is held no preview request leaves
    source = page.get_by_label("拖入字段：投诉渠道")
    target = rows.get_by_text("拖放字段到这里")
    start, end = source.bounding_box(), target.bounding_box()
    assert start and end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 20, start["y"] + 12, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=20)
    sent = len(previews)
    page.wait_for_timeout(900)  # longer than the preview's debounce: a request now would come from the drag
    assert len(previews) == sent
    page.mouse.up()

    expect(rows.get_by_role("button", name="行维度 投诉渠道")).to_be_visible()
    expect(preview_rows(page)).not_to_have_text(before)
    expect(page.get_by_text("行维度", exact=True)).to_be_visible()  # the dropped dimension is selected

    # the chart type, in the report's settings: a table of the rows
    page.get_by_role("button", name="报表设置").click()
    pick(page.get_by_label("图表类型"), "明细表")
    expect(page.get_by_role("region", name="实时预览").get_by_role("columnheader", name="投诉渠道")).to_be_visible()
    page.get_by_role("main", name="报表画布").evaluate("canvas => canvas.scrollTo(0, 0)")
    keep_screenshot(page, "designer-report", tmp_path)

    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text("校验通过")).to_be_visible()
    dialog.get_by_label("版本说明").fill("SLA 报表按渠道细分")
    dialog.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(dialog.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible()
    dialog.get_by_role("button", name="完成").click()
    with site.api_login("admin") as api:
        published = api.post(f"/api/v1/apps/{APP}/reports/sla_by_priority/run", json={"params": {}})
        assert published.status_code == 200, published.text
        assert published.json()["chart"]["type"] == "table"
        assert [d["field"] for d in published.json()["dimensions"]] == ["priority", "channel"]


def test_move_a_cockpit_widget_by_drag(page: Any, site: Site, tmp_path: Path) -> None:
    open_page(page, site, COCKPIT)
    weekly = page.get_by_role("button", name=re.compile("^组件 投诉量周趋势"))
    monthly = page.get_by_role("button", name=re.compile("^组件 投诉量月趋势"))
    expect(weekly).to_have_accessible_name("组件 投诉量周趋势（0,2 宽 6 高 4）")
    box = weekly.bounding_box()
    assert box
    x, y = box["x"] + 40, box["y"] + 20
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 12, y + 4, steps=4)
    page.mouse.move(x + box["width"] + 8, y + 4, steps=20)  # one widget width to the right
    page.mouse.up()
    expect(weekly).to_have_accessible_name("组件 投诉量周趋势（6,2 宽 6 高 4）")
    expect(monthly).to_have_accessible_name("组件 投诉量月趋势（6,6 宽 6 高 4）")  # pushed below it
    expect(page.get_by_role("status", name="草稿状态")).to_have_text(re.compile("未保存|保存中|已保存"))
    weekly.click()
    expect(page.get_by_label("「日期范围」作用于参数")).to_be_visible()
    keep_screenshot(page, "designer-dashboard", tmp_path)
    page.get_by_role("button", name="撤销").click()
    expect(weekly).to_have_accessible_name("组件 投诉量周趋势（0,2 宽 6 高 4）")
