"""Bulk update and delete from a list: one transaction, each record checked as its own route would."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.platform.conftest import Org
from tests.platform.desk_app import FORM, STATUS, agent, desk, published

RECORDS = f"{FORM}/records"
FIELDS = [{"key": "title", "kind": "text", "label": {"en": "Title"}, "required": True},
          {"key": "status", "kind": "single_select", "label": {"en": "Status"}, "options": STATUS},
          {"key": "note", "kind": "text", "label": {"en": "Note"}}]
OWN_TITLE_AND_STATUS = {"actions": ["create", "read", "update"], "row_scope": "own",
                        "write_fields": ["title", "status"]}


@pytest.fixture
def admin(org: Org) -> TestClient:
    return published(org, desk(FIELDS, OWN_TITLE_AND_STATUS))


def add(client: TestClient, title: str) -> int:
    response = client.post(RECORDS, json={"title": title, "status": "open"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def statuses(client: TestClient) -> dict[str, str]:
    return {r["title"]: r["status"] for r in client.get(RECORDS).json()["items"]}


def test_bulk_update_sets_every_chosen_record(org: Org, admin: TestClient) -> None:
    ann = agent(org, admin, "ann")
    ids = [add(ann, t) for t in ("a", "b", "c")]
    done = ann.post(f"{RECORDS}/bulk-update", json={"ids": ids[:2], "values": {"status": "done"}})
    assert done.status_code == 200, done.text
    assert done.json() == {"count": 2}
    assert statuses(ann) == {"a": "done", "b": "done", "c": "open"}
    history = ann.get(f"{RECORDS}/{ids[0]}/history").json()
    assert any("status" in (h.get("changes") or {}) for h in history)


def test_one_record_refused_saves_nothing_and_is_named(org: Org, admin: TestClient) -> None:
    ann, bob = agent(org, admin, "ann"), agent(org, admin, "bob")
    mine = add(ann, "mine")
    theirs = add(bob, "theirs")
    refused = ann.post(f"{RECORDS}/bulk-update", json={"ids": [mine, theirs], "values": {"status": "done"}})
    assert refused.status_code == 404, refused.text
    assert refused.json()["errors"][0]["path"].startswith("/ids/1")
    assert statuses(ann) == {"mine": "open"} and statuses(bob) == {"theirs": "open"}
    # a field the role may not write, and a value the form refuses, are refused the same way
    assert ann.post(f"{RECORDS}/bulk-update", json={"ids": [mine], "values": {"note": "x"}}).status_code == 403
    invalid = ann.post(f"{RECORDS}/bulk-update", json={"ids": [mine], "values": {"status": "nope"}})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["path"].startswith("/ids/0/")


def test_bulk_delete_needs_the_delete_action_and_removes_all(org: Org, admin: TestClient) -> None:
    ann = agent(org, admin, "ann")
    ids = [add(ann, t) for t in ("a", "b")]
    assert ann.post(f"{RECORDS}/bulk-delete", json={"ids": ids}).status_code == 403
    done = admin.post(f"{RECORDS}/bulk-delete", json={"ids": ids})
    assert done.status_code == 200 and done.json() == {"count": 2}
    assert statuses(ann) == {}


def test_bad_bulk_bodies_are_422(admin: TestClient) -> None:
    assert admin.post(f"{RECORDS}/bulk-delete", json={"ids": []}).status_code == 422
    assert admin.post(f"{RECORDS}/bulk-delete", json={"ids": [0]}).status_code == 422
    assert admin.post(f"{RECORDS}/bulk-update", json={"ids": [1], "values": {}}).status_code == 422
