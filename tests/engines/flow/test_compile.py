"""Compiling flows: every problem reported at once, with the node it concerns."""

from __future__ import annotations

from typing import Any

import pytest

from dajian.engines.flow import (
    NODE_KINDS,
    FlowDefinitionError,
    NodeKind,
    compile_flow,
    is_valid,
    register_node_kind,
    validate_flow,
)
from tests.engines.flow.test_execute import FIELDS, complaint_flow


def flow(nodes: list[tuple[str, str]], edges: list[tuple[str, str]], **node_extra: dict[str, Any]) -> dict[str, Any]:
    def node(node_id: str, kind: str) -> dict[str, Any]:
        extra = {"assignee": {"strategy": "initiator"}} if kind in ("approval", "task") else {}
        return {"id": node_id, "kind": kind, **extra, **node_extra.get(node_id, {})}

    return {"key": "f", "label": {"en": "F"}, "form": "complaint", "nodes": [node(*n) for n in nodes],
            "edges": [{"source": s, "target": t} for s, t in edges]}


def problems(doc: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(i.node, i.message) for i in validate_flow(doc, fields=FIELDS)]


def test_the_complaint_flow_compiles_to_a_plan() -> None:
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    assert plan.start == "start" and plan.node("investigate").join == "investigated"
    assert [e.target for e in plan.node("amount_gate").outgoing][-1] == "manager"  # default tried last
    assert is_valid(complaint_flow(), fields=FIELDS)


def test_unreachable_and_dead_end_nodes_are_named() -> None:
    doc = flow([("s", "start"), ("a", "approval"), ("lost", "approval"), ("stuck", "task"), ("e", "end")],
               [("s", "a"), ("a", "e"), ("lost", "e"), ("a", "stuck")])
    found = problems(doc)
    assert ("lost", "node 'lost' cannot be reached from the start") in found
    assert ("stuck", "node 'stuck' can never reach an end node") in found
    assert ("a", "a approval node needs 1 outgoing edges, has 2") in found


def test_an_unbalanced_join_is_refused() -> None:
    doc = flow([("s", "start"), ("p", "parallel_split"), ("a", "task"), ("b", "task"), ("j", "parallel_join"),
                ("e", "end")], [("s", "p"), ("p", "a"), ("p", "b"), ("a", "j"), ("b", "e"), ("j", "e")])
    found = problems(doc)
    assert any(node == "p" and "unbalanced" in m and "reaches end 'e'" in m for node, m in found)
    assert ("j", "join 'j' has no matching parallel split") in found


def test_a_parallel_split_needs_a_parallel_join() -> None:
    doc = flow([("s", "start"), ("p", "parallel_split"), ("a", "task"), ("b", "task"), ("j", "inclusive_join"),
                ("e", "end")], [("s", "p"), ("p", "a"), ("p", "b"), ("a", "j"), ("b", "j"), ("j", "e")])
    assert any(node == "p" and "inclusive join 'j'" in m for node, m in problems(doc))


def test_an_exclusive_gateway_needs_a_default_branch() -> None:
    doc = flow([("s", "start"), ("g", "exclusive"), ("a", "task"), ("b", "task"), ("e", "end")],
               [("s", "g"), ("g", "a"), ("g", "b"), ("a", "e"), ("b", "e")])
    big = {">": [{"var": "amount"}, 500]}
    doc["edges"][1]["condition"], doc["edges"][2]["condition"] = big, {"<": [{"var": "amount"}, 100]}
    assert ("g", "exclusive gateway 'g' needs a default edge (its conditions are not provably total)") in problems(
        doc)
    doc["edges"][2]["condition"] = {"!": big}  # a condition and its negation are total
    assert problems(doc) == []


def test_conditions_are_type_checked_against_the_form() -> None:
    doc = flow([("s", "start"), ("g", "exclusive"), ("a", "task"), ("e", "end")],
               [("s", "g"), ("g", "a"), ("g", "e"), ("a", "e")])
    doc["edges"][1]["condition"] = {">": [{"var": "amont"}, 500]}
    doc["edges"][2]["default"] = True
    [issue] = validate_flow(doc, fields=FIELDS)
    assert issue.node == "g" and issue.path.startswith("/edges/1/condition") and "amont" in issue.message


def test_references_to_fields_and_kinds_are_checked_all_at_once() -> None:
    doc = flow([("s", "start"), ("a", "task"), ("x", "teleport"), ("e", "end")], [("s", "a"), ("a", "x"),
                                                                                  ("x", "e")],
               a={"assignee": {"strategy": "user_field", "field": "title"}, "required_fields": ["nope"],
                  "duration": {"hours": 1}})
    by_path = {i.path: i.message for i in validate_flow(doc, fields=FIELDS, path="/flows/0")}
    assert by_path["/flows/0/nodes/1/assignee/field"] == "field 'title' is a text field, not a user field"
    assert by_path["/flows/0/nodes/1/required_fields"] == "no field 'nope' in the form"
    assert by_path["/flows/0/nodes/1/duration"] == "a task node does not use 'duration'"
    assert by_path["/flows/0/nodes/2/kind"].startswith("unknown node kind 'teleport'")


def test_a_decision_table_assignee_names_its_table() -> None:
    doc = flow([("s", "start"), ("a", "approval"), ("e", "end")], [("s", "a"), ("a", "e")],
               a={"assignee": {"strategy": "decision_table", "table": "routing", "output": "approver"}})
    assert problems(doc) == []
    doc["nodes"][1]["assignee"] = {"strategy": "decision_table"}
    assert problems(doc) == [("a", "strategy decision_table needs the key of a decision table")]


def test_compile_raises_with_every_issue() -> None:
    doc = flow([("s", "start"), ("s", "end")], [])
    with pytest.raises(FlowDefinitionError) as caught:
        compile_flow(doc, fields=FIELDS)
    assert len(caught.value.issues) >= 2 and caught.value.issues[0].message == "duplicate node id 's'"


def test_calendar_keys_and_durations_are_checked() -> None:
    doc = complaint_flow()
    doc["calendar"] = "support_hours"
    doc["nodes"][14]["duration"] = {"until_field": "title"}
    found = {i.path: i.message for i in validate_flow(doc, fields=FIELDS)}
    assert found["/calendar"] == "no calendar 'support_hours' in the app's settings"
    assert found["/nodes/14/duration/until_field"] == "'title' is not a date or datetime field of the form"
    assert is_valid(complaint_flow() | {"calendar": "support_hours"}, fields=FIELDS,
                    calendars={"support_hours": {"timezone": "UTC", "week": {"mon": ["09:00-17:00"]}}})


def test_registered_node_kinds_are_compiled() -> None:
    register_node_kind(NodeKind("noop", lambda run, node, token, reentry: run.advance(token)), replace=True)
    try:
        doc = flow([("s", "start"), ("n", "noop"), ("e", "end")], [("s", "n"), ("n", "e")])
        assert compile_flow(doc, fields=FIELDS).node("n").kind == "noop"
    finally:  # the registry is global: the catalog's tests, later in the session, list every kind
        NODE_KINDS.pop("noop", None)
