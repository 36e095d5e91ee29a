"""The customer's pages on a phone, with no sign-in: file on the public form and get a ticket number,
follow it on the status lookup, and answer the survey that the e-mail (caught by a local SMTP server)
links to — a CSAT of 2 reopens the complaint."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import Engine

from dajian.platform.clock import utcnow
from dajian.platform.jobs import Worker
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, Site, keep_screenshot, shoot
from tests.platform.test_rules import Mailbox, free_port

RECORDS = "/api/v1/apps/{app}/forms/complaint/records"
CUSTOMER_PHONE = "13700137000"


@pytest.fixture
def phone(browser: Any, site: Site) -> Any:
    context = browser.new_context(base_url=site.url, viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_customer_files_on_a_phone_and_follows_the_ticket(phone: Any, site: Site) -> None:
    phone.goto(f"/p/{site.org}/{site.app}/forms/complaint")
    phone.get_by_label("投诉主题").fill("扫地机器人充不上电")
    phone.get_by_label("联系人").fill("赵女士")
    phone.get_by_label("联系电话").fill(CUSTOMER_PHONE)
    phone.get_by_label("问题描述").fill("买了两周，底座指示灯亮但机器不充电。")
    phone.get_by_label("问题分类").click()  # required on the web channel: linkage over the channel
    choose_category(phone, ("产品质量", "功能失效", "无法开机"))
    shoot(phone, "public-intake", site)
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("提交成功").wait_for()
    serial = re.search(r"工单号是 (\S+)，", phone.get_by_text("您的工单号是").inner_text())
    assert serial, phone.content()
    shoot(phone, "public-filed", site)
    with site.api_login("admin") as admin:
        found = admin.get(RECORDS.format(app=site.app), params={"filter": f'ticket_no = "{serial.group(1)}"'})
        [record] = found.json()["items"]
        assert (record["subject"], record["contact_phone"]) == ("扫地机器人充不上电", CUSTOMER_PHONE)

    phone.get_by_role("button", name="查询进度").click()
    phone.get_by_role("heading", name="进度查询").wait_for()
    assert phone.get_by_label("工单号").input_value() == serial.group(1)
    phone.get_by_label("联系电话").fill("13700000000")
    phone.get_by_role("button", name="查询").click()
    phone.get_by_role("alert").get_by_text("工单号或联系方式不正确").wait_for()
    phone.get_by_label("联系电话").fill(CUSTOMER_PHONE)
    phone.get_by_role("button", name="查询").click()
    timeline = phone.get_by_role("region", name="处理进展")
    timeline.get_by_text("已提交").wait_for()
    assert timeline.get_by_text("状态：").count() >= 1
    shoot(phone, "public-status", site)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # 10 KB that start as a PNG does


def test_a_customer_attaches_files_on_a_phone(phone: Any, site: Site, tmp_path: Path) -> None:
    """Attachments go up one by one with their progress; a file that is not what its name says is
    refused with the server's reason; the submitted complaint holds the files for the staff."""
    photo, receipt, fake = tmp_path / "屏幕照片.png", tmp_path / "购买凭证.pdf", tmp_path / "伪装.png"
    photo.write_bytes(PNG)
    receipt.write_bytes(b"%PDF-1.4\n" + b"0" * 30_000)
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a picture")
    phone.goto(f"/p/{site.org}/{site.app}/forms/complaint")
    phone.get_by_label("投诉主题").fill("屏幕有亮点，附照片")
    phone.get_by_label("联系电话").fill("13600136000")
    phone.get_by_label("问题描述").fill("开机后屏幕中间有一个亮点。")
    phone.get_by_label("问题分类").click()
    choose_category(phone, ("产品质量", "功能失效", "无法开机"))

    phone.get_by_label("附件/证据", exact=True).set_input_files([str(photo), str(receipt)])
    files = phone.get_by_role("list", name="附件/证据：已选文件")
    for name in (photo.name, receipt.name):
        expect(files.get_by_role("progressbar", name=f"{name} 上传进度")).to_have_attribute("aria-valuenow", "100")
    expect(files).to_contain_text("29.3 KB")
    phone.get_by_label("附件/证据", exact=True).set_input_files([str(fake)])
    expect(phone.get_by_role("alert").filter(has_text="伪装.png 上传失败")).to_contain_text("内容与文件名不符")
    expect(files.get_by_role("listitem")).to_have_count(2)
    keep_screenshot(phone, "public-attachments", tmp_path)
    phone.set_viewport_size(DESKTOP)
    keep_screenshot(phone, "public-attachments", tmp_path)
    phone.set_viewport_size(PHONE)

    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("提交成功").wait_for()
    serial = re.search(r"工单号是 (\S+)，", phone.get_by_text("您的工单号是").inner_text())
    assert serial
    with site.api_login("admin") as admin:
        found = admin.get(RECORDS.format(app=site.app), params={"filter": f'ticket_no = "{serial.group(1)}"'})
        [record] = found.json()["items"]
        assert sorted(f["name"] for f in record["attachments"]) == sorted([photo.name, receipt.name])
        stored = next(f for f in record["attachments"] if f["name"] == photo.name)
        assert admin.get(f"/api/v1/files/{stored['id']}").content == PNG


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch, site: Site) -> Any:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in (("DAJIAN_SMTP_HOST", "127.0.0.1"), ("DAJIAN_SMTP_PORT", str(port)),
                        ("DAJIAN_SMTP_FROM", "service@dajian.test"), ("DAJIAN_PUBLIC_URL", site.url)):
        monkeypatch.setenv(name, value)
    yield box
    controller.stop()


