""""View as" under the draft's roles: the same rows and fields as logging in as that person after publishing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from dajian.platform.models import audit_log, users
from tests.platform.conftest import Org, ticket_app
from tests.platform.test_permissions import RECORDS, roles, titles, world  # noqa: F401  (the fixture)

VIEW_AS = "/api/v1/apps/tickets/draft/view-as"


def user_id(org: Org, username: str) -> int:
    with org.engine.connect() as conn:
        found: int = conn.execute(select(users.c.id).where(users.c.org_id == org.id,
                                                           users.c.username == username)).scalar_one()
    return found


def seen(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(VIEW_AS, json={"form": "ticket", **body})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_view_as_shows_the_rows_the_person_sees(org: Org, world: dict[str, Any]) -> None:  # noqa: F811
    admin = org.client()
    for name in ("own", "dept", "tree", "all", "limited"):
        answer = seen(admin, user_id=user_id(org, name))
        assert {r["title"] for r in answer["items"]} == titles(world["clients"][name]), name
        assert answer["principal"]["roles"] == [name]


def test_view_as_uses_the_draft_not_the_published_roles(org: Org, world: dict[str, Any]) -> None:  # noqa: F811
    admin = org.client()
    draft = ticket_app(roles=roles())
    draft["roles"][0]["permissions"]["ticket"]["row_scope"] = "dept"  # "own" widened in the draft only
    draft["roles"][4]["permissions"]["ticket"]["read_fields"] = ["title"]
    assert admin.put("/api/v1/apps/tickets/draft", json=draft).status_code == 200
    own = seen(admin, user_id=user_id(org, "own"))
    assert {r["title"] for r in own["items"]} == {"by own", "by peer"}
    assert titles(world["clients"]["own"]) == {"by own"}  # the published roles still rule the app
    limited = seen(admin, user_id=user_id(org, "limited"))
    assert limited["fields"] == ["title"] and all("qty" not in r for r in limited["items"])
    # after publishing, logging in as them gives what view-as showed
    assert admin.post("/api/v1/apps/tickets/publish").status_code == 200
    assert titles(world["clients"]["own"]) == {"by own", "by peer"}


def test_view_as_a_role_and_department(org: Org, world: dict[str, Any]) -> None:  # noqa: F811
    admin = org.client()
    support = org.depts["support"]
    answer = seen(admin, roles=["tree"], dept_id=support)
    assert {r["title"] for r in answer["items"]} == titles(world["clients"]["tree"])
    assert answer["principal"]["user_id"] is None
    refused = seen(admin, roles=["nobody"], dept_id=support)
    assert refused["allowed"] is False and refused["items"] == [] and "read" in refused["reason"]


def test_view_as_is_audited_and_for_app_managers_only(org: Org, world: dict[str, Any], engine: Engine) -> None:  # noqa: F811
    admin = org.client()
    seen(admin, user_id=user_id(org, "own"))
    with engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).where(audit_log.c.entity == "permission")).scalars().all()
    assert "view_as" in actions
    denied = world["clients"]["all"].post(VIEW_AS, json={"form": "ticket", "user_id": user_id(org, "own")})
    assert denied.status_code == 403


def test_view_as_names_bad_input(org: Org, world: dict[str, Any]) -> None:  # noqa: F811
    admin = org.client()
    both = admin.post(VIEW_AS, json={"form": "ticket", "user_id": 1, "roles": ["own"]})
    assert both.status_code == 422
    draft = ticket_app(roles=roles())
    draft["roles"][3]["permissions"]["ticket"]["also_where"] = "no_such_field = 1"
    assert admin.put("/api/v1/apps/tickets/draft", json=draft).status_code == 200
    bad = admin.post(VIEW_AS, json={"form": "ticket", "user_id": user_id(org, "all")})
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"][0]["path"] == "/roles/3/permissions/ticket/also_where"


def test_members_counts_each_role(org: Org, world: dict[str, Any]) -> None:  # noqa: F811
    members = org.client().get("/api/v1/apps/tickets/draft/members").json()
    assert members["role_members"]["own"] == 4  # own, peer, deep, seller
    assert {p["username"] for p in members["people"]} >= {"own", "peer", "limited"}




def test_view_as_on_a_draft_that_is_not_an_object_is_a_422(org: Org, world: dict[str, Any]) -> None:  # noqa: F811
    """A draft may hold anything (schemathesis saved a JSON array): view-as names it, never a 500."""
    admin = org.client()
    assert admin.put("/api/v1/apps/tickets/draft", json=["not", "an", "app"]).status_code == 200
    refused = admin.post(VIEW_AS, json={"form": "ticket", "user_id": user_id(org, "all")})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [{"path": "", "message": "must be an object"}]
