"""The rule designer's rehearsals over the draft (SQLite and PostgreSQL): a dry run of a changed rule on a
real complaint, part by part; a rule with a timer rehearsed on its own trigger; a decision table's matching
rows; a message template rendered in the sandbox; a webhook's test delivery through the address guard;
the run log's filters; who may call them and what they refuse."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from tests.platform.test_rules import Desk
from tests.platform.test_rules_channels import Receiver, desk, receiver, receiver_server

__all__ = ["desk", "receiver", "receiver_server"]
BASE = "/api/v1/apps/complaints"


def draft(desk: Desk) -> dict[str, Any]:
    return dict(desk.admin.get(BASE).json()["draft"])


def save(desk: Desk, doc: dict[str, Any]) -> None:
    r = desk.admin.put(f"{BASE}/draft", json=doc)
    assert r.status_code == 200, r.text


def rule_index(doc: dict[str, Any], key: str) -> int:
    return next(n for n, e in enumerate(doc["rules"]) if e.get("key") == key)


def test_a_changed_condition_is_rehearsed_on_a_real_record_part_by_part(desk: Desk) -> None:
    record = desk.new(amount="3000", category="quality", region="east")
    doc = draft(desk)
    doc["rules"][rule_index(doc, "large_amount")]["when"] = 'AND(amount > 2000, category = "quality")'
    save(desk, doc)

    r = desk.admin.post(f"{BASE}/draft/rules/dry-run", json={"form": "complaint", "record_id": record["id"],
                                                              "rule": "large_amount"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["event"] == "created"  # the rule's first trigger
    run = next(x for x in body["runs"] if x["rule"] == "large_amount")
    assert run["fires"] and run["values"] == {"escalation_level": 2}
    assert run["joiner"] == "and"
    assert [(c["expression"], c["held"]) for c in run["checks"]] == [
        ("amount > 2000", True), ('category = "quality"', True)]
    # the rules before it ran first: the routing table set the team the later rules read
    assert body["values"]["team"] == "quality_sh"
    assert desk.get(record["id"])["escalation_level"] == 0  # nothing was written

    # the published rules still say 5000
    published = desk.admin.post(f"{BASE}/rules/dry-run", json={"form": "complaint", "record_id": record["id"],
                                                                "event": "created"})
    old = next(x for x in published.json()["runs"] if x["rule"] == "large_amount")
    assert not old["fires"] and old["reason"] == "condition is false"
    assert [(c["expression"], c["held"]) for c in old["checks"]] == [("amount > 5000", False)]


def test_aggregates_and_timers_are_rehearsed_on_their_own_terms(desk: Desk) -> None:
    record = desk.new(customer="ACME")
    r = desk.admin.post(f"{BASE}/draft/rules/dry-run", json={"form": "complaint", "record_id": record["id"],
                                                              "rule": "repeat_customer"})
    run = next(x for x in r.json()["runs"] if x["rule"] == "repeat_customer")
    assert [(c["expression"], c["held"]) for c in run["checks"]] == [
        ("NOT ISBLANK(customer)", True), ("agg.recent >= 3", False)]
    assert run["reason"].startswith("condition on aggregates is false (recent=1")

    resolved = desk.patch(desk.new(contact_email="c@example.com")["id"], status="resolved")
    r = desk.admin.post(f"{BASE}/draft/rules/dry-run", json={"form": "complaint", "record_id": resolved["id"],
                                                              "rule": "survey"})
    assert r.status_code == 200, r.text
    assert r.json()["event"] == "time"
    [run] = r.json()["runs"]
    assert run["rule"] == "survey" and run["fires"]
    assert run["values"] == {"survey_sent": True}
    [notify] = run["effects"]
    assert notify["kind"] == "Notify" and notify["subject"] == f"满意度调查：{resolved['serial_no']}"


def test_a_decision_table_shows_every_matching_row(desk: Desk) -> None:
    record = desk.new(category="quality", region="east", vip=True)
    url = f"{BASE}/draft/decision-tables/routing/dry-run"
    r = desk.admin.post(url, json={"form": "complaint", "record_id": record["id"]})
    assert r.status_code == 200, r.text
    assert r.json() == {"inputs": {"category": "quality", "vip": True, "region": "east"}, "rows": [0, 1, 2, 5],
                        "result": {"team": "vip_desk", "sla_hours": 2}, "error": None}
    r = desk.admin.post(url, json={"inputs": {"category": "logistics", "region": "south"}})
    assert (r.json()["rows"], r.json()["result"]["team"]) == ([3, 4, 5], "logistics_gz")
    assert desk.admin.post(f"{BASE}/draft/decision-tables/nothing/dry-run", json={}).status_code == 404
    assert desk.admin.post(url, json={"inputs": {"colour": "red"}}).status_code == 422

    doc = draft(desk)  # a 'unique' table with a catch-all row overlaps: the draft says where
    doc["rules"][rule_index(doc, "routing")]["hit_policy"] = "unique"
    save(desk, doc)
    r = desk.admin.post(url, json={"inputs": {"category": "price"}})
    assert r.status_code == 422
    paths = {e["path"] for e in r.json()["errors"]}
    assert f"/rules/{rule_index(doc, 'routing')}/rows/5" in paths


def test_a_message_is_rendered_in_the_sandbox_on_a_real_record(desk: Desk) -> None:
    record = desk.new(title="<b>屏幕</b>碎裂", customer="王")
    r = desk.admin.post(f"{BASE}/draft/messages/preview", json={
        "form": "complaint", "record_id": record["id"], "subject": "投诉 {{ record.serial_no }}：{{ record.title }}",
        "body": "<p>{{ record.customer }}：{{ record.title }}</p>"})
    assert r.status_code == 200, r.text
    assert r.json() == {"subject": f"投诉 {record['serial_no']}：<b>屏幕</b>碎裂",
                        "body": "<p>王：&lt;b&gt;屏幕&lt;/b&gt;碎裂</p>"}

    refused = desk.admin.post(f"{BASE}/draft/messages/preview", json={
        "form": "complaint", "record_id": record["id"], "subject": "{{ ''.__class__ }}", "body": "{{ cycler }}"})
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} == {"/subject", "/body"}
    failing = desk.admin.post(f"{BASE}/draft/messages/preview", json={
        "form": "complaint", "record_id": record["id"], "subject": "{{ record.title * 200000 }}"})
    assert failing.status_code == 422 and failing.json()["errors"][0]["path"] == "/subject"
    missing = desk.admin.post(f"{BASE}/draft/messages/preview", json={
        "form": "complaint", "record_id": 999_999, "subject": "x"})
    assert missing.status_code == 404


def test_a_webhook_test_delivery_is_signed_guarded_and_audited(desk: Desk, receiver: Receiver) -> None:
    record = desk.new(customer="ACME")
    r = desk.admin.post(f"{BASE}/draft/webhooks/test", json={"subscription": "erp", "form": "complaint",
                                                              "record_id": record["id"]})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["status"], answer["ok"], answer["signed"]) == (200, True, True)
    [sent] = receiver.to("/hook")
    assert json.loads(sent["body"])["record"]["customer"] == "ACME"
    secret = next(s["secret"] for s in desk.admin.get(f"{BASE}/webhooks").json()["items"] if s["key"] == "erp")
    stamp = sent["headers"]["X-Dajian-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Dajian-Signature"] == expected

    receiver.statuses.append(500)  # a payload with templates, to a plain URL; the receiver's failure is reported
    r = desk.admin.post(f"{BASE}/draft/webhooks/test", json={
        "url": f"{receiver.url}/plain", "payload": {"text": "新投诉 {{ record.customer }}"}, "form": "complaint",
        "record_id": record["id"]})
    assert (r.json()["status"], r.json()["ok"], r.json()["payload"]) == (500, False, {"text": "新投诉 ACME"})

    assert desk.admin.put("/api/v1/admin/webhook-allowlist", json={"allow": []}).status_code == 200
    refused = desk.admin.post(f"{BASE}/draft/webhooks/test", json={"url": f"{receiver.url}/plain"})
    assert refused.status_code == 403 and "private address" in refused.json()["detail"]
    assert len(receiver.to("/plain")) == 1
    both = desk.admin.post(f"{BASE}/draft/webhooks/test", json={"url": "https://example.com", "subscription": "erp"})
    assert both.status_code == 422
    for bad in ("http://[::1", "http://example.com:99999/x", "ftp://example.com", "http://"):
        r = desk.admin.post(f"{BASE}/draft/webhooks/test", json={"url": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["path"] == "/url", (bad, r.text)
    audit = desk.admin.get("/api/v1/admin/audit", params={"entity": "webhook", "action": "test"}).json()
    assert [a["changes"]["status"] for a in audit] == [500, 200]


def test_the_run_log_filters_and_pages(desk: Desk) -> None:
    first = desk.new(amount="9000")
    desk.new(amount="9000")
    runs = desk.runs(rule="large_amount")
    assert len(runs) == 2 and runs[0]["id"] > runs[1]["id"]
    assert desk.runs(rule="large_amount", before_id=runs[0]["id"]) == runs[1:]
    assert [x["record_id"] for x in desk.runs(rule="large_amount", record_id=first["id"])] == [first["id"]]
    assert desk.runs(rule="large_amount", event="updated") == []
    assert desk.runs(rule="large_amount", since="2999-01-01T00:00:00+00:00") == []
    assert len(desk.runs(rule="large_amount", until="2999-01-01T00:00:00Z")) == 2
    naive = desk.admin.get(f"{BASE}/rules/runs", params={"since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422


def test_only_app_managers_rehearse_and_a_broken_draft_is_named(desk: Desk) -> None:
    record = desk.new()
    body = {"form": "complaint", "record_id": record["id"]}
    assert desk.agent.post(f"{BASE}/draft/rules/dry-run", json=body).status_code == 403
    assert desk.agent.post(f"{BASE}/draft/messages/preview", json={**body, "subject": "x"}).status_code == 403
    assert desk.agent.post(f"{BASE}/draft/webhooks/test", json={"url": "https://example.com"}).status_code == 403
    assert desk.admin.post(f"{BASE}/draft/rules/dry-run", json={**body, "rule": "nope"}).status_code == 404
    doc = draft(desk)
    n = rule_index(doc, "large_amount")
    doc["rules"][n]["when"] = "amount > "
    save(desk, doc)
    r = desk.admin.post(f"{BASE}/draft/rules/dry-run", json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["path"].startswith(f"/rules/{n}/when")
