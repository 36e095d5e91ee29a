"""Every example of the function catalog (``excel_examples.json``, the README table) gives its
expected answer in Python and — unless the function is Python-only — in SQL on both databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dajian.engines.expr import ExprError, compile_python, compile_sql, parse_formula, to_formula
from dajian.engines.expr.catalog import BY_NAME, CATALOG
from dajian.engines.expr.compile_py import PY_EMITTERS
from dajian.engines.expr.sql_values import SQL_EMITTERS

from .support import CONTEXT, SCHEMA, SCOPE, SqlRunner, convert, record, result_type, same

EXAMPLES: list[dict[str, Any]] = json.loads((Path(__file__).parent / "excel_examples.json").read_text())
RELATION = "relation.field"  # not a function: reading a related record's field, e.g. customer.level


def runs_in_sql(example: dict[str, Any]) -> bool:
    return example["function"] == RELATION or BY_NAME[example["function"]].sql


def expected(example: dict[str, Any]) -> Any:
    return convert(example["expected"], result_type(parse_formula(example["formula"])))


def test_every_catalog_function_has_an_example_and_both_implementations() -> None:
    assert {e["function"] for e in EXAMPLES} == {f.name for f in CATALOG} | {RELATION}
    for function in CATALOG:
        if function.op:
            assert function.op in PY_EMITTERS, function.name
            assert function.op in SQL_EMITTERS, function.name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e["formula"])
def test_python(example: dict[str, Any]) -> None:
    function = compile_python(parse_formula(example["formula"]), SCHEMA)
    got = function(record(example["data"]), CONTEXT)
    assert same(got, expected(example)), got


def test_sql(db: SqlRunner) -> None:
    cases = [e for e in EXAMPLES if runs_in_sql(e)]
    db.load([record(e["data"]) for e in cases])
    results = db.evaluate([parse_formula(e["formula"]) for e in cases], CONTEXT)
    wrong = [(e["formula"], results[k][k], e["expected"]) for k, e in enumerate(cases) if not same(results[k][k],
                                                                                                    expected(e))]
    assert not wrong


@pytest.mark.parametrize("example", [e for e in EXAMPLES if not runs_in_sql(e)], ids=lambda e: e["formula"])
def test_python_only_functions_are_refused_in_sql_with_their_name(example: dict[str, Any]) -> None:
    with pytest.raises(ExprError, match="not available in SQL") as info:
        compile_sql(parse_formula(example["formula"]), SCOPE, context=CONTEXT)
    assert info.value.path != "" or example["function"] in str(info.value)


def test_the_readme_table_lists_every_function_once() -> None:
    from .excel_table import markdown

    table = markdown()
    assert all(table.count(f"| `{f.signature.replace('|', chr(92) + '|')}` |") == 1 for f in CATALOG)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e["formula"])
def test_every_example_survives_a_round_trip_through_the_designer(example: dict[str, Any]) -> None:
    ast = parse_formula(example["formula"])
    assert parse_formula(to_formula(ast)) == ast


def test_the_readme_function_table_is_current() -> None:
    from pathlib import Path

    from tests.engines.expr.excel_table import markdown

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- functions-table:start -->\n", 1)[1].split("<!-- functions-table:end -->", 1)[0]
    assert table.strip() == markdown().strip(), "regenerate it: python -m tests.engines.expr.excel_table"
