"""The record page in Chromium, found by role and label only: creating a complaint with live linkage,
the server's errors on their fields, fields a role may not change, and two people saving one complaint
at once (the second sees what the first changed and reapplies their own edit)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, Site, shoot
from tests.browser.test_foundation import sign_in

FORM = "/a/complaint_management/forms/complaint"
AGENT = "zhangwei"
OTHER_AGENT = "wangfang"  # same department: both may edit the same complaints


def pick(page: Any, label: str, option: str) -> None:
    """Choose an option of a searchable select the way a keyboard user does: type, Enter."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    box.press("Enter")
    box.press("Escape")


def test_create_a_complaint_with_live_linkage_and_reopen_it(page: Any, site: Site) -> None:
    sign_in(page, site, AGENT)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(FORM + "/new")
    expect(page.get_by_role("heading", name="新建客诉工单")).to_be_visible()
    ticket = page.get_by_role("region", name="工单")
    page.get_by_label("投诉主题").fill("屏幕碎裂，要求补偿")
    description = page.get_by_label("问题描述")
    description.fill("收到时屏幕已碎")
    description.press("Enter")  # a new line, not a submit
    description.press_sequentially("包装完好")
    expect(description).to_have_value("收到时屏幕已碎\n包装完好")
    expect(page).to_have_url(re.compile(r"/new$"))

    pick(page, "投诉渠道", "微博")  # the priority's default formula: social media starts at P2
    expect(ticket).to_contain_text("P2 高")
    pick(page, "投诉渠道", "电子邮件")
    expect(ticket).to_contain_text("P3 中")

    compensation = page.get_by_label("补偿金额")
    expect(compensation).to_be_hidden()  # shown only when the customer expects compensation
    pick(page, "客户期望", "补偿")
    page.get_by_role("tab", name="调查处理").click()
    expect(compensation).to_be_visible()
    compensation.fill("800")
    page.get_by_role("tab", name="受理登记").click()
    pick(page, "客户期望", "补偿")  # picked again: unpicked
    expect(compensation).to_be_hidden()
    pick(page, "客户期望", "补偿")
    page.get_by_role("tab", name="调查处理").click()
    expect(compensation).to_be_visible()
    page.get_by_role("tab", name="受理登记").click()
    shoot(page, "record-new", site)

    page.get_by_role("button", name="保存").click()  # no phone, no e-mail: the form's own rule refuses
    expect(page.get_by_text("请至少填写联系电话或联系邮箱").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/new$"))

    expect(page.get_by_role("tab", name="受理登记 ●")).to_be_visible()  # the tab holding an error says so
    page.get_by_label("联系电话").fill("13800000000")
    page.keyboard.press("Control+s")
    expect(page).to_have_url(re.compile(r"/records/\d+$"))
    expect(page.get_by_text("已保存").first).to_be_visible()

    page.reload()
    expect(page.get_by_label("投诉主题")).to_have_value("屏幕碎裂，要求补偿")
    expect(page.get_by_label("问题描述")).to_have_value("收到时屏幕已碎\n包装完好")
    expect(page.get_by_label("联系电话")).to_have_value("13800000000")
    page.get_by_role("tab", name="调查处理").click()
    expect(page.get_by_label("补偿金额")).to_have_value(re.compile(r"^800(\.00)?$"))
    shoot(page, "record-saved", site)


def test_a_field_my_role_may_not_change_is_not_editable(page: Any, site: Site) -> None:
    sign_in(page, site, AGENT)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(FORM + "/new")
    page.get_by_role("tab", name="调查处理").click()
    expect(page.get_by_label("升级级别")).to_be_disabled()  # agents leave escalation to the flow
    expect(page.get_by_label("处理人")).to_be_enabled()


def test_a_cascade_field_picks_a_path_of_the_apps_tree(page: Any, site: Site) -> None:
    sign_in(page, site, AGENT)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(FORM + "/new")
    category = page.get_by_label("问题分类")
    category.click()
    category.fill("无法开机")
    page.get_by_role("menuitemcheckbox", name=re.compile("无法开机")).first.click()
    expect(page.get_by_role("region", name="问题")).to_contain_text("产品质量 / 功能失效 / 无法开机")


def test_a_formula_follows_what_i_pick(page: Any, site: Site) -> None:
    sign_in(page, site, AGENT)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto("/a/complaint_management/forms/customer/new")
    vip = page.get_by_label("VIP 客户")  # a formula: level = "vip"
    expect(vip).to_have_text("否")
    pick(page, "客户等级", "VIP")
    expect(vip).to_have_text("是")
    pick(page, "客户等级", "金卡")
    expect(vip).to_have_text("否")


def _closed_complaint(site: Site) -> dict[str, Any]:
    """A closed complaint of the agents' department: no running flow step holds it, so both agents may
    change it (while a flow runs, only the step's holder may)."""
    records = "/api/v1/apps/complaint_management/forms/complaint/records"
    with site.api_login(AGENT) as api:
        closed = api.get(records, params={"filter": 'status = "closed"', "sort": "ticket_no", "limit": 50}).json()
        for record in closed["items"]:
            if not api.get(f"{records}/{record['id']}/flows").json()["items"]:
                return dict(record)
    raise AssertionError("the demo data has no closed complaint of the agents' department")


def test_two_people_save_the_same_complaint_and_the_second_reapplies(browser: Any, page: Any, site: Site) -> None:
    complaint = _closed_complaint(site)
    record, subject, before = complaint["id"], complaint["subject"], complaint["contact_name"]
    assert before != "钱女士"
    other_context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    other_context.set_default_timeout(15_000)
    other = other_context.new_page()
    try:
        for who, tab in ((AGENT, page), (OTHER_AGENT, other)):
            sign_in(tab, site, who)
            expect(tab.get_by_role("heading", name="我的应用")).to_be_visible()
            tab.goto(f"{FORM}/records/{record}")
            expect(tab.get_by_label("投诉主题")).to_have_value(subject)

        page.get_by_label("联系人").fill("钱女士")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已保存").first).to_be_visible()

        other.get_by_label("订单号").fill("JD-20260101-8")
        other.get_by_role("button", name="保存").click()
        dialog = other.get_by_role("dialog", name="记录已被他人修改")
        expect(dialog).to_be_visible()
        changes = dialog.get_by_role("table")
        expect(changes).to_contain_text("联系人")
        expect(changes).to_contain_text(before)
        expect(changes).to_contain_text("钱女士")
        expect(dialog).to_contain_text("我的修改：订单号")
        shoot(other, "record-conflict", site)
        dialog.get_by_role("button", name="在最新版本上重新应用我的修改").click()
        expect(dialog).to_be_hidden()
        expect(other.get_by_label("联系人")).to_have_value("钱女士")
        expect(other.get_by_label("订单号")).to_have_value("JD-20260101-8")
        other.get_by_role("button", name="保存").click()
        expect(other.get_by_text("已保存").first).to_be_visible()

        page.reload()
        expect(page.get_by_label("联系人")).to_have_value("钱女士")
        expect(page.get_by_label("订单号")).to_have_value("JD-20260101-8")
    finally:
        other_context.close()
