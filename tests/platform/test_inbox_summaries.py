"""An inbox row names its record by the form's title field and shows the fields its step lists as
visible, read through the reader's own grant: an approver sees the amount they approve, not the fields
their role may not read, and nothing once the record is out of their reach."""

from __future__ import annotations

from typing import Any

from tests.platform.conftest import Org, publish


def _label(text: str) -> dict[str, str]:
    return {"zh-CN": text, "en": text}


def claims_app() -> dict[str, Any]:
    claim_fields = [
        {"key": "subject", "kind": "text", "label": _label("主题")},
        {"key": "amount", "kind": "decimal", "label": _label("金额"), "scale": 2},
        {"key": "customer", "kind": "relation", "label": _label("客户"), "config": {"form": "customer"}},
        {"key": "secret", "kind": "text", "label": _label("内部备注")},
    ]
    approve = {"id": "approve", "kind": "approval", "label": _label("审批"),
               "assignee": {"strategy": "role", "role": "approver"},
               "fields": {"visible": ["amount", "secret", "customer"], "editable": [], "required": []}}
    flow = {"key": "approve_claim", "label": _label("理赔审批"), "form": "claim",
            "nodes": [{"id": "start", "kind": "start"}, approve, {"id": "end", "kind": "end"}],
            "edges": [{"source": "start", "target": "approve"}, {"source": "approve", "target": "end"}]}
    everything = {"actions": ["create", "read", "update"], "row_scope": "all"}
    roles = [
        {"key": "clerk", "label": _label("Clerk"), "permissions": {"claim": everything, "customer": everything}},
        {"key": "approver", "label": _label("Approver"), "permissions": {
            "claim": {"actions": ["read", "update"], "row_scope": "own",
                      "read_fields": ["subject", "amount", "customer"]},
            "customer": {"actions": ["read"], "row_scope": "all"}}},
    ]
    return {"schema_version": 2, "key": "claims", "label": _label("理赔"),
            "forms": [{"key": "customer", "label": _label("客户"), "title_field": "name",
                       "fields": [{"key": "name", "kind": "text", "label": _label("名称")}]},
                      {"key": "claim", "label": _label("理赔"), "title_field": "subject", "fields": claim_fields}],
            "roles": roles, "flows": [flow]}


def test_an_approver_reads_the_title_and_the_visible_fields_they_may_read(org: Org) -> None:
    admin = org.client()
    assert publish(admin, claims_app()).status_code == 200
    for name, role in (("clerk", "clerk"), ("boss", "approver")):
        user_id = org.add_user(name)
        granted = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "claims", "role": role})
        assert granted.status_code == 201, granted.text
    clerk, boss = org.client("clerk"), org.client("boss")
    forms = "/api/v1/apps/claims/forms"
    customer = clerk.post(f"{forms}/customer/records", json={"name": "王芳"}).json()["id"]
    claim = clerk.post(f"{forms}/claim/records", json={
        "subject": "屏幕碎裂", "amount": "800", "customer": customer, "secret": "老客户，可酌情"}).json()["id"]
    assert clerk.post("/api/v1/apps/claims/flows/approve_claim/start", json={"record_id": claim}).status_code == 201

    [pending] = boss.get("/api/v1/flows/inbox/pending").json()["items"]
    assert pending["title"] == "屏幕碎裂"
    assert pending["summary"] == {"amount": "800.00", "customer": customer, "_display": {"customer": "王芳"}}

    [started] = clerk.get("/api/v1/flows/inbox/started").json()["items"]
    assert (started["title"], started["summary"]) == ("屏幕碎裂", {})  # an instance row: no step, no summary

    acted = boss.post(f"/api/v1/flows/tasks/{pending['task_id']}/act", json={"action": "approve"})
    assert acted.status_code == 200, acted.text
    [done] = boss.get("/api/v1/flows/inbox/done").json()["items"]
    assert (done["record_id"], done["title"], done["summary"]) == (claim, None, {})  # no longer in reach
