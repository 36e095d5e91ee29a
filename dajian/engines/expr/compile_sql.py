"""Compile a checked expression to a SQLAlchemy Core expression (SQLite and PostgreSQL).

The result does not depend on the database: dialect differences are chosen
when the statement is compiled (see ``sql_dialect.ByDialect``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from ..sqltypes import UtcDateTime
from . import sql_excel, sql_more, sql_ops
from .check import checked
from .errors import ExprError
from .limits import DEFAULT_LIMITS, Limits
from .model import BOOLEAN, DATE, DATETIME, DECIMAL, INTEGER, EvalContext
from .sql_dialect import unscaled
from .sql_scope import SqlScope
from .sql_values import SqlCompiler, SqlVal, exact

sql_ops.register_all()
sql_more.register_all()
sql_excel.register_all()


def compile_sql(
    ast: Any,
    scope: SqlScope,
    *,
    context: EvalContext | None = None,
    as_value: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ColumnElement[Any]:
    """Check ``ast`` against ``scope.schema`` and build the SQL expression; raises ``ExprError``.

    ``{"and": [{">": [{"var": "amount"}, 5000]}, {"in": ["vip", {"var": "tags"}]}]}`` over
    ``TableScope(orders)`` renders on PostgreSQL as
    ``orders.amount > %(param_1)s AND (CAST(orders.tags AS JSONB) @> jsonb_build_array(...))``
    and on SQLite as ``orders.amount > ? AND (EXISTS (SELECT 1 FROM json_each(orders.tags) AS anon_1
    WHERE anon_1.value = ?)) = 1``.

    Without ``context``, ``$user.id``/``$now``/... become required bind parameters
    (``context_params(ctx)`` supplies them), so the expression can be cached.
    For ``WHERE`` a boolean may come out NULL where Python says ``False`` (both
    exclude the row); ``as_value=True`` returns exactly ``True``/``False`` and
    exact ``Decimal``s, for selecting the value.
    """
    node = checked(ast, scope.schema, limits=limits, sql=True)
    value = SqlCompiler(context).emit(node, scope)
    if sql_weight(value.expr) > MAX_SQL_WEIGHT:
        raise ExprError(f"the expression is too large to run in SQL (more than {MAX_SQL_WEIGHT} parts once "
                        "written out); split it or simplify nested functions", "")
    if as_value:
        value = exact(value, node)
    return finish(value) if as_value or node.type != BOOLEAN else value.expr


MAX_SQL_WEIGHT = 20_000


def sql_weight(expr: ClauseElement) -> int:
    """How many elements the statement has once rendered: a sub-expression used twice (``RIGHT``
    reads its text twice) counts twice, so nesting cannot grow the SQL exponentially unseen.
    Linear in the number of distinct elements (memoised, no recursion)."""
    weights: dict[int, int] = {}
    stack: list[tuple[ClauseElement, bool]] = [(expr, False)]
    while stack:
        element, expanded = stack.pop()
        if id(element) in weights:
            continue
        children = list(element.get_children())
        if expanded:
            weights[id(element)] = min(1 + sum(weights[id(c)] for c in children), 10**9)
        else:
            stack.append((element, True))
            stack.extend((c, False) for c in children if id(c) not in weights)
    return weights[id(expr)]


def finish(value: SqlVal) -> ColumnElement[Any]:
    """Give the expression a result type that returns Python values like the Python compiler."""
    if value.type == BOOLEAN:
        return sa.type_coerce(value.expr, sa.Boolean())
    if value.type == DECIMAL and value.scale is not None:
        return unscaled(value.expr, value.scale)
    result_type: Any = {
        DECIMAL: sa.Numeric(asdecimal=True),
        INTEGER: sa.BigInteger(),
        DATE: sa.Date(),
        DATETIME: UtcDateTime(),
    }.get(value.type)
    return sa.type_coerce(value.expr, result_type) if result_type is not None else value.expr
