"""Shared vectors (``tests/expr_vectors.json``): Python and SQL must both give ``expected``.

Each case: ``expr`` (AST or formula), ``data`` (JSON record: decimals as strings,
ISO dates), ``expected`` (or ``{"error": <path>}`` for a check error), ``schema``
(``Schema.from_json`` spelling), ``context`` (now/today/user_id/dept_id/calendar)
and optionally ``"sql": "error"`` when the operator is Python-only.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dajian.engines.expr import (
    EvalContext,
    ExprError,
    Schema,
    WeekdayCalendar,
    check,
    compile_python,
    compile_sql,
    parse_formula,
)

from .support import SCHEMA, SCOPE, SqlRunner, convert, record, result_type, same

CASES: list[dict[str, Any]] = json.loads((Path(__file__).parents[2] / "expr_vectors.json").read_text())
VALUE_CASES = [c for c in CASES if not (isinstance(c["expected"], dict) and "error" in c["expected"])]
SQL_CASES = [c for c in VALUE_CASES if c.get("sql") != "error"]


def ast_of(case: dict[str, Any]) -> Any:
    return parse_formula(case["expr"]) if isinstance(case["expr"], str) else case["expr"]


def context_of(case: dict[str, Any]) -> EvalContext:
    ctx = case["context"]
    return EvalContext(
        now=convert(ctx["now"], "datetime"),
        today=date.fromisoformat(ctx["today"]),
        user_id=ctx["user_id"],
        dept_id=ctx["dept_id"],
        calendar=WeekdayCalendar() if ctx.get("calendar") == "weekdays" else None,
    )


def expected_of(case: dict[str, Any]) -> Any:
    return convert(case["expected"], result_type(ast_of(case)))


def test_there_are_enough_vectors_on_the_shared_schema() -> None:
    assert len(CASES) >= 80
    assert all(Schema.from_json(c["schema"]) == SCHEMA for c in CASES)


@pytest.mark.parametrize("case", VALUE_CASES, ids=lambda c: json.dumps(c["expr"])[:60])
def test_python(case: dict[str, Any]) -> None:
    function = compile_python(ast_of(case), Schema.from_json(case["schema"]))
    got = function(record(case["data"]), context_of(case))
    assert same(got, expected_of(case)), (got, case["expected"])


@pytest.mark.parametrize("case", [c for c in CASES if c not in VALUE_CASES], ids=lambda c: str(c["expr"])[:60])
def test_check_errors(case: dict[str, Any]) -> None:
    paths = [issue.path for issue in check(ast_of(case), Schema.from_json(case["schema"]))]
    assert case["expected"]["error"] in paths


def test_sql(db: SqlRunner) -> None:
    db.load([record(c["data"]) for c in SQL_CASES])
    results = db.evaluate([ast_of(c) for c in SQL_CASES], context_of(SQL_CASES[0]))
    wrong = [
        (c["expr"], results[k][k], c["expected"])
        for k, c in enumerate(SQL_CASES)
        if not same(results[k][k], expected_of(c))
    ]
    assert not wrong


@pytest.mark.parametrize("case", [c for c in CASES if c.get("sql") == "error"], ids=lambda c: c["expr"])
def test_python_only_operators_are_refused_in_sql(case: dict[str, Any]) -> None:
    with pytest.raises(ExprError, match="not available in SQL") as info:
        compile_sql({"==": [ast_of(case), None]}, SCOPE)
    assert info.value.path == "/==/0"
