"""The permission matrix: row scopes, field-level read/write, tokens, org isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.platform.conftest import Org, publish, ticket_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
ALL = ["create", "read", "update", "delete"]


def roles() -> list[dict[str, Any]]:
    def role(key: str, **perm: Any) -> dict[str, Any]:
        return {"key": key, "label": {"en": key}, "permissions": {"ticket": perm}}

    return [
        role("own", actions=ALL, row_scope="own"),
        role("dept", actions=ALL, row_scope="dept"),
        role("tree", actions=ALL, row_scope="dept_tree"),
        role("all", actions=["read"], row_scope="all"),
        role("limited", actions=["read", "update", "create"], row_scope="all",
             read_fields=["title", "status", "qty"], write_fields=["status"]),
    ]


@pytest.fixture
def world(org: Org) -> dict[str, Any]:
    """HQ > support > support_l2, and sales. One user per role; each creates one ticket."""
    admin = org.client()
    publish(admin, ticket_app(roles=roles()))
    org.add_dept("hq")
    org.add_dept("support", "hq")
    org.add_dept("support_l2", "support")
    org.add_dept("sales", "hq")
    people = {"own": "support", "dept": "support", "tree": "support", "all": "sales", "limited": "sales",
              "peer": "support", "deep": "support_l2", "seller": "sales"}
    world: dict[str, Any] = {"ids": {}, "clients": {}}
    for name, dept in people.items():
        user_id = org.add_user(name, dept=dept)
        role = name if name in ("own", "dept", "tree", "all", "limited") else "own"
        grant = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": role})
        assert grant.status_code == 201, grant.text
        world["clients"][name] = org.client(name)
    for name in ("own", "peer", "deep", "seller"):
        response = world["clients"][name].post(RECORDS, json={"title": f"by {name}", "qty": 1})
        assert response.status_code == 201, response.text
        world["ids"][name] = response.json()["id"]
    return world


def titles(client: TestClient) -> set[str]:
    return {r["title"] for r in client.get(RECORDS).json()["items"]}


def test_row_scopes(world: dict[str, Any]) -> None:
    c = world["clients"]
    assert titles(c["own"]) == {"by own"}
    assert titles(c["dept"]) == {"by own", "by peer"}
    assert titles(c["tree"]) == {"by own", "by peer", "by deep"}
    assert titles(c["all"]) == {"by own", "by peer", "by deep", "by seller"}


def test_row_scope_applies_to_read_update_delete_and_count(world: dict[str, Any]) -> None:
    own, dept = world["clients"]["own"], world["clients"]["dept"]
    deep_id, peer_id = world["ids"]["deep"], world["ids"]["peer"]
    assert own.get(f"{RECORDS}/{peer_id}").status_code == 404
    assert own.patch(f"{RECORDS}/{peer_id}", json={"title": "hijack", "row_version": 1}).status_code == 404
    assert own.delete(f"{RECORDS}/{peer_id}").status_code == 404
    assert dept.get(f"{RECORDS}/{deep_id}").status_code == 404
    assert dept.get(RECORDS, params={"count": "exact"}).json()["total"] == 2
    assert dept.patch(f"{RECORDS}/{peer_id}", json={"title": "fixed", "row_version": 1}).status_code == 200


def test_actions_not_granted_are_forbidden(world: dict[str, Any]) -> None:
    reader = world["clients"]["all"]
    denied = reader.post(RECORDS, json={"title": "x"})
    assert denied.status_code == 403 and "create" in denied.json()["detail"]
    assert denied.json()["reason"] == "form_create_denied" and denied.json()["params"] == {"form": "ticket"}
    assert reader.delete(f"{RECORDS}/{world['ids']['own']}").status_code == 403


def test_field_level_read_and_write(world: dict[str, Any]) -> None:
    limited = world["clients"]["limited"]
    item = limited.get(RECORDS).json()["items"][0]
    assert "amount" not in item and "email" not in item and {"title", "status", "qty"} <= set(item)
    target = world["ids"]["own"]
    denied = limited.patch(f"{RECORDS}/{target}", json={"title": "x", "row_version": 1})
    assert denied.status_code == 403 and denied.json()["errors"] == [{"path": "/title", "message":
                                                                       "not writable for you"}]
    assert denied.json()["reason"] == "fields_not_writable" and denied.json()["params"] == {"fields": "title"}
    assert limited.patch(f"{RECORDS}/{target}", json={"status": "open", "row_version": 1}).status_code == 200
    probe = limited.get(RECORDS, params={"sort": "amount"})
    assert probe.status_code == 403
    assert limited.get(RECORDS, params={"fields": "email"}).status_code == 403
    history = limited.get(f"{RECORDS}/{target}/history").json()
    assert all(set(h["changes"]) <= {"title", "status", "qty"} for h in history)


def test_users_without_a_role_see_nothing(org: Org, world: dict[str, Any]) -> None:
    org.add_user("nobody", dept="support")
    nobody = org.client("nobody")
    denied = nobody.get(RECORDS)
    assert denied.status_code == 403 and denied.json()["detail"] == "you may not read records of form 'ticket'"
    assert nobody.get("/api/v1/apps").json() == []


def test_another_organisation_cannot_see_or_touch_anything(org: Org, world: dict[str, Any], api: Any,
                                                           engine: Any) -> None:
    import secrets

    from dajian.platform.auth import create_organisation, create_user
    from tests.platform.conftest import PASSWORD, login

    other_key = f"org_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        other = create_organisation(conn, key=other_key, name="other")
        create_user(conn, org_id=other, username="admin", password=PASSWORD, is_org_admin=True)
    intruder = login(api, "admin", other_key)
    assert intruder.get("/api/v1/apps").json() == []
    assert intruder.get(RECORDS).status_code == 404
    assert intruder.get(f"{RECORDS}/{world['ids']['own']}").status_code == 404
    assert {e["org_id"] for e in intruder.get("/api/v1/admin/audit").json()} == {other}
    grant = intruder.post("/api/v1/admin/memberships", json={"user_id": 1, "app": "tickets", "role": "all"})
    assert grant.status_code in (404, 422)


def test_api_token_with_a_narrower_scope(org: Org, world: dict[str, Any]) -> None:
    dept = world["clients"]["dept"]
    minted = dept.post("/api/v1/auth/tokens", json={"name": "ro", "scopes": ["records:read"]})
    assert minted.status_code in (200, 201), minted.text
    bearer = TestClient(org.api, headers={"Authorization": f"Bearer {minted.json()['token']}"})
    assert {r["title"] for r in bearer.get(RECORDS).json()["items"]} == {"by own", "by peer"}
    refused = bearer.post(RECORDS, json={"title": "nope"})
    assert refused.status_code == 403 and "records:write" in refused.json()["detail"]
    assert dept.post(RECORDS, json={"title": "session can"}).status_code == 201


def test_api_token_limited_to_other_apps_cannot_reach_this_one(org: Org, world: dict[str, Any]) -> None:
    admin = org.client()
    other = ticket_app(key="other", label={"en": "Other"})
    publish(admin, other)
    minted = admin.post("/api/v1/auth/tokens", json={"name": "o", "scopes": ["records:read"], "apps": ["other"]})
    assert minted.status_code in (200, 201), minted.text
    bearer = TestClient(org.api, headers={"Authorization": f"Bearer {minted.json()['token']}"})
    assert bearer.get("/api/v1/apps/other/forms/ticket/records").status_code == 200
    assert bearer.get(RECORDS).status_code == 403


def test_only_admins_and_app_managers_change_definitions(world: dict[str, Any]) -> None:
    dept = world["clients"]["dept"]
    assert dept.put("/api/v1/apps/tickets/draft", json=ticket_app()).status_code == 403
    assert dept.post("/api/v1/apps/tickets/publish").status_code == 403
    assert dept.post("/api/v1/apps", json={"key": "mine", "label": {"en": "M"}}).status_code == 403


def test_also_where_widens_a_row_scope_with_an_expression(org: Org) -> None:
    admin = org.client()
    queue = {"key": "queue", "label": {"en": "queue"}, "permissions": {"ticket": {
        "actions": ["read", "update"], "row_scope": "own", "also_where": "OR(ISBLANK(assignee), assignee = $user.id)"}}}
    assert publish(admin, ticket_app(roles=[queue])).status_code == 200
    ids = {name: org.add_user(name) for name in ("ann", "ben")}
    for user_id in ids.values():
        admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": "queue"})
    for title, assignee in (("unassigned", None), ("for ann", ids["ann"]), ("for ben", ids["ben"])):
        assert admin.post(RECORDS, json={"title": title, "assignee": assignee}).status_code == 201
    ann, ben = org.client("ann"), org.client("ben")
    assert titles(ann) == {"unassigned", "for ann"} and titles(ben) == {"unassigned", "for ben"}
    [theirs] = [r for r in admin.get(RECORDS).json()["items"] if r["title"] == "for ben"]
    assert ann.get(f"{RECORDS}/{theirs['id']}").status_code == 404
    assert ann.patch(f"{RECORDS}/{theirs['id']}", json={"status": "open", "row_version": 1}).status_code == 404


def test_a_bad_also_where_is_refused_at_publish_with_its_path(org: Org) -> None:
    bad = {"key": "queue", "label": {"en": "queue"}, "permissions": {"ticket": {
        "actions": ["read"], "also_where": "ghost = 1"}}}
    r = publish(org.client(), ticket_app(roles=[bad]))
    assert r.status_code == 422
    assert any(e["path"].startswith("/roles/0/permissions/ticket/also_where") and "ghost" in e["message"]
               for e in r.json()["errors"]), r.json()
