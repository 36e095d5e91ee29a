"""Saved list views: mine and shared, checked against the form when saved, changed only by their owner."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.platform.conftest import Org
from tests.platform.desk_app import FORM, STATUS, agent, desk, published

VIEWS = f"{FORM}/views"
FIELDS = [{"key": "title", "kind": "text", "label": {"en": "Title"}},
          {"key": "status", "kind": "single_select", "label": {"en": "Status"}, "options": STATUS},
          {"key": "due", "kind": "date", "label": {"en": "Due"}},
          {"key": "amount", "kind": "integer", "label": {"en": "Amount"}}]


@pytest.fixture
def admin(org: Org) -> TestClient:
    return published(org, desk(FIELDS, {"actions": ["create", "read", "update"], "row_scope": "all"}))


def save(client: TestClient, name: str, status: int = 201, **body: Any) -> dict[str, Any]:
    response = client.post(VIEWS, json={"name": name, **body})
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


OPEN_BIG = {"and": [{"==": [{"var": "status"}, "open"]}, {">": [{"var": "amount"}, 100]}]}


def test_a_saved_view_comes_back_with_its_filter_sort_and_columns(org: Org, admin: TestClient) -> None:
    ann = agent(org, admin, "ann")
    spec = {"filter": OPEN_BIG, "sort": "-amount", "columns": ["title", "amount"]}
    made = save(ann, "Big open", spec=spec)
    assert made["mine"] is True and made["shared"] is False
    listed = ann.get(VIEWS).json()
    assert [(v["name"], v["spec"]["filter"], v["spec"]["sort"], v["spec"]["columns"], v["spec"]["kind"])
            for v in listed] == [("Big open", OPEN_BIG, "-amount", ["title", "amount"], "table")]
    # the saved filter lists what it says
    for amount, status in ((50, "open"), (150, "open"), (150, "done")):
        ann.post(f"{FORM}/records", json={"title": "t", "status": status, "amount": amount})
    rows = ann.post(f"{FORM}/records/query",
                    json={"filter": listed[0]["spec"]["filter"], "sort": listed[0]["spec"]["sort"]}).json()
    assert [(r["status"], r["amount"]) for r in rows["items"]] == [("open", 150)]


def test_others_see_shared_views_only_and_cannot_change_them(org: Org, admin: TestClient) -> None:
    ann, bob = agent(org, admin, "ann"), agent(org, admin, "bob")
    private = save(ann, "Mine")
    shared = save(ann, "Team", shared=True, spec={"kind": "kanban", "group_by": "status"})
    save(bob, "Bob's")
    assert [(v["name"], v["mine"]) for v in bob.get(VIEWS).json()] == [("Bob's", True), ("Team", False)]
    assert [v["name"] for v in ann.get(VIEWS).json()] == ["Mine", "Team"]
    assert bob.patch(f"{VIEWS}/{shared['id']}", json={"name": "Hijacked"}).status_code == 403
    assert bob.delete(f"{VIEWS}/{shared['id']}").status_code == 403
    assert bob.patch(f"{VIEWS}/{private['id']}", json={"name": "x"}).status_code == 404
    # an organisation admin may tidy up shared views, not private ones
    assert admin.delete(f"{VIEWS}/{private['id']}").status_code == 404
    assert admin.delete(f"{VIEWS}/{shared['id']}").status_code == 204
    assert [v["name"] for v in bob.get(VIEWS).json()] == ["Bob's"]


def test_the_owner_renames_shares_and_deletes(org: Org, admin: TestClient) -> None:
    ann, bob = agent(org, admin, "ann"), agent(org, admin, "bob")
    view = save(ann, "Draft")
    save(ann, "Other")
    clash = ann.patch(f"{VIEWS}/{view['id']}", json={"name": "Other"})
    assert clash.status_code == 409 and clash.json()["errors"] == [{"path": "/name", "message": "already exists"}]
    changed = ann.patch(f"{VIEWS}/{view['id']}", json={"name": "Final", "shared": True,
                                                      "spec": {"kind": "calendar", "date_field": "due"}})
    assert changed.status_code == 200, changed.text
    assert [v["name"] for v in bob.get(VIEWS).json()] == ["Final"]
    assert ann.delete(f"{VIEWS}/{view['id']}").status_code == 204
    assert bob.get(VIEWS).json() == []


@pytest.mark.parametrize(("spec", "path"), [
    ({"filter": {"==": [{"var": "nope"}, 1]}}, "/spec/filter/==/0"),
    ({"sort": "-nope"}, "/spec/sort"),
    ({"columns": ["title", "nope"]}, "/spec/columns/1"),
    ({"kind": "kanban", "group_by": "title"}, "/spec/group_by"),
    ({"kind": "kanban"}, "/spec/group_by"),
    ({"kind": "calendar", "date_field": "status"}, "/spec/date_field"),
])
def test_a_view_that_does_not_fit_the_form_is_refused_with_its_path(
        admin: TestClient, spec: dict[str, Any], path: str) -> None:
    response = admin.post(VIEWS, json={"name": "bad", "spec": spec})
    assert response.status_code == 422, response.text
    assert path in [e["path"] for e in response.json()["errors"]]


def test_bad_bodies_are_4xx(admin: TestClient) -> None:
    assert admin.post(VIEWS, json={"name": ""}).status_code == 422
    assert admin.post(VIEWS, json={"name": "x", "spec": {"kind": "gantt"}}).status_code == 422
    assert admin.post(VIEWS, json={"name": "x", "colour": "red"}).status_code == 422
    assert admin.post("/api/v1/apps/desk/forms/nope/views", json={"name": "x"}).status_code == 404


def test_columns_name_the_fields_options_people_and_departments(org: Org, admin: TestClient) -> None:
    ann = agent(org, admin, "ann")
    body = ann.get(f"{FORM}/columns").json()
    assert [(c["key"], c["kind"], c["sortable"]) for c in body["columns"]] == [
        ("title", "text", True), ("status", "single_select", True), ("due", "date", True), ("amount", "integer", True)]
    assert [o["value"] for o in body["columns"][1]["options"]] == ["open", "done"]
    assert "ann" in body["users"].values() or any("ann" in n for n in body["users"].values())
