"""Message templates too large to render are refused at publish with their path; those whose size only
shows at render time fail that notification with a clear error instead of making a huge job (item 9)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dajian.platform.rules.tables import notifications
from tests.engines.rule.complaint_rules import complaint_app
from tests.platform.conftest import Org, publish


def with_rule(actions: list[dict[str, Any]]) -> dict[str, Any]:
    doc = complaint_app()
    doc["rules"] = [{"key": "loud", "form": "complaint", "on": [{"event": "created"}], "actions": actions}]
    return doc


def test_a_literal_repeat_count_is_refused_at_publish(org: Org) -> None:
    doc = with_rule([{"kind": "notify", "to": [{"user": org.admin_id}], "channels": ["in_app"],
                      "subject": "x", "body": "{{ record.title * 2000000 }}"}])
    response = publish(org.client(), doc)
    assert response.status_code == 422, response.text
    assert {"path": "/rules/0/actions/0/body", "message": "a template may repeat a value at most 100000 times"} \
        in response.json()["errors"]


def test_a_repeat_count_from_the_record_fails_the_notification_not_the_server(org: Org) -> None:
    doc = with_rule([{"kind": "notify", "to": [{"user": org.admin_id}], "channels": ["in_app"],
                      "subject": "x", "body": "{{ record.title * record.amount|int }}"}])
    client = org.client()
    assert publish(client, doc).status_code == 200, publish(client, doc).text
    made = client.post("/api/v1/apps/complaints/forms/complaint/records",
                       json={"title": "t" * 100, "customer": "ACME", "amount": "2000000", "description": "x"})
    assert made.status_code == 201, made.text
    with org.engine.connect() as conn:
        bodies = conn.execute(select(notifications.c.body)).scalars().all()
    assert all(len(b or "") < 10_000 for b in bodies)
    runs = client.get("/api/v1/apps/complaints/rules/runs", params={"rule": "loud", "record_id": made.json()["id"]})
    [run] = runs.json()["items"]
    assert run["status"] == "error"
    assert "template refused: a template value may hold at most 100000 characters or items" in run["error"]
