"""User regexes run on RE2 everywhere: field patterns, list filters (SQL), both databases (issue #12, item 4)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.engines.rule.complaint_rules import complaint_app

from .conftest import Org, publish, ticket_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
EVIL = "^(a|a)*$"  # Python's re takes seconds at 25 characters, doubling with each one more


def with_pattern(pattern: str) -> dict[str, Any]:
    doc = ticket_app()
    doc["forms"][0]["fields"][0]["pattern"] = pattern
    return doc


def test_a_field_pattern_re2_cannot_run_is_refused_at_publish_with_its_path(org: Org) -> None:
    client = org.client()
    for pattern in (r"(a)\1", "(?=a)b", "(?<!a)b"):
        response = publish(client, with_pattern(pattern))
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert any(e["path"] == "/forms/0/fields/0/pattern" and "the pattern is not valid" in e["message"]
                   for e in errors), errors


def test_a_backtracking_field_pattern_answers_at_once(org: Org) -> None:
    client = org.client()
    assert publish(client, with_pattern(EVIL)).status_code == 200
    bad = client.post(RECORDS, json={"title": "a" * 60 + "b"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"path": "/title", "message": "does not match the required pattern"}]
    assert client.post(RECORDS, json={"title": "a" * 60}).status_code == 201


def test_a_backtracking_filter_regex_answers_at_once_in_sql(org: Org) -> None:
    client = org.client()
    assert publish(client, ticket_app()).status_code == 200
    for title in ("a" * 40 + "b", "a" * 40, "中文工单", "a\nb"):
        assert client.post(RECORDS, json={"title": title}).status_code == 201

    def titles(pattern: str) -> list[str]:
        flt = {"regex": [{"var": "title"}, pattern]}
        response = client.get(RECORDS, params={"filter": json.dumps(flt), "sort": "id"})
        assert response.status_code == 200, response.text
        return [r["title"] for r in response.json()["items"]]

    assert titles(EVIL) == ["a" * 40]
    assert titles("(a+)+$") == ["a" * 40]
    assert titles(r"^\w+$") == ["a" * 40 + "b", "a" * 40, "中文工单"]  # as PostgreSQL: CJK letters are \w
    assert titles("^a.b$") == ["a\nb"]  # "." matches a newline, as in PostgreSQL


def test_a_filter_regex_re2_cannot_run_is_a_422_with_its_path(org: Org) -> None:
    client = org.client()
    assert publish(client, ticket_app()).status_code == 200
    response = client.get(RECORDS, params={"filter": json.dumps({"regex": [{"var": "title"}, "(a)\\1"]})})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "/filter/regex/1"


def test_an_anonymous_visitor_cannot_stall_the_server_through_a_public_form_pattern(org: Org) -> None:
    doc = complaint_app()
    [batch] = [f for f in doc["forms"][0]["fields"] if f["key"] == "batch_no"]
    batch["pattern"] = "^(B|B)*$"  # on the public form: anyone may send text to it
    assert publish(org.client(), doc).status_code == 200
    anonymous = TestClient(org.api)
    url = f"/api/v1/public/{org.key}/complaints/forms/complaint"
    refused = anonymous.post(url, json={"title": "t", "phone": "13800000000", "batch_no": "B" * 60 + "x"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"path": "/batch_no", "message": "does not match the required pattern"}]
    accepted = anonymous.post(url, json={"title": "t", "phone": "13800000000", "batch_no": "B" * 60})
    assert accepted.status_code == 201, accepted.text
