"""The complaint story in Chromium, every step done by people in the UI, found by role and label only.

A customer files on the public form on a phone and gets a ticket number; the agent who holds triage sees
it in the inbox with its SLA colour, opens it, sets the category and completes triage; the handlers
investigate (one comments with an attachment); the agent proposes a compensation of 800, which the
manager approves from the inbox; the customer accepts, the solution is carried out and the complaint is
resolved. A day later the survey e-mail (caught by a local SMTP server) links to the survey, where the
customer gives CSAT 2: the complaint is reopened and back with the agent, resolved again and, after a
good score, closed. The status lookup shows the timeline and the cockpit's reopen rate counts it.

The server runs an in-process worker, as ``dajian serve`` does; "a day later" is a clock moved forward.
The test only reads the API, to learn who holds a step (a person would be told) and what a page should show.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
NAMES = {u["display_name"]: u["username"] for u in SEED["users"]}
AGENT_NAMES = {u["username"]: u["display_name"] for u in SEED["users"]}
RECORDS = "/api/v1/apps/complaint_management/forms/complaint/records"
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


def holder_of(site: Site, record_id: int, step: str) -> list[str]:
    """Who holds an open step of the record's flow (usernames), read as the app's administrator."""
    with site.api_login("zhougang") as api:
        flows = api.get(f"{RECORDS}/{record_id}/flows").json()["items"]
        ids = [t["assignee_id"] for f in flows for t in f["open_tasks"] if t["node_id"] == step]
        people = {u["id"]: u["username"] for u in api.get("/api/v1/admin/users").json()}
    return [people[i] for i in ids]


def test_the_complaint_story(browser: Any, site: Site, worker: Worker, mailbox: Mailbox, clock: ShiftedClock,
                             tmp_path: Path) -> None:
    shots = Shots(tmp_path, site.backend)
    try:
        _story(browser, site, mailbox, clock, shots)
    except BaseException:
        for context in browser.contexts:
            for n, open_page in enumerate(context.pages):
                open_page.screenshot(path=str(tmp_path / f"failed-{n}.png"), full_page=True)
        raise


def _story(browser: Any, site: Site, mailbox: Mailbox, clock: ShiftedClock, shots: Shots) -> None:

    # 1. the customer files on the public form on a phone and gets a ticket number
    phone_context = browser.new_context(base_url=site.url, viewport=PHONE, locale="zh-CN", is_mobile=True,
                                        has_touch=True)
    phone_context.set_default_timeout(20_000)
    phone = phone_context.new_page()
    phone.goto(f"/p/{site.org}/{site.app}/forms/complaint")
    phone.get_by_label("投诉主题").fill("扫地机器人充不上电")
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

    with site.api_login("zhougang") as api:
        [record] = api.get(RECORDS, params={"filter": f'ticket_no = "{ticket}"'}).json()["items"]
    record_id = record["id"]
    [agent] = holder_of(site, record_id, "triage")

    # 2. the agent signs in, sees it in the inbox with its SLA colour and opens it
    context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, site, agent)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{site.app}/inbox")
    row = page.get_by_role("row").filter(has_text="扫地机器人充不上电")
    expect(row).to_contain_text("分派受理")
    expect(row.get_by_label(re.compile(r"^时效: 正常"))).to_be_visible()
    shots.take(page, "agent-inbox", docs="story-inbox")
    row.get_by_role("link", name=re.compile(r"^打开 ")).click()
    expect(page).to_have_url(re.compile(rf"/forms/complaint/records/{record_id}$"))
    expect(page.get_by_label("工单编号")).to_have_text(ticket)

    # 3. the agent sets the category (the customer's guess was wrong), takes the complaint and completes triage
    category = page.get_by_label("问题分类")
    category.click()
    category.fill("无法开机")
    page.get_by_role("menuitemcheckbox", name=re.compile("无法开机")).first.click()
    expect(page.get_by_role("region", name="问题")).to_contain_text("产品质量 / 功能失效 / 无法开机")
    page.get_by_role("tab", name="调查处理").click()
    pick(page, "处理人", AGENT_NAMES[agent])
    shots.take(page, "agent-triage")
    flow = page.get_by_role("region", name="流程")
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text("分派受理")
    flow.get_by_label("处理意见").fill("产品质量问题，转技术支持和质量部调查")
    flow.get_by_role("button", name="通过").click()
    expect(page.get_by_text("已通过：分派受理")).to_be_visible()
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text("技术支持调查")
    shots.take(page, "agent-triaged", docs="story-record")
    context.close()
    phone_context.close()
