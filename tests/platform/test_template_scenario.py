"""The complaint template's story end to end, through the HTTP API only, on SQLite and PostgreSQL,
with a controllable clock and the real job worker:

a VIP customer files a P2 product-quality complaint on the public form → the acknowledgement with
its TS number arrives at the local SMTP server → it is routed to technical support → the response
SLA warns at 80 % → triage → technical support investigates with a comment and an attachment →
compensation of 800 goes to the manager → the customer confirms → executed → resolved → the survey
goes out 24 h later → CSAT 2 reopens it → resolved again → closed after the second follow-up; the
public status lookup shows the timeline and the cockpit reports exactly this history.

All times are Asia/Shanghai on the template's calendar (09:00–12:00, 13:30–18:00, Mon–Fri)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.jobs import Worker
from tests.platform.conftest import PASSWORD, Org
from tests.platform.test_rules import Mailbox, smtp
from tests.platform.test_template import TEMPLATE, install

__all__ = ["smtp"]  # the SMTP fixture, re-exported for pytest

APP = "complaint_management"
RECORDS = f"/api/v1/apps/{APP}/forms/complaint/records"
SHANGHAI = timedelta(hours=8)
PHONE = "13800138000"
STAFF = {"agent1": "agent", "sup1": "supervisor", "tech1": "tech_support", "qa1": "quality", "mgr1": "manager"}


def local(day: int, hh_mm: str) -> datetime:
    """March ``day`` 2026 at ``hh_mm`` in Shanghai, as UTC (March 2 is a Monday)."""
    hours, minutes = map(int, hh_mm.split(":"))
    return datetime(2026, 3, day, hours, minutes, tzinfo=UTC) - SHANGHAI


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(local(2, "08:30"))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


class Scenario:
    """The organisation's people, each with a browser session, and the one complaint's views."""

    def __init__(self, org: Org, clock: ManualClock) -> None:
        self.org, self.clock = org, clock
        self.worker = Worker(org.engine)  # every job kind: timers, SLA, rules, e-mail
        self.admin = org.client()
        dept = self.admin.post("/api/v1/admin/departments", json={"key": "service", "name": "客服部"})
        assert dept.status_code == 201, dept.text
        self.ids: dict[str, int] = {}
        for name, role in STAFF.items():
            r = self.admin.post("/api/v1/admin/users", json={"username": name, "password": PASSWORD,
                                                         "dept_id": dept.json()["id"]})
            assert r.status_code == 201, r.text
            self.ids[name] = r.json()["id"]
            r = self.admin.post("/api/v1/admin/memberships", json={"user_id": self.ids[name], "app": APP, "role": role})
            assert r.status_code == 201, r.text
        r = self.admin.put(f"/api/v1/admin/departments/{dept.json()['id']}/manager",
                           json={"manager_id": self.ids["mgr1"]})
        assert r.status_code == 200, r.text
        self.people = {name: org.client(name) for name in STAFF}
        self.record_id = 0

    def at(self, when: datetime) -> None:
        self.clock.set(when)

    def run_jobs(self) -> None:
        for _ in range(20):
            if self.worker.run_once() == 0:
                return

    def record(self) -> dict[str, Any]:
        r = self.admin.get(f"{RECORDS}/{self.record_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def flow(self) -> dict[str, Any]:
        [run] = self.admin.get(f"{RECORDS}/{self.record_id}/flows").json()["items"]
        r = self.admin.get(f"/api/v1/flows/instances/{run['id']}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def pending(self) -> list[tuple[str, str]]:
        names = {v: k for k, v in self.ids.items()}
        return sorted((t["node_id"], names[t["assignee_id"]]) for t in self.flow()["tasks"] if t["status"] == "pending")

    def edit(self, who: str, **values: Any) -> dict[str, Any]:
        row_version = self.record()["row_version"]
        r = self.people[who].patch(f"{RECORDS}/{self.record_id}", json={**values, "row_version": row_version})
        assert r.status_code == 200, r.text
        return dict(r.json())

    def approve(self, who: str, node: str, comment: str | None = None) -> dict[str, Any]:
        [task] = [t for t in self.people[who].get("/api/v1/flows/inbox/pending").json()["items"]
                  if t["node_id"] == node and t["record_id"] == self.record_id]
        body = {"action": "approve", "comment": comment, "client_request_id": f"{who}-{node}-{self.clock.now()}"}
        r = self.people[who].post(f"/api/v1/flows/tasks/{task['task_id']}/act", json=body)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def cockpit(self) -> dict[str, dict[str, Any]]:
        period = {"from": "2026-03-01", "to": "2026-03-31"}
        r = self.admin.post(f"/api/v1/apps/{APP}/dashboards/cockpit/run", json={"filters": {"period": period}})
        assert r.status_code == 200, r.text
        widgets = {w["key"]: w for w in r.json()["widgets"]}
        assert all(w.get("status", 200) == 200 for w in widgets.values()), widgets
        return widgets


def survey_link(message: Any) -> str:
    """The survey link in an e-mail's HTML part."""
    html = message.get_body(preferencelist=("html",)).get_content()
    found = re.search(r'href="([^"]+/survey/[^"]+)"', html)
    assert found, html
    return found.group(1)


