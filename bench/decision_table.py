"""Decision tables: Dajian's compiled table vs the same table in zen-engine (GoRules, Rust) in one run.

A 50-row routing table (first hit): category × priority × VIP → team and SLA hours — 6 categories ×
4 priorities × VIP yes/no, then two catch-all rows. Both engines evaluate the same random inputs and
must give the same answers; the result is evaluations per second.

    .venv/bin/python bench/decision_table.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dajian.engines.rule import compile_table

CATEGORIES = ["quality", "logistics", "service", "price", "billing", "safety"]
PRIORITIES = ["P1", "P2", "P3", "P4"]
SLA = {"P1": 2, "P2": 8, "P3": 24, "P4": 72}


def routing_rows() -> list[dict[str, Any]]:
    rows = []
    for category in CATEGORIES:
        for priority in PRIORITIES:
            for vip in (True, False):
                team = f"{'vip_' if vip else ''}{category}_{'urgent' if priority in ('P1', 'P2') else 'normal'}"
                hours = SLA[priority] // 2 if vip else SLA[priority]
                rows.append({"when": {"category": category, "priority": priority, "vip": vip},
                             "then": {"team": team, "sla_hours": max(hours, 1)}})
    rows.append({"when": {"vip": True}, "then": {"team": "vip_desk", "sla_hours": 4}})
    rows.append({"when": {}, "then": {"team": "service_desk", "sla_hours": 48}})
    return rows


def our_table() -> dict[str, Any]:
    return {"key": "routing", "kind": "decision_table", "hit_policy": "first",
            "inputs": [{"key": "category"}, {"key": "priority"}, {"key": "vip", "type": "boolean"}],
            "outputs": [{"key": "team"}, {"key": "sla_hours", "type": "integer"}], "rows": routing_rows()}


def _zen_cell(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value)  # "quality" → "\"quality\"", True → "true": zen's unary expressions


def jdm() -> dict[str, Any]:
    """The same table as a zen-engine JSON Decision Model."""
    inputs = [{"id": f"i_{k}", "name": k, "field": k} for k in ("category", "priority", "vip")]
    outputs = [{"id": f"o_{k}", "name": k, "field": k} for k in ("team", "sla_hours")]
    rules = [{"_id": f"r{n}", **{f"i_{k}": _zen_cell(row["when"].get(k)) for k in ("category", "priority", "vip")},
              **{f"o_{k}": json.dumps(row["then"][k]) for k in ("team", "sla_hours")}}
             for n, row in enumerate(routing_rows())]
    table = {"id": "dt", "type": "decisionTableNode", "name": "routing", "position": {"x": 200, "y": 0},
             "content": {"hitPolicy": "first", "inputs": inputs, "outputs": outputs, "rules": rules}}
    return {"nodes": [{"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}}, table,
                      {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}}],
            "edges": [{"id": "e1", "sourceId": "in", "targetId": "dt", "type": "edge"},
                      {"id": "e2", "sourceId": "dt", "targetId": "out", "type": "edge"}]}


def sample_inputs(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [{"category": rng.choice([*CATEGORIES, "other"]), "priority": rng.choice(PRIORITIES),
             "vip": rng.random() < 0.2} for _ in range(n)]


def per_second(fn: Any, inputs: list[dict[str, Any]], rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for item in inputs:
            fn(item)
        best = max(best, len(inputs) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import zen

    n = 2_000 if args.quick else 20_000
    inputs = sample_inputs(n)
    ours = compile_table(our_table())
    # zen's fastest set-up: the model parsed and compiled once (ZenDecisionContent), no trace
    decision = zen.ZenEngine().create_decision(zen.ZenDecisionContent(json.dumps(jdm())))
    for item in inputs[:500]:  # same answers first
        theirs = decision.evaluate(item)["result"]
        assert (theirs["team"], theirs["sla_hours"]) == (ours(item)["team"], ours(item)["sla_hours"]), item
    rounds = 3 if args.quick else 5
    mine = per_second(ours, inputs, rounds)
    baseline = per_second(lambda item: decision.evaluate(item, {"trace": False}), inputs[: max(500, n // 10)], rounds)
    print(f"dajian: {mine:,.0f} evaluations/s; zen-engine: {baseline:,.0f} evaluations/s "
          f"({len(routing_rows())} rows, first hit)", file=sys.stderr)
    print(f"RESULT name=dtable_vs_zen value={mine:.0f} baseline={baseline:.0f} ratio={mine / baseline:.3f} "
          f"target=>=1", flush=True)


if __name__ == "__main__":
    main()
