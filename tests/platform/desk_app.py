"""A one-form app, ``desk`` with its form ``ticket`` and an ``agent`` role, and the people who use it:
the set-up of the list-view API tests (saved views, bulk changes), each module with its own fields."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.platform.conftest import Org, publish

FORM = "/api/v1/apps/desk/forms/ticket"
STATUS = [{"value": "open", "label": {"en": "Open"}}, {"value": "done", "label": {"en": "Done"}}]


def desk(fields: list[dict[str, Any]], ticket_permissions: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 1, "key": "desk", "label": {"en": "Desk"},
            "forms": [{"key": "ticket", "label": {"en": "Ticket"}, "fields": fields}],
            "roles": [{"key": "agent", "label": {"en": "Agent"}, "permissions": {"ticket": ticket_permissions}}]}


def published(org: Org, doc: dict[str, Any]) -> TestClient:
    """The organisation's admin, once ``doc`` is published."""
    client = org.client()
    response = publish(client, doc)
    assert response.status_code == 200, response.text
    return client


def agent(org: Org, admin: TestClient, name: str) -> TestClient:
    """A new user with the desk's agent role, signed in."""
    user_id = org.add_user(name)
    grant = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "desk", "role": "agent"})
    assert grant.status_code == 201, grant.text
    return org.client(name)
