"""``tests/expr_vectors_generated.json`` (the browser runs it in Vitest) holds Python's current
answers, and SQL gives the same ones on both databases: browser, Python and SQL agree on every
generated case. Regenerate with ``python -m tests.engines.expr.generated_vectors``."""

from __future__ import annotations

import json
from typing import Any

from dajian.engines.expr import to_formula

from .generated_vectors import COMMAND, FORMULAS, OUTPUT, answer, check_case, parsed
from .support import SqlRunner, convert, record, result_type, same

FILE: dict[str, Any] = json.loads(OUTPUT.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = FILE["cases"]
VALUE_CASES = [c for c in CASES if not isinstance(c["expected"], dict)]
# The cases of the property test's strategies; the others (forms-only functions, texts beyond
# ASCII, dates far out of range) are marked ``"sql": false`` and held to Python only.
SQL_CASES = [c for c in VALUE_CASES if c.get("sql", True)]
BATCH = 100
WRITTEN = ("written_from", "integral_float")


def test_the_file_has_hundreds_of_cases_of_every_result_kind() -> None:
    assert FILE["generated_by"] == COMMAND
    assert len(CASES) >= 500
    kinds = {type(c["expected"]).__name__ for c in CASES}
    assert {"bool", "NoneType", "str", "int"} <= kinds


def test_python_still_gives_the_recorded_answers() -> None:
    stale = [
        (c["expr"], c["data"], c["expected"], got)
        for c in CASES
        if (got := answer(c["expr"], c["data"])) != c["expected"]
    ]
    assert not stale, f"{len(stale)} stale cases, first {stale[0]}; regenerate with {COMMAND}"


def test_the_checker_still_gives_the_recorded_issues() -> None:
    assert sum(1 for c in FILE["checks"] if c.get("issues")) >= 100
    stale = [c for c in FILE["checks"] if check_case(c["expr"]) != c]
    assert not stale, f"{len(stale)} stale checks, first {stale[0]}; regenerate with {COMMAND}"


def test_the_parser_still_reads_the_recorded_formulas() -> None:
    recorded = json.loads(FORMULAS.read_text(encoding="utf-8"))
    assert len(recorded) >= 400
    stale = [f for f in recorded if parsed(f["formula"]) != {k: v for k, v in f.items() if k not in WRITTEN}]
    assert not stale, f"{len(stale)} stale formulas, first {stale[0]}; regenerate with {COMMAND}"


def test_the_written_formulas_are_what_to_formula_writes() -> None:
    written = [f for f in json.loads(FORMULAS.read_text(encoding="utf-8")) if "written_from" in f]
    assert len(written) >= 300
    assert all(to_formula(f["written_from"]) == f["formula"] for f in written)


def test_sql_gives_the_recorded_answers(db: SqlRunner) -> None:
    wrong = []
    for start in range(0, len(SQL_CASES), BATCH):
        batch = SQL_CASES[start : start + BATCH]
        db.load([record(c["data"]) for c in batch])
        results = db.evaluate([c["expr"] for c in batch])
        for k, c in enumerate(batch):
            expected = convert(c["expected"], result_type(c["expr"]))
            if not same(results[k][k], expected):
                wrong.append((c["expr"], c["data"], results[k][k], c["expected"]))
    assert not wrong, (len(wrong), wrong[:5])
