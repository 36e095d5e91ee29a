"""Expression evaluation: generated Python vs hand-written Python vs interpreting the JSON.

A realistic list-filter / routing condition over 100k records (20k with ``--quick``)::

    (amount > 5000 AND priority >= 3 AND IN(category, "hw", "sw", "ops")
     AND created_at >= DATETIMEVALUE("2024-01-01T00:00:00Z"))
    OR (category = "urgent" AND NOT ISNULL(due))

The interpreter is ``json_logic`` (panzi-json-logic) given the same logic over
epoch seconds (it has no dates); all three must select the same records.

    .venv/bin/python bench/expr_eval.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from json_logic import jsonLogic

from dajian.engines.expr import EvalContext, Schema, compile_python, parse_formula

FORMULA = """(amount > 5000 AND priority >= 3 AND IN(category, "hw", "sw", "ops")
 AND created_at >= DATETIMEVALUE("2024-01-01T00:00:00Z"))
OR (category = "urgent" AND NOT ISNULL(due))"""
SCHEMA = Schema(
    {"amount": "decimal", "priority": "integer", "category": "text", "created_at": "datetime", "due": "date"}
)
START = datetime(2024, 1, 1, tzinfo=UTC)
CATEGORIES = ["hw", "sw", "ops", "urgent", "misc", None]


def records(n: int) -> list[dict[str, Any]]:
    rng = random.Random(42)

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.05 else value

    return [
        {
            "amount": maybe(Decimal(rng.randint(0, 1_000_000)).scaleb(-2)),
            "priority": maybe(rng.randint(1, 5)),
            "category": rng.choice(CATEGORIES),
            "created_at": maybe(START + timedelta(seconds=rng.randint(-200, 200) * 86400)),
            "due": maybe(date(2024, 1, 1) + timedelta(days=rng.randint(0, 90))) if rng.random() < 0.5 else None,
        }
        for _ in range(n)
    ]


def hand_written(r: dict[str, Any]) -> bool:
    amount, priority, created = r.get("amount"), r.get("priority"), r.get("created_at")
    category = r.get("category")
    return bool(
        (
            amount is not None
            and amount > 5000
            and priority is not None
            and priority >= 3
            and category in ("hw", "sw", "ops")
            and created is not None
            and created >= START
        )
        or (category == "urgent" and r.get("due") is not None)
    )


JSON_LOGIC = {
    "or": [
        {
            "and": [
                {">": [{"var": "amount"}, 5000]},
                {">=": [{"var": "priority"}, 3]},
                {"in": [{"var": "category"}, ["hw", "sw", "ops"]]},
                {">=": [{"var": "created_at"}, START.timestamp()]},
            ]
        },
        {"and": [{"==": [{"var": "category"}, "urgent"]}, {"!": {"==": [{"var": "due"}, None]}}]},
    ]
}


def as_json(r: dict[str, Any]) -> dict[str, Any]:
    """The same record in JSON terms: floats and epoch seconds (nulls kept)."""
    created, amount = r["created_at"], r["amount"]
    return {
        "amount": None if amount is None else float(amount),
        "priority": r["priority"],
        "category": r["category"],
        "created_at": None if created is None else created.timestamp(),
        "due": None if r["due"] is None else r["due"].isoformat(),
    }


def timed(label: str, function: Callable[[], list[bool]]) -> tuple[float, list[bool]]:
    best, result = float("inf"), []
    for _ in range(3):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<14} {best:8.4f} s  ({sum(result)} selected)")
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20k records instead of 100k")
    n = 20_000 if parser.parse_args().quick else 100_000
    data = records(n)
    json_data = [as_json(r) for r in data]
    ctx = EvalContext()
    compiled = compile_python(parse_formula(FORMULA), SCHEMA)

    ours, ours_result = timed("compiled", lambda: [compiled(r, ctx) for r in data])
    hand, hand_result = timed("hand-written", lambda: [hand_written(r) for r in data])
    interp, interp_result = timed("json_logic", lambda: [bool(jsonLogic(JSON_LOGIC, r)) for r in json_data])
    assert ours_result == hand_result == interp_result, "the three evaluators disagree"
    print(f"RESULT name=expr_vs_hand value={ours:.4f} baseline={hand:.4f} ratio={ours / hand:.2f} target=<=2")
    print(
        f"RESULT name=expr_vs_interpreted value={ours:.4f} baseline={interp:.4f} ratio={ours / interp:.3f} target=<=0.1"
    )


if __name__ == "__main__":
    main()
