"""Bad input gets a 4xx naming what is wrong, never a 500, and nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.platform.conftest import Org, publish, ticket_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"


@pytest.fixture
def client(org: Org) -> TestClient:
    client = org.client()
    publish(client, ticket_app())
    return client


def test_malformed_json_body(client: TestClient) -> None:
    response = client.post(RECORDS, content=b'{"title": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "the request body is not valid JSON"


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({"title": 5.5, "qty": "x"}, {"/qty"}),
        ({"title": "t", "zzz": 1}, {"/zzz"}),
        ({"title": "t", "amount": "abc", "due": "tomorrow", "status": "weird", "tags": "new,bogus"},
         {"/amount", "/due", "/status", "/tags"}),
        ({"title": None}, {"/title"}),
        ({"title": "x" * 101}, {"/title"}),
    ],
)
def test_invalid_values_name_each_field(client: TestClient, body: dict[str, Any], paths: set[str]) -> None:
    response = client.post(RECORDS, json=body)
    assert response.status_code == 422, response.text
    assert {e["path"] for e in response.json()["errors"]} == paths
    assert client.get(RECORDS).json()["total"] == 0


def test_body_that_is_not_an_object(client: TestClient) -> None:
    assert client.post(RECORDS, json=[1, 2]).status_code == 422
    assert client.patch(f"{RECORDS}/1", json="x").status_code == 422


def test_oversize_body_is_413(client: TestClient) -> None:
    response = client.post(RECORDS, json={"title": "t", "body": "x" * 70_000})
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_invalid_keys_and_unknown_things(client: TestClient) -> None:
    bad_key = client.post("/api/v1/apps", json={"key": "Bad-Key", "label": {"en": "x"}})
    assert bad_key.status_code == 422 and bad_key.json()["errors"][0]["path"] == "/key"
    assert client.get("/api/v1/apps/nope/forms/ticket/records").status_code == 404
    assert client.get("/api/v1/apps/tickets/forms/nope/records").status_code == 404
    assert client.get(f"{RECORDS}/notanumber").status_code == 422
    assert client.get(RECORDS, params={"sort": "nope"}).status_code == 422
    assert client.get(RECORDS, params={"after": "garbage!"}).status_code == 422
    assert client.get(RECORDS, params={"limit": 0}).status_code == 422
    assert client.patch(f"{RECORDS}/999999", json={"title": "x", "row_version": 1}).status_code == 404


def test_unauthenticated_requests_are_401(org: Org) -> None:
    anonymous = TestClient(org.api)
    assert anonymous.get("/api/v1/apps").status_code == 401
    assert anonymous.post(RECORDS, json={"title": "x"}).status_code == 401


def test_failed_publish_leaves_nothing_half_done(client: TestClient, org: Org) -> None:
    from sqlalchemy import inspect

    doc = ticket_app()
    rid = client.post(RECORDS, json={"title": "seven"}).json()["id"]
    doc["forms"][0]["fields"].append({"key": "later", "kind": "text", "label": {"en": "L"}})
    doc["forms"][0]["fields"][0]["kind"] = "integer"  # "seven" cannot convert: the whole publish fails
    del doc["forms"][0]["fields"][0]["max_length"]  # schema version 2: an integer takes no max_length
    table = publish(client, doc, dry_run=True).json()["plan"][0]["table"]
    assert client.post("/api/v1/apps/tickets/publish").status_code == 422
    columns = {c["name"] for c in inspect(org.engine).get_columns(table)}
    assert "later" not in columns and "title_arch2" not in columns
    assert client.get(f"{RECORDS}/{rid}").json()["title"] == "seven"
