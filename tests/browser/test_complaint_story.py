"""The complaint story in Chromium, every step done by people in the UI, found by role and label only.

A customer files on the public form on a phone and gets a ticket number; the agent who holds triage sees
it in the inbox with its SLA colour, opens it, sets the category and completes triage; the handlers
investigate (one comments with an attachment); the agent proposes a compensation of 800, which the
manager approves from the inbox; the customer accepts, the solution is carried out and the complaint is
resolved. A day later the survey e-mail (caught by a local SMTP server) links to the survey, where the
customer gives CSAT 2: the complaint is reopened and back with the agent, resolved again and, after the
follow-up call, closed. The status lookup shows the timeline and the cockpit's reopen figures count it.

The server runs an in-process worker, as ``dajian serve`` does; "a day later" is a clock moved forward.
The test only reads the API, to learn who holds a step (a person would be told) and what a page should show.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import Engine

from dajian.platform.clock import set_clock
from dajian.platform.jobs import Worker
from tests.browser.conftest import DESKTOP, PHONE, ROOT, TEMPLATE, Site
from tests.browser.test_foundation import sign_in
from tests.platform.test_rules import Mailbox, free_port

SEED = json.loads((TEMPLATE / "data" / "seed.json").read_text(encoding="utf-8"))
DISPLAY_NAMES = {u["username"]: u["display_name"] for u in SEED["users"]}
RECORDS = "/api/v1/apps/complaint_management/forms/complaint/records"
MANAGER = "zhougang"
SUBJECT = "扫地机器人充不上电"
CUSTOMER = {"phone": "13700137111", "email": "li.customer@example.com", "name": "李女士"}


class ShiftedClock:
    """The system clock plus an offset the test moves: time keeps running, and "a day later" is one call."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture(scope="module")
def clock() -> Iterator[ShiftedClock]:
    shifted = ShiftedClock()
    previous = set_clock(shifted)
    yield shifted
    set_clock(previous)


@pytest.fixture(scope="module")
def worker(site: Site, engine: Engine, clock: ShiftedClock) -> Iterator[Worker]:
    """The embedded worker of ``dajian serve``: rules, notifications, timers and e-mail run in the background."""
    background = Worker(engine, worker_id="story", poll_interval=0.2)
    background.run_in_thread()
    yield background
    background.stop()


@pytest.fixture(scope="module")
def mailbox(site: Site) -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    patch = pytest.MonkeyPatch()
    for name, value in (("DAJIAN_SMTP_HOST", "127.0.0.1"), ("DAJIAN_SMTP_PORT", str(controller.port)),
                        ("DAJIAN_SMTP_FROM", "service@dajian.test"), ("DAJIAN_PUBLIC_URL", site.url)):
        patch.setenv(name, value)
    yield box
    patch.undo()
    controller.stop()


class Shots:
    """Screenshots of each step at its viewport into the test's tmp dir; the chosen few also into
    docs/screenshots/ when DAJIAN_DOCS_SCREENSHOTS=1 asks for it."""

    def __init__(self, tmp_path: Path, backend: str) -> None:
        self.dir, self.backend, self.count = tmp_path, backend, 0

    def take(self, page: Any, name: str, *, docs: str | None = None, full_page: bool = False) -> Path:
        self.count += 1
        size = page.viewport_size
        path = self.dir / f"{self.count:02d}-{name}-{size['width']}x{size['height']}.png"
        page.mouse.move(0, 0)  # no button left in its hover colour
        page.wait_for_timeout(400)  # antd's open animations end
        page.screenshot(path=str(path), full_page=full_page)
        if docs and self.backend == "sqlite" and os.environ.get("DAJIAN_DOCS_SCREENSHOTS") == "1":
            shutil.copy(path, ROOT / "docs" / "screenshots" / f"{docs}-{size['width']}x{size['height']}.png")
        return path


