"""The platform OpenAPI: readable, unique operation ids and exactly one audience tag per operation."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI

from dajian.platform.api.audiences import AUDIENCES

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operations(api: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    paths = api.openapi()["paths"]
    return [(method, path, op) for path, item in paths.items() for method, op in item.items() if method in METHODS]


def test_operation_ids_are_readable_and_unique(api: FastAPI) -> None:
    ids = [op["operationId"] for _, _, op in operations(api)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for method, path, op in operations(api):
        oid = op["operationId"]
        assert re.fullmatch(r"[a-z][a-zA-Z0-9_]*", oid), oid
        mangled = re.sub(r"\W", "_", path).strip("_")  # FastAPI's default: name, path, method
        assert mangled not in oid and not oid.endswith(f"{mangled}_{method}"), (method, path, oid)
        assert "_api_" not in f"_{oid}" and "__" not in oid, (method, path, oid)


def test_operation_ids_a_client_calls_by(api: FastAPI) -> None:
    ids = {(method.upper(), path): op["operationId"] for method, path, op in operations(api)}
    assert ids[("POST", "/api/v1/auth/login")] == "auth_login"
    assert ids[("POST", "/api/v1/apps/{app_key}/forms/{form_key}/records")] == "records_create"
    assert ids[("GET", "/api/v1/apps")] == "apps_list"
    assert ids[("GET", "/api/v1/health")] == "platform_health"


def test_every_operation_has_exactly_one_audience(api: FastAPI) -> None:
    for method, path, op in operations(api):
        tags = op.get("tags", [])
        assert len([t for t in tags if t in AUDIENCES]) == 1 and len(tags) == 1, (method, path, tags)


def test_audiences_are_described_in_chinese_and_english(api: FastAPI) -> None:
    described = {tag["name"]: tag["description"] for tag in api.openapi()["tags"]}
    assert set(described) == AUDIENCES == {"designer", "runtime", "admin", "public", "integrations", "auth"}
    for name, text in described.items():
        assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{4,}", text), name


def test_audiences_of_some_operations(api: FastAPI) -> None:
    tags = {(method.upper(), path): op["tags"][0] for method, path, op in operations(api)}
    expected = {
        ("PUT", "/api/v1/apps/{app_key}/draft"): "designer",
        ("POST", "/api/v1/apps/{app_key}/publish"): "designer",
        ("GET", "/api/v1/apps/{app_key}/forms/{form_key}/records"): "runtime",
        ("GET", "/api/v1/flows/inbox/{box}"): "runtime",
        ("GET", "/api/v1/apps"): "runtime",
        ("GET", "/api/v1/notifications"): "runtime",
        ("GET", "/api/v1/admin/users"): "admin",
        ("PUT", "/api/v1/admin/webhook-allowlist"): "admin",
        ("POST", "/api/v1/public/{org_key}/{app_key}/forms/{form_key}"): "public",
        ("POST", "/api/v1/inbound/{channel_id}"): "integrations",
        ("GET", "/api/v1/apps/{app_key}/webhooks"): "integrations",
        ("GET", "/api/v1/auth/me"): "auth",
    }
    assert {key: tags[key] for key in expected} == expected