def run_jobs(engine: Engine) -> None:
    worker = Worker(engine)
    for _ in range(30):
        if worker.run_once() == 0:
            return


def test_the_survey_link_from_the_email_records_csat_2_and_reopens(phone: Any, site: Site, engine: Engine,
                                                                     mailbox: Mailbox) -> None:
    address = "survey.customer@example.com"
    with site.api_login("admin") as admin:
        url = RECORDS.format(app=site.app)
        handled = admin.get(url, params={"filter": 'status = "closed"', "limit": 1}).json()["items"]
        record = admin.get(f"{url}/{handled[0]['id']}").json()
        # resolved 25 hours ago: the template's survey rule (24 h after resolution) is due now
        changed = admin.patch(f"{url}/{record['id']}", json={
            "status": "resolved", "contact_email": address, "resolved_at": (utcnow() - timedelta(hours=25)).isoformat(),
            "closed_at": None, "csat": None, "row_version": record["row_version"]})
        assert changed.status_code == 200, changed.text
        run_jobs(engine)
        [mail] = [m for m in mailbox.to(address) if "满意度调查" in m["Subject"]]
        html = mail.get_body(preferencelist=("html",)).get_content()
        link = re.search(r'href="([^"]+/survey/[^"]+)"', html)
        assert link and link.group(1).startswith(f"{site.url}/p/{site.org}/{site.app}/survey/"), html

        phone.goto(link.group(1))
        phone.get_by_text(f"关于工单 {record['ticket_no']}").wait_for()
        phone.get_by_role("radiogroup", name="满意度 (1-5)").get_by_text("2", exact=True).click()
        phone.get_by_role("radiogroup", name="推荐意愿 (0-10)").get_by_text("3", exact=True).click()
        phone.get_by_label("意见建议").fill("换了两次还是不行")
        shoot(phone, "public-survey", site)
        phone.get_by_role("button", name="提交评价").click()
        phone.get_by_text("感谢您的评价").wait_for()
        after = admin.get(f"{url}/{record['id']}").json()
        assert (after["csat"], after["status"]) == (2, "reopened")

        phone.goto(link.group(1))  # one use: the same link now says so
        phone.get_by_text("这份调查已经提交过了").wait_for()
        shoot(phone, "public-survey-answered", site)


__all__ = ["DESKTOP", "SCREENSHOTS"]



def choose_category(phone: Any, levels: tuple[str, ...]) -> None:
    """Walk the open cascader level by level. A click that landed while a column redrew (under load) opens
    nothing: then the person clicks the level above again."""
    for i, level in enumerate(levels):
        item = phone.get_by_role("menuitemcheckbox", name=level)
        if i > 0 and not _shows(item):
            phone.get_by_role("menuitemcheckbox", name=levels[i - 1]).click()
        item.click()

def _shows(item: Any) -> bool:
    try:
        expect(item).to_be_visible(timeout=5_000)
    except AssertionError:
        return False
    return True
