from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dajian.engines.expr import EvalContext, ExprError, TableScope, compile_sql, context_params, parse_formula

from .support import CONTEXT, ORDERS, SCHEMA, SCOPE, SqlRunner

ROWS: list[dict[str, Any]] = [
    {
        "amount": Decimal("6000.50"),
        "rate": Decimal("0.1250"),
        "qty": 3,
        "name": "Alpha",
        "category": "hw",
        "flag": True,
        "due": date(2024, 3, 1),
        "created_at": datetime(2024, 3, 14, 9, 30, 0, 500000, tzinfo=UTC),
        "tags": ["vip", "new"],
        "owner": 7,
        "dept": 3,
        "customer": {"level": "gold", "credit": Decimal("100.00")},
        "items": [
            {"price": Decimal("2.50"), "qty": 2, "sku": "a", "shipped": True},
            {"price": None, "qty": 5, "sku": "b", "shipped": None},
        ],
    },
    {
        "amount": Decimal("10.00"),
        "qty": None,
        "name": "beta",
        "category": "sw",
        "flag": False,
        "due": date(2024, 3, 20),
        "created_at": datetime(2023, 12, 31, 23, 0, tzinfo=UTC),
        "tags": [],
        "owner": 8,
        "customer": None,
        "items": [],
    },
    {"amount": None, "name": None, "tags": None, "flag": None},
]


@pytest.fixture
def loaded(db: SqlRunner) -> SqlRunner:
    db.load(ROWS)
    return db


@pytest.mark.parametrize(
    ("formula", "ids"),
    [
        ("amount > 5000", [1]),
        ("NOT (amount > 5000)", [2, 3]),
        ("NOT flag", [2, 3]),
        ("amount <> 10", [1, 3]),
        ("ISNULL(amount)", [3]),
        ('IN(category, "hw", "sw")', [1, 2]),
        ('NOT IN(category, "hw")', [2, 3]),
        ('CONTAINS(tags, "vip")', [1]),
        ('NOT CONTAINS(tags, "vip")', [2, 3]),
        ("ISBLANK(tags)", [2, 3]),
        ("ISBLANK(name)", [3]),
        ('CONTAINS(name, "et")', [2]),
        ('customer.level = "gold" AND customer.credit >= 100', [1]),
        ("ISNULL(customer.level)", [2, 3]),
        ("SUM(items.price) > 2", [1]),
        ("COUNT(items) = 0", [2, 3]),
        ("ANY(items, qty > 4)", [1]),
        ("ALL(items, shipped)", [2, 3]),
        ("amount * rate > 750", [1]),
        ("owner = $user.id", [1]),
        ('due < TODAY() AND DATEDIF(created_at, NOW(), "h") >= 26', [1]),
        ("YEAR(created_at) = 2023", [2]),
        ('REGEXMATCH(name, "^[A-Z]")', [1]),
        ('LOWER(name) > "alpha"', [2]),
    ],
)
def test_where_clauses(loaded: SqlRunner, formula: str, ids: list[int]) -> None:
    assert loaded.where(parse_formula(formula)) == ids


def test_values_round_trip_with_exact_types(loaded: SqlRunner) -> None:
    exprs = [
        "amount + 0.005",
        "SUM(items, price * qty)",
        'DATEADD(created_at, 90, "minutes")',
        "WEEKSTART(created_at)",
        "amount > 5000",
        "flag",
    ]
    results = loaded.evaluate([parse_formula(f) for f in exprs])
    assert results[0] == [Decimal("6000.505"), Decimal("10.005"), None]
    assert results[1] == [Decimal("5.00"), 0, 0]
    assert results[2][0] == datetime(2024, 3, 14, 11, 0, 0, 500000, tzinfo=UTC)
    assert results[3] == [date(2024, 3, 11), date(2023, 12, 25), None]
    assert results[4] == [True, False, False]
    assert results[5] == [True, False, None]


def test_context_as_bind_parameters(loaded: SqlRunner) -> None:
    expr = compile_sql(parse_formula("owner = $user.id AND due <= $today"), SCOPE)
    stmt = sa.select(ORDERS.c.id).where(expr)
    with loaded.engine.connect() as conn:
        assert list(conn.execute(stmt, context_params(CONTEXT)).scalars()) == [1]
        other = EvalContext(now=datetime(2024, 3, 25, tzinfo=UTC), user_id=8)
        assert list(conn.execute(stmt, context_params(other)).scalars()) == [2]


def test_simple_comparisons_stay_index_friendly() -> None:
    expr = compile_sql(parse_formula('amount > 5000 AND category = "hw"'), SCOPE)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql = str(sa.select(ORDERS.c.id).where(expr).compile(dialect=dialect))
        assert "expr_orders.amount >" in sql and "coalesce" not in sql.lower()


def test_same_expression_renders_per_dialect() -> None:
    expr = compile_sql(parse_formula('CONTAINS(tags, "vip") AND WEEKSTART(due) = due'), SCOPE)
    lite = str(expr.compile(dialect=sqlite.dialect()))
    pg = str(expr.compile(dialect=postgresql.dialect()))
    assert "json_each" in lite and "date(expr_orders.due" in lite
    assert "@>" in pg and "date_trunc" in pg


def test_workdays_is_refused_with_its_location() -> None:
    with pytest.raises(ExprError, match="not available in SQL") as info:
        compile_sql({"and": [True, {">": [{"workdays": [{"var": "due"}, {"today": []}]}, 3]}]}, SCOPE)
    assert info.value.path == "/and/1/>/0"


def test_table_scope_infers_the_schema() -> None:
    assert SCHEMA.fields["amount"] == "decimal"
    assert SCHEMA.fields["tags"] == "text_list"
    assert SCHEMA.fields["created_at"] == "datetime"
    assert SCHEMA.fields["owner"] == "user"
    assert "customer_id" not in SCHEMA.fields
    assert set(SCHEMA.collections["items"].fields) == {"price", "qty", "sku", "shipped"}
    assert TableScope(ORDERS).schema.fields["customer_id"] == "integer"


def test_sql_that_would_grow_exponentially_is_refused_before_it_is_written_out() -> None:
    nested = "name"
    for _ in range(7):  # RIGHT reads its text four times: 4**7 copies once rendered
        nested = f"RIGHT({nested}, 3)"
    with pytest.raises(ExprError, match="too large to run in SQL"):
        compile_sql(parse_formula(f'{nested} = "a"'), SCOPE)
    assert compile_sql(parse_formula('RIGHT(RIGHT(name, 3), 2) = "a"'), SCOPE) is not None
