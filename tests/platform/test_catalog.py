"""``GET /api/v1/catalog``: every registered kind, node, trigger, action, aggregate and function appears with a
complete bilingual entry; the route is for signed-in members with ``apps:read``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dajian.engines.expr.catalog import CATALOG, OPERATORS
from dajian.engines.expr.functions import canonical
from dajian.engines.expr.parse import parse_formula
from dajian.engines.flow.nodes import NODE_KINDS
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.palette import GROUPS
from dajian.engines.report.aggregates import AGGREGATES
from dajian.engines.report.buckets import GRANULARITIES
from dajian.engines.report.chart import CHARTS
from dajian.engines.rule.registry import ACTIONS, TRIGGERS
from dajian.platform.catalog import Catalog
from dajian.platform.principal import SCOPES
from tests.platform.conftest import Org, publish, ticket_app


@pytest.fixture
def catalog(org: Org) -> dict[str, Any]:
    response = org.client().get("/api/v1/catalog")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _bilingual(label: dict[str, str]) -> bool:
    return set(label) == {"zh-CN", "en"} and all(v.strip() for v in label.values())


def _by_key(entries: list[dict[str, Any]], key: str = "key") -> dict[str, dict[str, Any]]:
    return {e[key]: e for e in entries}


def _named(entry: dict[str, Any]) -> bool:
    """Real palette text, not the fallback that repeats the key in both languages."""
    return _bilingual(entry["label"]) and entry["label"]["zh-CN"] != entry["key"]


def test_the_response_validates_against_its_model(catalog: dict[str, Any]) -> None:
    Catalog.model_validate(catalog)


def test_every_field_kind_has_a_complete_entry(catalog: dict[str, Any]) -> None:
    kinds = _by_key(catalog["field_kinds"])
    assert set(kinds) == set(FIELD_KINDS)
    groups = _by_key(catalog["field_groups"])
    assert set(groups) == set(GROUPS) and all(_bilingual(g["label"]) for g in groups.values())
    for name, kind in FIELD_KINDS.items():
        entry = kinds[name]
        assert _named(entry), name
        assert entry["group"] in groups and entry["widget"], name
        assert entry["value_type"] == kind.expr_type and entry["value_schema"] == kind.value_schema()
        assert (entry["config_schema"] is None) == (kind.config_model is None), name
        assert (entry["searchable"], entry["sortable"], entry["groupable"], entry["filterable"]) == (
            kind.searchable, kind.sortable, kind.groupable, kind.filterable), name


def test_field_kind_facts_a_designer_relies_on(catalog: dict[str, Any]) -> None:
    kinds = _by_key(catalog["field_kinds"])
    assert kinds["text"]["searchable"] and kinds["rich_text"]["searchable"]
    assert not kinds["integer"]["searchable"]
    assert kinds["date"]["sortable"] and kinds["date"]["groupable"] and kinds["date"]["group"] == "datetime"
    assert not kinds["multi_select"]["sortable"] and not kinds["tags"]["groupable"]
    assert kinds["cascade_select"]["groupable"] and kinds["datetime"]["groupable"]
    assert not kinds["subtable"]["filterable"] and not kinds["subtable"]["stored"]
    assert kinds["single_select"]["attributes"] == ["options"]
    assert set(kinds["decimal"]["attributes_schema"]["properties"]) == {"precision", "scale", "min", "max"}
    choice = kinds["single_select"]["attributes_schema"]
    jsonschema.validate({"options": [{"value": "a", "label": {"en": "A"}}]}, choice)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"options": [{"value": ""}]}, choice)
    assert kinds["user"]["references"] == "user" and kinds["user"]["group"] == "people"
    assert kinds["serial"]["config_schema"]["required"] == ["pattern"]
    assert set(kinds["attachment"]["config_schema"]["properties"]) == {"max_files", "max_size_mb", "accept"}
    assert not kinds["formula"]["client_writable"]
    assert not kinds["attachment"]["importable"] and kinds["date"]["importable"]
    assert kinds["email"]["value_schema"] == {"type": "string", "format": "email"}
    assert kinds["currency"]["value_schema"] == {"type": "string", "format": "decimal"}


def test_every_flow_node_kind_strategy_and_mode_has_an_entry(catalog: dict[str, Any]) -> None:
    flows = catalog["flows"]
    nodes = _by_key(flows["node_kinds"])
    assert set(nodes) == set(NODE_KINDS)
    for name, kind in NODE_KINDS.items():
        assert _named(nodes[name]), name
        assert set(nodes[name]["settings"]) == set(kind.attributes)
        assert set(nodes[name]["settings_schema"]["properties"]) == set(kind.attributes)
    assert nodes["approval"]["human"] and "assignee" in nodes["approval"]["settings"]
    assert nodes["parallel_join"]["gateway"] == "join" and nodes["parallel_join"]["incoming"] == [2, None]
    approval = nodes["approval"]["settings_schema"]
    jsonschema.validate({"assignee": {"strategy": "dept_manager", "levels": 1}, "mode": "all"}, approval)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"assignee": {"strategy": "nobody"}}, approval)
    strategies = _by_key(flows["assignee_strategies"])
    assert set(strategies) == set(flows["assignee_schema"]["properties"]["strategy"]["enum"])
    assert all(_named(s) for s in strategies.values())
    modes = _by_key(flows["approval_modes"])
    assert {"any", "all", "sequential"} <= set(modes) and all(_named(m) for m in modes.values())


def test_every_trigger_action_and_hit_policy_has_an_entry(catalog: dict[str, Any]) -> None:
    rules = catalog["rules"]
    triggers, actions = _by_key(rules["triggers"]), _by_key(rules["actions"])
    assert set(triggers) == set(TRIGGERS) and set(actions) == set(ACTIONS)
    for entry in (*triggers.values(), *actions.values()):
        assert _named(entry), entry["key"]
        assert entry["definition_schema"]["type"] == "object", entry["key"]
    assert "form" in actions["create"]["definition_schema"]["properties"]
    policies = _by_key(rules["hit_policies"])
    assert set(policies) == {"first", "unique", "priority", "collect"}
    assert all(_named(p) for p in policies.values())


def test_every_aggregate_bucket_and_chart_has_an_entry(catalog: dict[str, Any]) -> None:
    reports = catalog["reports"]
    aggregates = _by_key(reports["aggregates"])
    assert set(aggregates) == set(AGGREGATES) and all(_named(a) for a in aggregates.values())
    assert aggregates["median"]["databases"] == ["postgresql"] and aggregates["sum"]["databases"] is None
    assert aggregates["percentile"]["needs_p"] and not aggregates["count"]["needs_value"]
    buckets = _by_key(reports["date_buckets"])
    assert set(buckets) == set(GRANULARITIES) and all(_named(b) for b in buckets.values())
    assert buckets["hour"]["needs_time"] and not buckets["month"]["needs_time"]
    charts = _by_key(reports["chart_kinds"])
    assert set(charts) == set(CHARTS) and all(_named(c) for c in charts.values())


def test_every_expression_function_and_operator_has_an_entry(catalog: dict[str, Any]) -> None:
    expressions = catalog["expressions"]
    functions = _by_key(expressions["functions"], "name")
    assert list(functions) == [f.name for f in CATALOG]
    categories = _by_key(expressions["categories"])
    for row in CATALOG:
        entry = functions[row.name]
        assert _bilingual(entry["description"]) and entry["signature"].startswith(row.name), row.name
        assert entry["category"] in categories and entry["sql"] == row.sql
    assert functions["WORKDAYS"]["sql"] is False
    assert {o["symbol"] for o in expressions["operators"]} == {o.symbol for o in OPERATORS}
    assert all(_bilingual(o["description"]) for o in expressions["operators"])


@pytest.mark.parametrize("operator", OPERATORS, ids=lambda o: o.symbol)
def test_each_operator_is_what_the_formula_syntax_parses(operator: Any) -> None:
    for symbol in (operator.symbol, *operator.aliases):
        formula = "NOT a" if symbol == "NOT" else f"a {symbol} b"
        (op,) = parse_formula(formula)
        assert canonical(op) == operator.op, symbol


def test_date_presets_filter_a_list_by_the_apps_today(catalog: dict[str, Any], org: Org) -> None:
    """A list filter made of a preset's bounds, as the list page makes it, counts days in the app's time
    zone (Asia/Shanghai here), not UTC's."""
    presets = _by_key(catalog["date_presets"])
    assert list(presets)[:4] == ["today", "yesterday", "last_7_days", "last_30_days"]
    assert all(_bilingual(p["label"]) for p in presets.values())
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    records = "/api/v1/apps/tickets/forms/ticket/records"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    for title, due in (("due today", today), ("due yesterday", today - timedelta(days=1))):
        assert admin.post(records, json={"title": title, "due": due.isoformat()}).status_code == 201

    def found(key: str) -> list[str]:
        ast = {"and": [{">=": [{"var": "due"}, presets[key]["start"]]}, {"<": [{"var": "due"}, presets[key]["stop"]]}]}
        response = admin.get(records, params={"filter": json.dumps(ast), "sort": "title"})
        assert response.status_code == 200, response.text
        return [r["title"] for r in response.json()["items"]]

    assert found("today") == ["due today"] and found("yesterday") == ["due yesterday"]
    assert found("last_7_days") == ["due today", "due yesterday"]


