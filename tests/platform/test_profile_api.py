"""My profile (language, name, password) and an app's navigation for the web UI."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.platform.conftest import PASSWORD, Org, login, publish, ticket_app


def test_my_language_is_remembered_across_sign_ins(org: Org) -> None:
    org.add_user("ana")
    client = org.client("ana")
    assert client.get("/api/v1/auth/me").json()["user"]["locale"] == "zh-CN"
    changed = client.patch("/api/v1/auth/me", json={"locale": "en"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["user"]["locale"] == "en"
    again = org.client("ana")  # a new sign-in: the login answer carries the language too
    assert again.get("/api/v1/auth/me").json()["user"]["locale"] == "en"


def test_an_unknown_language_or_blank_name_is_a_422_naming_the_field(org: Org) -> None:
    client = org.client()
    bad = client.patch("/api/v1/auth/me", json={"locale": "fr"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"path": "/locale", "message": "must be one of zh-CN, en"}]
    blank = client.patch("/api/v1/auth/me", json={"display_name": "   "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["path"] == "/display_name"
    unknown = client.patch("/api/v1/auth/me", json={"theme": "dark"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "/theme"


def test_profile_changes_need_the_csrf_header(org: Org) -> None:
    client = org.client()
    del client.headers["X-CSRF-Token"]
    assert client.patch("/api/v1/auth/me", json={"locale": "en"}).status_code == 403


def test_changing_my_password_signs_out_my_other_sessions_only(api: FastAPI, org: Org) -> None:
    org.add_user("bo")
    here, elsewhere = org.client("bo"), org.client("bo")
    new = "a much better passphrase"
    changed = here.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": new})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"sessions_ended": 1}
    assert here.get("/api/v1/auth/me").status_code == 200
    assert elsewhere.get("/api/v1/auth/me").status_code == 401
    old = TestClient(api).post("/api/v1/auth/login", json={"username": "bo", "org": org.key, "password": PASSWORD})
    assert old.status_code == 401
    login(api, "bo", org.key, password=new)


def test_a_wrong_current_password_is_named_and_counted(api: FastAPI, org: Org) -> None:
    org.add_user("cy")
    client = org.client("cy")
    body = {"current_password": "not it", "new_password": "whatever else 123"}
    wrong = client.post("/api/v1/auth/password", json=body)
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [{"path": "/current_password", "message": "wrong password"}]
    for _ in range(4):  # the login form's budget (5 failures) is shared with this check
        client.post("/api/v1/auth/password", json=body)
    locked = client.post("/api/v1/auth/password", json={**body, "current_password": PASSWORD})
    assert locked.status_code == 429
    assert TestClient(api).post("/api/v1/auth/login", json={
        "username": "cy", "org": org.key, "password": PASSWORD}).status_code == 429


def test_a_too_short_new_password_is_named(org: Org) -> None:
    client = org.client()
    short = client.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert short.status_code == 422
    assert short.json()["errors"][0]["path"] == "/new_password"
    same = client.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": PASSWORD})
    assert same.json()["errors"] == [{"path": "/new_password", "message": "must differ from the current password"}]


def _two_form_app() -> dict[str, Any]:
    doc = ticket_app()
    doc["forms"].append({"key": "secret", "label": {"zh-CN": "机密", "en": "Secret"},
                         "fields": [{"key": "note", "kind": "text", "label": {"en": "Note"}}]})
    doc["roles"] = [{"key": "clerk", "label": {"zh-CN": "办事员", "en": "Clerk"},
                     "permissions": {"ticket": {"actions": ["read", "create"], "row_scope": "all"}}}]
    doc["dashboards"] = [{"key": "overview", "label": {"zh-CN": "概览", "en": "Overview"}, "widgets": []}]
    return doc


def test_navigation_lists_the_forms_my_roles_reach_and_the_dashboards(org: Org) -> None:
    admin = org.client()
    assert publish(admin, _two_form_app()).status_code == 200
    user_id = org.add_user("dee")
    grant = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": "clerk"})
    assert grant.status_code in (200, 201), grant.text
    nav = org.client("dee").get("/api/v1/apps/tickets/navigation")
    assert nav.status_code == 200, nav.text
    body = nav.json()
    assert body["label"] == {"zh-CN": "工单", "en": "Tickets"}
    ticket = {"key": "ticket", "label": {"zh-CN": "工单", "en": "Ticket"}, "actions": ["read", "create"]}
    assert body["forms"] == [ticket]
    assert body["dashboards"] == [{"key": "overview", "label": {"zh-CN": "概览", "en": "Overview"}}]
    admin_nav = admin.get("/api/v1/apps/tickets/navigation").json()
    assert [f["key"] for f in admin_nav["forms"]] == ["ticket", "secret"]


def test_the_menu_follows_the_apps_groups_and_lists_the_rest_after_them(org: Org) -> None:
    admin = org.client()
    doc = _two_form_app()
    daily = {"zh-CN": "日常", "en": "Daily"}
    doc["settings"] = {"menu": [{"label": daily, "items": ["dashboard:overview", "form:secret"]}]}
    assert publish(admin, doc).status_code == 200
    default = [{"kind": "form", "key": "ticket"}]
    assert admin.get("/api/v1/apps/tickets/navigation").json()["menu"] == [
        {"label": daily, "default": None,
         "entries": [{"kind": "dashboard", "key": "overview"}, {"kind": "form", "key": "secret"}]},
        {"label": None, "default": "forms", "entries": default}]
    user_id = org.add_user("dee")
    assert admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": "clerk"}
                      ).status_code in (200, 201)
    assert org.client("dee").get("/api/v1/apps/tickets/navigation").json()["menu"] == [  # no secret for a clerk
        {"label": daily, "default": None, "entries": [{"kind": "dashboard", "key": "overview"}]},
        {"label": None, "default": "forms", "entries": default}]

    doc["settings"]["menu"][0]["items"] += ["form:nope", "form:secret"]
    refused = publish(admin, doc)
    assert refused.status_code == 422
    assert {"path": "/settings/menu/0/items/2", "message": "the app has no form 'nope'"} in refused.json()["errors"]
    assert {"path": "/settings/menu/0/items/3", "message": "form 'secret' is already in the menu"} in refused.json()[
        "errors"]


def test_navigation_of_an_unknown_app_is_a_404(org: Org) -> None:
    response = org.client().get("/api/v1/apps/nope/navigation")
    assert response.status_code == 404
