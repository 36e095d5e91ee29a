"""Moving a run onto another version of its flow: the nodes it stands on follow the node map."""

from __future__ import annotations

from typing import Any

import pytest

from dajian.engines.flow import Act, MigrationError, Start, compile_flow, execute, migrate_state
from tests.engines.flow.test_execute import FIELDS, FakeEnv, complaint_flow


def renamed(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    for node in doc["nodes"]:
        if node["id"] == old:
            node["id"] = new
    for edge in doc["edges"]:
        for end in ("source", "target"):
            if edge[end] == old:
                edge[end] = new
    return doc


def test_tokens_tasks_votes_and_joins_follow_the_map_and_the_run_continues() -> None:
    plan, env = compile_flow(complaint_flow(), fields=FIELDS), FakeEnv()
    step = execute(plan, None, Start(actor=7), env)
    step = execute(plan, step.state, Act(next(iter(step.state.tasks)), 11, "approve"), env)
    tech = next(k for k, t in step.state.tasks.items() if t.node == "tech")
    step = execute(plan, step.state, Act(tech, 21, "approve"), env)  # the join holds one arrival
    newer = compile_flow(_both(), fields=FIELDS)
    moved, changes = migrate_state(step.state, newer, {"logistics": "shipping", "investigated": "joined"})
    assert changes == {"logistics": "shipping", "investigated": "joined"}
    assert set(moved.tokens.values()) == {"shipping"} and set(moved.joins) == {"joined"}
    assert {t.node for t in moved.tasks.values()} == {"shipping"} and {w.node for w in moved.work.values()} == {
        "shipping"}
    assert step.state.joins.keys() == {"investigated"}  # the original is untouched
    key = next(iter(moved.tasks))
    after = execute(newer, moved, Act(key, 22, "approve"), env)
    assert {t.node for t in after.state.tasks.values()} == {"review"}  # the join counted the earlier arrival


def _both() -> dict[str, Any]:
    """The complaint flow with ``logistics`` renamed ``shipping`` and its join ``joined``."""
    return renamed(renamed(complaint_flow(), "logistics", "shipping"), "investigated", "joined")


def test_every_node_without_a_place_in_the_new_version_is_named() -> None:
    plan, env = compile_flow(complaint_flow(), fields=FIELDS), FakeEnv()
    step = execute(plan, None, Start(actor=7), env)
    step = execute(plan, step.state, Act(next(iter(step.state.tasks)), 11, "approve"), env)
    newer = compile_flow(_both(), fields=FIELDS)
    with pytest.raises(MigrationError) as refused:
        migrate_state(step.state, newer, {})
    assert refused.value.missing == ["investigated", "logistics"]  # the split set up its join's counter
