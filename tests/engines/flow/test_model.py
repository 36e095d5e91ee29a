"""The flow definition model: shapes a designer may save, and what it refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dajian.engines.flow import Duration, FlowDef, parse_flow
from tests.engines.flow.test_execute import complaint_flow


def test_the_complaint_flow_parses_and_round_trips() -> None:
    flow = FlowDef.model_validate(complaint_flow())
    assert FlowDef.model_validate(flow.model_dump(exclude_unset=True)) == flow
    assert flow.node("amount_gate") is not None and flow.node("nowhere") is None


def test_unknown_attributes_are_refused() -> None:
    doc = complaint_flow()
    doc["nodes"][0]["colour"] = "red"
    flow, issues = parse_flow(doc)
    assert flow is None
    assert [(i.path, i.node) for i in issues] == [("/nodes/0/colour", "start")]


@pytest.mark.parametrize("body", [{}, {"working_hours": 4, "hours": 1}])
def test_a_duration_has_exactly_one_unit(body: dict[str, float]) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        Duration.model_validate(body)


def test_a_duration_may_be_computed_from_the_record() -> None:
    ast = {"if": [{"==": [{"var": "priority"}, "P1"]}, 2, 8]}
    assert Duration.model_validate({"working_hours": ast}).working_hours == ast
