"""An administrator disables, enables and resets the password of a user (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.platform.conftest import PASSWORD, Org


def _login_status(org: Org, username: str, password: str = PASSWORD) -> int:
    body = {"username": username, "password": password, "org": org.key}
    return org.client().post("/api/v1/auth/login", json=body).status_code


def test_disabling_ends_the_session_and_refuses_login_until_enabled(org: Org) -> None:
    user_id = org.add_user("agent")
    session = org.client("agent")
    admin = org.client()
    changed = admin.patch(f"/api/v1/admin/users/{user_id}", json={"is_active": False})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": user_id, "sessions_ended": 1}
    assert session.get("/api/v1/auth/me").status_code == 401
    assert _login_status(org, "agent") == 401
    listed = {u["username"]: u for u in admin.get("/api/v1/admin/users").json()}
    assert listed["agent"]["is_active"] is False
    assert admin.patch(f"/api/v1/admin/users/{user_id}", json={"is_active": True}).status_code == 200
    assert _login_status(org, "agent") == 200
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit").json() if e["entity"] == "user"]
    assert actions[:2] == ["enable", "disable"]


def test_reset_password_takes_the_new_one_only(org: Org) -> None:
    user_id = org.add_user("agent")
    admin = org.client()
    reset = admin.patch(f"/api/v1/admin/users/{user_id}", json={"password": "a brand new secret"})
    assert reset.status_code == 200, reset.text
    assert _login_status(org, "agent") == 401
    assert _login_status(org, "agent", "a brand new secret") == 200


def test_bad_changes_name_the_field(org: Org) -> None:
    user_id = org.add_user("agent")
    admin = org.client()
    short = admin.patch(f"/api/v1/admin/users/{user_id}", json={"password": "short"})
    assert short.status_code == 422 and short.json()["errors"][0]["path"] == "/password"
    myself = admin.patch(f"/api/v1/admin/users/{org.admin_id}", json={"is_active": False})
    assert myself.status_code == 422 and myself.json()["errors"][0]["path"] == "/is_active"
    assert admin.patch("/api/v1/admin/users/999999", json={"is_active": False}).status_code == 404
    member = org.client("agent").patch(f"/api/v1/admin/users/{org.admin_id}", json={"is_active": False})
    assert member.status_code == 403
