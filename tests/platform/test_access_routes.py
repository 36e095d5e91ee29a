"""Every route of the platform API against the access table (``dajian/platform/api/access.py``), on
SQLite and PostgreSQL: a token of each single scope, and one of all scopes but each, gets 403 exactly
where it lacks the route's scope, and anonymous callers, members, app managers and admins get the outcome
their role allows, signed in and through a token of their own.

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

    def token(scopes: list[str], creator: TestClient = admin) -> dict[str, str]:
        minted = creator.post("/api/v1/auth/tokens", json={"name": "walk", "scopes": scopes})
        assert minted.status_code == 201, minted.text
        return {"Authorization": f"Bearer {minted.json()['token']}"}

    clients = {"anonymous": TestClient(org.api), "member": org.client("member"),
               "app_manager": org.client("manager"), "admin": admin}
    every = {"admin": list(SCOPES), "member": [s for s in SCOPES if s != "admin"]}
    every["app_manager"] = every["member"]
    return {
        "lacking": {s: token([o for o in SCOPES if o != s]) for s in SCOPES},
        "only": {s: token([s]) for s in SCOPES},
        "clients": clients,
        # each signed-in role's own token, with every scope its user may grant
        "tokens": {role: TestClient(org.api, headers=token(scopes, clients[role])) for role, scopes in every.items()},
    }


def test_every_route_declares_its_access(api: FastAPI) -> None:
    """A new route must get a line in the access table; a removed one must lose it."""
    declared = set(ROUTES)
    served = set(routes(api))
    assert sorted(served - declared) == [], "routes without an access declaration"
    assert sorted(declared - served) == [], "declarations of routes that do not exist"


def scope_outcome(need: Need, scopes: tuple[str, ...]) -> str:
    """The outcome table for the admin's tokens: only the route's scope matters."""
    return "in" if need.scope in scopes else "403"


def test_every_token_scope_gets_the_outcome_of_the_table(api: FastAPI, org: Org, world: dict[str, Any]) -> None:
    """Every route that needs a scope, with a token of each single scope and one of all scopes but one (the
    routes that need none are the role table's: there the services refuse tokens for sessions' work)."""
    client = TestClient(api)
    wrong: list[str] = []
    tokens = [((s,), world["only"][s]) for s in SCOPES]
    tokens += [(tuple(o for o in SCOPES if o != s), world["lacking"][s]) for s in SCOPES]
    for method, path in routes(api):
        need = ROUTES[(method, path)]
        if need.scope is None:
            continue
        for scopes, headers in tokens:
            got = call(client, method, path, org.key, headers)
            want = scope_outcome(need, scopes)
            if outcome(got) != want or (want == "403" and need.scope not in got.text):
                wrong.append(f"{method} {path} with {'+'.join(scopes)}: want {want}, got {got.status_code} "
                             f"{got.text[:120]}")
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


@pytest.mark.parametrize("caller", ROLES[1:])
def test_each_roles_token_gets_the_outcome_of_the_table(api: FastAPI, org: Org, world: dict[str, Any],
                                                        caller: str) -> None:
    """The same table through an API token of each role carrying every scope its user may grant."""
    client = world["tokens"][caller]
    wrong = []
    for method, path in routes(api):
        want = expected(ROUTES[(method, path)], caller)  # the services' own refusals of tokens (a new
        got = call(client, method, path, org.key)  # token, a password) come after the empty body's 422
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