def single(widget: dict[str, Any]) -> dict[str, Any]:
    data = widget["data"]
    return dict(data["total"]["values"] if data.get("total") else data["rows"][0]["values"])


def test_a_vip_complaint_from_the_public_form_to_reopened_and_resolved_again(
        org: Org, clock: ManualClock, smtp: Mailbox) -> None:
    from tests.platform.test_template import load_template

    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    story = Scenario(org, clock)
    vip = story.admin.post(f"/api/v1/apps/{APP}/forms/customer/records", json={
        "name": "张总", "level": "vip", "region": "guangdong", "phone": PHONE, "email": "zhang@example.com"})
    assert vip.status_code == 201, vip.text

    # -- Monday 09:00: the customer files on the public form --------------------------------------
    story.at(local(2, "09:00"))
    visitor = TestClient(org.api)
    public = f"/api/v1/public/{org.key}/{APP}"
    filed = visitor.post(f"{public}/forms/complaint", json={
        "subject": "智能手表无法开机", "contact_name": "张总", "contact_phone": PHONE,
        "contact_email": "zhang@example.com", "order_no": "JD-20260301-88",
        "category": ["product_quality", "function_failure", "wont_power_on"],
        "description": "购买的智能手表无法开机，充电一晚也无反应。", "expectation": ["compensation"]})
    assert filed.status_code == 201, filed.text
    serial = filed.json()["serial"]
    assert re.fullmatch(r"TS20260302-\d{4}", serial)
    [listed] = story.admin.get(RECORDS, params={"filter": f'ticket_no = "{serial}"'}).json()["items"]
    story.record_id = listed["id"]
    record = story.record()
    assert (record["channel"], record["customer"], record["priority"], record["team"]) == (
        "web", vip.json()["id"], "P2", "tech_support")  # found by phone; VIP product issue → tech support, P2
    assert story.pending() == [("triage", "agent1")]
    for name in ("sup1", "mgr1"):  # public intake has no department: supervisors and managers see it
        assert [r["id"] for r in story.people[name].get(RECORDS).json()["items"]] == [story.record_id]
    assert story.people["agent1"].get(RECORDS).json()["items"][0]["ticket_no"] == serial

    story.run_jobs()
    [ack] = smtp.to("zhang@example.com")
    assert serial in ack["Subject"] and serial in ack.get_body(preferencelist=("html",)).get_content()

    # -- the response SLA (P2: 4 working hours) warns with 20 % left: 192 working minutes = 13:42 --
    [triage] = [t for t in story.flow()["tasks"] if t["node_id"] == "triage"]
    assert (at(triage["warn_at"]), at(triage["due_at"])) == (local(2, "13:42"), local(2, "14:30"))
    story.at(local(2, "13:41"))
    story.run_jobs()
    supervisor = story.people["sup1"]
    assert [t["sla_state"] for t in story.flow()["tasks"]] == ["ok"]
    assert not [n for n in supervisor.get("/api/v1/notifications").json()["items"] if "SLA" in n["title"]]
    story.at(local(2, "13:43"))
    story.run_jobs()
    assert [t["sla_state"] for t in story.flow()["tasks"]] == ["warning"]
    [warned] = [n for n in supervisor.get("/api/v1/notifications").json()["items"] if "SLA" in n["title"]]
    assert serial in warned["title"]
    assert [e["action"] for e in story.flow()["timeline"]].count("sla_warning") == 1

    # -- 14:00 triage; technical support and quality investigate in parallel ----------------------
    story.at(local(2, "14:00"))
    story.edit("agent1", assignee=story.ids["agent1"])
    story.approve("agent1", "triage")
    record = story.record()
    assert (record["status"], float(record["first_response_minutes"])) == ("investigating", 210)  # 180 + 30
    assert story.pending() == [("inv_quality", "qa1"), ("inv_tech", "tech1")]

    story.at(local(2, "15:00"))
    tech = story.people["tech1"]
    upload = tech.post(f"/api/v1/apps/{APP}/forms/complaint/fields/attachments/files", content=b"%PDF-1.4 test report",
                       headers={"X-Filename": "test-report.pdf", "Content-Type": "application/pdf"})
    assert upload.status_code == 201, upload.text
    story.edit("tech1", attachments=[upload.json()], root_cause_category="manufacturing",
               root_cause="电源管理芯片批次虚焊")
    flow_id = story.flow()["id"]
    said = tech.post(f"/api/v1/flows/instances/{flow_id}/act",
                     json={"action": "comment", "comment": "已复现：无法开机"})
    assert said.status_code == 200, said.text
    story.approve("tech1", "inv_tech", comment="拆机检测完成")
    story.approve("qa1", "inv_quality")
    [evidence] = story.record()["attachments"]
    assert evidence["name"] == "test-report.pdf" and story.admin.get(f"/api/v1/files/{evidence['id']}").content == (
        b"%PDF-1.4 test report")

    # -- 15:30 the agent proposes 800 compensation: manager approval (500 < 800 ≤ 5000) --------------
    story.at(local(2, "15:30"))
    story.edit("agent1", solution="更换新机并补偿 800 元", compensation_amount="800")
    story.approve("agent1", "propose")
    assert story.record()["status"] == "awaiting_approval"
    assert story.pending() == [("approve_manager", "mgr1")]
    story.at(local(2, "16:00"))
    story.approve("mgr1", "approve_manager")
    assert story.record()["status"] == "awaiting_customer"

    story.at(local(2, "16:30"))
    story.edit("agent1", customer_accepted=True, customer_feedback="同意换新并补偿")
    story.approve("agent1", "confirm")
    assert story.record()["status"] == "executing"
    story.at(local(2, "17:00"))
    story.approve("agent1", "execute")
    record = story.record()
    assert (record["status"], at(record["resolved_at"])) == ("resolved", local(2, "17:00"))

    # -- the survey goes out 24 h after resolution -------------------------------------------------
    story.run_jobs()
    surveys = lambda: [m for m in smtp.to("zhang@example.com") if "满意度调查" in m["Subject"]]  # noqa: E731
    story.at(local(3, "16:59"))
    story.run_jobs()
    assert surveys() == [] and story.pending() == []
    story.at(local(3, "17:01"))
    story.run_jobs()
    assert len(surveys()) == 1 and serial in surveys()[0]["Subject"]
    assert story.pending() == [("follow_up", "agent1")] and story.record()["status"] == "follow_up"

    # -- the customer answers through the e-mail's link: CSAT 2 reopens it; the follow-up sends it
    # back to the solution ----------------------------------------------------------------------
    link = survey_link(surveys()[0])
    token = link.rsplit("/", 1)[1]
    assert link.startswith(f"http://127.0.0.1:8000/p/{org.key}/{APP}/survey/")
    r = visitor.post(f"{public}/surveys/{token}", json={"csat": 2, "nps": 3, "ces": 5, "comment": "新机还没到"})
    assert r.status_code == 201, r.text
    record = story.record()
    assert (record["status"], record["csat"], record["reopen_count"]) == ("reopened", 2, 1)
    story.at(local(3, "17:05"))
    story.approve("agent1", "follow_up")
    assert story.pending() == [("propose", "agent1")] and story.record()["status"] == "investigating"
    story.at(local(3, "17:07"))
    story.edit("agent1", solution="顺丰加急补发新机", compensation_amount="0")
    story.approve("agent1", "propose")
    assert story.pending() == [("confirm", "agent1")]  # no compensation: no approval
    story.at(local(3, "17:08"))
    story.approve("agent1", "confirm")
    story.at(local(3, "17:10"))
    story.approve("agent1", "execute")
    record = story.record()
    assert (record["status"], at(record["resolved_at"])) == ("resolved", local(3, "17:10"))

    # -- the customer's public view: submitted, then each status, nothing internal ------------------
    looked = visitor.get(f"{public}/status", params={"serial": serial, "contact": PHONE})
    assert looked.status_code == 200, looked.text
    assert looked.json()["status"] == "resolved"
    steps = [e.get("status", e["event"]) for e in looked.json()["timeline"]]
    assert steps == ["submitted", "new", "investigating", "awaiting_approval", "awaiting_customer", "executing",
                     "resolved", "follow_up", "reopened", "investigating", "awaiting_customer", "executing",
                     "resolved"]
    assert "800" not in looked.text and "虚焊" not in looked.text

    # -- a day later the second follow-up closes it -----------------------------------------------
    story.at(local(4, "17:11"))
    story.run_jobs()
    assert len(surveys()) == 2
    story.at(local(4, "17:12"))
    story.approve("agent1", "follow_up")
    flow = story.flow()
    record = story.record()
    assert (flow["state"], flow["outcome"], record["status"], record["outcome"]) == (
        "completed", "resolved", "closed", "resolved")
    # working time on the clock: Mon 09:00–16:00 (330 min) and 16:30–17:00 (30) with the customer
    # confirmation paused; after resolution the clock stops until the reopen: Tue 17:05–17:07, 17:08–17:10
    assert float(record["handling_minutes"]) == 364 and record["sla_state"] == "ok"

    # -- the cockpit shows exactly this history ---------------------------------------------------
    widgets = story.cockpit()
    kpis = single(widgets["kpis"])
    assert (kpis["n"], kpis["open"], kpis["resolved"], kpis["reopened"], kpis["first_contact"]) == (1, 0, 1, 1, 0)
    assert (kpis["frt_hours"], kpis["frt_minutes"], kpis["resolution_minutes"], kpis["csat"]) == (5, 210, 364, 2)
    assert kpis["fcr"] == 0 and kpis["reopen_rate"] == 1
    satisfaction = single(widgets["satisfaction"])
    assert [satisfaction[k] for k in ("responses", "csat", "nps", "ces")] == [1, 2, -100, 5]
    [p2] = widgets["sla_by_priority"]["data"]["rows"]
    assert (p2["dims"]["priority"], p2["values"]["n"], p2["values"]["met"], p2["values"]["rate"]) == ("P2", 1, 1, 1)
    assert widgets["backlog_by_agent"]["data"]["rows"] == []
    assert [(r["dims"]["category"], r["values"]["n"]) for r in widgets["top_categories"]["data"]["rows"]] == [
        ("function_failure", 1)]
    [heat] = widgets["region_product"]["data"]["rows"]
    assert (heat["dims"]["region"], heat["values"]["n"]) == ("guangdong", 1)
    weeks = {str(next(iter(r["dims"].values()))): r["values"]["n"] for r in widgets["volume_weekly"]["data"]["rows"]}
    assert sum(weeks.values()) == 1 and weeks[min(k for k in weeks if k >= "2026-03-02")] == 1, weeks
    assert widgets["capa_status"]["data"]["rows"] == []
