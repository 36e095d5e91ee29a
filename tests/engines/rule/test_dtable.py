"""Decision tables: cells, hit policies, publish-time overlap and gap checks, and agreement with zen-engine."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from dajian.engines.rule import DecisionError, compile_table, table_issues
from dajian.engines.rule.cells import parse_cell
from tests.engines.rule.complaint_rules import routing_table


def table(rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"key": "t", "kind": "decision_table",
            "inputs": [{"key": "category", "values": ["quality", "logistics"]}, {"key": "vip", "type": "boolean"},
                       {"key": "amount", "type": "decimal"}],
            "outputs": [{"key": "team"}, {"key": "hours", "type": "integer"}], "rows": rows, **extra}


def test_routing_table_first_hit() -> None:
    plan = compile_table(routing_table())
    assert plan({"category": "quality", "vip": True}) == {"team": "vip_desk", "sla_hours": 2}
    assert plan({"category": "quality", "vip": False, "region": "east"}) == {"team": "quality_sh", "sla_hours": 8}
    assert plan({"category": "logistics", "region": "south"})["team"] == "logistics_gz"
    assert plan({"category": "price"})["team"] == "service_desk"


@pytest.mark.parametrize(("cell", "kind", "matches", "misses"), [
    ("> 5000", "decimal", [Decimal("5000.01")], [Decimal(5000), None]),
    ("[1..5)", "integer", [1, 4], [5, 0, None]),
    ("(1..5]", "integer", [2, 5], [1, 6]),
    ("!= closed", "text", ["open", None], ["closed"]),
    (["a", "b"], "text", ["a", "b"], ["c", None]),
    ("<= 2026-01-31", "date", [parse_cell("2026-01-31", "date").value], [parse_cell("2026-02-01", "date").value]),
    ("-", "text", ["x", None], []),
])
def test_cells(cell: Any, kind: str, matches: list[Any], misses: list[Any]) -> None:
    parsed = parse_cell(cell, kind)
    assert all(parsed.matches(v) for v in matches) and not any(parsed.matches(v) for v in misses)


def test_cell_errors_are_located() -> None:
    found = table_issues(table([{"when": {"amount": "[9..1]", "vip": "yes", "zz": 1}, "then": {"hours": "x",
                                                                                               "nope": 1}}]))
    assert found == [
        ("/rows/0/when/zz", "no input 'zz'"),
        ("/rows/0/when/vip", "'yes' is not a boolean value"),
        ("/rows/0/when/amount", "range '[9..1]' is empty: 9 > 1"),
        ("/rows/0/then/hours", "'x' is not a integer value"),
        ("/rows/0/then/nope", "no output 'nope'"),
    ]


def test_unique_tables_refuse_overlapping_rows_and_report_gaps() -> None:
    rows = [{"when": {"category": "quality", "amount": "> 5000"}, "then": {"team": "a"}},
            {"when": {"category": ["quality", "logistics"], "amount": "[0..6000]"}, "then": {"team": "b"}},
            {"when": {"category": "logistics", "amount": "> 6000"}, "then": {"team": "c"}}]
    assert table_issues(table(rows, hit_policy="unique")) == [
        ("/rows/1", "rows 0 and 1 overlap under the 'unique' hit policy (e.g. category='quality', "
                    "amount=(5000..6000])")]
    gaps = table_issues({**table([{"when": {"category": "quality", "vip": True}, "then": {"team": "a"}},
                                  {"when": {"category": "logistics"}, "then": {"team": "b"}}], hit_policy="unique"),
                         "inputs": [{"key": "category", "values": ["quality", "logistics"]},
                                    {"key": "vip", "type": "boolean"}]})
    assert gaps == [("/rows", "1 input combinations match no row: category='quality', vip=False "
                              "(add a row, a catch-all row or a 'default')")]


def test_hit_policies() -> None:
    rows = [{"when": {"vip": True}, "then": {"team": "vip", "hours": 2}},
            {"when": {"amount": "> 100"}, "then": {"team": "big", "hours": 8}},
            {"when": {}, "then": {"team": "desk", "hours": 24}}]
    ranked = {"outputs": [{"key": "team", "priority": ["big", "vip", "desk"]}, {"key": "hours", "type": "integer"}]}
    assert compile_table(table(rows, hit_policy="priority", **ranked))({"vip": True, "amount": 500})["team"] == "big"
    collect = compile_table(table(rows, hit_policy="collect"))({"vip": True, "amount": 500})
    assert [r["team"] for r in collect] == ["vip", "big", "desk"]
    total = compile_table({**table(rows, hit_policy="collect", aggregate="sum"),
                           "outputs": [{"key": "hours", "type": "integer"}],
                           "rows": [{"when": r["when"], "then": {"hours": r["then"]["hours"]}} for r in rows]})
    assert total({"vip": True, "amount": 500}) == {"hours": 34}
    assert table_issues(table(rows[:2], hit_policy="unique", default={"team": "none"})) == [
        ("/rows/1", "rows 0 and 1 overlap under the 'unique' hit policy (e.g. vip=True, amount=> 100)")]
    unprovable = [rows[0], {"when": {"amount": {"formula": "amount > 100"}}, "then": {"team": "big"}}]
    unique = compile_table(table(unprovable, hit_policy="unique", default={"team": "none"}))
    with pytest.raises(DecisionError, match="rows 0 and 1 both match"):
        unique({"vip": True, "amount": 500})
    assert unique({"vip": False}) == {"team": "none"}


def test_expression_cells() -> None:
    plan = compile_table(table([{"when": {"amount": {"formula": "amount > 2 * 1000"}}, "then": {"team": "big"}},
                                {"when": {}, "then": {"team": "small"}}]))
    assert plan({"amount": Decimal(2500)})["team"] == "big" and plan({"amount": Decimal(10)})["team"] == "small"
    assert table_issues(table([{"when": {"amount": {"formula": "nope > 1"}}, "then": {}}])) == [
        ("/rows/0/when/amount/>/0", "unknown field 'nope'")]


def test_agrees_with_zen_engine() -> None:
    zen = pytest.importorskip("zen")
    from bench.decision_table import jdm, our_table, routing_rows, sample_inputs

    ours = compile_table(our_table())
    decision = zen.ZenEngine().create_decision(json.dumps(jdm()))
    for inputs in sample_inputs(200):
        theirs = decision.evaluate(inputs)["result"]
        mine = ours(inputs)
        assert (theirs.get("team"), theirs.get("sla_hours")) == (mine["team"], mine["sla_hours"]), inputs
    assert len(routing_rows()) == 50


def test_matching_rows_lists_every_hit_whatever_the_policy() -> None:
    from dajian.engines.rule.dtable import matching_rows

    routing = routing_table()
    assert matching_rows(routing, {"category": "quality", "vip": True, "region": "east"}) == [0, 1, 2, 5]
    assert matching_rows(routing, {"category": "price"}) == [5]
    expr = table([{"when": {"amount": {"formula": "amount > 100"}}, "then": {"team": "big"}},
                  {"when": {}, "then": {"team": "any"}}], default={"team": "none"})
    assert matching_rows(expr, {"amount": "150"}) == [0, 1]
    assert matching_rows(expr, {"amount": "50"}) == [1]
    with pytest.raises(ValueError, match="is not a decimal value"):
        matching_rows(expr, {"amount": "lots"})
    with pytest.raises(DecisionError):
        matching_rows(table([{"when": {"vip": "yes"}, "then": {}}]), {})
