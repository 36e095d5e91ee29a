"""Each class of bad input, sent everywhere it can go, answers 422 naming where it is — never a 500 —
and the same on SQLite and PostgreSQL.

The walkers read the OpenAPI documents, so a new route is covered without editing this file:
integers beyond 64 bits in path, query and body parameters; NUL (U+0000) in path, query and body
text; out-of-range numbers and NUL in record fields through the record API, sub-table rows and the
anonymous public form; and definitions the database could not hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.platform.conftest import Org, publish, ticket_app
from tests.platform.test_form_structure import shop_app

BIG = 2**63  # one past BIGINT
NUL = "a\x00b"
RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
ORDERS = "/api/v1/apps/shop/forms/order/records"
METHODS = ("get", "post", "put", "patch", "delete")
L = {"en": "x"}


def tickets() -> dict[str, Any]:
    doc = ticket_app(rules=[{"key": "web", "kind": "public_form", "form": "ticket",
                             "fields": ["title", "body", "qty", "amount", "email", "huge"], "contact_field": "email",
                             "rate_limit": {"max": 10_000, "per_minutes": 1}}])
    doc["forms"][0]["fields"] += [
        {"key": "huge", "kind": "decimal", "label": L, "precision": 18, "scale": 6},
        {"key": "channel", "kind": "text", "label": L},
        {"key": "number", "kind": "serial", "label": L, "config": {"pattern": "T{0000}", "reset": "never"}}]
    return doc


@pytest.fixture
def admin(org: Org) -> TestClient:
    client = org.client()
    for doc in (tickets(), shop_app()):
        response = publish(client, doc)
        assert response.status_code == 200, response.text
    return client


@pytest.fixture
def public(org: Org, admin: TestClient) -> str:
    return f"/api/v1/public/{org.key}/tickets/forms/ticket"


# --- reading the OpenAPI ---------------------------------------------------------------------------


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema allows, through ``anyOf`` and type lists."""
    found = set(schema["type"] if isinstance(schema.get("type"), list) else [schema.get("type")])
    for option in schema.get("anyOf", []):
        found |= types(option)
    return found - {None}


def params(operation: dict[str, Any], where: str, kind: str) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == where and kind in types(p["schema"])]


