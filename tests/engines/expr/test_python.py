from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dajian.engines.expr import (
    EvalContext,
    ExprError,
    Schema,
    WeekdayCalendar,
    compile_python,
    parse_formula,
    python_source,
)

from .support import SCHEMA

CTX = EvalContext(now=datetime(2024, 3, 15, 12, tzinfo=UTC), user_id=7, dept_id=3, calendar=WeekdayCalendar())


def test_generated_source_holds_no_user_text() -> None:
    hostile = "x') or __import__('os') or ('"
    schema = Schema({hostile: "text", "__class__": "text"})
    ast = {"and": [{"==": [{"var": hostile}, hostile]}, {"==": [{"var": "__class__"}, "\n\"'"]}]}
    source = python_source(ast, schema)
    assert hostile not in source and "__class__" not in source and "import" not in source
    function = compile_python(ast, schema)
    assert function({hostile: hostile, "__class__": "\n\"'"}, CTX) is True
    assert function({}, CTX) is False


def test_compiled_function_is_reusable_and_pure() -> None:
    function = compile_python(parse_formula('amount * 2 > 10 AND IN(category, "a", "b")'), SCHEMA)
    records = [
        {"amount": Decimal("6.00"), "category": "a"},
        {"amount": Decimal("4"), "category": "a"},
        {"amount": None, "category": "b"},
        {},
    ]
    assert [function(r, CTX) for r in records] == [True, False, False, False]
    assert [function(r, CTX) for r in records] == [True, False, False, False]


def test_relations_collections_and_multi_select() -> None:
    function = compile_python(
        parse_formula('customer.level = "gold" AND SUM(items, price * qty) > 10 AND CONTAINS(tags, "vip")'), SCHEMA
    )
    rec = {
        "customer": {"level": "gold"},
        "tags": ["vip"],
        "items": [{"price": Decimal("2.50"), "qty": 3}, {"price": Decimal("4.00"), "qty": None}],
    }
    assert function(rec, CTX) is False
    rec["items"].append({"price": Decimal("3"), "qty": 1})  # type: ignore[attr-defined]
    assert function(rec, CTX) is True
    assert function({"customer": None, "items": None, "tags": None}, CTX) is False


def test_context_values() -> None:
    function = compile_python(parse_formula("owner = $user.id AND dept = $user.dept_id AND due >= $today"), SCHEMA)
    assert function({"owner": 7, "dept": 3, "due": date(2024, 3, 15)}, CTX) is True
    assert function({"owner": 7, "dept": 3, "due": date(2024, 3, 15)}, EvalContext(user_id=8)) is False
    now = compile_python({"var": "$now"}, SCHEMA)
    assert now({}, EvalContext(now=datetime(2024, 1, 1, 8, tzinfo=UTC))) == datetime(2024, 1, 1, 8, tzinfo=UTC)


def test_workdays_use_the_callers_calendar() -> None:
    class Holidays:
        def working_days_between(self, a: date, b: date) -> int:
            return 42

    function = compile_python(parse_formula("WORKDAYS(due, TODAY())"), SCHEMA)
    assert function({"due": date(2024, 3, 8)}, CTX) == 5
    assert function({"due": date(2024, 3, 8)}, EvalContext(calendar=Holidays())) == 42
    assert function({"due": None}, CTX) is None
    with pytest.raises(ExprError, match="business calendar"):
        function({"due": date(2024, 3, 8)}, EvalContext())


def test_weekday_calendar() -> None:
    calendar = WeekdayCalendar(holidays=frozenset({date(2024, 3, 12)}))
    assert calendar.working_days_between(date(2024, 3, 8), date(2024, 3, 15)) == 4
    assert calendar.working_days_between(date(2024, 3, 15), date(2024, 3, 8)) == -4
    assert calendar.working_days_between(date(2024, 3, 9), date(2024, 3, 10)) == 0


def test_decimal_arithmetic_is_exact() -> None:
    function = compile_python(parse_formula("amount + 0.1 + 0.2"), SCHEMA)
    assert function({"amount": Decimal("0")}, CTX) == Decimal("0.3")
    assert compile_python({"+": [0.1, 0.2]}, SCHEMA)({}, CTX) == Decimal("0.3")


def test_eval_context_defaults_today_from_now_in_utc() -> None:
    from datetime import timedelta, timezone

    ctx = EvalContext(now=datetime(2024, 3, 15, 1, tzinfo=timezone(timedelta(hours=8))))
    assert ctx.today == date(2024, 3, 14)
    assert ctx.now.tzinfo is UTC


def test_docstring_example_of_compile_python() -> None:
    source = python_source({">": [{"var": "amount"}, 5000]}, Schema({"amount": "decimal"}))
    assert source == "(not ((t1 := g(c0)) is None) and t1 > c1)"
