"""Shared test tables (orders → customer relation, orders → items sub-table) and a SQL runner."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from dajian.engines.expr import EvalContext, Link, Schema, TableScope, WeekdayCalendar, analyze, compile_sql
from dajian.engines.sqltypes import ExactDecimal, UtcDateTime

METADATA = sa.MetaData()
CUSTOMERS = sa.Table(
    "expr_customers",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("level", sa.String(20)),
    sa.Column("credit", ExactDecimal(18, 2)),
)
ORDERS = sa.Table(
    "expr_orders",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("amount", ExactDecimal(18, 2)),
    sa.Column("rate", ExactDecimal(18, 4)),
    sa.Column("qty", sa.Integer),
    sa.Column("priority", sa.Integer),
    sa.Column("name", sa.String(100)),
    sa.Column("category", sa.String(40)),
    sa.Column("flag", sa.Boolean),
    sa.Column("due", sa.Date),
    sa.Column("created_at", UtcDateTime()),
    sa.Column("closed_at", UtcDateTime()),
    sa.Column("tags", sa.JSON().with_variant(JSONB, "postgresql")),
    sa.Column("owner", sa.Integer),
    sa.Column("dept", sa.Integer),
    sa.Column("customer_id", sa.Integer),
)
ITEMS = sa.Table(
    "expr_items",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, index=True),
    sa.Column("price", ExactDecimal(18, 2)),
    sa.Column("qty", sa.Integer),
    sa.Column("sku", sa.String(20)),
    sa.Column("shipped", sa.Boolean),
)
HIDDEN = frozenset({"id", "customer_id", "order_id"})
SCOPE = TableScope(
    ORDERS,
    children={"items": Link(TableScope(ITEMS, hidden=HIDDEN), local="id", remote="order_id")},
    relations={"customer": Link(TableScope(CUSTOMERS, hidden=HIDDEN), local="customer_id", remote="id")},
    types={"owner": "user", "dept": "department"},
    hidden=HIDDEN,
)
SCHEMA: Schema = SCOPE.schema
CONTEXT = EvalContext(now=datetime(2024, 3, 15, 12, 0, tzinfo=UTC), user_id=7, dept_id=3, calendar=WeekdayCalendar())


def convert(value: Any, kind: str) -> Any:
    """A JSON value as the Python value a record holds for ``kind``."""
    if value is None:
        return None
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return value


def record(data: Mapping[str, Any], schema: Schema = SCHEMA) -> dict[str, Any]:
    """JSON test data → the Python record ``compile_python`` functions take."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in schema.collections:
            out[key] = [record(row, schema.collections[key]) for row in value or []]
        elif key in schema.relations:
            out[key] = None if value is None else record(value, schema.relations[key])
        else:
            out[key] = convert(value, schema.fields[key])
    return out


def result_type(ast: Any) -> str:
    node, issues = analyze(ast, SCHEMA)
    assert node is not None, issues
    return node.type


def same(a: Any, b: Any) -> bool:
    """Equal; numbers exactly (division and averages round to six places the same way everywhere)."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or (a == b and type(a) is type(b))
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


class SqlRunner:
    """Loads records into the test tables and evaluates compiled SQL for each of them."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def load(self, records: Sequence[Mapping[str, Any]]) -> None:
        orders, customers, items = [], [], []
        for i, rec in enumerate(records, start=1):
            row = {c.key: None for c in ORDERS.columns} | {"id": i}
            row.update({k: v for k, v in rec.items() if k not in ("customer", "items")})
            if rec.get("customer") is not None:
                customers.append({"id": i, "level": None, "credit": None} | rec["customer"])
                row["customer_id"] = i
            for j, item in enumerate(rec.get("items") or []):
                base = {"price": None, "qty": None, "sku": None, "shipped": None}
                items.append(base | item | {"id": i * 100 + j, "order_id": i})
            orders.append(row)
        with self.engine.begin() as conn:
            for table in (ITEMS, ORDERS, CUSTOMERS):
                conn.execute(table.delete())
            for table, rows in ((CUSTOMERS, customers), (ORDERS, orders), (ITEMS, items)):
                if rows:
                    conn.execute(table.insert(), rows)

    def evaluate(self, asts: Sequence[Any], context: EvalContext = CONTEXT) -> list[list[Any]]:
        """``result[k][i]``: expression ``k`` on record ``i`` (in load order)."""
        columns = [compile_sql(a, SCOPE, context=context, as_value=True).label(f"e{k}") for k, a in enumerate(asts)]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*columns).select_from(ORDERS).order_by(ORDERS.c.id)).all()
        return [[row[k] for row in rows] for k in range(len(asts))]

    def where(self, ast: Any, context: EvalContext | None = CONTEXT) -> list[int]:
        """Ids of the loaded records the expression selects in a ``WHERE`` clause."""
        stmt = sa.select(ORDERS.c.id).where(compile_sql(ast, SCOPE, context=context)).order_by(ORDERS.c.id)
        with self.engine.connect() as conn:
            return list(conn.execute(stmt).scalars())


def tables_on(engine: sa.Engine) -> Iterator[SqlRunner]:
    METADATA.drop_all(engine)
    METADATA.create_all(engine)
    yield SqlRunner(engine)
    METADATA.drop_all(engine)
