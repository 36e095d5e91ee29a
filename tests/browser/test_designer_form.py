"""The form designer in Chromium, found by role and label only: the complaint template opens and saves
byte-identically, a field dragged from the palette is labelled, previewed, undone and redone, a problem
link selects its field, deleting a field with data says how many records hold it, and a publish with a
note (the migration plan shown in words) puts the field on the runtime record page."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, ROOT, Site
from tests.browser.test_foundation import sign_in

APP = "complaint_management"
DESIGN = f"/design/{APP}/forms/complaint"


def draft_text(site: Site) -> str:
    """The stored draft as the server hands it out, serialised with its key order."""
    with site.api_login("admin") as api:
        response = api.get(f"/api/v1/apps/{APP}")
        assert response.status_code == 200, response.text
        return json.dumps(response.json()["draft"], ensure_ascii=False)


def keep_screenshot(page: Any, name: str, tmp_path: Path) -> None:
    """Into the test's tmp dir; also into docs/screenshots/ when DAJIAN_DOCS_SCREENSHOTS=1 asks for it."""
    path = tmp_path / f"{name}-1280x800.png"
    page.wait_for_timeout(400)  # antd's open animations end
    page.screenshot(path=str(path))
    if os.environ.get("DAJIAN_DOCS_SCREENSHOTS") == "1":
        shutil.copy(path, ROOT / "docs" / "screenshots" / path.name)


def drag(page: Any, source: Any, target: Any) -> None:
    """A person's drag: press, move a little (the sensor starts after 5 px), travel, release."""
    start = source.bounding_box()
    end = target.bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 12, y + 8, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=20)
    page.mouse.up()


def pick(box: Any, option: str) -> None:
    """Choose an option of a searchable select the way a keyboard user does: type, Enter."""
    box.click()
    box.fill(option)
    box.press("Enter")


def open_designer(page: Any, site: Site) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(DESIGN)
    expect(page.get_by_role("heading", name="设计：客诉管理")).to_be_visible()
    expect(page.get_by_role("region", name="工单")).to_be_visible()


def test_the_complaint_template_round_trips_byte_identical(page: Any, site: Site) -> None:
    before = draft_text(site)
    open_designer(page, site)
    page.get_by_role("menuitem", name="客户").click()  # another form opened, nothing changed
    expect(page.get_by_role("button", name=re.compile("^字段 客户名称"))).to_be_visible()
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    page.wait_for_load_state("networkidle")
    assert draft_text(site) == before


def test_drag_label_preview_undo_problem_publish_and_run(page: Any, site: Site, tmp_path: Path) -> None:
    open_designer(page, site)
    ticket = page.get_by_role("region", name="工单")
    drag(page, page.get_by_label("添加字段：单行文本"), ticket.get_by_text("拖放字段到这里"))
    new_field = ticket.get_by_role("button", name=re.compile(r"^字段 单行文本 \d+（单行文本）"))
    expect(new_field).to_be_visible()
    expect(page.get_by_text(re.compile(r"^字段：单行文本 \d+$"))).to_be_visible()  # selected on drop

    page.get_by_label("显示名称（中文）").fill("维修备注")
    page.get_by_label("显示名称（English）").fill("Repair note")
    expect(page.get_by_label("字段标识")).to_have_value("repair_note")
    field = ticket.get_by_role("button", name="字段 维修备注（单行文本）")
    expect(field).to_be_visible()

    # undo and redo across the draft: the toolbar buttons, then the keys
    undo, redo = page.get_by_role("button", name="撤销"), page.get_by_role("button", name="重做")
    undo.click()  # the English label, and the key made from it
    expect(ticket.get_by_text("repair_note", exact=True)).to_have_count(0)
    expect(field).to_be_visible()
    undo.click()  # the Chinese label
    expect(field).to_have_count(0)
    expect(new_field).to_be_visible()
    redo.click()
    redo.click()
    expect(field).to_be_visible()
    field.click()
    page.keyboard.press("Control+z")
    expect(ticket.get_by_text("repair_note", exact=True)).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(ticket.get_by_text("repair_note", exact=True)).to_be_visible()
    field.click()

    # the preview draws the draft with the runtime's widgets
    page.get_by_text("预览", exact=True).click()
    expect(page.get_by_label("维修备注")).to_be_visible()
    page.get_by_label("维修备注").fill("更换屏幕")
    page.get_by_text("设计", exact=True).click()

    # a problem: a key the schema refuses; its link selects the field after another one was selected
    field.click()
    page.get_by_label("字段标识").fill("Repair")
    page.get_by_role("button", name=re.compile("^字段 投诉主题")).click()
    expect(page.get_by_text("字段：投诉主题")).to_be_visible()
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("问题")).click()
    drawer = page.get_by_role("dialog", name=re.compile("问题"))
    drawer.get_by_role("button", name=re.compile("客诉工单 › 维修备注")).first.click()
    expect(page.get_by_text("字段：维修备注")).to_be_visible()
    expect(page.get_by_label("字段标识")).to_have_value("Repair")
    drawer.get_by_role("button", name="Close").or_(drawer.get_by_role("button", name="关闭")).first.click()
    page.get_by_label("字段标识").fill("repair_note")

    # deleting a published field that holds data says how many records hold it, and can be cancelled
    with site.api_login("admin") as api:
        query = {"filter": {"!=": [{"var": "subject"}, None]}, "count": "exact", "limit": 1}
        holding = api.post(f"/api/v1/apps/{APP}/forms/complaint/records/query", json=query).json()["total"]
    assert holding > 0
    page.get_by_role("button", name="删除字段 投诉主题").click()
    confirm = page.get_by_role("dialog", name="删除字段「投诉主题」？")
    expect(confirm).to_contain_text(f"已有 {holding} 条记录填写了这个字段")
    confirm.get_by_role("button", name="取消").click()
    expect(page.get_by_role("button", name=re.compile("^字段 投诉主题"))).to_be_visible()

    field.click()
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    expect(field).not_to_have_class(re.compile("flagged"))  # the problem is gone with the fixed key
    page.get_by_role("main", name="画布").evaluate("canvas => canvas.scrollTo(0, 0)")
    keep_screenshot(page, "designer-form", tmp_path)

    # publish: validation, the plan in words, a note
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text("校验通过")).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"客诉工单：新增列 维修备注 \(repair_note\)（单行文本）"))).to_be_visible()
    dialog.get_by_label("版本说明").fill("新增维修备注字段")
    keep_screenshot(page, "designer-publish", tmp_path)
    dialog.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(dialog.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible()
    dialog.get_by_role("button", name="完成").click()

    # the version history shows the note and the field added since the version before
    toolbar.get_by_role("button", name=re.compile("版本历史")).click()
    history = page.get_by_role("dialog", name="版本历史")
    expect(history.get_by_text("新增维修备注字段")).to_be_visible()
    pick(history.get_by_label("比较的起点"), "版本 1")
    pick(history.get_by_label("比较的终点"), "版本 2")
    expect(history.get_by_role("region", name="版本差异")).to_contain_text("维修备注")

    # the runtime record page has the field
    page.goto(f"/a/{APP}/forms/complaint/new")
    expect(page.get_by_label("维修备注")).to_be_visible()
    page.set_viewport_size(DESKTOP)