def body_schema(doc: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema and "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def body_slots(doc: dict[str, Any], operation: dict[str, Any], kind: str) -> Iterator[tuple[str, Any]]:
    """(JSON path, body) for each property of the given type, top level or in a top-level list."""
    schema = body_schema(doc, operation) or {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        value = BIG if kind == "integer" else NUL
        if kind in types(prop):
            yield f"/{name}", {name: value}
        items = prop.get("items") or next((o["items"] for o in prop.get("anyOf", []) if "items" in o), None)
        if "array" in types(prop) and items and kind in types(items):
            yield f"/{name}/0", {name: [value]}


def url(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def real_keys(org: Org) -> dict[str, str]:
    return {"org_key": org.key, "app_key": "tickets", "form_key": "ticket", "field_key": "title"}


def path_values(org: Org, operation: dict[str, Any], some_id: int) -> dict[str, str]:
    """Real keys for key parameters, ``some_id`` for ids, ``x`` for anything else."""
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    keys = real_keys(org)
    return {n: keys.get(n, str(some_id) if "integer" in types(_param(operation, n)) else "x") for n in names}


def _param(operation: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p["schema"] for p in operation["parameters"] if p["name"] == name)


def send(client: TestClient, method: str, target: str, *, body: Any = None,
         query: dict[str, Any] | None = None) -> Any:
    if method in ("post", "put", "patch") or body is not None:
        return client.request(method.upper(), target, json=body if body is not None else {}, params=query)
    return client.request(method.upper(), target, params=query)


def refused_at(response: Any, path: str) -> bool:
    return response.status_code == 422 and path in {e["path"] for e in response.json().get("errors", [])}


def walk(client: TestClient, doc: dict[str, Any], org: Org, kind: str, *, some_id: int = 1,
         extra: dict[str, Any] | None = None) -> Iterator[tuple[str, str, Any]]:
    """Send ``kind``'s bad value to every path, query and body slot of every operation:
    yields (what was sent, the expected error path, the response). ``extra`` goes into PATCH bodies."""
    bad = str(BIG) if kind == "integer" else NUL
    for path, method, operation in operations(doc):
        base = path_values(org, operation, some_id)
        for name in params(operation, "path", kind):
            yield f"{method} {path} /{name}", f"/{name}", send(client, method, url(path, {**base, name: bad}))
        for name in params(operation, "query", kind):
            response = send(client, method, url(path, base), query={name: bad})
            yield f"{method} {path} ?{name}", f"/{name}", response
        for where, body in body_slots(doc, operation, kind):
            body = {**(extra or {}), **body} if method == "patch" else body
            yield f"{method} {path} body{where}", where, send(client, method, url(path, base), body=body)


# --- integers beyond 64 bits ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["integer", "string"])
def test_every_platform_parameter_refuses_its_bad_value_by_name(admin: TestClient, org: Org, kind: str) -> None:
    """kind integer: 2^63 in every integer slot; kind string: NUL in every text slot."""
    doc = admin.get("/openapi.json").json()
    outcomes = list(walk(admin, doc, org, kind))
    assert len(outcomes) > (20 if kind == "integer" else 60)
    wrong = [(sent, where, r.status_code, r.text[:200]) for sent, where, r in outcomes if not refused_at(r, where)]
    assert wrong == []


@pytest.mark.parametrize("kind", ["integer", "string"])
def test_every_record_route_refuses_its_bad_value_by_name(admin: TestClient, org: Org, kind: str) -> None:
    for app_key, records, first in (("tickets", RECORDS, {"title": "t"}), ("shop", ORDERS, {"channel": "phone"})):
        record = admin.post(records, json=first).json()
        doc = admin.get(f"/api/v1/apps/{app_key}/openapi.json").json()
        outcomes = list(walk(admin, doc, org, kind, some_id=record["id"], extra={"row_version": 1}))
        assert outcomes
        wrong = [(sent, where, r.status_code, r.text[:200]) for sent, where, r in outcomes if not refused_at(r, where)]
        assert wrong == []
        assert admin.get(records).json()["total"] == 1
        assert admin.get(f"{records}/{record['id']}").json()["row_version"] == 1


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"qty": BIG}, "/qty"), ({"qty": -BIG - 1}, "/qty"), ({"qty": "99999999999999999999"}, "/qty"),
        ({"amount": "1e30"}, "/amount"), ({"amount": 1e30}, "/amount"), ({"amount": BIG}, "/amount"),
        ({"amount": "12345678901"}, "/amount"), ({"huge": 10**12}, "/huge"), ({"huge": "1e-7"}, "/huge"),
        ({"assignee": BIG}, "/assignee"), ({"team": BIG}, "/team"),
    ],
)
def test_out_of_range_numbers_name_the_field(admin: TestClient, public: str, values: dict[str, Any],
                                              path: str) -> None:
    for target in (RECORDS, public):
        if target == public and path not in ("/qty", "/amount", "/huge"):
            continue
        response = admin.post(target, json={"title": "t", **values})
        assert refused_at(response, path), (target, response.status_code, response.text)
    preview = admin.post(f"{RECORDS}/preview", json={"title": "t", **values})
    assert preview.status_code == 200 and [e["path"] for e in preview.json()["errors"]] == [path]
    bulk = admin.post(f"{RECORDS}/bulk", json={"records": [{"title": "t"}, {"title": "t", **values}]})
    assert bulk.status_code == 422 and path in bulk.text
    assert admin.get(RECORDS).json()["total"] == 0


def test_the_largest_numbers_that_fit_are_kept_exactly(admin: TestClient) -> None:
    """The edges are the same on both databases: what is accepted reads back unchanged."""
    values = {"title": "t", "qty": 2**63 - 1, "amount": "9999999999.99", "huge": "-999999999999.999999"}
    created = admin.post(RECORDS, json=values)
    assert created.status_code == 201, created.text
    again = admin.get(f"{RECORDS}/{created.json()['id']}").json()
    assert {k: again[k] for k in values} == values
    assert admin.post(RECORDS, json={"title": "t", "qty": -(2**63) + 1}).status_code == 201


def test_relation_and_subtable_values_are_checked_by_row(admin: TestClient) -> None:
    far = admin.post(ORDERS, json={"channel": "phone", "customer": BIG})
    assert refused_at(far, "/customer")
    rows = admin.post(ORDERS, json={"channel": "phone", "items": [{"sku": "a", "qty": 1}, {"sku": NUL, "qty": BIG}]})
    assert refused_at(rows, "/items/1/sku")
    rows = admin.post(ORDERS, json={"channel": "phone", "items": [{"sku": "a", "qty": BIG}]})
    assert refused_at(rows, "/items/0/qty")
    assert admin.get(ORDERS).json()["total"] == 0


# --- NUL in text -------------------------------------------------------------------------------------------


