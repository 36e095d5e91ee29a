"""The designer's history in Chromium, by role and label: a selection survives an undo that changes the
field's key; a field deleted on one machine is restored from the recycle bin on another (a fresh browser,
nothing in its storage); and an earlier draft save, kept on the server, is restored as the draft."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PASSWORD, Site, keep_screenshot
from tests.browser.test_designer_form import APP, draft_text, drag, open_designer
from tests.browser.test_foundation import sign_in

SUBJECT = re.compile("^字段 投诉主题")


def complaint_fields(site: Site) -> list[str]:
    form = next(f for f in json.loads(draft_text(site))["forms"] if f["key"] == "complaint")
    return [f["key"] for f in form["fields"]]


def saved(page: Any) -> None:
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    page.wait_for_load_state("networkidle")  # the recycle bin follows the draft


def test_undo_keeps_the_selection_when_the_key_changes(page: Any, site: Site) -> None:
    open_designer(page, site)
    ticket = page.get_by_role("region", name="工单")
    drag(page, page.get_by_label("添加字段：单行文本"), ticket.get_by_text("拖放字段到这里"))
    first_key = page.get_by_label("字段标识").input_value()
    page.get_by_label("显示名称（English）").fill("Spare part")
    expect(page.get_by_label("字段标识")).to_have_value("spare_part")
    page.get_by_role("button", name="撤销").click()  # the key goes back with the label
    expect(page.get_by_label("字段标识")).to_have_value(first_key)
    expect(page.get_by_text("所选字段已不存在")).to_have_count(0)
    page.get_by_role("button", name="重做").click()
    expect(page.get_by_label("字段标识")).to_have_value("spare_part")
    expect(page.get_by_label("显示名称（English）")).to_have_value("Spare part")


def test_a_deleted_field_comes_back_on_another_machine(browser: Any, page: Any, site: Site, tmp_path: Path) -> None:
    # an earlier save by another designer: a separate entry of the draft history
    with site.api_login("admin") as api:
        lead = {"username": "lead", "password": PASSWORD, "is_org_admin": True}
        assert api.post("/api/v1/admin/users", json=lead).status_code == 201
    with site.api_login("lead") as api:
        draft = api.get(f"/api/v1/apps/{APP}").json()["draft"]
        draft["label"] = {**draft["label"], "zh-CN": "客诉管理（组长稿）"}
        assert api.put(f"/api/v1/apps/{APP}/draft", json=draft).status_code == 200

    open_designer_as(page, site, "客诉管理（组长稿）")
    page.get_by_role("button", name="删除字段 投诉主题").click()
    page.get_by_role("dialog", name="删除字段「投诉主题」？").get_by_role("button", name="删除").click()
    expect(page.get_by_role("button", name=SUBJECT)).to_have_count(0)
    saved(page)
    assert "subject" not in complaint_fields(site)

    other = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    try:
        there = other.new_page()
        open_designer_as(there, site, "客诉管理（组长稿）")
        expect(there.get_by_role("button", name=SUBJECT)).to_have_count(0)
        there.get_by_role("toolbar", name="设计器工具栏").get_by_role("button", name=re.compile("回收站")).click()
        bin_ = there.get_by_role("dialog", name="回收站")
        keep_screenshot(there, "designer-trash", tmp_path)
        bin_.get_by_role("button", name="恢复 客诉工单 · 投诉主题").click()
        expect(bin_.get_by_text("没有删除的元素")).to_be_visible()
        bin_.get_by_role("button", name="Close").or_(bin_.get_by_role("button", name="关闭")).first.click()
        expect(there.get_by_role("button", name=SUBJECT)).to_be_visible()
        saved(there)
        assert "subject" in complaint_fields(site)

        # the draft history (newest first: this session's, the lead's, the ones before it): the oldest save,
        # from before the lead renamed the app, is restored as the draft
        there.get_by_role("toolbar", name="设计器工具栏").get_by_role("button", name=re.compile("版本历史")).click()
        history = there.get_by_role("dialog", name="版本历史")
        saves = history.get_by_role("button", name=re.compile("^将 .+ 的草稿恢复为当前草稿$"))
        expect(saves.nth(2)).to_be_visible()
        keep_screenshot(there, "designer-draft-history", tmp_path)
        saves.last.click()
        confirm = there.get_by_role("dialog", name=re.compile("的草稿恢复为当前草稿？$"))
        confirm.get_by_role("button", name="恢复为草稿").click()
        expect(there.get_by_role("heading", name="设计：客诉管理", exact=True)).to_be_visible()
        history.get_by_role("button", name="关闭").click()
        expect(history).to_be_hidden()
        there.get_by_role("button", name="撤销").click()  # undoable like any edit
        expect(there.get_by_role("heading", name="设计：客诉管理（组长稿）")).to_be_visible()
    finally:
        other.close()


def open_designer_as(page: Any, site: Site, title: str) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{APP}/forms/complaint")
    expect(page.get_by_role("heading", name=f"设计：{title}")).to_be_visible()
