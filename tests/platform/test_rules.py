"""The seed's complaint rules running on the platform (SQLite and PostgreSQL): routing, the
acknowledgement e-mail through a real SMTP server, escalations, one defect record per batch, the
survey 24 h after resolution (controllable clock + worker), reopening on a low score, loop protection,
the execution log and the dry run."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from dajian.platform.auth import create_user
from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.jobs import Worker
from tests.engines.rule.complaint_rules import complaint_app
from tests.platform.conftest import PASSWORD, Org, publish

RULE_JOBS = ["notify", "notify.digest", "webhook", "rules.timer", "rules.cron"]
RECORDS = "/api/v1/apps/complaints/forms/complaint/records"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("DAJIAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DAJIAN_SMTP_PORT", str(port))
    monkeypatch.setenv("DAJIAN_SMTP_FROM", "service@dajian.test")
    yield box
    controller.stop()


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime.now(UTC).replace(microsecond=0))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


def drain(engine: Engine, rounds: int = 20) -> None:
    worker = Worker(engine, kinds=RULE_JOBS)
    for _ in range(rounds):
        if worker.run_once() == 0:
            return


class Desk:
    """An organisation with the complaint app, an agent, a quality lead and a supervisor."""

    def __init__(self, org: Org, **urls: str) -> None:
        self.org = org
        self.ids = {}
        with org.engine.begin() as conn:
            for name in ("agent", "qlead", "sup"):
                self.ids[name] = create_user(conn, org_id=org.id, username=name, password=PASSWORD,
                                             email=f"{name}@corp.test")
        self.admin = org.client()
        response = publish(self.admin, complaint_app(**urls))
        assert response.status_code == 200, response.text
        for name, role in (("agent", "agent"), ("qlead", "quality_lead"), ("sup", "supervisor")):
            r = self.admin.post("/api/v1/admin/memberships", json={"user_id": self.ids[name], "app": "complaints",
                                                                "role": role})
            assert r.status_code == 201, r.text
        self.agent = org.client("agent")

    def relogin(self) -> None:
        """After moving the clock past the session lifetime."""
        self.admin, self.agent = self.org.client(), self.org.client("agent")

    def new(self, **values: Any) -> dict[str, Any]:
        body = {"title": "屏幕碎裂", "category": "service", "region": "north", **values}
        r = self.agent.post(RECORDS, json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def get(self, record_id: int) -> dict[str, Any]:
        r = self.agent.get(f"{RECORDS}/{record_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def patch(self, record_id: int, **values: Any) -> dict[str, Any]:
        current = self.get(record_id)
        r = self.agent.patch(f"{RECORDS}/{record_id}", json={**values, "row_version": current["row_version"]})
        assert r.status_code == 200, r.text
        return dict(r.json())

    def runs(self, **params: Any) -> list[dict[str, Any]]:
        r = self.admin.get("/api/v1/apps/complaints/rules/runs", params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def inbox(self, name: str) -> dict[str, Any]:
        r = self.org.client(name).get("/api/v1/notifications")
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture
def desk(org: Org) -> Desk:
    return Desk(org)


def test_routing_by_table_keyword_and_assignment(desk: Desk) -> None:
    vip = desk.new(category="quality", vip=True, region="south")
    assert (vip["team"], vip["sla_hours"]) == ("vip_desk", 2)
    east = desk.new(category="quality", region="east")
    assert (east["team"], east["sla_hours"]) == ("quality_sh", 8)
    assert east["handler"] == desk.ids["qlead"]  # the assignment saw the team set by the rule before it
    fire = desk.new(category="logistics", region="south", description="充电时起火冒烟")
    assert (fire["team"], fire["sla_hours"], fire["escalation_level"]) == ("safety", 1, 3)
    plain = desk.new()
    assert (plain["team"], plain["handler"]) == ("service_desk", None)
    inbox = desk.inbox("qlead")
    assert inbox["unread"] == 0  # in-app messages go out after commit, through the worker
    drain(desk.org.engine)
    inbox = desk.inbox("qlead")
    assert inbox["unread"] == 1 and inbox["items"][0]["title"] == f"新投诉 {east['serial_no']} 分派给您"
    fired = {r["rule"] for r in desk.runs(record_id=east["id"])}
    assert {"route", "assign_quality"} <= fired


def test_acknowledgement_email_carries_the_serial_number(desk: Desk, smtp: Mailbox) -> None:
    created = desk.new(customer="王芳", contact_email="wang@example.com", title="耳机<无声>")
    assert smtp.messages == []  # nothing is sent before the transaction commits and a worker runs
    drain(desk.org.engine)
    [mail] = smtp.to("wang@example.com")
    assert mail["Subject"] == f"我们已收到您的投诉 {created['serial_no']}"
    assert mail["From"] == "service@dajian.test"
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert created["serial_no"] in html and "耳机&lt;无声&gt;" in html  # autoescaped
    drain(desk.org.engine)
    assert len(smtp.to("wang@example.com")) == 1  # exactly once


def test_third_complaint_in_30_days_escalates(desk: Desk, clock: ManualClock) -> None:
    desk.new(customer="ACME")
    clock.advance(timedelta(days=40))
    desk.relogin()
    assert desk.new(customer="ACME")["escalation_level"] == 0  # the first one is outside the window
    assert desk.new(customer="ACME")["escalation_level"] == 0
    third = desk.new(customer="ACME")
    assert third["escalation_level"] == 1
    assert desk.new(customer="Other")["escalation_level"] == 0
    [run] = desk.runs(rule="repeat_customer")
    assert run["record_id"] == third["id"] and "recent=3" in run["reason"]
    drain(desk.org.engine)
    assert desk.inbox("sup")["items"][0]["title"] == "客户 ACME 30 天内第 3 次投诉"


def test_large_amount_escalates_on_create_and_on_change(desk: Desk) -> None:
    assert desk.new(amount="5200.00")["escalation_level"] == 2
    small = desk.new(amount="100")
    assert small["escalation_level"] == 0
    assert desk.patch(small["id"], amount="9000")["escalation_level"] == 2


def test_a_batch_opens_one_linked_defect_record(desk: Desk) -> None:
    made = [desk.new(category="quality", region="north", batch_no="B2024-07") for _ in range(7)]
    desk.new(category="quality", batch_no="B-OTHER")
    defects = desk.admin.get("/api/v1/apps/complaints/forms/defect/records").json()["items"]
    assert len(defects) == 1
    [defect] = defects
    assert defect["title"] == "批次 B2024-07 缺陷分析" and defect["complaints"] == 7
    assert [desk.get(m["id"])["defect"] for m in made] == [None] * 4 + [defect["id"]] * 3


def test_survey_24h_after_resolution_and_low_score_reopens(desk: Desk, smtp: Mailbox, clock: ManualClock) -> None:
    c = desk.new(category="quality", region="east", contact_email="li@example.com")
    resolved = desk.patch(c["id"], status="resolved")
    assert resolved["resolved_at"] is not None  # set by a rule reacting to the status change
    drain(desk.org.engine)
    assert [m["Subject"] for m in smtp.to("li@example.com")] == [f"我们已收到您的投诉 {c['serial_no']}"]
    clock.advance(timedelta(hours=23))
    drain(desk.org.engine)
    assert len(smtp.to("li@example.com")) == 1
    clock.advance(timedelta(hours=2))
    drain(desk.org.engine)
    assert smtp.to("li@example.com")[-1]["Subject"] == f"满意度调查：{c['serial_no']}"
    assert desk.get(c["id"])["survey_sent"] is True
    reopened = desk.patch(c["id"], score=2)
    assert (reopened["status"], reopened["escalation_level"]) == ("reopened", 1)
    drain(desk.org.engine)
    assert desk.inbox("qlead")["items"][0]["title"] == f"低分重开 {c['serial_no']}：2 分"
    assert desk.patch(c["id"], score=5)["status"] == "reopened"  # a good score does not fire the rule


def test_changed_date_rearms_the_survey(desk: Desk, smtp: Mailbox, clock: ManualClock) -> None:
    c = desk.new(contact_email="zhao@example.com")
    desk.patch(c["id"], status="resolved")
    clock.advance(timedelta(hours=12))
    moved = desk.patch(c["id"], resolved_at=clock.now().isoformat())
    clock.advance(timedelta(hours=13))  # 25 h after the first date, 13 h after the second
    drain(desk.org.engine)
    assert [m["Subject"] for m in smtp.to("zhao@example.com")][1:] == []
    clock.advance(timedelta(hours=12))
    drain(desk.org.engine)
    assert smtp.to("zhao@example.com")[-1]["Subject"] == f"满意度调查：{moved['serial_no']}"
    assert len(smtp.to("zhao@example.com")) == 2


def test_without_smtp_email_notifications_are_skipped_not_failed(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets

    from sqlalchemy import select

    from dajian.platform.models import jobs

    monkeypatch.delenv("DAJIAN_SMTP_HOST", raising=False)
    address = f"zhao.{secrets.token_hex(4)}@example.com"
    desk.new(customer="赵", contact_email=address, title="没有邮件服务器")
    drain(desk.org.engine)
    with desk.org.engine.connect() as conn:
        rows = conn.execute(select(jobs.c.status, jobs.c.result, jobs.c.payload).where(jobs.c.kind == "notify")).all()
    mine = [r for r in rows if address in str(r.payload)]
    assert mine and all(r.status == "done" for r in mine)
    assert all((r.result or {}).get("skipped", "").startswith("e-mail is not configured") for r in mine)
