"""Through the API: a formula's value is rounded to its scale, and a list filter agrees with
the form on a division that lands exactly on its threshold."""

from __future__ import annotations

from typing import Any

from tests.platform.conftest import Org, publish

L = {"en": "x"}
LINES = "/api/v1/apps/ratio/forms/line/records"


def f(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"zh-CN": key, "en": key}, **extra}


def ratio_app() -> dict[str, Any]:
    line = {"key": "line", "label": L, "fields": [
        f("amount", "decimal", scale=2), f("qty", "integer"),
        f("unit", "formula", formula="amount / qty", config={"result": "decimal", "scale": 2}),
        f("high", "formula", formula="amount / qty >= 0.4", config={"result": "boolean"})]}
    return {"schema_version": 1, "key": "ratio", "label": L, "forms": [line]}


def test_a_formula_with_more_decimals_than_its_scale_is_rounded_not_refused(org: Org) -> None:
    client = org.client()
    assert publish(client, ratio_app()).status_code == 200
    created = client.post(LINES, json={"amount": "800", "qty": 3})
    assert created.status_code == 201, created.text
    assert created.json()["unit"] == "266.67"
    typed = client.post(LINES, json={"amount": "1.234", "qty": 3})
    assert typed.status_code == 422
    assert "at most 2 decimal places" in typed.text and "/amount" in typed.text


def test_the_list_filter_agrees_with_the_form_on_a_threshold(org: Org) -> None:
    client = org.client()
    assert publish(client, ratio_app()).status_code == 200
    rows = [("0.80", 2), ("0.79", 2), ("1.20", 3), ("4.00", 10), ("3.99", 10), ("0.30", 3)]
    for amount, qty in rows:
        assert client.post(LINES, json={"amount": amount, "qty": qty}).status_code == 201
    everything = client.get(LINES, params={"limit": 100}).json()["items"]
    on_the_form = sorted(r["id"] for r in everything if r["high"])
    listed = client.get(LINES, params={"filter": "amount / qty >= 0.4", "limit": 100}).json()["items"]
    assert sorted(r["id"] for r in listed) == on_the_form
    assert len(on_the_form) == 3


def test_python_only_functions_are_refused_where_sql_runs_them(org: Org) -> None:
    client = org.client()
    app = ratio_app()
    app["roles"] = [{"key": "clerk", "label": L, "permissions": {"line": {
        "actions": ["read"], "row_scope": "all", "also_where": 'VALUE("3") < qty'}}}]
    refused = publish(client, app)
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [e["path"] for e in errors] == ["/roles/0/permissions/line/also_where/</0"], errors
    assert "not available in SQL: VALUE runs only in forms" in errors[0]["message"]
    del app["roles"]
    assert publish(client, app).status_code == 200
    listed = client.get(LINES, params={"filter": 'TEXT(amount, "0.00") = "1.00"'})
    assert listed.status_code == 422
    assert listed.json()["errors"] == [{"path": "/filter/==/0", "message": "not available in SQL: TEXT runs only in "
                                        "forms (not in filters, row scopes or reports)"}]
