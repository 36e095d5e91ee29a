"""Signing in, the language, my profile and an app's home, in Chromium, as a person finds them:
by role and accessible name only."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, PHONE, Site, shoot


def sign_in(page: Any, site: Site, username: str, password: str = PASSWORD, *, submit_with_enter: bool = True) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("组织").fill(site.org)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    if submit_with_enter:
        page.get_by_label("密码", exact=True).press("Enter")
    else:
        page.get_by_role("button", name="登录").click()


def sign_out(page: Any, menu: str = "用户菜单", item: str = "退出登录") -> None:
    page.get_by_role("button", name=menu).click()
    page.get_by_role("menuitem", name=item).click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_sign_in_with_enter_shows_my_apps(page: Any, site: Site) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shoot(page, "login", site)
    sign_in(page, site, "zhangwei")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    expect(page.get_by_role("button", name="用户菜单")).to_contain_text("张伟")
    expect(page.get_by_role("link", name="客诉管理")).to_be_visible()
    shoot(page, "my-apps", site)


def test_a_wrong_password_shows_the_servers_message(page: Any, site: Site) -> None:
    sign_in(page, site, "zhangwei", "not the password", submit_with_enter=False)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("登录失败")
    expect(alert).to_contain_text("invalid username or password")
    expect(page).to_have_url(re.compile(r"/login"))
    shoot(page, "login-error", site)


def test_signing_in_with_empty_fields_names_them_and_sends_nothing(page: Any, site: Site) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if "/auth/login" in request.url else None)
    page.goto("/login")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_label("用户名")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text="请输入用户名")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="请输入密码")).to_be_visible()
    page.get_by_label("用户名").fill("zhangwei")
    expect(page.get_by_role("alert").filter(has_text="请输入用户名")).to_have_count(0)  # gone as the user types
    expect(page.get_by_role("alert").filter(has_text="请输入密码")).to_be_visible()
    assert requests == []
    page.get_by_label("组织").fill(site.org)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()


def test_a_page_behind_sign_in_comes_back_after_it(page: Any, site: Site) -> None:
    page.goto(f"/a/{site.app}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("组织").fill(site.org)
    page.get_by_label("用户名").fill("liuyang")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(rf"/a/{site.app}$"))


def test_the_app_home_lists_what_my_roles_reach_and_my_open_tasks(page: Any, site: Site) -> None:
    with site.api_login(site.busiest) as api:
        nav = api.get(f"/api/v1/apps/{site.app}/navigation").json()
        open_tasks = api.get("/api/v1/flows/inbox/pending", params={"limit": 1}).json()["counts"].get(site.app, 0)
    assert open_tasks > 0
    sign_in(page, site, site.busiest)
    expect(page.get_by_role("link", name=nav["label"]["zh-CN"])).to_contain_text(f"待办 {open_tasks}")
    page.get_by_role("combobox", name="切换应用").click()
    page.get_by_role("option", name=nav["label"]["zh-CN"]).click()
    expect(page).to_have_url(re.compile(rf"/a/{site.app}$"))
    expect(page.get_by_role("heading", name=nav["label"]["zh-CN"])).to_be_visible()
    menu = page.get_by_role("navigation", name="导航菜单")
    for form in nav["forms"]:
        expect(menu.get_by_role("menuitem", name=form["label"]["zh-CN"])).to_be_visible()
    for dashboard in nav["dashboards"]:
        expect(menu.get_by_role("menuitem", name=dashboard["label"]["zh-CN"])).to_be_visible()
    tasks = page.get_by_role("link", name="我的待办任务")
    expect(tasks).to_contain_text(str(open_tasks))
    for form in nav["forms"]:
        new = page.get_by_role("button", name=f"新建: {form['label']['zh-CN']}")
        expect(new).to_have_count(1 if "create" in form["actions"] else 0)
    shoot(page, "app-home", site)
    menu.get_by_role("menuitem", name=nav["forms"][0]["label"]["zh-CN"]).click()
    expect(page).to_have_url(re.compile(rf"/a/{site.app}/forms/{nav['forms'][0]['key']}$"))
    # the form's list page, titled with the form's label
    expect(page.get_by_role("heading", name=nav["forms"][0]["label"]["zh-CN"])).to_be_visible()
    expect(page.get_by_text(nav["forms"][0]["label"]["zh-CN"], exact=True).last).to_be_visible()
    shoot(page, "form-list-from-home", site)


def test_on_a_phone_the_navigation_opens_from_a_menu_button(browser: Any, site: Site) -> None:
    context = browser.new_context(base_url=site.url, viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        with site.api_login("zhangwei") as api:
            nav = api.get(f"/api/v1/apps/{site.app}/navigation").json()
        sign_in(page, site, "zhangwei")
        expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
        page.get_by_role("link", name=nav["label"]["zh-CN"]).click()
        menu = page.get_by_role("navigation", name="导航菜单")
        expect(menu).to_have_count(0)  # no room beside the page: behind the button
        page.get_by_role("button", name="导航菜单").click()
        last = nav["dashboards"][-1] if nav["dashboards"] else nav["forms"][-1]
        item = menu.get_by_role("menuitem", name=last["label"]["zh-CN"])
        expect(item).to_be_visible()
        shoot(page, "app-menu-phone", site, as_is=True)
        item.click()
        expect(page).to_have_url(re.compile(rf"/{last['key']}$"))
        expect(menu).to_be_hidden()
    finally:
        context.close()


def test_a_form_outside_my_roles_is_not_in_the_navigation(page: Any, site: Site) -> None:
    with site.api_login("admin") as admin, site.api_login("luoyi") as logistics:
        admin_nav = admin.get(f"/api/v1/apps/{site.app}/navigation").json()
        mine = logistics.get(f"/api/v1/apps/{site.app}/navigation").json()
    hidden = [f for f in admin_nav["forms"] if f["key"] not in {m["key"] for m in mine["forms"]}]
    assert hidden, "the template gives the logistics role fewer forms than administrators"
    sign_in(page, site, "luoyi")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{site.app}")
    menu = page.get_by_role("navigation", name="导航菜单")
    expect(menu.get_by_role("menuitem", name=mine["forms"][0]["label"]["zh-CN"])).to_be_visible()
    expect(menu.get_by_role("menuitem", name=hidden[0]["label"]["zh-CN"])).to_have_count(0)


def test_my_language_follows_me_to_a_new_browser(browser: Any, page: Any, site: Site) -> None:
    sign_in(page, site, "wangfang")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.get_by_role("button", name="语言").click()
    page.get_by_role("menuitem", name="English").click()
    expect(page.get_by_role("heading", name="My apps")).to_be_visible()
    sign_out(page, menu="User menu", item="Sign out")

    fresh = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        other = fresh.new_page()
        sign_in(other, site, "wangfang")  # the login page is Chinese: nothing is remembered in this browser
        expect(other.get_by_role("heading", name="My apps")).to_be_visible()
        expect(other.get_by_role("button", name="User menu")).to_be_visible()
        shoot(other, "my-apps-en", site)
        other.get_by_role("button", name="Language").click()
        other.get_by_role("menuitem", name="中文").click()
        expect(other.get_by_role("heading", name="我的应用")).to_be_visible()
    finally:
        fresh.close()


def test_change_my_password_from_my_profile(page: Any, site: Site) -> None:
    sign_in(page, site, "hanxu")
    page.get_by_role("button", name="用户菜单").click()
    page.get_by_role("menuitem", name="我的资料").click()
    expect(page.get_by_role("heading", name="我的资料")).to_be_visible()
    expect(page.get_by_label("显示名称")).to_have_value("韩旭")
    shoot(page, "profile", site)

    page.get_by_label("当前密码").fill("not my password")
    page.get_by_label("新密码", exact=True).fill("a brand new passphrase")
    page.get_by_label("确认新密码").fill("a brand new passphrase")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("wrong password")).to_be_visible()  # the server's message, on the field

    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    sign_out(page)
    sign_in(page, site, "hanxu", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("invalid username or password")
    sign_in(page, site, "hanxu", "a brand new passphrase")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
