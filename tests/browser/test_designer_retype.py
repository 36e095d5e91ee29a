"""Retyping a published field in the form designer, in Chromium by role and label (issue #15, test 2):
a text field holding "12", "abc" and "7" becomes an integer; the publish dialog's dry run names the
record that cannot convert (its number, title and value, linked to its page) and the publish is
refused; the record is fixed on its runtime page, the publish goes through, and the version diff says
the field was retyped from single-line text to integer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, keep_screenshot
from tests.browser.test_designer_form import pick
from tests.browser.test_foundation import sign_in

APP = "stock_count"
LABEL = {"zh-CN": "库存盘点", "en": "Stock count"}


def stock_app() -> dict[str, Any]:
    fields = [
        {"key": "name", "kind": "text", "label": {"zh-CN": "物料名称", "en": "Item"}, "required": True},
        {"key": "qty", "kind": "text", "label": {"zh-CN": "盘点数量", "en": "Counted"}},
    ]
    form = {"key": "item", "label": {"zh-CN": "物料", "en": "Item"}, "title_field": "name", "fields": fields}
    return {"schema_version": 2, "key": APP, "label": LABEL, "forms": [form], "roles": []}


def publish_stock(site: Site) -> dict[str, int]:
    """Version 1 published with three records; their ids by name."""
    with site.api_login("admin") as api:
        assert api.post("/api/v1/apps", json={"key": APP, "label": LABEL}).status_code == 201
        assert api.put(f"/api/v1/apps/{APP}/draft", json=stock_app()).status_code == 200
        published = api.post(f"/api/v1/apps/{APP}/publish", params={"dry_run": False})
        assert published.status_code == 200, published.text
        ids = {}
        for name, qty in (("螺丝", "12"), ("垫片", "abc"), ("螺母", "7")):
            created = api.post(f"/api/v1/apps/{APP}/forms/item/records", json={"name": name, "qty": qty})
            assert created.status_code == 201, created.text
            ids[name] = created.json()["id"]
        return ids


def test_a_retype_names_the_rows_that_cannot_convert(page: Any, site: Site, tmp_path: Path) -> None:
    ids = publish_stock(site)
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{APP}/forms/item")
    expect(page.get_by_role("heading", name="设计：库存盘点")).to_be_visible()

    page.get_by_role("button", name=re.compile("^字段 盘点数量")).click()
    pick(page.get_by_role("combobox", name="字段类型"), "整数")
    expect(page.get_by_role("button", name=re.compile("^字段 盘点数量（整数）"))).to_be_visible()
    expect(page.get_by_text("修改已发布字段的类型")).to_be_visible()

    # the dry run: the plan in words, the record that cannot convert named and linked, publishing refused
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text(re.compile("物料：字段 盘点数量 \\(qty\\) 的类型从 单行文本 改为 整数"))).to_be_visible()
    expect(dialog.get_by_text("「物料」的字段 盘点数量 (qty) 有 1 条记录的值无法转换为新类型")).to_be_visible()
    blocked = dialog.get_by_role("region", name="无法转换的记录：盘点数量 (qty)")
    bad = blocked.get_by_role("link", name=f"记录 #{ids['垫片']} 「垫片」")
    expect(bad).to_be_visible()
    expect(blocked).to_contain_text("当前值「abc」")
    expect(blocked).not_to_contain_text("螺丝")
    expect(dialog.get_by_text(re.compile("^有记录无法转换，不能发布"))).to_be_visible()
    publish_button = dialog.get_by_role("button", name="发布版本 2")
    expect(publish_button).to_be_disabled()
    keep_screenshot(page, "designer-retype-refused", tmp_path)
    with site.api_login("admin") as api:  # the server refuses the saved draft too, naming the record
        refused = api.post(f"/api/v1/apps/{APP}/publish", params={"dry_run": False})
        assert refused.status_code == 422
        assert refused.json()["unconvertible"] == {"item": {"qty": [ids["垫片"]]}}

    # the record is fixed on its runtime page, opened from the dialog
    with page.context.expect_page() as opened:
        bad.click()
    record = opened.value
    expect(record.get_by_label("盘点数量")).to_have_value("abc")
    record.get_by_label("盘点数量").fill("15")
    record.get_by_role("button", name="保存").click()
    expect(record.get_by_text("已保存").first).to_be_visible()
    record.close()

    dialog.get_by_role("button", name="取消").click()
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text(re.compile("的类型从 单行文本 改为 整数"))).to_be_visible()
    expect(dialog.get_by_text(re.compile("无法转换"))).to_have_count(0)
    dialog.get_by_label("版本说明").fill("盘点数量改为整数")
    dialog.get_by_role("button", name="发布版本 2").click()
    expect(dialog.get_by_text("已发布版本 2")).to_be_visible()
    dialog.get_by_role("button", name="完成").click()
    with site.api_login("admin") as api:
        rows = api.get(f"/api/v1/apps/{APP}/forms/item/records", params={"limit": 10}).json()["items"]
        assert sorted((r["name"], r["qty"]) for r in rows) == [("垫片", 15), ("螺丝", 12), ("螺母", 7)]

    # the versions drawer: version 1 → 2 shows the field retyped
    toolbar.get_by_role("button", name=re.compile("版本历史")).click()
    history = page.get_by_role("dialog", name="版本历史")
    expect(history.get_by_text("盘点数量改为整数")).to_be_visible()
    pick(history.get_by_label("比较的起点"), "版本 1")
    pick(history.get_by_label("比较的终点"), "版本 2")
    diff = history.get_by_role("region", name="版本差异")
    expect(diff).to_contain_text("盘点数量")
    expect(diff).to_contain_text("类型 单行文本 → 整数")
    expect(diff).not_to_contain_text("物料名称")
    keep_screenshot(page, "designer-retype-diff", tmp_path)