def test_the_ui_tests_copy_of_the_date_presets_is_current(catalog: dict[str, Any]) -> None:
    """designer_ui/tests/list/date_presets.json: the Vitest filter tests parse the server's own bounds."""
    copy = Path(__file__).resolve().parents[2] / "designer_ui" / "tests" / "list" / "date_presets.json"
    assert json.loads(copy.read_text(encoding="utf-8")) == catalog["date_presets"], "regenerate it from the catalog"


def test_catalog_needs_a_sign_in_and_apps_read(org: Org, api: FastAPI) -> None:
    anonymous = TestClient(api).get("/api/v1/catalog")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"]
    admin = org.client()
    assert org.add_user("plain") and org.client("plain").get("/api/v1/catalog").status_code == 200

    def token(scopes: list[str]) -> dict[str, str]:
        minted = admin.post("/api/v1/auth/tokens", json={"name": "catalog", "scopes": scopes})
        assert minted.status_code == 201, minted.text
        return {"Authorization": f"Bearer {minted.json()['token']}"}

    lacking = TestClient(api).get("/api/v1/catalog", headers=token([s for s in SCOPES if s != "apps:read"]))
    assert lacking.status_code == 403 and lacking.json()["code"]
    granted = TestClient(api).get("/api/v1/catalog", headers=token(["apps:read"]))
    assert granted.status_code == 200 and granted.json()["field_kinds"]
