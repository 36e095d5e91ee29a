"""Every route of the platform API against the access table (``dajian/platform/api/v1/access.py``), on
SQLite and PostgreSQL: a token lacking the route's scope gets 403 and one carrying it does not, and
anonymous callers, members, app managers and admins get the outcome their role allows.

Requests carry made-up ids and an empty JSON body: an allowed call then fails later (404, 422),
which is enough to tell "let in" from "refused at the door" without changing anything that matters.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dajian.platform.api.access import ROUTES, Need
from dajian.platform.principal import SCOPES
from tests.platform.conftest import Org, publish, ticket_app

NO_SUCH_ID = "999999999"
FIXED = {"app_key": "tickets", "form_key": "ticket", "field_key": "title", "box": "pending"}
ROLES = ("anonymous", "member", "app_manager", "admin")


def routes(api: FastAPI) -> list[tuple[str, str]]:
    return sorted((method.upper(), path) for path, item in api.openapi()["paths"].items() for method in item)


def call(client: TestClient, method: str, path: str, org_key: str, headers: dict[str, str] | None = None
         ) -> httpx.Response:
    url = re.sub(r"{(\w+)}", lambda m: org_key if m[1] == "org_key" else FIXED.get(m[1], NO_SUCH_ID), path)
    body = {} if method in ("POST", "PUT", "PATCH", "DELETE") else None
    response: httpx.Response = client.request(method, url, json=body, headers=headers)
    return response


@pytest.fixture
def world(org: Org) -> dict[str, Any]:
    """The ticket app with a managing role and a working role; a member of each; tokens of the admin."""
    admin = org.client()
    roles = [
        {"key": "manager", "label": {"en": "Manager"}, "manage_app": True,
         "permissions": {"ticket": {"actions": ["create", "read", "update", "delete", "export"], "row_scope": "all"}}},
        {"key": "worker", "label": {"en": "Worker"},
         "permissions": {"ticket": {"actions": ["create", "read", "update", "delete", "export"], "row_scope": "own"}}},
    ]
    assert publish(admin, ticket_app(roles=roles)).status_code == 200
    for name, role in (("manager", "manager"), ("member", "worker")):
        user_id = org.add_user(name)
        granted = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": role})
        assert granted.status_code == 201, granted.text

    def token(scopes: list[str]) -> dict[str, str]:
        minted = admin.post("/api/v1/auth/tokens", json={"name": "walk", "scopes": scopes})
        assert minted.status_code == 201, minted.text
        return {"Authorization": f"Bearer {minted.json()['token']}"}

    return {
        "lacking": {s: token([o for o in SCOPES if o != s]) for s in SCOPES},
        "only": {s: token([s]) for s in SCOPES},
        "clients": {"anonymous": TestClient(org.api), "member": org.client("member"),
                    "app_manager": org.client("manager"), "admin": admin},
    }


def test_every_route_declares_its_access(api: FastAPI) -> None:
    """A new route must get a line in the access table; a removed one must lose it."""
    declared = set(ROUTES)
    served = set(routes(api))
    assert sorted(served - declared) == [], "routes without an access declaration"
    assert sorted(declared - served) == [], "declarations of routes that do not exist"


def test_a_token_without_the_route_scope_gets_403(api: FastAPI, org: Org, world: dict[str, Any]) -> None:
    client = TestClient(api)
    wrong: list[str] = []
    for method, path in routes(api):
        scope = ROUTES[(method, path)].scope
        if scope is None:
            continue
        lacking = call(client, method, path, org.key, world["lacking"][scope])
        if lacking.status_code != 403 or scope not in lacking.text:
            wrong.append(f"{method} {path} without {scope}: {lacking.status_code} {lacking.text[:120]}")
        carrying = call(client, method, path, org.key, world["only"][scope])
        if carrying.status_code in (401, 403):
            wrong.append(f"{method} {path} with only {scope}: {carrying.status_code} {carrying.text[:120]}")
    assert wrong == []


def expected(need: Need, caller: str) -> str:
    """The outcome table: ``401`` not signed in, ``403`` refused, ``in`` let in."""
    if need.role == "anonymous":
        return "in"
    if caller == "anonymous":
        return "401"
    return "in" if ROLES.index(caller) >= ROLES.index(need.role) else "403"


def outcome(response: httpx.Response) -> str:
    return str(response.status_code) if response.status_code in (401, 403) else "in"


@pytest.mark.parametrize("caller", ROLES)
def test_each_role_gets_the_outcome_of_the_table(api: FastAPI, org: Org, world: dict[str, Any],
                                                 caller: str) -> None:
    client = world["clients"][caller]
    wrong = []
    for method, path in routes(api):
        if (method, path) == ("POST", "/api/v1/auth/logout"):
            continue  # would end the session the other calls use; it is for members (see the table)
        want = expected(ROUTES[(method, path)], caller)
        got = call(client, method, path, org.key)
        if outcome(got) != want:
            wrong.append(f"{method} {path}: want {want}, got {got.status_code} {got.text[:120]}")
    assert wrong == []


def test_members_cannot_read_drafts_definitions_or_versions(org: Org, world: dict[str, Any]) -> None:
    member = world["clients"]["member"]
    for path in ("/api/v1/apps/tickets", "/api/v1/apps/tickets/export", "/api/v1/apps/tickets/versions",
                 "/api/v1/apps/tickets/versions/1"):
        assert member.get(path).status_code == 403, path
    reader = TestClient(org.api)
    assert reader.get("/api/v1/apps/tickets/export", headers=world["only"]["apps:read"]).status_code == 200
    assert reader.get("/api/v1/apps/tickets/export", headers=world["only"]["records:read"]).status_code == 403
