"""The admin console in Chromium: users, roles, departments, tokens, the audit log, and the 403 for
everyone else — found by role and accessible name only."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, Site, shoot
from tests.browser.test_foundation import sign_in, sign_out


def pick(page: Any, label: str, text: str) -> None:
    """An antd Select with search: type what a person would, take the first match."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")


def open_admin(page: Any, site: Site) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.get_by_role("button", name="用户菜单").click()
    page.get_by_role("menuitem", name="系统管理").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", name="用户")).to_be_visible()


def test_admin_creates_a_user_gives_a_role_and_the_user_signs_in(page: Any, site: Site) -> None:
    open_admin(page, site)
    shoot(page, "admin-users", site, as_is=True)
    page.get_by_role("button", name="新建用户").click()
    dialog = page.get_by_role("dialog", name="新建用户")
    dialog.get_by_label("用户名").fill("newagent")
    dialog.get_by_label("显示名称").fill("新客服")
    dialog.get_by_label("初始密码").fill(PASSWORD)
    dialog.get_by_role("button", name="创建").click()
    expect(page.get_by_text("用户已创建")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="newagent")
    expect(row).to_contain_text("新客服")
    expect(row).to_contain_text("启用")

    row.get_by_role("button", name="newagent 的角色").click()
    drawer = page.get_by_role("dialog", name="新客服 的角色")
    pick(page, "应用", "客诉")
    pick(page, "角色", "客服专员")
    shoot(page, "admin-user-roles", site, as_is=True)
    drawer.get_by_role("button", name="授予角色").click()
    expect(page.get_by_text("角色已授予")).to_be_visible()

    sign_out(page)
    sign_in(page, site, "newagent")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    expect(page.get_by_role("link", name="客诉管理")).to_be_visible()
    # a member gets neither the menu entry nor the console
    page.get_by_role("button", name="用户菜单").click()
    expect(page.get_by_role("menuitem", name="我的资料")).to_be_visible()
    expect(page.get_by_role("menuitem", name="系统管理")).to_have_count(0)
    page.keyboard.press("Escape")
    page.goto("/admin")
    expect(page.get_by_text("只有组织管理员可以进入管理后台。")).to_be_visible()
    expect(page.get_by_role("menu", name="系统管理")).to_have_count(0)
    shoot(page, "admin-forbidden", site, as_is=True)

    # the admin disables them: signed out, and the next login is refused
    sign_out(page)
    open_admin(page, site)
    page.get_by_role("row").filter(has_text="newagent").get_by_role("button", name="停用 newagent").click()
    page.get_by_role("button", name="确 定").or_(page.get_by_role("button", name="确定")).click()
    expect(page.get_by_role("row").filter(has_text="newagent")).to_contain_text("已停用")
    sign_out(page)
    sign_in(page, site, "newagent")
    expect(page.get_by_role("alert")).to_contain_text("登录失败")
    expect(page).to_have_url(re.compile(r"/login"))


def test_admin_creates_a_department_under_another(page: Any, site: Site) -> None:
    open_admin(page, site)
    page.get_by_role("menuitem", name="部门").click()
    expect(page.get_by_role("heading", name="部门", exact=True)).to_be_visible()
    for name, key, parent in (("华东大区", "east_region", None), ("上海客服组", "shanghai_team", "华东大区")):
        page.get_by_label("名称").fill(name)
        page.get_by_label("标识").fill(key)
        if parent:
            pick(page, "上级部门", parent)
        pick(page, "负责人", "admin")
        page.get_by_role("button", name="创建").click()
        expect(page.get_by_text("部门已创建").last).to_be_visible()
        expect(page.get_by_role("treeitem", name=re.compile(name))).to_be_visible()
    shoot(page, "admin-departments", site, as_is=True)
    with site.api_login("admin") as client:
        departments = {d["key"]: d for d in client.get("/api/v1/admin/departments").json()}
    assert departments["shanghai_team"]["parent_id"] == departments["east_region"]["id"]


def test_admin_creates_a_token_and_sees_its_secret_once(page: Any, site: Site) -> None:
    open_admin(page, site)
    page.get_by_role("menuitem", name="API 令牌").click()
    page.get_by_label("名称").fill("nightly export")
    pick(page, "权限范围", "records:read")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="创建").click()
    modal = page.get_by_role("dialog", name="新令牌")
    expect(modal.get_by_text("只显示这一次")).to_be_visible()
    secret = modal.get_by_text(re.compile(r"^dj_"))
    expect(secret).to_be_visible()
    plaintext = secret.inner_text().strip()
    shoot(page, "admin-token-secret", site, as_is=True)
    modal.get_by_role("button", name="我已复制").click()
    expect(page.get_by_role("row").filter(has_text="nightly export")).to_contain_text("records:read")
    expect(page.get_by_text(plaintext)).to_be_hidden()
    page.reload()
    expect(page.get_by_role("row").filter(has_text="nightly export")).to_be_visible()
    expect(page.get_by_text(plaintext)).to_have_count(0)
    shoot(page, "admin-tokens", site, as_is=True)


def test_audit_log_filtered_by_actor(page: Any, site: Site) -> None:
    with site.api_login("admin") as client:
        response = client.post("/api/v1/auth/tokens", json={"name": "audited", "scopes": ["records:read"]})
        assert response.status_code == 201, response.text
    open_admin(page, site)
    page.get_by_role("menuitem", name="审计日志").click()
    pick(page, "操作人", "admin")
    rows = page.get_by_role("row").filter(has_text="token")
    expect(rows.first).to_contain_text("admin")
    expect(rows.first).to_contain_text("create")
    # another actor's sessions are filtered out: only admin's rows remain
    for text in page.get_by_role("row").all_inner_texts()[1:]:
        assert "admin" in text or "没有符合条件的记录" in text, text
    shoot(page, "admin-audit", site, as_is=True)
    page.get_by_role("menuitem", name="应用与模板").click()
    expect(page.get_by_role("row").filter(has_text=site.app)).to_contain_text("已发布")
    shoot(page, "admin-apps", site, as_is=True)
