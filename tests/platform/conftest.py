"""Fixtures for API tests: an app per test session and a fresh organisation per test."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dajian.platform.app import create_app
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.config import Settings
from dajian.platform.directory import create_department
from dajian.platform.principal import Principal

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def api(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(database_url=str(engine.url), files_dir=tmp_path_factory.mktemp("files"),
                        max_body_bytes=64 * 1024, count_cap=25)
    return create_app(settings, engine=engine)


def login(api: FastAPI, username: str, org: str | None = None, password: str = PASSWORD) -> TestClient:
    """A client with a browser session: cookies plus the CSRF header on every call."""
    client = TestClient(api)
    body: dict[str, Any] = {"username": username, "password": password}
    if org:
        body["org"] = org
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@dataclass
class Org:
    """A fresh organisation with an admin, a department tree and helpers to add people."""

    api: FastAPI
    engine: Engine
    key: str
    id: int
    admin_id: int
    depts: dict[str, int] = field(default_factory=dict)

    def client(self, username: str = "admin") -> TestClient:
        return login(self.api, username, self.key)

    def add_user(self, username: str, *, dept: str | None = None, admin: bool = False) -> int:
        with self.engine.begin() as conn:
            return create_user(conn, org_id=self.id, username=username, password=PASSWORD,
                               dept_id=self.depts[dept] if dept else None, is_org_admin=admin)

    def add_dept(self, key: str, parent: str | None = None) -> int:
        principal = Principal(user_id=self.admin_id, org_id=self.id, dept_id=None, is_org_admin=True, via="system")
        with self.engine.begin() as conn:
            dept = create_department(conn, principal, key=key, name=key.title(),
                                     parent_id=self.depts[parent] if parent else None)
        self.depts[key] = dept["id"]
        return int(dept["id"])


@pytest.fixture
def org(api: FastAPI, engine: Engine) -> Iterator[Org]:
    key = f"org_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=key)
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    yield Org(api=api, engine=engine, key=key, id=org_id, admin_id=admin_id)


def ticket_app(**overrides: Any) -> dict[str, Any]:
    """A small app used across API tests: one form covering every foundation field kind."""
    options = [{"value": v, "label": {"zh-CN": v, "en": v}} for v in ("new", "open", "closed")]
    fields = [
        {"key": "title", "kind": "text", "label": {"zh-CN": "标题", "en": "Title"}, "required": True,
         "max_length": 100},
        {"key": "body", "kind": "long_text", "label": {"en": "Body"}},
        {"key": "qty", "kind": "integer", "label": {"en": "Qty"}},
        {"key": "amount", "kind": "decimal", "label": {"en": "Amount"}, "precision": 12, "scale": 2},
        {"key": "urgent", "kind": "boolean", "label": {"en": "Urgent"}, "default": False},
        {"key": "due", "kind": "date", "label": {"en": "Due"}},
        {"key": "seen_at", "kind": "datetime", "label": {"en": "Seen at"}},
        {"key": "status", "kind": "single_select", "label": {"en": "Status"}, "options": options, "default": "new"},
        {"key": "tags", "kind": "multi_select", "label": {"en": "Tags"}, "options": options},
        {"key": "email", "kind": "email", "label": {"en": "E-mail"}},
        {"key": "phone", "kind": "phone", "label": {"en": "Phone"}},
        {"key": "assignee", "kind": "user", "label": {"en": "Assignee"}},
        {"key": "team", "kind": "department", "label": {"en": "Team"}},
    ]
    doc: dict[str, Any] = {
        "schema_version": 2, "key": "tickets", "label": {"zh-CN": "工单", "en": "Tickets"},
        "forms": [{"key": "ticket", "label": {"zh-CN": "工单", "en": "Ticket"}, "fields": fields}],
        "roles": [],
    }
    doc.update(overrides)
    return doc


def publish(client: TestClient, doc: dict[str, Any], *, dry_run: bool = False) -> Any:
    """Create the app if needed, save the draft and publish it."""
    if client.get(f"/api/v1/apps/{doc['key']}").status_code == 404:
        created = client.post("/api/v1/apps", json={"key": doc["key"], "label": doc["label"]})
        assert created.status_code == 201, created.text
    saved = client.put(f"/api/v1/apps/{doc['key']}/draft", json=doc)
    assert saved.status_code == 200, saved.text
    return client.post(f"/api/v1/apps/{doc['key']}/publish", params={"dry_run": dry_run})
