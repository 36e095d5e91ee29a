from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dajian.engines.expr import ExprError, parse_formula, to_formula


@pytest.mark.parametrize(
    ("formula", "ast"),
    [
        ('IF(amount > 5000, "L3", "L1")', {"if": [{">": [{"var": "amount"}, 5000]}, "L3", "L1"]}),
        ("SUM(items.price)", {"sum": [{"var": "items.price"}]}),
        ('DATEDIF(created_at, TODAY(), "d")', {"datediff": [{"var": "created_at"}, {"today": []}, "d"]}),
        (
            "a = 1 AND b <> 2 OR NOT c",
            {"or": [{"and": [{"==": [{"var": "a"}, 1]}, {"!=": [{"var": "b"}, 2]}]}, {"!": [{"var": "c"}]}]},
        ),
        ("amount >= 10.50", {">=": [{"var": "amount"}, Decimal("10.50")]}),
        ("1 + 2 * 3 - 4 / 2", {"-": [{"+": [1, {"*": [2, 3]}]}, {"/": [4, 2]}]}),
        ('name & "-" & qty', {"cat": [{"var": "name"}, "-", {"var": "qty"}]}),
        ('"say ""hi"""', 'say "hi"'),
        ("TRUE AND false OR NULL", {"or": [{"and": [True, False]}, None]}),
        ("customer.level = $user.dept_id", {"==": [{"var": "customer.level"}, {"var": "$user.dept_id"}]}),
        ('IN(status, "open", "done")', {"in": [{"var": "status"}, ["open", "done"]]}),
        ('IN("vip", tags)', {"in": ["vip", {"var": "tags"}]}),
        ("DATE(2024, 2, 29) < due", {"<": [{"date": "2024-02-29"}, {"var": "due"}]}),
        ("and(a, or(b, c))", {"and": [{"var": "a"}, {"or": [{"var": "b"}, {"var": "c"}]}]}),
        ("-x + -2", {"+": [{"-": [{"var": "x"}]}, -2]}),
        ("SUM(items, price * qty)", {"sum": [{"var": "items"}, {"*": [{"var": "price"}, {"var": "qty"}]}]}),
        ("金额 > 1", {">": [{"var": "金额"}, 1]}),
    ],
)
def test_formula_to_ast_and_back(formula: str, ast: Any) -> None:
    assert parse_formula(formula) == ast
    assert parse_formula(to_formula(ast)) == ast


def test_numbers_with_a_fraction_are_exact_decimals() -> None:
    assert parse_formula("0.1 + 0.2") == {"+": [Decimal("0.1"), Decimal("0.2")]}
    assert type(parse_formula("12")) is int


def test_to_formula_adds_only_needed_parentheses() -> None:
    ast = {"*": [{"+": [{"var": "a"}, 1]}, {"-": [{"var": "b"}, {"-": [{"var": "c"}, 2]}]}]}
    assert to_formula(ast) == "(a + 1) * (b - (c - 2))"
    assert to_formula({"and": [{"or": [True, False]}, {"!": {"var": "x"}}]}) == "(TRUE OR FALSE) AND NOT x"


def test_to_formula_refuses_unspellable_names() -> None:
    with pytest.raises(ExprError, match="cannot be written"):
        to_formula({"var": "has space"})


@pytest.mark.parametrize(
    ("formula", "line", "column", "message"),
    [
        ("amount >", 1, 8, "ends too early"),
        ('IF(a, "x)', 1, 7, "closing quote"),
        ("a\n  AND @", 2, 7, "unexpected character '@'"),
        ("1 +* 2", 1, 4, "unexpected '*'"),
        ("a = 1 = 2", 1, 7, "unexpected '='"),
        ("FOO(1)", 1, 1, "unknown function FOO"),
        ("x AND\n  FROB(1, 2)", 2, 3, "unknown function FROB"),
        ("DATE(0, 2, 30)", 1, 1, "outside the years 1 to 9999"),
    ],
)
def test_parse_errors_have_line_column_and_plain_words(formula: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ExprError, match=message) as info:
        parse_formula(formula)
    assert (info.value.line, info.value.column) == (line, column)


def test_overlong_formula_is_refused() -> None:
    with pytest.raises(ExprError, match="longer than"):
        parse_formula("1 + " * 2000 + "1")


@pytest.mark.parametrize("formula", ["-" * 3000 + "x", "NOT " * 900 + "x", "(" * 1900 + "1" + ")" * 1900])
def test_deeply_nested_formula_is_refused_or_parsed_without_crashing(formula: str) -> None:
    try:
        parse_formula(formula)
    except ExprError as error:
        assert "nested too deeply" in error.message
