"""The order and grouping of an app's menu, set in the app settings designer (by role and label only) and
followed by the runtime's navigation after publishing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_form import keep_screenshot, pick
from tests.browser.test_designer_rules import saved
from tests.browser.test_foundation import sign_in

APP = "field_visits"
LABEL = {"zh-CN": "外勤拜访", "en": "Field visits"}


def visits_app() -> dict[str, Any]:
    def form(key: str, zh: str, en: str) -> dict[str, Any]:
        return {"key": key, "label": {"zh-CN": zh, "en": en},
                "fields": [{"key": "name", "kind": "text", "label": {"zh-CN": "名称", "en": "Name"}}]}

    return {"schema_version": 2, "key": APP, "label": LABEL, "roles": [],
            "forms": [form("order", "订单", "Order"), form("visit", "拜访", "Visit"),
                      form("customer", "客户", "Customer")]}


def test_menu_groups_are_designed_and_the_runtime_follows_them(page: Any, site: Site, tmp_path: Path) -> None:
    with site.api_login("admin") as api:
        assert api.post("/api/v1/apps", json={"key": APP, "label": LABEL}).status_code == 201
        assert api.put(f"/api/v1/apps/{APP}/draft", json=visits_app()).status_code == 200
        assert api.post(f"/api/v1/apps/{APP}/publish").status_code == 200

    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{APP}/settings")
    expect(page.get_by_role("heading", name="菜单")).to_be_visible()
    page.get_by_role("button", name="新增菜单分组").click()
    page.get_by_label("分组 1 名称（中文）").fill("日常工作")
    page.get_by_label("分组 1 名称（English）").fill("Daily work")
    group = page.get_by_role("group", name="菜单分组：日常工作")
    pick(group.get_by_label("向分组 日常工作 添加"), "订单")
    pick(group.get_by_label("向分组 日常工作 添加"), "拜访")
    expect(group.get_by_role("listitem")).to_have_text(["表单 订单", "表单 拜访"])
    group.get_by_role("button", name="上移 拜访").click()
    expect(group.get_by_role("listitem")).to_have_text(["表单 拜访", "表单 订单"])
    expect(page.get_by_role("group", name="未分组（显示在分组之后）")).to_contain_text("客户")
    saved(page)
    keep_screenshot(page, "designer-settings-menu", tmp_path)

    with site.api_login("admin") as api:
        draft = api.get(f"/api/v1/apps/{APP}").json()["draft"]
        menu = (json.loads(draft) if isinstance(draft, str) else draft)["settings"]["menu"]
        assert menu == [{"label": {"zh-CN": "日常工作", "en": "Daily work"}, "items": ["form:visit", "form:order"]}]
        assert api.post(f"/api/v1/apps/{APP}/publish").status_code == 200

    page.goto(f"/a/{APP}")
    nav = page.get_by_role("navigation", name="导航菜单")
    expect(nav.get_by_role("menuitem")).to_have_text(["应用首页", "我的待办", "拜访", "订单", "客户"])
    expect(nav.get_by_text("日常工作")).to_be_visible()
    expect(nav.get_by_text("表单", exact=True)).to_be_visible()  # what no group names, after the groups
    keep_screenshot(page, "runtime-app-menu", tmp_path)


def test_an_app_option_tree_is_built_and_a_cascade_field_uses_it(page: Any, site: Site, tmp_path: Path) -> None:
    app, label = "regions", {"zh-CN": "区域服务", "en": "Regions"}
    tree = [{"value": "product", "label": {"zh-CN": "产品", "en": "Product"}}]
    field = {"key": "area", "kind": "cascade_select", "label": {"zh-CN": "区域", "en": "Area"},
             "config": {"tree": tree}}
    doc = {"schema_version": 2, "key": app, "label": label, "roles": [],
           "forms": [{"key": "ticket", "label": {"zh-CN": "工单", "en": "Ticket"}, "fields": [field]}]}
    with site.api_login("admin") as api:
        assert api.post("/api/v1/apps", json={"key": app, "label": label}).status_code == 201
        assert api.put(f"/api/v1/apps/{app}/draft", json=doc).status_code == 200

    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{app}/settings")
    page.get_by_role("button", name="新增选项树").click()
    page.get_by_label("新选项 的中文名称").fill("华东")
    page.get_by_label("华东 的值").fill("east")
    page.get_by_role("button", name="在 华东 下添加").click()
    page.get_by_label("华东 / 新选项 的中文名称").fill("上海")
    page.get_by_label("华东 / 上海 的值").fill("shanghai")
    page.get_by_role("button", name="添加第一级选项").click()
    page.get_by_label("新选项 的中文名称").fill("华南")
    page.get_by_label("华南 的值").fill("east")  # the same value twice on one level
    expect(page.get_by_text("同一层的选项值不能重复")).to_be_visible()
    page.get_by_label("华南 的值").fill("south")
    expect(page.get_by_text("同一层的选项值不能重复")).to_be_hidden()
    saved(page)
    keep_screenshot(page, "designer-settings-trees", tmp_path)

    page.goto(f"/design/{app}/forms/ticket")
    page.get_by_role("button", name=re.compile("^字段 区域")).click()
    pick(page.get_by_label("选项来源"), "应用选项树：tree_1")
    expect(page.get_by_label("产品 的值")).to_be_hidden()  # the field's own tree is no longer edited here
    saved(page)
    with site.api_login("admin") as api:
        draft = api.get(f"/api/v1/apps/{app}").json()["draft"]
        draft = json.loads(draft) if isinstance(draft, str) else draft
        assert draft["forms"][0]["fields"][0]["config"] == {"tree_key": "tree_1"}
        assert [(n["value"], [c["value"] for c in n.get("children", [])]) for n in draft["trees"]["tree_1"]] == [
            ("east", ["shanghai"]), ("south", [])]
        published = api.post(f"/api/v1/apps/{app}/publish")
        assert published.status_code == 200, published.text
        made = api.post(f"/api/v1/apps/{app}/forms/ticket/records", json={"area": ["east", "shanghai"]})
        assert made.status_code == 201, made.text
