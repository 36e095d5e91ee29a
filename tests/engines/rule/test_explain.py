"""A dry run's condition, part by part, on the working record each rule saw (``explain.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dajian.engines.expr import EvalContext
from dajian.engines.rule import NullEnv, RulePlan, Signal, run_rules
from dajian.engines.rule.explain import Check, condition_checks
from tests.engines.rule.support import compiled, forms

CTX = EvalContext(now=datetime(2026, 3, 2, 1, 0, tzinfo=UTC), user_id=7)


def explain(record: dict[str, Any], aggregates: dict[str, dict[str, Any]] | None = None
            ) -> dict[str, tuple[str | None, list[Check]]]:
    seen: dict[str, tuple[str | None, list[Check]]] = {}

    def inspect(rule: RulePlan, view: Mapping[str, Any]) -> None:
        seen[rule.key] = condition_checks(rule, view, CTX, forms=forms())

    run_rules(compiled(), Signal("created", "complaint", new=record), dict(record),
              env=NullEnv(aggregates, {"quality_lead": [41]}), ctx=CTX, explain=True, inspect=inspect)
    return seen


def test_each_part_is_judged_on_the_record_the_rule_saw() -> None:
    seen = explain({"title": "t", "category": "quality", "region": "east", "description": "it caught fire"})
    # routing set team = quality_sh, then keyword_safety set it to safety: assign_quality saw "safety"
    assert seen["assign_quality"] == ("or", [Check('team = "quality"', False), Check('team = "quality_sh"', False)])
    assert seen["keyword_safety"][0] == "or"
    assert [c.held for c in seen["keyword_safety"][1]] == [False, True]
    assert seen["route"] == (None, [])  # no condition
    assert seen["large_amount"] == (None, [Check("amount > 5000", False)])


def test_aggregate_parts_wait_for_their_aggregates() -> None:
    blank = explain({"title": "t"}, {"repeat_customer": {"recent": 5}})
    assert blank["repeat_customer"] == ("and", [Check("NOT ISBLANK(customer)", False), Check("agg.recent >= 3", None)])
    known = explain({"title": "t", "customer": "ACME"}, {"repeat_customer": {"recent": 5}})
    assert known["repeat_customer"] == ("and", [Check("NOT ISBLANK(customer)", True), Check("agg.recent >= 3", True)])
    # batch_defect's aggregates were not computed (category is not quality): the earlier rule's do not leak in
    assert known["batch_defect"][1][-1] == Check("agg.batch >= 5", None)

