"""The complaint template's inbound channels and time rules on the platform (SQLite and PostgreSQL):
a mail to the complaint mailbox through the real SMTP receiver, a signed e-commerce webhook, the public
form linking a VIP customer by phone, and the satisfaction survey 24 h after resolution on a controllable
clock with the real job worker."""

from __future__ import annotations

import json
import re
import smtplib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.jobs import Worker
from dajian.platform.rules.inbound_mail import start_receiver
from dajian.platform.rules.webhooks import sign
from dajian.platform.templates import load_template
from tests.platform.conftest import Org
from tests.platform.test_rules import Mailbox, drain, free_port, smtp
from tests.platform.test_template import APP, RECORDS, TEMPLATE, complaint_body, create, install

__all__ = ["smtp"]  # the SMTP fixture, re-exported for pytest

TICKET = re.compile(r"TS\d{8}-\d{4}")
AGENTS = ("agent1", "agent2")


def installed(org: Org) -> TestClient:
    """The template published, two agents to triage, and the admin's session."""
    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    admin = org.client()
    org.add_dept("service")
    for name in AGENTS:
        r = admin.post("/api/v1/admin/memberships", json={"user_id": org.add_user(name, dept="service"), "app": APP,
                                                       "role": "agent"})
        assert r.status_code == 201, r.text
    return admin


def only_complaint(admin: TestClient) -> dict[str, Any]:
    [record] = admin.get(RECORDS).json()["items"]
    return dict(record)


def channel(admin: TestClient, kind: str) -> dict[str, Any]:
    r = admin.get(f"/api/v1/apps/{APP}/channels")
    assert r.status_code == 200, r.text
    [found] = [c for c in r.json()["items"] if c["kind"] == kind]
    return dict(found)


# -- e-mail ----------------------------------------------------------------------------------


def test_a_mail_to_the_complaint_mailbox_becomes_an_acknowledged_complaint_in_handling(
        org: Org, smtp: Mailbox) -> None:
    admin = installed(org)
    assert channel(admin, "inbound_email")["address"] == "complaints@example.com"
    port = free_port()
    receiver = start_receiver(org.engine, org.key, port=port)
    try:
        mail = EmailMessage()
        mail["From"], mail["To"] = "Zhao Lei <zhao@example.com>", "complaints@example.com"
        mail["Subject"] = "耳机左耳没有声音"
        mail.set_content("上周买的蓝牙耳机左耳没有声音，重置后依旧。")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(mail)
    finally:
        receiver.stop()

    record = only_complaint(admin)
    assert (record["channel"], record["subject"], record["contact_email"]) == (
        "email", "耳机左耳没有声音", "zhao@example.com")
    assert record["description"].strip() == "上周买的蓝牙耳机左耳没有声音，重置后依旧。"
    assert TICKET.fullmatch(record["ticket_no"]) and record["status"] == "new"

    assert smtp.messages == []  # the acknowledgement goes out after commit, through the worker
    drain(org.engine)
    [ack] = smtp.to("zhao@example.com")
    assert record["ticket_no"] in ack["Subject"]
    assert record["ticket_no"] in ack.get_body(preferencelist=("html",)).get_content()

    [run] = admin.get(f"{RECORDS}/{record['id']}/flows").json()["items"]
    assert (run["flow_key"], run["state"]) == ("handle_complaint", "running")
    tasks = admin.get(f"/api/v1/flows/instances/{run['id']}").json()["tasks"]
    assert [(t["node_id"], t["status"]) for t in tasks] == [("triage", "pending")]


# -- e-commerce webhook ----------------------------------------------------------------------


def order_event(**order: Any) -> bytes:
    return json.dumps({
        "ticket": {"id": "JD-T-77001", "title": "收到的电视屏幕碎裂", "content": "快递送达时外箱完好，开箱屏幕碎裂。"},
        "order": {"id": "JD-20260301-0042", "amount": 6000, **order},
        "buyer": {"name": "孙女士", "phone": "13900139000", "email": "sun@example.com"},
        "platform": "jd"}, ensure_ascii=False).encode()


def signed(secret: str, body: bytes, *, stamp: int | None = None) -> dict[str, str]:
    when = str(int(time.time()) if stamp is None else stamp)
    return {"X-Dajian-Timestamp": when, "X-Dajian-Signature": sign(secret, when, body),
            "Content-Type": "application/json"}


def test_the_ecommerce_webhook_refuses_bad_signatures(org: Org) -> None:
    admin = installed(org)
    hook = channel(admin, "inbound_webhook")
    assert hook["key"] == "ecommerce" and hook["url"].startswith("/api/v1/inbound/")
    anonymous = TestClient(org.api)
    body = order_event()
    forged = anonymous.post(hook["url"], content=body, headers=signed("not-the-secret", body))
    unsigned = anonymous.post(hook["url"], content=body, headers={"Content-Type": "application/json"})
    tampered = anonymous.post(hook["url"], content=order_event(amount=1), headers=signed(hook["secret"], body))
    # a captured delivery replayed after the signature's 5-minute tolerance
    stale = anonymous.post(hook["url"], content=body, headers=signed(hook["secret"], body,
                                                                     stamp=int(time.time()) - 600))
    assert [r.status_code for r in (forged, unsigned, tampered, stale)] == [401] * 4
    assert admin.get(RECORDS).json()["items"] == []
    assert anonymous.post("/api/v1/inbound/no-such-channel", content=body,
                          headers=signed(hook["secret"], body)).status_code == 404


