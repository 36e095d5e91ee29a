"""The record page's one call: a published form with the caller's actions and writable fields."""

from __future__ import annotations

from typing import Any

from tests.platform.conftest import Org, publish, ticket_app


def _clerk_app() -> dict[str, Any]:
    doc = ticket_app()
    doc["roles"] = [{"key": "clerk", "label": {"zh-CN": "办事员", "en": "Clerk"},
                     "permissions": {"ticket": {"actions": ["read", "update"], "row_scope": "all",
                                                "write_fields": ["title", "body"]}}}]
    return doc


def test_a_clerk_gets_the_form_and_may_write_only_their_fields(org: Org) -> None:
    admin = org.client()
    assert publish(admin, _clerk_app()).status_code == 200
    user_id = org.add_user("eve")
    admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": "clerk"})
    answer = org.client("eve").get("/api/v1/apps/tickets/forms/ticket/definition")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["form"]["key"] == "ticket"
    assert [f["key"] for f in body["form"]["fields"]][:2] == ["title", "body"]
    assert body["actions"] == ["read", "update"]
    assert body["write_fields"] == ["body", "title"]
    assert body["read_fields"] is None
    assert body["timezone"] == "Asia/Shanghai"


def test_an_admin_may_write_every_field(org: Org) -> None:
    admin = org.client()
    assert publish(admin, _clerk_app()).status_code == 200
    body = admin.get("/api/v1/apps/tickets/forms/ticket/definition").json()
    assert body["actions"] == ["read", "create", "update", "delete"]
    assert body["write_fields"] is None


def test_someone_without_a_role_is_refused_and_an_unknown_form_is_a_404(org: Org) -> None:
    admin = org.client()
    assert publish(admin, _clerk_app()).status_code == 200
    org.add_user("fay")
    assert org.client("fay").get("/api/v1/apps/tickets/forms/ticket/definition").status_code in (403, 404)
    assert admin.get("/api/v1/apps/tickets/forms/nope/definition").status_code == 404


def test_a_cascade_field_carries_its_option_tree(org: Org) -> None:
    admin = org.client()
    node = {"value": "hw", "label": {"zh-CN": "硬件", "en": "Hardware"},
            "children": [{"value": "screen", "label": {"zh-CN": "屏幕", "en": "Screen"}}]}
    doc = ticket_app(trees={"category": [node], "unused": [{"value": "x", "label": {"en": "X"}}]})
    doc["forms"][0]["fields"].append({"key": "category", "kind": "cascade_select", "label": {"en": "Category"},
                                      "config": {"tree_key": "category"}})
    assert publish(admin, doc).status_code == 200
    body = admin.get("/api/v1/apps/tickets/forms/ticket/definition").json()
    (category,) = [f for f in body["form"]["fields"] if f["key"] == "category"]
    assert category["config"]["tree"][0]["children"][0]["value"] == "screen"  # the app's tree, inline