def pick(page: Any, label: str, option: str) -> None:
    """Choose an option of a searchable select the way a keyboard user does: type, Enter."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    box.press("Enter")
    box.press("Escape")


class Desks:
    """Each person's browser, signed in on first use and left open, as people keep theirs; a failing
    step leaves a shot of every open page in the test's tmp dir."""

    def __init__(self, browser: Any, site: Site, shots: Shots) -> None:
        self.browser, self.site, self.shots = browser, site, shots
        self.pages: dict[str, Any] = {}

    def of(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(base_url=self.site.url, viewport=DESKTOP, locale="zh-CN")
            context.set_default_timeout(20_000)
            page = context.new_page()
            sign_in(page, self.site, username)
            expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
            self.pages[username] = page
        return self.pages[username]

    def phone(self) -> Any:
        """The customer's phone: no sign-in."""
        context = self.browser.new_context(base_url=self.site.url, viewport=PHONE, locale="zh-CN", is_mobile=True,
                                           has_touch=True)
        context.set_default_timeout(20_000)
        self.pages["customer"] = context.new_page()
        return self.pages["customer"]

    def shoot_all(self, prefix: str) -> None:
        for name, page in self.pages.items():
            page.screenshot(path=str(self.shots.dir / f"{prefix}-{name}.png"), full_page=True)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def open_from_inbox(page: Any, title: str, step: str) -> None:
    """Find the task by the record's title and step in my inbox and open its record."""
    page.goto("/a/complaint_management/inbox")
    row = page.get_by_role("row").filter(has_text=title).filter(has_text=step)
    for _ in range(4):  # a step a timer opens appears once the worker has fired it: a person refreshes
        try:
            expect(row).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            page.reload()
    row.get_by_role("link", name=re.compile(r"^打开 ")).click()
    expect(page.get_by_role("region", name="流程").get_by_role("region", name="待处理环节")).to_contain_text(step)


def act(page: Any, action: str, step: str) -> None:
    """Act on my open step of the record from the flow panel."""
    steps = page.get_by_role("region", name="流程").get_by_role("listitem")
    steps.filter(has_text=step).filter(has_text="我的待办").get_by_role("button", name=action).click()
    expect(page.get_by_text(f"已{action}：{step}")).to_be_visible()


def approve_from_inbox(page: Any, record_id: int, step: str, *, shown: tuple[str, ...] = (),
                       shots: Shots | None = None) -> None:
    """Approve a step that needs no input from the inbox, without opening the record, after reading what
    the row ``shown`` of it."""
    page.goto("/a/complaint_management/inbox")
    row = page.get_by_role("row").filter(has_text=SUBJECT).filter(has_text=step)
    for line in shown:
        expect(row).to_contain_text(line)
    row.get_by_role("checkbox", name=f"客诉工单 #{record_id}").check()
    if shots:
        shots.take(page, "manager-inbox", docs="story-inbox")
    page.get_by_role("button", name="批量通过（1）").click()
    page.get_by_role("tooltip").get_by_role("button", name="确定").click()
    expect(page.get_by_text("已通过 1 个任务")).to_be_visible()
    expect(row).to_have_count(0)


def survey_link(mailbox: Mailbox, site: Site) -> str:
    """The survey link of the newest survey e-mail to the customer (the worker sends it when it is due)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        mails = [m for m in mailbox.to(CUSTOMER["email"]) if "满意度调查" in m["Subject"]]
        if mails:
            html = mails[-1].get_body(preferencelist=("html",)).get_content()
            found = re.search(r'href="([^"]+/survey/[^"]+)"', html)
            assert found and found.group(1).startswith(f"{site.url}/p/{site.org}/{site.app}/survey/"), html
            return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no survey e-mail: {[m['Subject'] for m in mailbox.to(CUSTOMER['email'])]}")


def cockpit_kpis(site: Site) -> dict[str, Any]:
    """The cockpit's key figures over the last 7 days, as the manager reads them from the API."""
    with site.api_login(MANAGER) as api:
        response = api.post(f"/api/v1/apps/{site.app}/dashboards/cockpit/run",
                            json={"filters": {"period": "last_7_days"}})
        assert response.status_code == 200, response.text
    [kpis] = [w for w in response.json()["widgets"] if w["key"] == "kpis"]
    return dict(kpis["data"]["rows"][0]["values"])


def percent(ratio: Any) -> str:
    """A ratio as the page writes it (Intl percent, at most one decimal): 0.5 → "50%", 1/3 → "33.3%"."""
    shown = (Decimal(str(ratio)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
    return f"{shown:f}%"


def holder_of(site: Site, record_id: int, step: str) -> list[str]:
    """Who holds an open step of the record's flow (usernames), read as the app's administrator."""
    with site.api_login("zhougang") as api:
        flows = api.get(f"{RECORDS}/{record_id}/flows").json()["items"]
        ids = [t["assignee_id"] for f in flows for t in f["open_tasks"] if t["node_id"] == step]
        people = {u["id"]: u["username"] for u in api.get("/api/v1/admin/users").json()}
    return [people[i] for i in ids]


def test_the_complaint_story(browser: Any, site: Site, worker: Worker, mailbox: Mailbox, clock: ShiftedClock,
                             tmp_path: Path) -> None:
    desks = Desks(browser, site, Shots(tmp_path, site.backend))
    try:
        _story(desks, site, mailbox, clock)
    except BaseException:
        desks.shoot_all("failed")
        raise
    finally:
        desks.close()


def _story(desks: Desks, site: Site, mailbox: Mailbox, clock: ShiftedClock) -> None:
    shots = desks.shots
    before = cockpit_kpis(site)

    # 1. the customer files on the public form on a phone and gets a ticket number
    phone = desks.phone()
    phone.goto(f"/p/{site.org}/{site.app}/forms/complaint")
    phone.get_by_label("投诉主题").fill(SUBJECT)
    phone.get_by_label("联系人").fill(CUSTOMER["name"])
    phone.get_by_label("联系电话").fill(CUSTOMER["phone"])
    phone.get_by_label("联系邮箱").fill(CUSTOMER["email"])
    phone.get_by_label("问题描述").fill("买了两周，底座指示灯亮但机器不充电，希望换新并给予补偿。")
    phone.get_by_label("问题分类").click()  # the customer is not sure what kind of problem it is
    for level in ("政策与流程", "保修政策", "保修范围异议"):
        phone.get_by_role("menuitemcheckbox", name=level).click()
    expectation = phone.get_by_role("group", name="客户期望")
    expectation.get_by_role("checkbox", name="换货").check()
    expectation.get_by_role("checkbox", name="补偿").check()
    shots.take(phone, "public-form", docs="story-public-form", full_page=True)
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("提交成功").wait_for()
    found = re.search(r"工单号是 (\S+)，", phone.get_by_text("您的工单号是").inner_text())
    assert found, phone.content()
    ticket = found.group(1)
    shots.take(phone, "public-filed")
    with site.api_login(MANAGER) as api:
        [record] = api.get(RECORDS, params={"filter": f'ticket_no = "{ticket}"'}).json()["items"]
    record_id = record["id"]
    [agent] = holder_of(site, record_id, "triage")

    # 2. the agent who holds triage sees it in the inbox with its SLA colour and opens it
    page = desks.of(agent)
    page.goto(f"/a/{site.app}/inbox")
    row = page.get_by_role("row").filter(has_text=SUBJECT)
    expect(row).to_contain_text("分派受理")
    expect(row.get_by_label(re.compile(r"^时效: 正常"))).to_be_visible()
    shots.take(page, "agent-inbox")
    row.get_by_role("link", name=re.compile(r"^打开 ")).click()
    expect(page).to_have_url(re.compile(rf"/forms/complaint/records/{record_id}$"))
    expect(page.get_by_label("工单编号")).to_have_text(ticket)

    # 3. the agent corrects the category (the customer's guess was wrong), takes the complaint and completes
    # triage: the flow panel's action saves the form first
    category = page.get_by_label("问题分类")
    category.click()
    category.fill("无法开机")
    page.get_by_role("menuitemcheckbox", name=re.compile("无法开机")).first.click()
    expect(page.get_by_role("region", name="问题")).to_contain_text("产品质量 / 功能失效 / 无法开机")
    page.get_by_role("tab", name="调查处理").click()
    pick(page, "处理人", DISPLAY_NAMES[agent])
    page.get_by_role("region", name="流程").get_by_label("处理意见").fill("产品质量问题，转技术支持和质量部调查")
    shots.take(page, "agent-triage", docs="story-record")
    act(page, "通过", "分派受理")
    expect(page.get_by_role("region", name="分派")).to_contain_text("调查中")  # what the flow wrote, read back
    expect(page.get_by_role("region", name="待处理环节")).to_contain_text("技术支持调查")
    expect(page.get_by_role("region", name="待处理环节")).to_contain_text("质量部会签")
    shots.take(page, "agent-triaged")

    # 4. the handlers investigate: technical support finds the cause and comments with an attachment ...
    [tech] = holder_of(site, record_id, "inv_tech")
    page = desks.of(tech)
    open_from_inbox(page, SUBJECT, "技术支持调查")
    page.get_by_role("tab", name="调查处理").click()
    pick(page, "根因类别", "制造")
    page.get_by_label("根因分析").fill("充电底座触点虚焊，同批次抽检 3 台有 1 台复现。")
    side = page.get_by_role("complementary", name="流程与协作")
    side.get_by_label("写评论").fill("附检测报告，建议换新并补偿")
    report = shots.dir / "检测报告.txt"
    report.write_text("触点虚焊，电阻偏高\n", encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        side.get_by_role("button", name="添加附件").click()
    chooser.value.set_files(str(report))
    expect(side.get_by_text("检测报告.txt")).to_be_visible()
    side.get_by_role("button", name="发表评论").click()
    expect(side.get_by_role("region", name="评论").get_by_role("link", name=re.compile("检测报告.txt"))).to_be_visible()
    act(page, "通过", "技术支持调查")
    shots.take(page, "handler-investigated")

    # ... and the quality department countersigns from the inbox (会签, mode "all": every member signs)
    quality = holder_of(site, record_id, "inv_quality")
    assert quality
    for member in quality:
        approve_from_inbox(desks.of(member), record_id, "质量部会签")

    # 5. the agent proposes a replacement and a compensation of 800
    page = desks.of(agent)
    open_from_inbox(page, SUBJECT, "制定解决方案")
    page.get_by_role("tab", name="调查处理").click()
    expect(page.get_by_label("根因分析")).to_have_value(re.compile("触点虚焊"))
    page.get_by_label("解决方案").fill("更换新机一台，并补偿 800 元。")
    page.get_by_label("补偿金额").fill("800")
    act(page, "通过", "制定解决方案")
    expect(page.get_by_role("region", name="待处理环节")).to_contain_text("部门经理审批")

    # 6. the manager reads the amount in the inbox and approves it there
    approve_from_inbox(desks.of(MANAGER), record_id, "部门经理审批",
                       shown=("补偿金额：800.00", "解决方案：更换新机一台"), shots=shots)

    # 7. the customer accepts; the agent carries the solution out: resolved
    page = desks.of(agent)
    open_from_inbox(page, SUBJECT, "与客户确认方案")
    page.get_by_role("tab", name="调查处理").click()
    page.get_by_role("switch", name="客户接受方案").click()
    act(page, "通过", "与客户确认方案")
    act(page, "通过", "方案执行")
    expect(page.get_by_role("region", name="分派")).to_contain_text("已解决")

    # 8. a day later the survey e-mail arrives; the customer answers on the phone with CSAT 2
    clock.offset += timedelta(hours=25)
    phone.goto(survey_link(mailbox, site))
    phone.get_by_text(f"关于工单 {ticket}").wait_for()
    phone.get_by_role("radiogroup", name="满意度 (1-5)").get_by_text("2", exact=True).click()
    phone.get_by_role("radiogroup", name="推荐意愿 (0-10)").get_by_text("3", exact=True).click()
    phone.get_by_label("意见建议").fill("换了新机还是充不上电")
    shots.take(phone, "survey", docs="story-survey", full_page=True)
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_text("感谢您的评价").wait_for()

    # 9. reopened and back with the agent: the bell says so; the follow-up sends it back to the solution,
    # the manager approves again, the customer accepts, and it is resolved once more
    page = desks.of(agent)
    page.goto(f"/a/{site.app}")
    page.get_by_role("button", name=re.compile(r"^通知，\d+ 条未读")).click()
    page.get_by_role("button", name=re.compile(f"低分重开 {ticket}")).click()
    expect(page).to_have_url(re.compile(rf"/forms/complaint/records/{record_id}$"))
    page.get_by_role("tab", name="调查处理").click()
    expect(page.get_by_role("region", name="分派")).to_contain_text("重新打开")
    shots.take(page, "agent-reopened")
    act(page, "通过", "满意度回访")
    page.get_by_label("解决方案").fill("更换新机一台，补偿 800 元；上门检测家中插座并更换充电底座。")
    act(page, "通过", "制定解决方案")
    approve_from_inbox(desks.of(MANAGER), record_id, "部门经理审批", shown=("解决方案：更换新机一台，补偿 800 元；",))
    open_from_inbox(page, SUBJECT, "与客户确认方案")
    act(page, "通过", "与客户确认方案")
    act(page, "通过", "方案执行")

    # 10. a day later the agent calls the customer back: satisfied now, the complaint is closed
    clock.offset += timedelta(hours=25)
    open_from_inbox(page, SUBJECT, "满意度回访")
    page.get_by_role("tab", name="调查处理").click()
    page.get_by_label("客户反馈").fill("电话回访：新底座充电正常，客户表示满意。")
    act(page, "通过", "满意度回访")
    expect(page.get_by_role("region", name="分派")).to_contain_text("已关闭")
    expect(page.get_by_role("region", name="流程").get_by_text("已完成")).to_be_visible()
    shots.take(page, "agent-closed")

    # 11. the status lookup shows the customer the timeline
    phone.goto(f"/p/{site.org}/{site.app}/forms/complaint")
    phone.get_by_role("link", name="已有工单号？查询进度").click()
    phone.get_by_label("工单号").fill(ticket)
    phone.get_by_label("联系电话").fill(CUSTOMER["phone"])
    phone.get_by_role("button", name="查询").click()
    timeline = phone.get_by_role("region", name="处理进展")
    for shown in ("已提交", "状态：调查中", "状态：已解决", "状态：重新打开", "状态：已关闭"):
        expect(timeline.get_by_text(shown).first).to_be_visible()
    shots.take(phone, "status-lookup", full_page=True)

    # 12. the cockpit's reopen figures count it
    after = cockpit_kpis(site)
    assert after["reopened"] == before["reopened"] + 1, (before, after)
    page = desks.of(MANAGER)
    page.goto(f"/a/{site.app}/dashboards/cockpit")
    period = page.get_by_label("日期范围")
    period.fill("最近 7 天")
    period.press("Enter")
    expect(page.get_by_role("link", name=f"重开工单 {after['reopened']}")).to_be_visible()
    expect(page.get_by_role("link", name=f"重开率 {percent(after['reopen_rate'])}")).to_be_visible()
    shots.take(page, "cockpit")
