"""The formula editor and the condition builder in Chromium, found by role and label only: in the form
designer a field's display condition is typed with completions of the form's fields, the parser's error
shows inline while it is incomplete, the builder shows it as rows, an OR group is added there, the text
comes back with the group, and the app publishes; in the flow designer an edge guard is typed the same way
and turned into an OR of two rows in the builder, then saved as the expression AST."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_flow import open_flow, pick_edge, save
from tests.browser.test_designer_form import APP, keep_screenshot, open_designer


def choose(box: Any, typed: str, option: str | re.Pattern[str]) -> None:
    """An option of a searchable select, as a keyboard user picks it: type, see it listed, Enter."""
    box.click()
    box.fill(typed)
    expect(box.page.get_by_role("option", name=option).first).to_be_attached()
    box.press("Enter")


def complete(page: Any, editor: Any, typed: str, option: str) -> None:
    """Type the start of a name into the formula editor and take the completion offered for it."""
    editor.press_sequentially(typed)
    listed = page.get_by_role("listbox").get_by_role("option", name=re.compile(f"^{re.escape(option)}"))
    expect(listed.first).to_be_visible()
    listed.first.click()


def switch(group: Any, name: str) -> None:
    """Click a choice of a button-style radio group by its visible text (its input is hidden); it is checked."""
    group.get_by_text(name, exact=True).click()
    expect(group.get_by_role("radio", name=name)).to_be_checked()


def draft(site: Site) -> dict[str, Any]:
    with site.api_login("admin") as api:
        result: dict[str, Any] = api.get(f"/api/v1/apps/{APP}").json()["draft"]
        return result


def publish(page: Any) -> None:
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text("校验通过")).to_be_visible()
    dialog.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(dialog.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible()


def test_a_display_condition_typed_with_completions_built_with_an_or_group_and_published(
    page: Any, site: Site, tmp_path: Path
) -> None:
    open_designer(page, site)
    page.get_by_role("button", name=re.compile("^字段 投诉主题")).click()
    expect(page.get_by_text("字段：投诉主题")).to_be_visible()
    editor = page.get_by_role("textbox", name="显示条件")
    editor.click()

    # a field found by its Chinese label, then a function with its signature, then an unfinished formula
    complete(page, editor, "状态", "status")
    editor.press_sequentially(' = "closed" AND ')
    complete(page, editor, "紧急", "priority")
    editor.press_sequentially(" =")
    expect(page.get_by_role("alert").filter(has_text="公式没有写完")).to_be_visible()
    expect(editor).to_have_attribute("aria-invalid", "true")
    keep_screenshot(page, "formula-editor-error", tmp_path)
    editor.press_sequentially(' "P1"')
    expect(editor).to_have_text('status = "closed" AND priority = "P1"')
    expect(editor).to_have_attribute("aria-invalid", "false")

    # the same condition as builder rows; an OR group of two rows added under it
    condition = page.get_by_role("group", name="显示条件")
    switch(condition, "条件构建器")
    rows = condition.get_by_role("group", name="条件", exact=True)
    expect(rows.get_by_label("条件 1 的字段")).to_be_visible()
    expect(rows.get_by_text("状态 (status)")).to_be_visible()
    rows.get_by_role("button", name=re.compile("添加条件组$")).click()
    group = rows.get_by_role("group", name="条件组 3")
    expect(group.get_by_role("radio", name="任一满足 OR")).to_be_checked()
    choose(group.get_by_label("条件 3.1 的字段"), "channel", re.compile("channel"))
    choose(group.get_by_label("条件 3.1 的值"), "微信", "微信")
    group.get_by_role("button", name=re.compile("添加条件（组 3）$")).click()
    choose(group.get_by_label("条件 3.2 的字段"), "escalation_level", re.compile("escalation_level"))
    choose(group.get_by_label("条件 3.2 的运算符"), "大于等于", "大于等于")
    group.get_by_label("条件 3.2 的值").fill("2")
    keep_screenshot(page, "formula-condition-builder", tmp_path)

    # back to the text: the group is there, in parentheses
    switch(condition, "公式")
    expected = 'status = "closed" AND priority = "P1" AND (channel = "wechat" OR escalation_level >= 2)'
    expect(editor).to_have_text(expected)
    save(page)
    complaint = next(f for f in draft(site)["forms"] if f["key"] == "complaint")
    subject = next(f for f in complaint["fields"] if f["key"] == "subject")
    assert subject["visible_if"] == expected

    # a formula the builder cannot show stays text, with a note
    editor.fill("NOT(AND(ISBLANK(contact_phone), ISBLANK(contact_email)))")
    condition.get_by_text("条件构建器", exact=True).click()
    expect(condition.get_by_text("无法用条件构建器显示")).to_be_visible()
    expect(condition.get_by_role("radio", name="公式")).to_be_checked()
    expect(editor).to_be_visible()
    editor.fill(expected)
    save(page)
    publish(page)


def test_an_edge_guard_typed_then_made_an_or_in_the_builder(page: Any, site: Site, tmp_path: Path) -> None:
    canvas = open_flow(page, site)
    pick_edge(canvas, "按金额审批 → 质量管理委员会审批")
    editor = page.get_by_role("textbox", name="分支条件")
    editor.fill("")
    complete(page, editor, "compen", "compensation_amount")
    editor.press_sequentially(" >")
    expect(page.get_by_role("alert").filter(has_text="公式没有写完")).to_be_visible()
    editor.press_sequentially(" 8000")
    expect(canvas.get_by_role("button", name="连线 按金额审批 → 质量管理委员会审批")).to_contain_text("8000")

    guard = page.get_by_role("group", name="分支条件")
    switch(guard, "条件构建器")
    rows = guard.get_by_role("group", name="条件", exact=True)
    switch(rows, "任一满足 OR")
    rows.get_by_role("button", name=re.compile("添加条件$")).click()
    choose(rows.get_by_label("条件 2 的字段"), "priority", re.compile("priority"))
    choose(rows.get_by_label("条件 2 的值"), "P1", re.compile("P1"))
    keep_screenshot(page, "formula-flow-guard-builder", tmp_path)
    switch(guard, "公式")
    expect(editor).to_have_text('compensation_amount > 8000 OR priority = "P1"')
    save(page)
    flow = next(f for f in draft(site)["flows"] if f["key"] == "handle_complaint")
    edge = next(e for e in flow["edges"] if e["source"] == "approval_gate" and e["target"] == "approve_committee")
    amount, priority = {">": [{"var": "compensation_amount"}, 8000]}, {"==": [{"var": "priority"}, "P1"]}
    assert edge["condition"] == {"or": [amount, priority]}
    publish(page)