def test_nul_in_record_text_is_refused_everywhere_it_can_arrive(admin: TestClient, org: Org, public: str) -> None:
    anonymous = TestClient(org.api)
    cases = [
        (admin, "post", RECORDS, {"title": NUL}, "/title"),
        (admin, "post", RECORDS, {"title": "t", "body": NUL}, "/body"),
        (admin, "post", RECORDS, {"title": "t", "tags": ["new", NUL]}, "/tags/1"),
        (admin, "post", RECORDS, {"title": "t", NUL: 1}, f"/{NUL}"),
        (admin, "post", f"{RECORDS}/bulk", {"records": [{"title": "t"}, {"title": NUL}]}, "/records/1/title"),
        (admin, "post", f"{RECORDS}/query", {"filter": {"==": [{"var": "title"}, NUL]}}, "/filter/==/1"),
        (anonymous, "post", public, {"title": NUL}, "/title"),
        (anonymous, "post", "/api/v1/auth/login", {"username": NUL, "password": "x"}, "/username"),
        (anonymous, "get", f"/api/v1/public/{org.key}/tickets/status?serial=a%00&contact=1", None, "/serial"),
        (admin, "get", f"{RECORDS}?filter=title%20%3D%3D%20%22%00%22", None, "/filter"),
        (admin, "get", "/api/v1/apps/tick%00ets", None, "/app_key"),
    ]
    wrong = []
    for client, method, target, body, path in cases:
        response = client.request(method.upper(), target, json=body) if body is not None else client.get(target)
        if not refused_at(response, path):
            wrong.append((target, path, response.status_code, response.text[:200]))
    assert wrong == []
    assert admin.get(RECORDS).json()["total"] == 0
    record = admin.post(RECORDS, json={"title": "t"}).json()
    patched = admin.patch(f"{RECORDS}/{record['id']}", json={"row_version": 1, "title": NUL})
    assert refused_at(patched, "/title")
    assert admin.get(f"{RECORDS}/{record['id']}").json()["title"] == "t"


def test_text_around_nul_is_kept(admin: TestClient) -> None:
    """Only U+0000 is refused: other control characters and an escaped backslash-u0000 are plain text."""
    text = "tab\there \x01 \\u0000 \u2028"
    created = admin.post(RECORDS, json={"title": "t", "body": text})
    assert created.status_code == 201, created.text
    assert admin.get(f"{RECORDS}/{created.json()['id']}").json()["body"] == text


# --- definitions the database could not hold -------------------------------------------------------------------


def f(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": L, **extra}


def test_a_sub_table_key_too_long_for_its_table_name_is_refused(admin: TestClient) -> None:
    doc = {"schema_version": 1, "key": "longkeys", "label": L, "forms": [{"key": "a" * 63, "label": L, "fields": [
        f("t", "text"), f("b" * 63, "subtable", fields=[f("c", "text")])]}]}
    response = publish(admin, doc)
    assert refused_at(response, "/forms/0/fields/1/key"), response.text
    doc["forms"][0]["key"] = "a" * 59  # a…a__bb: 63 characters, the most there is
    doc["forms"][0]["fields"][1]["key"] = "bb"
    assert publish(admin, doc).status_code == 200


def test_a_form_with_more_fields_than_a_row_can_hold_is_refused(admin: TestClient) -> None:
    doc = {"schema_version": 1, "key": "wide", "label": L, "forms": [{"key": "w", "label": L, "fields": [
        f(f"c{i}", "text") for i in range(401)]}]}  # PostgreSQL's 1,600 columns would break sooner
    response = publish(admin, doc)
    assert refused_at(response, "/forms/0/fields"), response.text
    doc["forms"][0]["fields"] = [f("t", "text"), f("rows", "subtable", fields=[f(f"c{i}", "text") for i in range(401)])]
    assert refused_at(publish(admin, doc), "/forms/0/fields/1/fields")


def test_the_widest_form_allowed_stores_a_full_row(admin: TestClient) -> None:
    """400 text fields, each holding 100 characters, fit one PostgreSQL row (600 would not)."""
    doc = {"schema_version": 1, "key": "wide", "label": L, "forms": [{"key": "w", "label": L, "fields": [
        f(f"c{i}", "text") for i in range(400)]}]}
    assert publish(admin, doc).status_code == 200
    row = {f"c{i}": "x" * 100 for i in range(400)}
    created = admin.post("/api/v1/apps/wide/forms/w/records", json=row)
    assert created.status_code == 201, created.text[:300]


def test_decimals_keep_at_most_18_digits_on_both_databases(admin: TestClient) -> None:
    """SQLite stores a decimal as a scaled 64-bit integer: a precision it cannot hold is refused at publish."""
    doc = {"schema_version": 1, "key": "digits", "label": L, "forms": [{"key": "d", "label": L, "fields": [
        f("a", "decimal", precision=38, scale=10), f("b", "decimal", scale=18),
        f("c", "formula", formula="1", config={"result": "decimal", "scale": 18})]}]}
    response = publish(admin, doc)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == [
        "/forms/0/fields/0/precision", "/forms/0/fields/1/scale", "/forms/0/fields/2/config/scale"]


def test_a_request_id_the_audit_log_cannot_hold_is_refused(admin: TestClient) -> None:
    """audit_log.request_id holds 64 characters: PostgreSQL refused a longer X-Request-ID with a 500."""
    refused = admin.post(RECORDS, json={"title": "t"}, headers={"X-Request-ID": "x" * 65})
    assert refused_at(refused, "/X-Request-ID")
    assert admin.post(RECORDS, json={"title": "t"}, headers={"X-Request-ID": "trace-1.2"}).status_code == 201
    assert admin.get(RECORDS).json()["total"] == 1
