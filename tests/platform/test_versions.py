"""The API lives under /api/v1; the unversioned paths of the previous release still answer, marked deprecated."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dajian.platform.api.versions import successor
from tests.platform.conftest import PASSWORD, Org, publish, ticket_app
from tests.platform.test_files import file_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
OLD_RECORDS = "/api/apps/tickets/forms/ticket/records"


def deprecated_for(response: Any, successor_path: str) -> bool:
    return bool(response.headers.get("Deprecation") == "true"
                and response.headers.get("Link") == f'<{successor_path}>; rel="successor-version"')


def test_successor_paths() -> None:
    assert successor("/api/apps/a/forms/f/records") == "/api/v1/apps/a/forms/f/records"
    assert successor("/api/health") == "/api/v1/health"
    for unchanged in ("/api/v1/health", "/api/v1", "/docs", "/openapi.json", "/apiary", "/api"):
        assert successor(unchanged) is None, unchanged


def test_old_login_sets_the_same_cookies_and_they_work_on_both(api: FastAPI, org: Org) -> None:
    client = TestClient(api)
    response = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD, "org": org.key})
    assert response.status_code == 200, response.text
    assert deprecated_for(response, "/api/v1/auth/login")
    assert {"dajian_session", "dajian_csrf"} <= set(client.cookies.keys())
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    old, new = client.get("/api/auth/me"), client.get("/api/v1/auth/me")
    assert old.status_code == new.status_code == 200
    assert old.json() == new.json()
    assert "Deprecation" not in new.headers and "Link" not in new.headers


def test_old_paths_answer_as_v1_with_deprecation_headers(org: Org) -> None:
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    created = admin.post(OLD_RECORDS, json={"title": "from an old script", "qty": 3})  # a POST with a body
    assert created.status_code == 201, created.text
    assert deprecated_for(created, RECORDS)
    record_id = created.json()["id"]
    assert admin.get(f"{RECORDS}/{record_id}").json()["title"] == "from an old script"

    old = admin.get(OLD_RECORDS, params={"filter": "qty = 3"})
    new = admin.get(RECORDS, params={"filter": "qty = 3"})
    assert old.status_code == new.status_code == 200
    assert old.json() == new.json()
    assert deprecated_for(old, RECORDS)

    patched = admin.patch(f"{OLD_RECORDS}/{record_id}", json={"title": "renamed", "row_version": 1})
    assert patched.status_code == 200, patched.text
    assert deprecated_for(patched, f"{RECORDS}/{record_id}")


def test_old_paths_keep_their_rules(api: FastAPI, org: Org) -> None:
    """The access table, validation errors and the idempotency key hold on the old paths too."""
    assert TestClient(api).get("/api/apps").status_code == 401
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    invalid = admin.post(OLD_RECORDS, json={"qty": "many"})
    assert invalid.status_code == 422
    assert {e["path"] for e in invalid.json()["errors"]} >= {"/title", "/qty"}
    key = {"Idempotency-Key": "old-and-new-1"}
    first = admin.post(OLD_RECORDS, json={"title": "once"}, headers=key)
    again = admin.post(RECORDS, json={"title": "once"}, headers=key)  # the same request, by its new path
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]


def test_an_upload_by_its_old_path(org: Org) -> None:
    """Uploads are exempt by path from the JSON body limit and the NUL check: their old paths as well."""
    admin = org.client()
    assert publish(admin, file_app()).status_code == 200
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * (100 * 1024)  # larger than the test app's 64 KiB JSON limit
    response = admin.post("/api/apps/tickets/forms/ticket/fields/photo/files", content=png,
                          headers={"X-Filename": "snap.png", "Content-Type": "application/octet-stream"})
    assert response.status_code == 201, response.text
    assert response.json()["size"] == len(png)
    assert deprecated_for(response, "/api/v1/apps/tickets/forms/ticket/fields/photo/files")


def test_old_paths_keep_the_json_limits(org: Org) -> None:
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    nul = admin.post(OLD_RECORDS, json={"title": "a\x00b"})
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["path"] == "/title"
    too_large = admin.post(OLD_RECORDS, json={"title": "x" * (100 * 1024)})
    assert too_large.status_code == 413
    assert deprecated_for(too_large, RECORDS)


def test_only_v1_paths_are_documented(api: FastAPI, org: Org) -> None:
    paths = api.openapi()["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths), sorted(paths)
    assert TestClient(api).get("/api/health").json()["status"] == "ok"
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    app_paths = admin.get("/api/v1/apps/tickets/openapi.json").json()["paths"]
    assert set(app_paths) == {RECORDS, RECORDS + "/{record_id}"}
