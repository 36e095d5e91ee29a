"""The HTTP contract: the committed openapi.json is the API's own document, and the platform's and an
app's documents are valid OpenAPI 3.1."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from dajian.platform.openapi import PLATFORM_FILE, REGENERATE, platform_openapi
from tests.platform.conftest import Org
from tests.platform.test_template import APP, TEMPLATE, install, load_template


def test_committed_openapi_json_is_current() -> None:
    committed = json.loads(PLATFORM_FILE.read_text(encoding="utf-8"))
    assert committed == platform_openapi(), f"openapi.json is stale: regenerate it with `{REGENERATE}`"


def test_the_committed_document_is_what_the_server_serves(api: FastAPI) -> None:
    assert json.loads(PLATFORM_FILE.read_text(encoding="utf-8")) == api.openapi()


def test_platform_openapi_is_valid_3_1() -> None:
    document = platform_openapi()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_an_apps_openapi_is_valid_3_1(org: Org) -> None:
    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    answer = org.client().get(f"/api/v1/apps/{APP}/openapi.json")
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    validate(document)
    assert f"/api/v1/apps/{APP}/forms/complaint/records" in document["paths"]


def test_the_validator_refuses_a_broken_document() -> None:
    """So that the two checks above can fail: a response without its description is not OpenAPI."""
    document = platform_openapi()
    operation = document["paths"]["/api/v1/health"]["get"]
    del operation["responses"]["200"]["description"]
    try:
        validate(document)
    except OpenAPIValidationError as exc:
        assert "description" in str(exc)
    else:
        raise AssertionError("a response without a description passed")