def test_a_signed_ecommerce_webhook_creates_a_mapped_escalated_complaint(org: Org) -> None:
    admin = installed(org)
    hook = channel(admin, "inbound_webhook")
    body = order_event()
    good = TestClient(org.api).post(hook["url"], content=body, headers=signed(hook["secret"], body))
    assert good.status_code == 201, good.text
    assert TICKET.fullmatch(good.json()["serial"])
    record = admin.get(f"{RECORDS}/{good.json()['id']}").json()
    assert record["ticket_no"] == good.json()["serial"]
    assert {k: record[k] for k in ("channel", "subject", "description", "order_no", "contact_name",
                                   "contact_phone", "contact_email")} == {
        "channel": "ecommerce", "subject": "收到的电视屏幕碎裂", "description": "快递送达时外箱完好，开箱屏幕碎裂。",
        "order_no": "JD-20260301-0042", "contact_name": "孙女士", "contact_phone": "13900139000",
        "contact_email": "sun@example.com"}
    assert float(record["amount_involved"]) == 6000
    assert record["escalation_level"] == 3  # large_amount: over 5000
    assert record["priority"] == "P2"  # e-commerce complaints default to P2
    retried = TestClient(org.api).post(hook["url"], content=body, headers=signed(hook["secret"], body))
    assert retried.status_code == 200 and retried.json() == {**good.json(), "duplicate": True}
    assert len(admin.get(RECORDS).json()["items"]) == 1  # the platform's retry made no second complaint
    no_id = json.dumps({"ticket": {"title": "无编号"}}).encode()
    refused = TestClient(org.api).post(hook["url"], content=no_id, headers=signed(hook["secret"], no_id))
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "/ticket/id"


# -- public form -----------------------------------------------------------------------------


def test_the_public_form_links_a_vip_by_phone_and_routes_to_tech_support(org: Org) -> None:
    admin = installed(org)
    vip = create(admin, "customer", name="周总", level="vip", phone="13700137000", region="guangdong")
    plain = create(admin, "customer", name="吴先生", level="normal", phone="13600136000")
    anonymous = TestClient(org.api)
    policy = ["policy", "warranty", "warranty_period"]
    filings = [("13700137000", None), ("13700137000", policy), ("13600136000", policy), ("13500135000", policy)]
    serials = []
    for phone, category in filings:
        values = complaint_body(contact_phone=phone, **({"category": category} if category else {}))
        filed = anonymous.post(f"/api/v1/public/{org.key}/{APP}/forms/complaint",
                               json={k: v for k, v in values.items() if k != "channel"})
        assert filed.status_code == 201, filed.text
        serials.append(filed.json()["serial"])
    records = admin.get(RECORDS, params={"sort": "id"}).json()["items"]
    assert [r["ticket_no"] for r in records] == serials and {r["channel"] for r in records} == {"web"}
    seen = [(r["customer"], r["customer_level"], r["team"], r["priority"]) for r in records]
    assert seen == [
        (vip["id"], "vip", "tech_support", "P2"),  # product quality of a VIP: technical support, at least P2
        (vip["id"], "vip", "tech_support", "P2"),  # a VIP's policy question goes there too
        (plain["id"], "normal", "service_desk", "P3"),  # the same question from a normal customer does not
        (None, None, "service_desk", "P3"),  # an unknown phone links no one
    ]


# -- the survey 24 h after resolution ----------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


TIMER_JOBS = ["rules.timer", "notify"]


def run_timers(org: Org) -> int:
    worker = Worker(org.engine, kinds=TIMER_JOBS)
    ran = 0
    while (n := worker.run_once()) and ran < 50:
        ran += n
    return ran


def test_the_survey_goes_out_once_24_hours_after_resolution(org: Org, smtp: Mailbox, clock: ManualClock) -> None:
    admin = installed(org)
    record = create(admin, "complaint", **complaint_body(contact_email="qian@example.com"))
    drain(org.engine)
    assert [m["Subject"] for m in smtp.to("qian@example.com")] == [
        f"我们已收到您的投诉 {record['ticket_no']} / We have received your complaint {record['ticket_no']}"]
    smtp.messages.clear()

    resolved_at = clock.now()
    current = admin.get(f"{RECORDS}/{record['id']}").json()
    r = admin.patch(f"{RECORDS}/{record['id']}", json={
        "status": "resolved", "resolved_at": resolved_at.isoformat(), "row_version": current["row_version"]})
    assert r.status_code == 200, r.text
    drain(org.engine)  # the progress notice ("resolved") goes out now
    progress = [m["Subject"] for m in smtp.to("qian@example.com")]
    assert len(progress) == 1 and "已解决" in progress[0]
    smtp.messages.clear()

    clock.set(resolved_at + timedelta(hours=24) - timedelta(seconds=1))
    run_timers(org)
    assert smtp.messages == []  # not yet

    clock.set(resolved_at + timedelta(hours=24))
    run_timers(org)
    [survey] = smtp.to("qian@example.com")
    assert survey["Subject"] == f"满意度调查：{record['ticket_no']} / How did we do? {record['ticket_no']}"
    assert record["ticket_no"] in survey.get_body(preferencelist=("html",)).get_content()

    clock.advance(timedelta(days=2))
    run_timers(org)
    assert len(smtp.messages) == 1  # once only
