"""The app's icon and its channels, set in the app settings designer (by role and label only): the home page
shows the icon once published, and a public form channel made here is a working public link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_form import keep_screenshot, pick
from tests.browser.test_designer_rules import saved
from tests.browser.test_foundation import sign_in

APP = "visitor_log"
LABEL = {"zh-CN": "访客登记", "en": "Visitor log"}


def visitor_app() -> dict[str, Any]:
    def field(key: str, kind: str, zh: str, en: str) -> dict[str, Any]:
        return {"key": key, "kind": kind, "label": {"zh-CN": zh, "en": en}}

    number = {**field("visit_no", "serial", "登记号", "Visit no."), "config": {"pattern": "V{YYYYMMDD}-{000}",
                                                                                "reset": "day"}}
    fields = [number, field("name", "text", "访客姓名", "Name"), field("phone", "text", "联系电话", "Phone"),
              field("purpose", "long_text", "来访事由", "Purpose"), field("channel", "text", "来源", "Source")]
    return {"schema_version": 2, "key": APP, "label": LABEL, "roles": [],
            "forms": [{"key": "visit", "label": {"zh-CN": "来访", "en": "Visit"}, "fields": fields}]}


def test_icon_and_a_public_form_channel_are_set_and_work_once_published(page: Any, site: Site,
                                                                         tmp_path: Path) -> None:
    with site.api_login("admin") as api:
        assert api.post("/api/v1/apps", json={"key": APP, "label": LABEL}).status_code == 201
        assert api.put(f"/api/v1/apps/{APP}/draft", json=visitor_app()).status_code == 200
        assert api.post(f"/api/v1/apps/{APP}/publish").status_code == 200

    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{APP}/settings")
    icons = page.get_by_role("radiogroup", name="应用图标")
    icons.get_by_title("车辆").click()  # a button-style choice: its radio input is hidden, its glyph is clicked
    expect(icons.get_by_role("radio", name="车辆")).to_be_checked()
    colors = page.get_by_role("radiogroup", name="图标颜色")
    colors.get_by_title("#52c41a").click()
    expect(colors.get_by_role("radio", name="#52c41a")).to_be_checked()

    expect(page.get_by_text("还没有渠道")).to_be_visible()
    page.get_by_role("button", name="新增渠道").click()
    page.get_by_role("menuitem", name="公开表单").click()
    card = page.get_by_role("group", name="渠道 公开表单")
    card.get_by_label("名称（中文）").fill("访客自助登记")
    card = page.get_by_role("group", name="渠道 访客自助登记")
    card.get_by_label("名称（English）").fill("Self check-in")
    pick(card.get_by_label("公开字段"), "联系电话")
    saved(page)
    # the server's validation, shown on the channel: a status lookup (on, as the form has a serial number) needs
    # the second factor a visitor gives
    expect(card.get_by_role("alert")).to_contain_text("a status lookup needs a serial-number field and a contact_field")
    pick(card.get_by_label("查询凭证字段"), "联系电话")
    saved(page)
    expect(card.get_by_role("alert")).to_have_count(0)
    expect(card.get_by_text("发布后在这里显示访问地址。")).to_be_visible()
    keep_screenshot(page, "designer-settings-channels", tmp_path)

    with site.api_login("admin") as api:
        published = api.post(f"/api/v1/apps/{APP}/publish")
        assert published.status_code == 200, published.text
        [app] = [a for a in api.get("/api/v1/apps").json() if a["key"] == APP]
        assert app["icon"] == {"name": "car", "color": "#52c41a"}
        [channel] = api.get(f"/api/v1/apps/{APP}/channels").json()["items"]
        assert (channel["key"], channel["kind"], channel["form"]) == ("web", "public_form", "visit")

    page.reload()
    card = page.get_by_role("group", name="渠道 访客自助登记")
    link = card.get_by_role("link", name=re.compile(rf"\/p\/{site.org}\/{APP}\/forms\/visit$"))
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href is not None
    keep_screenshot(page, "designer-settings-channel-link", tmp_path)

    page.goto("/")
    expect(page.get_by_role("link", name="访客登记")).to_be_visible()
    keep_screenshot(page, "home-app-icons", tmp_path)
    page.get_by_role("combobox", name="切换应用").click()
    expect(page.get_by_role("option", name="访客登记")).to_be_attached()
    keep_screenshot(page, "app-switcher-icons", tmp_path)
    page.keyboard.press("Escape")

    customer = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        public = customer.new_page()
        public.goto(href)
        expect(public.get_by_label("访客姓名")).to_be_visible()  # the form's first text field, offered when made
        expect(public.get_by_label("联系电话")).to_be_visible()
        expect(public.get_by_label("来访事由")).to_have_count(0)  # not a public field
    finally:
        customer.close()
