"""What a role may see and change, in Chromium, found by role and accessible name: an agent does not meet
another department's complaint in the list, the header search, the cockpit or by typing its address (a
page that says so, not a crash); a field the role may not write is not editable; a field hidden by
linkage leaves and comes back as the agent picks. What the page should show is asked of the HTTP API,
as the same user, independently of the page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import Site, keep_screenshot
from tests.browser.test_foundation import sign_in
from tests.browser.test_record_page import pick

AGENT = "zhangwei"  # cs_team_east, row scope: the department, unowned intake, assigned to them
MANAGER = "zhougang"  # headquarters: every complaint
APP = "complaint_management"
RECORDS = f"/api/v1/apps/{APP}/forms/complaint/records"
FORM_PAGE = f"/a/{APP}/forms/complaint"


def _records(site: Site, username: str, **params: Any) -> dict[str, Any]:
    with site.api_login(username) as api:
        response = api.get(RECORDS, params={"limit": 500, **params})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def _theirs(site: Site) -> dict[str, Any]:
    """A complaint of another department: the manager reads it, the agent may not."""
    mine = {r["id"] for r in _records(site, AGENT)["items"]}
    others = [r for r in _records(site, MANAGER, sort="ticket_no")["items"] if r["id"] not in mine]
    assert others, "the demo data has complaints of other departments"
    with site.api_login(AGENT) as api:
        assert api.get(f"{RECORDS}/{others[0]['id']}").status_code == 404
    return others[0]


def _signed_in(page: Any, site: Site, username: str = AGENT) -> None:
    sign_in(page, site, username)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()


def test_another_departments_complaint_is_not_in_the_list_nor_at_its_address(page: Any, site: Site,
                                                                              tmp_path: Path) -> None:
    theirs = _theirs(site)
    mine = _records(site, AGENT)
    _signed_in(page, site)
    page.goto(FORM_PAGE)
    expect(page.get_by_text(f"共 {mine['total']} 条")).to_be_visible()
    by_number = json.dumps({"==": [{"var": "ticket_no"}, theirs["ticket_no"]]})
    page.goto(f"{FORM_PAGE}?filter={quote(by_number)}")
    expect(page.get_by_text("共 0 条")).to_be_visible()
    expect(page.get_by_role("table")).not_to_contain_text(theirs["ticket_no"])

    page.goto(f"{FORM_PAGE}/records/{theirs['id']}")  # typed or pasted: the page says it is not theirs
    expect(page.get_by_text("找不到这条内容，或您没有权限查看")).to_be_visible()
    expect(page.get_by_role("button", name="返回首页")).to_be_visible()
    expect(page.get_by_label("投诉主题")).to_have_count(0)
    keep_screenshot(page, "record-no-access", tmp_path)
    page.get_by_role("button", name="返回首页").click()
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()


def test_the_header_search_finds_only_what_the_agent_may_read(page: Any, site: Site) -> None:
    theirs = _theirs(site)
    search_url = f"/api/v1/apps/{APP}/forms/complaint/search"
    with site.api_login(MANAGER) as api:
        words = api.get(search_url, params={"q": theirs["subject"]}).json()["words"]
        word = max((w for w in words if re.search(r"[\u4e00-\u9fff]", w)), key=len)
        assert theirs["id"] in [h["id"] for h in api.get(search_url, params={"q": word, "limit": 50}).json()["items"]]
    with site.api_login(AGENT) as api:
        allowed = api.get(search_url, params={"q": word, "limit": 50}).json()["items"]
    assert theirs["id"] not in [h["id"] for h in allowed]

    _signed_in(page, site)
    page.goto(f"/a/{APP}")
    page.locator("body").press("/")
    search = page.get_by_role("searchbox", name="全局搜索")
    search.fill(word)
    if allowed:
        links = page.get_by_role("region", name="客诉工单").get_by_role("link")
        expect(links.first).to_be_visible()
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert hrefs and not [h for h in hrefs if h.endswith(f"/records/{theirs['id']}")]
    else:
        expect(page.get_by_text("没有找到匹配的记录")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(re.escape(theirs["ticket_no"])))).to_have_count(0)


def test_the_cockpit_counts_only_the_agents_complaints(page: Any, site: Site) -> None:
    def volume(username: str) -> int:
        with site.api_login(username) as api:
            ran = api.post(f"/api/v1/apps/{APP}/dashboards/cockpit/run", json={"filters": {"period": "this_year"}})
            assert ran.status_code == 200, ran.text
            kpis = next(w for w in ran.json()["widgets"] if w["key"] == "kpis")
            return int(kpis["data"]["rows"][0]["values"]["n"])

    agents, everyone = volume(AGENT), volume(MANAGER)
    assert agents < everyone, "the demo data gives other departments complaints this year"
    _signed_in(page, site)
    page.goto(f"/a/{APP}/dashboards/cockpit")
    expect(page.get_by_role("heading", name="客诉驾驶舱")).to_be_visible()
    page.get_by_label("日期范围").fill("今年")
    page.get_by_label("日期范围").press("Enter")
    expect(page.get_by_role("link", name=re.compile(rf"^投诉量 {agents}$"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(rf"^投诉量 {everyone}$"))).to_have_count(0)


def test_a_read_only_field_is_not_editable_and_linkage_hides_and_shows_a_field(page: Any, site: Site,
                                                                                tmp_path: Path) -> None:
    mine = _records(site, AGENT, filter='NOT IN("compensation", expectation)', sort="ticket_no")["items"]
    assert mine, "the agent has complaints that ask for no compensation"
    _signed_in(page, site)
    page.goto(f"{FORM_PAGE}/records/{mine[0]['id']}")
    expect(page.get_by_label("投诉主题")).to_have_value(mine[0]["subject"])
    expect(page.get_by_label("投诉主题")).to_be_enabled()
    page.get_by_role("tab", name="调查处理").click()
    expect(page.get_by_label("升级级别")).to_be_disabled()  # the agent's role does not write escalation
    compensation = page.get_by_label("补偿金额")
    expect(compensation).to_be_hidden()  # shown only while the customer expects compensation

    page.get_by_role("tab", name="受理登记").click()
    pick(page, "客户期望", "补偿")
    page.get_by_role("tab", name="调查处理").click()
    expect(compensation).to_be_visible()
    expect(compensation).to_be_enabled()
    keep_screenshot(page, "record-linkage", tmp_path)
    page.get_by_role("tab", name="受理登记").click()
    pick(page, "客户期望", "补偿")  # picked again: no longer expected
    page.get_by_role("tab", name="调查处理").click()
    expect(compensation).to_be_hidden()
    expect(page.get_by_label("升级级别")).to_be_disabled()
