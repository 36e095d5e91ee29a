"""Integrations of the rule engine (SQLite and PostgreSQL): signed outbound webhooks with retries, dead
letters and redelivery; the private-address guard; the public form link and status lookup without a
login; signed inbound webhooks; inbound e-mail threading; a 企业微信-style adapter; rate limits with a
digest; loop protection; dry run; manual trigger; cron; flow-event rules."""

from __future__ import annotations

import json
import smtplib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dajian.platform.clock import ManualClock
from dajian.platform.models import apps
from dajian.platform.rules import on_flow_event
from dajian.platform.rules.inbound_mail import start_receiver
from dajian.platform.rules.tables import record_comments
from dajian.platform.rules.webhooks import sign, verify
from tests.engines.rule.complaint_rules import complaint_app
from tests.platform.conftest import Org, publish
from tests.platform.test_rules import RECORDS, Desk, Mailbox, clock, drain, free_port, smtp

__all__ = ["clock", "smtp"]


class Receiver:
    """A local HTTP server recording what it receives; answers with ``statuses`` in turn (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        self.requests.clear()
        self.statuses.clear()

    def to(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[Receiver]:
    # one server (one URL) for the session: compiled app versions are cached by version id
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def receiver(receiver_server: Receiver) -> Receiver:
    receiver_server.reset()
    return receiver_server


@pytest.fixture
def desk(org: Org, receiver: Receiver) -> Desk:
    d = Desk(org, hook_url=f"{receiver.url}/hook", wecom_url=f"{receiver.url}/wecom")
    assert d.admin.put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1"]}).status_code == 200
    return d


def test_webhook_is_signed_and_verifiable(desk: Desk, receiver: Receiver) -> None:
    created = desk.new(customer="ACME")
    drain(desk.org.engine)
    [hit] = receiver.to("/hook")
    secret = desk.admin.get("/api/v1/apps/complaints/webhooks").json()["items"][0]["secret"]
    headers = hit["headers"]
    assert verify(secret, headers["X-Dajian-Timestamp"], hit["body"], headers["X-Dajian-Signature"], now=time.time())
    assert not verify("wrong", headers["X-Dajian-Timestamp"], hit["body"], headers["X-Dajian-Signature"],
                      now=time.time())
    payload = json.loads(hit["body"])
    assert payload["event"] == "complaint.created" and payload["record"]["serial_no"] == created["serial_no"]
    [delivery] = desk.admin.get("/api/v1/apps/complaints/webhooks/deliveries").json()["items"]
    assert delivery["status"] == "delivered" and delivery["last_status"] == 200


def test_failed_deliveries_retry_then_dead_letter_then_redeliver(desk: Desk, receiver: Receiver,
                                                                 clock: ManualClock) -> None:
    receiver.statuses = [500, 503, 502]
    desk.new()
    for _ in range(3):
        drain(desk.org.engine)
        clock.advance(timedelta(hours=1))
    assert len(receiver.to("/hook")) == 3  # max_attempts of the subscription
    desk.relogin()
    dead = desk.admin.get("/api/v1/apps/complaints/webhooks/deliveries", params={"dead": True}).json()["items"]
    assert len(dead) == 1 and dead[0]["attempts"] == 3 and "HTTP 502" in dead[0]["last_error"]
    r = desk.admin.post(f"/api/v1/webhooks/deliveries/{dead[0]['id']}/redeliver")
    assert r.status_code == 200 and r.json()["requeued"] is True
    drain(desk.org.engine)
    assert len(receiver.to("/hook")) == 4
    delivered = desk.admin.get("/api/v1/apps/complaints/webhooks/deliveries").json()["items"][0]
    assert delivered["status"] == "delivered"


def test_private_destinations_need_the_allow_list(desk: Desk, receiver: Receiver) -> None:
    assert desk.admin.put("/api/v1/admin/webhook-allowlist", json={"allow": []}).status_code == 200
    desk.new()
    drain(desk.org.engine, rounds=1)
    assert receiver.to("/hook") == []
    item = desk.admin.get("/api/v1/apps/complaints/webhooks/deliveries").json()["items"][0]
    assert item["status"] == "retrying" and "private address 127.0.0.1" in item["last_error"]
    assert desk.org.client("agent").put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1"]}
                                        ).status_code == 403


def test_public_form_and_status_lookup_without_login(desk: Desk, api: Any) -> None:
    anonymous = TestClient(api)
    url = f"/api/v1/public/{desk.org.key}/complaints/forms/complaint"
    r = anonymous.post(url, json={"title": "快递丢件", "category": "logistics", "phone": "13800000000",
                                  "customer": "匿名"})
    assert r.status_code == 201, r.text
    serial = r.json()["serial"]
    assert serial and set(r.json()) == {"accepted", "serial"}
    [record] = desk.admin.get(RECORDS).json()["items"]
    assert (record["channel"], record["team"], record["created_by"]) == ("web", "logistics", 0)
    refused = anonymous.post(url, json={"title": "x", "escalation_level": 9})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "/escalation_level"
    bot = anonymous.post(url, json={"title": "spam", "website": "http://spam.example"})
    assert bot.status_code == 201 and "serial" not in bot.json()
    assert anonymous.post(url, json={"title": "again"}).status_code == 429  # 3 per 10 minutes per client
    assert len(desk.admin.get(RECORDS).json()["items"]) == 1
    desk.patch(record["id"], status="processing", team="changed-by-staff")
    status_url = f"/api/v1/public/{desk.org.key}/complaints/status"
    found = anonymous.get(status_url, params={"serial": serial, "contact": "13800000000"})
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["status"] == "processing" and set(body) == {"serial", "submitted_at", "status", "timeline"}
    assert [e["event"] for e in body["timeline"]] == ["submitted", "status", "status"]
    assert [e.get("status") for e in body["timeline"]] == [None, "new", "processing"]
    assert anonymous.get(status_url, params={"serial": serial, "contact": "139"}).status_code == 404


def test_inbound_webhook_needs_a_valid_signature(desk: Desk, api: Any) -> None:
    [channel] = [c for c in desk.admin.get("/api/v1/apps/complaints/channels").json()["items"] if c["kind"] ==
                 "inbound_webhook"]
    body = json.dumps({"ticket": {"subject": "退款未到账", "amount": 7000},
                       "customer": {"name": "ACME", "email": "ops@acme.test"}}).encode()
    stamp = str(int(time.time()))
    anonymous = TestClient(api)
    bad = anonymous.post(channel["url"], content=body, headers={"X-Dajian-Timestamp": stamp,
                                                                "X-Dajian-Signature": "sha256=00"})
    assert bad.status_code == 401
    good = anonymous.post(channel["url"], content=body, headers={
        "X-Dajian-Timestamp": stamp, "X-Dajian-Signature": sign(channel["secret"], stamp, body),
        "Content-Type": "application/json"})
    assert good.status_code == 201, good.text
    record = desk.get(good.json()["id"])
    assert (record["title"], record["customer"], record["channel"]) == ("退款未到账", "ACME", "crm")
    assert record["escalation_level"] == 2  # the amount rule ran on the inbound record


def test_inbound_email_creates_then_threads_replies(desk: Desk) -> None:
    port = free_port()
    controller = start_receiver(desk.org.engine, desk.org.key, port=port)
    try:
        first = EmailMessage()
        first["From"], first["To"], first["Subject"] = "Li <li@example.com>", "complaints@example.com", "发票开错了"
        first.set_content("发票抬头错误，请重开。")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(first)
        [record] = desk.admin.get(RECORDS).json()["items"]
        assert (record["title"], record["contact_email"], record["channel"]) == ("发票开错了", "li@example.com",
                                                                                  "mail")
        reply = EmailMessage()
        reply["From"], reply["To"] = "li@example.com", "complaints@example.com"
        reply["Subject"] = f"Re: 我们已收到您的投诉 {record['serial_no']}"
        reply.set_content("还没有收到新发票。")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(reply)
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("x@example.com", ["nobody@example.com"], b"Subject: hi\r\n\r\nhi")
            unusable = EmailMessage()  # a subject longer than the title field allows: bounced, not retried
            unusable["From"], unusable["To"] = "li@example.com", "complaints@example.com"
            unusable["Subject"] = "长" * 2000
            unusable.set_content("x")
            with pytest.raises(smtplib.SMTPDataError) as bounced:
                client.send_message(unusable)
            assert bounced.value.smtp_code == 550 and b"title" in bounced.value.smtp_error
    finally:
        controller.stop()
    assert len(desk.admin.get(RECORDS).json()["items"]) == 1
    with desk.org.engine.connect() as conn:
        comments = conn.execute(select(record_comments.c.record_id, record_comments.c.body)
                                .where(record_comments.c.org_id == desk.org.id)).all()  # other tests comment too
    assert [(c.record_id, c.body.strip()) for c in comments if c.record_id == record["id"]] == [
        (record["id"], "还没有收到新发票。")]


def test_adapter_channel_posts_the_template(desk: Desk, receiver: Receiver) -> None:
    c = desk.new(category="quality", region="east")
    desk.patch(c["id"], score=1)
    drain(desk.org.engine)
    [hit] = receiver.to("/wecom")
    assert json.loads(hit["body"]) == {"msgtype": "text", "text": {"content": f"低分重开 {c['serial_no']}：1 分"}}


def test_rate_limit_with_digest(org: Org, smtp: Mailbox) -> None:
    doc = complaint_app()
    doc["rules"] = [r for r in doc["rules"] if r.get("kind") != "webhook"] + [
        {"key": "tell_sup", "form": "complaint", "on": [{"event": "created"}],
         "actions": [{"kind": "notify", "to": [{"email": "sup@corp.test"}], "channels": ["email"],
                      "subject": "新投诉 {{ record.title }}", "rate_limit": {"max": 2, "per_minutes": 60},
                      "digest": True}]}]
    admin = org.client()
    assert publish(admin, doc).status_code == 200
    for n in range(5):
        assert admin.post(RECORDS, json={"title": f"T{n}"}).status_code == 201
    drain(org.engine, rounds=3)
    assert [m["Subject"] for m in smtp.to("sup@corp.test")] == ["新投诉 T0", "新投诉 T1"]
    from dajian.platform.clock import ManualClock, set_clock, utcnow

    previous = set_clock(ManualClock(utcnow() + timedelta(minutes=61)))
    try:
        drain(org.engine)
    finally:
        set_clock(previous)
    digest = smtp.to("sup@corp.test")[2:]
    assert [m["Subject"] for m in digest] == ["3 messages: 新投诉 T2"]
    assert all(f"T{n}" in digest[0].get_body(preferencelist=("html",)).get_content() for n in (2, 3, 4))


def test_two_rules_updating_each_other_stop_at_the_depth_limit(org: Org) -> None:
    doc = complaint_app()
    doc["rules"] = [
        {"key": "ping", "form": "complaint", "on": [{"event": "field_changed", "field": "sla_hours"}],
         "actions": [{"kind": "set", "formulas": {"escalation_level": "escalation_level + 1"}}]},
        {"key": "pong", "form": "complaint", "on": [{"event": "field_changed", "field": "escalation_level"}],
         "actions": [{"kind": "set", "formulas": {"sla_hours": "sla_hours + 1"}}]},
    ]
    admin = org.client()
    assert publish(admin, doc).status_code == 200
    created = admin.post(RECORDS, json={"title": "loop", "sla_hours": 0}).json()
    r = admin.patch(f"{RECORDS}/{created['id']}", json={"sla_hours": 1, "row_version": created["row_version"]})
    assert r.status_code == 200, r.text  # the user's change still saves
    assert (r.json()["escalation_level"], r.json()["sla_hours"]) == (5, 6)  # depths 0..9 ran, 10 was cut
    runs = admin.get("/api/v1/apps/complaints/rules/runs", params={"record_id": created["id"]}).json()["items"]
    [cut] = [x for x in runs if x["status"] == "cut"]
    assert cut["depth"] == 10 and "rule chain cut at depth 10" in cut["error"]
    assert sorted(x["rule"] for x in runs if x["status"] == "fired") == ["ping"] * 5 + ["pong"] * 5


def test_dry_run_writes_nothing(desk: Desk) -> None:
    c = desk.new(amount="10")
    r = desk.admin.post("/api/v1/apps/complaints/rules/dry-run",
                        json={"form": "complaint", "record_id": c["id"], "values": {"amount": "8000", "score": 1}})
    assert r.status_code == 200, r.text
    runs = {x["rule"]: x for x in r.json()["runs"]}
    assert runs["large_amount"]["fires"] and runs["large_amount"]["values"] == {"escalation_level": 2}
    assert runs["low_score_reopens"]["values"]["status"] == "reopened"
    assert {e["kind"] for e in runs["low_score_reopens"]["effects"]} == {"Notify"}
    assert not runs["stamp_resolved"]["fires"] and runs["stamp_resolved"]["reason"] == \
        "none of the watched fields changed"
    after = desk.get(c["id"])
    assert (after["amount"], after["escalation_level"], after["score"]) == ("10.00", 0, None)
    assert desk.runs(record_id=c["id"], rule="large_amount") == []


def test_manual_trigger_cron_and_flow_rules(org: Org, clock: ManualClock) -> None:
    doc = complaint_app()
    doc["rules"] = [
        {"key": "bump", "form": "complaint", "on": [{"event": "manual"}],
         "actions": [{"kind": "escalate", "by": 1}]},
        {"key": "nightly", "form": "complaint", "on": [{"event": "cron", "cron": "0 9 * * *"}],
         "when": 'status = "new"', "actions": [{"kind": "set", "values": {"team": "overdue"}}]},
        {"key": "on_sla", "form": "complaint", "on": [{"event": "flow", "on": "sla_breach", "node": "triage"}],
         "actions": [{"kind": "escalate", "to": 3}]},
    ]
    admin = org.client()
    assert publish(admin, doc).status_code == 200
    a = admin.post(RECORDS, json={"title": "A"}).json()
    b = admin.post(RECORDS, json={"title": "B", "status": "closed"}).json()
    r = admin.post("/api/v1/apps/complaints/rules/bump/run", json={"record_id": a["id"]})
    assert r.status_code == 200 and r.json()["values"] == {"escalation_level": 1}
    assert admin.post("/api/v1/apps/complaints/rules/nightly/run", json={"record_id": a["id"]}).status_code == 404
    armed = admin.post("/api/v1/apps/complaints/rules/schedules/sync").json()["armed"]
    assert [x["rule"] for x in armed] == ["nightly"]
    clock.advance(timedelta(days=1, minutes=1))
    drain(org.engine)
    admin = org.client()
    assert admin.get(f"{RECORDS}/{a['id']}").json()["team"] == "overdue"
    assert admin.get(f"{RECORDS}/{b['id']}").json()["team"] is None
    with org.engine.begin() as conn:
        app_id = conn.execute(select(apps.c.id).where(apps.c.org_id == org.id)).scalar_one()
        instance = {"id": 1, "app_id": app_id, "form_key": "complaint", "record_id": b["id"], "flow_key": "handle"}
        on_flow_event(conn, instance, action="sla_breach", payload={"node": "triage"})
        on_flow_event(conn, {**instance, "record_id": a["id"]}, action="sla_warning", payload={"node": "triage"})
    assert admin.get(f"{RECORDS}/{b['id']}").json()["escalation_level"] == 3
    assert admin.get(f"{RECORDS}/{a['id']}").json()["escalation_level"] == 1


def test_notifications_inbox(desk: Desk) -> None:
    for _ in range(2):
        desk.new(category="quality")
    drain(desk.org.engine)
    lead = desk.org.client("qlead")
    assert lead.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    first = lead.get("/api/v1/notifications").json()["items"][0]
    assert lead.post(f"/api/v1/notifications/{first['id']}/read").json() == {"marked": 1, "unread": 1}
    assert desk.agent.post(f"/api/v1/notifications/{first['id']}/read").json()["marked"] == 0  # not theirs
    assert lead.post("/api/v1/notifications/read-all").json()["unread"] == 0
    assert lead.get("/api/v1/notifications", params={"unread": True}).json()["items"] == []
