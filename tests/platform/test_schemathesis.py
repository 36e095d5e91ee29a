"""schemathesis over the platform OpenAPI and two apps' OpenAPIs: no request may answer 5xx, and every
answer must match the documented schema (the 4xx bodies included, see ``errors.ErrorBody``).

Valid and invalid input alike (schemathesis' positive and negative modes). Bounded: a few examples
per operation (``DAJIAN_FUZZ_EXAMPLES``, default 12 on SQLite and half as many on PostgreSQL; about a
minute and a half in all); ``DAJIAN_FUZZ_BACKENDS`` picks the databases (default both). Half the
generated requests get real keys for ``org_key``, ``app_key`` and ``form_key``, and the ids of a
ticket, its comment and file, a saved view and a survey link about the ticket, so they reach past the
404 of an unknown app or id (the app has a public form and a survey form for the same reason).

Not fuzzed, because they would end the run itself: ``POST /api/v1/auth/logout`` and
``DELETE /api/v1/auth/tokens/{token_id}`` (they could sign out or revoke the fuzzing token).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine, delete, select

from dajian.platform.clock import utcnow
from dajian.platform.models import apps, login_attempts
from dajian.platform.surveys import make_token
from tests.platform.conftest import Org, publish, ticket_app
from tests.platform.test_form_structure import shop_app

EXAMPLES = int(os.environ.get("DAJIAN_FUZZ_EXAMPLES", "12"))
FUZZ_BACKENDS = os.environ.get("DAJIAN_FUZZ_BACKENDS", "sqlite,postgresql").split(",")
SHARE = {"sqlite": 1.0, "postgresql": 0.5}  # PostgreSQL answers the same code; fewer examples keep CI short
SKIPPED = {"POST /api/v1/auth/logout", "DELETE /api/v1/auth/tokens/{token_id}"}
SCOPES = ["records:read", "records:write", "apps:read", "apps:manage", "admin"]
CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz_app() -> dict[str, Any]:
    """The ticket app with a public form and a survey form (a feedback rating a ticket), so the public
    pages and the survey link are reached past their 404s too."""
    doc = ticket_app(rules=[{"key": "web", "kind": "public_form", "form": "ticket", "contact_field": "phone",
                             "status_field": "status", "fields": ["title", "body", "qty", "due", "phone"]}])
    doc["forms"][0]["fields"] += [  # what a public form's channel and status look-up record and read
        {"key": "channel", "kind": "text", "label": {"en": "Channel"}},
        {"key": "serial", "kind": "serial", "label": {"en": "No."}, "config": {"pattern": "T{0000}"}}]
    doc["forms"].append({"key": "feedback", "label": {"en": "Feedback"}, "fields": [
        {"key": "ticket", "kind": "relation", "label": {"en": "Ticket"}, "config": {"form": "ticket"}},
        {"key": "score", "kind": "integer", "label": {"en": "Score"}, "min": 1, "max": 5},
        {"key": "remark", "kind": "text", "label": {"en": "Remark"}, "max_length": 200}]})
    return doc


@dataclass
class Fuzzed:
    org: Org
    known: dict[str, str]  # path parameters that name things that exist


@pytest.fixture
def fuzz_org(org: Org, engine: Engine) -> Iterator[Fuzzed]:
    if engine.dialect.name not in FUZZ_BACKENDS:
        pytest.skip(f"fuzzing runs on {FUZZ_BACKENDS} (DAJIAN_FUZZ_BACKENDS)")
    client = org.client()
    for doc in (fuzz_app(), shop_app()):
        assert publish(client, doc).status_code == 200
    started = utcnow()
    yield Fuzzed(org, _things(org))
    with engine.begin() as conn:  # the fuzzed logins failed from the test client's address: unlock it
        conn.execute(delete(login_attempts).where(login_attempts.c.at >= started))


def _things(org: Org) -> dict[str, str]:
    """A ticket with a comment and its file, a saved view and a survey link about the ticket."""
    client, form = org.client(), "/api/v1/apps/tickets/forms/ticket"
    ticket = client.post(f"{form}/records", json={"title": "fuzz", "phone": "13800000000"}).json()["id"]
    upload = client.post(f"{form}/comments/files", content=b"fuzz", headers={"X-Filename": "a.txt"}).json()
    comment = client.post(f"{form}/records/{ticket}/comments", json={"body": "fuzz", "files": [upload["id"]]})
    view = client.post(f"{form}/views", json={"name": "fuzz"}).json()["id"]
    with org.engine.begin() as conn:
        app_id = conn.execute(select(apps.c.id).where(apps.c.org_id == org.id, apps.c.key == "tickets")).scalar_one()
        token = make_token(conn, org_id=org.id, app_id=app_id, form="feedback", ref_form="ticket", ref_id=ticket)
    ids = {"record_id": ticket, "comment_id": comment.json()["id"], "file_id": upload["id"], "view_id": view}
    return {"org_key": org.key, "app_key": "tickets", "form_key": "ticket", "token": token,
            **{k: str(v) for k, v in ids.items()}}


def _token(org: Org) -> str:
    response = org.client().post("/api/v1/auth/tokens", json={"name": "fuzz", "scopes": SCOPES})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def _fuzz(schema: Any, *, token: str, known: dict[str, str], examples: int) -> list[str]:
    """Run every operation for ``examples`` examples; return one line per failing check."""
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SKIPPED:
            continue

        cases = st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode))  # valid and invalid input

        @given(case=cases, real_keys=st.booleans())
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])
        def run(case: Any, real_keys: bool) -> None:
            if real_keys and case.path_parameters:
                case.path_parameters.update({k: v for k, v in known.items() if k in case.path_parameters})
            case.headers = {**(case.headers or {}), **headers}
            response = case.call()
            try:
                case.validate_response(response, checks=CHECKS)
            except (Failure, FailureGroup) as exc:  # record it and fuzz on
                failures.append(f"{case.operation.label} {case.path_parameters} {case.query} {_body(case)}: "
                                f"{response.status_code} {_messages(exc)}")

        run()
    return failures


def _examples(org: Org) -> int:
    return max(1, round(EXAMPLES * SHARE.get(org.engine.dialect.name, 1.0)))


def _body(case: Any) -> str:
    return "" if isinstance(case.body, NotSet) else repr(case.body)[:200]


def _messages(exc: Failure | FailureGroup) -> str:
    found = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
    return "; ".join(f"{f.title}: {f.message[:200]}" for f in found)


def test_platform_openapi_has_no_server_errors(fuzz_org: Fuzzed, api: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api)
    org = fuzz_org.org
    assert _fuzz(schema, token=_token(org), known=fuzz_org.known, examples=_examples(org)) == []


def test_app_openapi_has_no_server_errors(fuzz_org: Fuzzed, api: FastAPI) -> None:
    org = fuzz_org.org
    token = _token(org)
    for app_key in ("tickets", "shop"):
        schema = schemathesis.openapi.from_asgi(f"/api/v1/apps/{app_key}/openapi.json", api,
                                                headers={"Authorization": f"Bearer {token}"})
        known = {"record_id": fuzz_org.known["record_id"]} if app_key == "tickets" else {}
        assert _fuzz(schema, token=token, known=known, examples=_examples(org)) == []


def test_the_documented_422_is_the_real_body(fuzz_org: Fuzzed, api: FastAPI) -> None:
    for doc in (TestClient(api).get("/openapi.json").json(),
                fuzz_org.org.client().get("/api/v1/apps/tickets/openapi.json").json()):
        assert "HTTPValidationError" not in doc["components"]["schemas"]
        invalid = {op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                   for item in doc["paths"].values() for op in item.values() for status in ("422", "4XX")
                   if status in op["responses"]}  # 422 where there is input to refuse
        assert invalid == {"#/components/schemas/ErrorBody"}
        assert doc["components"]["schemas"]["ErrorBody"]["required"] == ["code", "detail"]
