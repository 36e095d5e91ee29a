"""The cockpit, the global search and the notification bell, in Chromium, found by role and accessible name.

What the page should show is asked of the HTTP API independently, as the same user."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect
from sqlalchemy import Engine, select

from dajian.platform.models import organisations, users
from dajian.platform.rules.tables import notifications
from tests.browser.conftest import Site, shoot
from tests.browser.test_foundation import sign_in

MANAGER = "lijun"
COCKPIT = "cockpit"


def _cockpit(site: Site, username: str) -> dict[str, Any]:
    with site.api_login(username) as api:
        response = api.post(f"/api/v1/apps/{site.app}/dashboards/{COCKPIT}/run", json={"filters": {}})
        assert response.status_code == 200, response.text
        return dict(response.json())


def _open_cockpit(page: Any, site: Site, username: str = MANAGER) -> None:
    sign_in(page, site, username)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{site.app}/dashboards/{COCKPIT}")
    expect(page.get_by_role("heading", name="客诉驾驶舱")).to_be_visible()


def test_the_cockpit_draws_its_charts_and_numbers_and_a_number_opens_the_filtered_list(page: Any, site: Site) -> None:
    expected = _cockpit(site, MANAGER)
    widgets = {w["key"]: w for w in expected["widgets"]}
    kpis = widgets["kpis"]["data"]
    count = kpis["rows"][0]["values"]["n"]
    _open_cockpit(page, site)

    expect(page.get_by_label("日期范围")).to_be_visible()
    number = page.get_by_role("link", name=re.compile(rf"^投诉量 {count}$"))
    expect(number).to_be_visible()
    drawn = [w for w in expected["widgets"]
             if "data" in w and w["data"]["rows"] and w["data"]["chart"]["type"] not in ("number", "table")]
    assert drawn, "the cockpit has charts with data on the demo records"
    for widget in drawn:
        expect(page.get_by_role("img", name=widget["title"]["zh-CN"])).to_be_visible()
    shoot(page, "dashboard", site)

    number.click()
    expect(page).to_have_url(re.compile(rf"/a/{site.app}/forms/complaint\?filter="))
    sent = json.loads(parse_qs(urlparse(page.url).query)["filter"][0])
    assert sent == kpis["rows"][0]["drill"]


def test_a_preset_changes_the_period_of_every_widget(page: Any, site: Site) -> None:
    with site.api_login(MANAGER) as api:
        response = api.post(f"/api/v1/apps/{site.app}/dashboards/{COCKPIT}/run",
                            json={"filters": {"period": "this_year"}})
        year = response.json()["widgets"][0]["data"]["rows"][0]["values"]["n"]
    _open_cockpit(page, site)
    page.get_by_label("日期范围").fill("今年")
    page.get_by_label("日期范围").press("Enter")
    expect(page.get_by_role("link", name=re.compile(rf"^投诉量 {year}$"))).to_be_visible()
    expect(page.get_by_role("img", name="投诉分类 Top 10")).to_be_visible()
    shoot(page, "dashboard-year", site)


def test_search_finds_a_record_by_a_chinese_word_and_opens_it(page: Any, site: Site) -> None:
    with site.api_login(MANAGER) as api:
        listed = api.get(f"/api/v1/apps/{site.app}/forms/complaint/records", params={"limit": 1}).json()
        subject = listed["items"][0]["subject"]
        words = api.get(f"/api/v1/apps/{site.app}/forms/complaint/search", params={"q": subject}).json()["words"]
        word = max((w for w in words if re.search(r"[\u4e00-\u9fff]", w)), key=len)
        hits = api.get(f"/api/v1/apps/{site.app}/forms/complaint/search", params={"q": word, "limit": 5}).json()
    first = hits["items"][0]["id"]
    sign_in(page, site, MANAGER)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{site.app}")
    expect(page.get_by_role("heading", name="客诉管理")).to_be_visible()

    page.locator("body").press("/")  # the keyboard shortcut, from nowhere in particular
    search = page.get_by_role("searchbox", name="全局搜索")
    expect(search).to_be_focused()
    search.fill(word)
    group = page.get_by_role("region", name="客诉工单")
    expect(group).to_be_visible()
    links = group.get_by_role("link")
    expect(links.first).to_be_visible()
    assert links.count() == len(hits["items"])
    shoot(page, "search", site, as_is=True)
    links.first.click()
    expect(page).to_have_url(re.compile(rf"/a/{site.app}/forms/complaint/records/{first}$"))


def test_a_notification_shows_in_the_bell_and_is_marked_read(page: Any, site: Site, engine: Engine) -> None:
    title = f"新投诉待处理 {secrets.token_hex(3)}"
    with engine.begin() as conn:
        user = conn.execute(select(users.c.id, users.c.org_id).join(organisations, organisations.c.id == users.c.org_id)
                            .where(users.c.username == MANAGER, organisations.c.key == site.org)).one()
        conn.execute(notifications.insert().values(
            org_id=user.org_id, user_id=user.id, title=title, body="请尽快查看", link=None,
            source="test", created_at=datetime.now(UTC)))
    with site.api_login(MANAGER) as api:
        unread = api.get("/api/v1/notifications/unread-count").json()["unread"]
    assert unread >= 1
    sign_in(page, site, MANAGER)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    bell = page.get_by_role("button", name=f"通知，{unread} 条未读")
    expect(bell).to_be_visible()
    bell.click()
    item = page.get_by_role("listitem").filter(has_text=title)
    expect(item).to_be_visible()
    shoot(page, "notifications", site, as_is=True)
    item.get_by_role("button", name="标为已读").click()
    expect(item.get_by_role("button", name="标为已读")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^通知"))).to_have_accessible_name(
        "通知" if unread == 1 else f"通知，{unread - 1} 条未读")
    with site.api_login(MANAGER) as api:
        assert api.get("/api/v1/notifications/unread-count").json()["unread"] == unread - 1

