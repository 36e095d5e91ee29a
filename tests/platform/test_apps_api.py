"""Drafts, validation, publishing and schema evolution through the HTTP API."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import inspect

from tests.platform.conftest import Org, publish, ticket_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"


def fields(doc: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = doc["forms"][0]["fields"]
    return result


def field_named(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(f for f in fields(doc) if f["key"] == key)


def table_columns(org: Org, table: str) -> set[str]:
    return {c["name"] for c in inspect(org.engine).get_columns(table)}


def test_half_finished_draft_is_saved_and_its_problems_listed(org: Org) -> None:
    client = org.client()
    assert client.post("/api/v1/apps", json={"key": "tickets", "label": {"en": "T"}}).status_code == 201
    draft = {"key": "tickets", "label": {"en": "T"}, "forms": [{"key": "f", "fields": [{"kind": "text"}]}]}
    saved = client.put("/api/v1/apps/tickets/draft", json=draft).json()
    assert saved["saved"] is True and saved["valid"] is False
    assert {e["path"] for e in saved["errors"]} == {"/forms/0", "/forms/0/fields/0"}
    assert client.get("/api/v1/apps/tickets").json()["draft"] == draft
    refused = client.post("/api/v1/apps/tickets/publish")
    assert refused.status_code == 422
    assert refused.json()["errors"] == saved["errors"]


def test_publish_creates_immutable_versions(org: Org) -> None:
    client = org.client()
    first = publish(client, ticket_app())
    assert first.status_code == 200 and first.json()["version"] == 1
    assert publish(client, ticket_app()).json() == {"dry_run": False, "unchanged": True, "version": 1, "plan": []}
    doc = ticket_app(label={"zh-CN": "工单二", "en": "Tickets 2"})
    assert publish(client, doc).json()["version"] == 2
    versions = client.get("/api/v1/apps/tickets/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["parent_id"] == versions[1]["id"]
    assert len({v["content_hash"] for v in versions}) == 2
    v1 = client.get("/api/v1/apps/tickets/versions/1").json()
    assert v1["definition"]["label"] == ticket_app()["label"]
    assert client.get("/api/v1/apps/tickets/export").json()["label"] == doc["label"]


def test_dry_run_shows_the_plan_and_changes_nothing(org: Org) -> None:
    client = org.client()
    plan = publish(client, ticket_app(), dry_run=True).json()
    assert plan["dry_run"] is True
    assert plan["plan"][0]["steps"][0]["op"] == "create_table"
    assert client.get("/api/v1/apps/tickets/versions").json() == []
    assert client.get(RECORDS).status_code == 404


def test_add_relabel_rename_archive_keep_every_value(org: Org) -> None:
    client = org.client()
    publish(client, ticket_app())
    rid = client.post(RECORDS, json={"title": "printer", "body": "jammed", "phone": "+86 1380000000"}).json()["id"]
    doc = ticket_app()
    field_named(doc, "title")["label"] = {"zh-CN": "主题", "en": "Subject"}
    body = field_named(doc, "body")
    body.update(key="details", renamed_from="body")
    fields(doc).remove(field_named(doc, "phone"))
    fields(doc).append({"key": "channel", "kind": "text", "label": {"en": "Channel"}})
    plan = publish(client, doc, dry_run=True).json()["plan"][0]
    assert [(s["op"], s["field"], s["ddl"]) for s in plan["steps"]] == [
        ("rename_field", "details", True), ("archive_field", "phone", True),
        ("add_field", "channel", True), ("relabel", "title", False)]
    assert publish(client, doc).status_code == 200
    record = client.get(f"{RECORDS}/{rid}").json()
    assert record["details"] == "jammed" and record["channel"] is None and "phone" not in record
    table = plan["table"]
    assert {"phone_arch2", "details", "channel"} <= table_columns(org, table)
    assert "body" not in table_columns(org, table)
    with org.engine.connect() as conn:
        from sqlalchemy import text

        kept = conn.execute(text(f'SELECT phone_arch2 FROM "{table}" WHERE id = :i'), {"i": rid}).scalar()
    assert kept == "+86 1380000000"


def test_retype_converts_values(org: Org) -> None:
    client = org.client()
    doc = ticket_app()
    publish(client, doc)
    ids = [client.post(RECORDS, json={"title": t, "body": b}).json()["id"] for t, b in [("a", "12"), ("b", None)]]
    retyped = copy.deepcopy(doc)
    field_named(retyped, "body")["kind"] = "integer"
    assert publish(client, retyped).status_code == 200
    assert [client.get(f"{RECORDS}/{i}").json()["body"] for i in ids] == [12, None]
    assert client.get(RECORDS, params={"sort": "body"}).status_code == 200


def test_retype_refused_names_rows_and_loses_nothing(org: Org) -> None:
    client = org.client()
    doc = ticket_app()
    publish(client, doc)
    good = client.post(RECORDS, json={"title": "t1", "body": "7"}).json()["id"]
    bad = [client.post(RECORDS, json={"title": "t", "body": b}).json()["id"] for b in ("seven", "7.5")]
    retyped = copy.deepcopy(doc)
    field_named(retyped, "body")["kind"] = "integer"
    fields(retyped).append({"key": "extra", "kind": "text", "label": {"en": "X"}})
    dry = publish(client, retyped, dry_run=True).json()
    assert dry["unconvertible"] == {"ticket": {"body": bad}}
    refused = client.post("/api/v1/apps/tickets/publish")
    assert refused.status_code == 422
    assert refused.json()["unconvertible"] == {"ticket": {"body": bad}}
    assert refused.json()["errors"][0]["path"] == "/forms/0/fields/1/kind"
    assert [v["number"] for v in client.get("/api/v1/apps/tickets/versions").json()] == [1]
    assert client.get(f"{RECORDS}/{bad[0]}").json()["body"] == "seven"
    assert client.get(f"{RECORDS}/{good}").json()["body"] == "7"
    assert "extra" not in client.get(f"{RECORDS}/{good}").json()


def test_openapi_per_app_describes_each_form(org: Org) -> None:
    client = org.client()
    publish(client, ticket_app())
    spec = client.get("/api/v1/apps/tickets/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert RECORDS in spec["paths"] and f"{RECORDS}/{{record_id}}" in spec["paths"]
    props = spec["components"]["schemas"]["ticket_input"]["properties"]
    assert props["status"]["enum"] == ["new", "open", "closed", None]  # null clears a field
    assert spec["components"]["schemas"]["ticket_input"]["required"] == ["title"]
    assert client.get("/openapi.json").status_code == 200


def test_import_and_export_round_trip(org: Org) -> None:
    client = org.client()
    imported = client.post("/api/v1/apps/import", json=ticket_app())
    assert imported.status_code == 200 and imported.json()["version"] == 1
    assert client.get("/api/v1/apps/tickets/export").json() == ticket_app()
    assert [a["key"] for a in client.get("/api/v1/apps").json()] == ["tickets"]


def test_app_schema_is_served(org: Org) -> None:
    schema = org.client().get("/api/v1/schema/app.json").json()
    assert schema["$schema"].endswith("2020-12/schema")


def test_the_home_page_shows_the_published_name_and_icon(org: Org) -> None:
    client = org.client()
    doc = ticket_app()
    assert publish(client, doc).status_code == 200
    [before] = [a for a in client.get("/api/v1/apps").json() if a["key"] == "tickets"]
    assert before["icon"] is None
    doc["label"] = {"zh-CN": "工单中心", "en": "Ticket desk"}
    doc.setdefault("settings", {})["icon"] = {"name": "customer_service", "color": "#13c2c2"}
    assert client.put("/api/v1/apps/tickets/draft", json=doc).status_code == 200
    [drafted] = [a for a in client.get("/api/v1/apps").json() if a["key"] == "tickets"]
    assert drafted["label"] == before["label"]  # a draft is not what users see
    assert publish(client, doc).status_code == 200
    [after] = [a for a in client.get("/api/v1/apps").json() if a["key"] == "tickets"]
    assert after["label"] == {"zh-CN": "工单中心", "en": "Ticket desk"}
    assert after["icon"] == {"name": "customer_service", "color": "#13c2c2"}
    catalog = client.get("/api/v1/catalog").json()
    assert "customer_service" in catalog["app_icons"] and "#13c2c2" in catalog["app_colors"]

    doc["settings"]["icon"] = {"name": "unicorn", "color": "teal"}
    refused = publish(client, doc)
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} == {"/settings/icon/name", "/settings/icon/color"}
