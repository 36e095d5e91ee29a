"""The README's walkthrough, run as written: the same JSON, the same endpoints."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.platform.conftest import Org

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_app() -> dict[str, Any]:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- readme-example: app -->\s*```json\n(.*?)```", text, re.S)
    assert match, "the README lost its example app"
    loaded: dict[str, Any] = json.loads(match.group(1))
    return loaded


def test_readme_walkthrough(org: Org) -> None:
    session = org.client()
    token = session.post("/api/v1/auth/tokens", json={
        "name": "readme", "scopes": ["records:read", "records:write", "apps:read", "apps:manage"]})
    assert token.status_code in (200, 201), token.text
    api = TestClient(org.api, headers={"Authorization": f"Bearer {token.json()['token']}"})
    imported = api.post("/api/v1/apps/import", json=readme_app())
    assert imported.status_code == 200, imported.text
    records = "/api/v1/apps/visits/forms/visit/records"
    created = api.post(records, json={"visitor": "王芳", "purpose": "meeting",
                                      "arrived_at": "2026-11-23T09:30:00+08:00", "deposit": "50"})
    assert created.status_code == 201, created.text
    assert created.json()["deposit"] == "50.00"
    api.post(records, json={"visitor": "快递", "purpose": "delivery"})
    listed = api.get(records, params={"filter": json.dumps({"==": [{"var": "purpose"}, "meeting"]}),
                                      "sort": "-arrived_at"}).json()
    assert [r["visitor"] for r in listed["items"]] == ["王芳"]
    assert listed["items"][0]["arrived_at"] == "2026-11-23T01:30:00+00:00"


def test_readme_names_exactly_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    setup = text.split("## Set up on a fresh machine", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^(scripts/\w+)", setup, re.M)
    assert commands == ["scripts/serve", "scripts/test"]
    root = README.parent
    assert all((root / c).exists() for c in commands)
    assert "scripts/test" in (root / ".ci" / "run").read_text()
