"""The roles and settings designers in Chromium, found by role and label only: the complaint template's roles
open in the matrix, a grant changed and undone saves byte-identically; removing a role with members asks and says
how many; "view as" a seed agent shows the rows that agent sees when signed in; a calendar day clicked in the year
view becomes a holiday in the draft."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_form import draft_text, keep_screenshot
from tests.browser.test_designer_rules import saved
from tests.browser.test_foundation import sign_in

APP = "complaint_management"


def open_area(page: Any, site: Site, area: str) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{APP}/{area}")
    expect(page.get_by_role("heading", name="设计：客诉管理")).to_be_visible()


def an_agent(site: Site) -> dict[str, Any]:
    """A seed user whose only role is the service agent, and the complaints they see signed in (the API)."""
    with site.api_login("admin") as api:
        people = api.get(f"/api/v1/apps/{APP}/draft/members").json()["people"]
    agent = next(p for p in people if p["roles"] == ["agent"])
    with site.api_login(agent["username"]) as api:
        page = api.get(f"/api/v1/apps/{APP}/forms/complaint/records", params={"count": "exact", "limit": 500})
        assert page.status_code == 200, page.text
    return {**agent, "total": page.json()["total"], "ids": [r["id"] for r in page.json()["items"]]}


def test_the_matrix_edits_and_round_trips(page: Any, site: Site, tmp_path: Path) -> None:
    before = draft_text(site)
    open_area(page, site, "roles/agent")
    matrix = page.get_by_role("table", name="客服专员 的权限矩阵")
    expect(matrix).to_be_visible()
    read = page.get_by_role("checkbox", name="客服专员 · 客诉工单 · 查看")
    delete = page.get_by_role("checkbox", name="客服专员 · 客诉工单 · 删除")
    expect(read).to_be_checked()
    expect(delete).not_to_be_checked()
    expect(page.get_by_role("textbox", name="客服专员 · 客诉工单 · 另可见条件")).to_have_text(
        "OR(ISBLANK(dept_id), assignee = $user.id, receiver = $user.id)")
    delete.check()
    expect(delete).to_be_checked()
    saved(page)
    after = json.loads(draft_text(site))
    agent = next(r for r in after["roles"] if r["key"] == "agent")
    assert agent["permissions"]["complaint"]["actions"] == ["read", "create", "update", "delete"]
    keep_screenshot(page, "designer-roles", tmp_path)
    page.get_by_role("button", name="撤销").click()
    expect(delete).not_to_be_checked()
    saved(page)
    assert draft_text(site) == before

    page.get_by_role("button", name="删除角色 客服专员").click()
    dialog = page.get_by_role("dialog")
    members = an_agent(site)  # at least this one
    expect(dialog).to_contain_text(re.compile(r"这个角色有 \d+ 名成员"))
    keep_screenshot(page, "designer-roles-remove", tmp_path)
    dialog.get_by_role("button", name="取消").click()
    expect(page.get_by_role("checkbox", name="客服专员 · 客诉工单 · 查看")).to_be_checked()
    assert members["roles"] == ["agent"]
    assert draft_text(site) == before


def test_view_as_shows_what_the_person_sees(page: Any, site: Site, tmp_path: Path) -> None:
    agent = an_agent(site)
    open_area(page, site, "roles/agent")
    view = page.get_by_role("region", name="以他人身份查看")
    who = view.get_by_label("查看身份")
    who.click()
    who.fill(agent["display_name"])
    expect(page.get_by_role("option", name=re.compile("^" + re.escape(agent["display_name"])))).to_be_attached()
    who.press("Enter")
    form = view.get_by_label("表单")
    form.click()
    form.fill("客诉工单")
    expect(page.get_by_role("option", name="客诉工单")).to_be_attached()
    form.press("Enter")
    view.get_by_role("button", name="查看").click()
    expect(view.get_by_role("heading", name=f"{agent['display_name']} 看到的客诉工单")).to_be_visible()
    expect(view.get_by_role("status")).to_have_text(f"可见 {agent['total']} 条记录")
    rows = view.get_by_role("table", name="他看到的列表").locator("tbody tr")
    expect(rows).to_have_count(min(agent["total"], 50) or 1)
    rows.last.scroll_into_view_if_needed()
    keep_screenshot(page, "designer-roles-view-as", tmp_path)


def test_the_calendar_year_toggles_a_holiday(page: Any, site: Site, tmp_path: Path) -> None:
    before = draft_text(site)
    open_area(page, site, "settings")
    expect(page.get_by_role("heading", name="工作日历")).to_be_visible()
    page.get_by_label("年份").fill("2026")
    page.get_by_label("年份").press("Enter")
    expect(page.get_by_role("button", name="2026-02-16（节假日）")).to_be_visible()  # the template's Spring Festival
    expect(page.get_by_role("button", name="2026-02-14（调休上班）")).to_be_visible()
    page.get_by_role("button", name="2026-03-02（工作日）").click()
    expect(page.get_by_role("button", name="2026-03-02（节假日）")).to_be_visible()
    saved(page)
    calendar = json.loads(draft_text(site))["settings"]["calendars"]["cn_workdays"]
    assert "2026-03-02" in calendar["holidays"]
    keep_screenshot(page, "designer-settings-calendar", tmp_path)
    page.get_by_role("button", name="撤销").click()
    expect(page.get_by_role("button", name="2026-03-02（工作日）")).to_be_visible()
    saved(page)
    assert draft_text(site) == before
