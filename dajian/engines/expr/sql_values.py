"""Values while compiling to SQL: an expression plus its type, scale and nullability.

Decimals are carried as scaled integers (``12.34`` with scale 2 is ``1234``) so
that SQLite, which stores ``ExactDecimal`` that way, adds, multiplies,
compares, sums and rounds exactly; PostgreSQL gets the same integer-valued
``NUMERIC``. ``scale=None`` marks a "real" value (after ``/`` or ``AVERAGE``):
``NUMERIC`` on PostgreSQL, floating point on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from ..sqltypes import ExactDecimal, UtcDateTime
from .errors import ExprError
from .model import BOOLEAN, CONTEXT_TYPES, DATE, DATETIME, DECIMAL, INTEGER, NULL, EvalContext
from .nodes import Node
from .numbers import DIV_PLACES
from .sql_dialect import date_to_datetime, rounded_quotient
from .sql_scope import SqlScope

Col = ColumnElement[Any]
_NONE = object()
MAX_SCALE = 12


@dataclass(frozen=True, eq=False)
class SqlVal:
    expr: Col
    type: str
    scale: int | None = 0
    maybe_null: bool = True
    column: Col | None = None  # the bare column behind a field read
    const: Any = _NONE  # the Python value behind a literal

    @property
    def is_const(self) -> bool:
        return self.const is not _NONE


SqlEmit = Callable[[Node, SqlScope, "SqlCompiler"], SqlVal]
SQL_EMITTERS: dict[str, SqlEmit] = {}
CONTEXT_BINDS: dict[str, tuple[str, TypeEngine[Any]]] = {
    "$user.id": ("ctx_user_id", sa.BigInteger()),
    "$user.dept_id": ("ctx_dept_id", sa.BigInteger()),
    "$now": ("ctx_now", UtcDateTime()),
    "$today": ("ctx_today", sa.Date()),
}


def register_sql(op: str, emit: SqlEmit) -> None:
    SQL_EMITTERS[op] = emit


def context_params(ctx: EvalContext) -> dict[str, Any]:
    """Bind values for a plan compiled without a context: ``conn.execute(stmt, context_params(ctx))``."""
    return {key: ctx.value(name) for name, (key, _) in CONTEXT_BINDS.items()}


class SqlCompiler:
    def __init__(self, context: EvalContext | None) -> None:
        self.context = context

    def emit(self, node: Node, scope: SqlScope) -> SqlVal:
        if node.op not in SQL_EMITTERS:
            raise ExprError(f"'{node.op}' is not available in SQL", node.path)
        return SQL_EMITTERS[node.op](node, scope, self)

    def args(self, node: Node, scope: SqlScope) -> list[SqlVal]:
        """The arguments as values (a comparison's NULL made ``False``, as Python sees it)."""
        return [exact(self.emit(a, scope), a) for a in node.args]

    def conditions(self, node: Node, scope: SqlScope) -> list[SqlVal]:
        """The arguments as conditions: NULL may stay NULL, it excludes the row like ``False``."""
        return [self.emit(a, scope) for a in node.args]

    def context_value(self, name: str) -> SqlVal:
        key, sql_type = CONTEXT_BINDS[name]
        kind = CONTEXT_TYPES[name]
        if self.context is None:
            return SqlVal(sa.bindparam(key, type_=sql_type, required=True), kind)
        value = self.context.value(name)
        return SqlVal(sa.literal(value, sql_type), kind, maybe_null=value is None)


def exact(val: SqlVal, node: Node) -> SqlVal:
    """A boolean Python never sees as null (a comparison) must not be NULL in SQL either."""
    if node.type == BOOLEAN and not node.nullable and val.maybe_null:
        return SqlVal(sa.func.coalesce(val.expr, sa.false()), BOOLEAN, maybe_null=False)
    return val


def literal(value: Any, kind: str) -> SqlVal:
    if value is None:
        return SqlVal(sa.null(), NULL, const=None)
    if isinstance(value, bool):
        return SqlVal(sa.true() if value else sa.false(), BOOLEAN, maybe_null=False, const=value)
    if isinstance(value, Decimal):
        scale = max(0, -int(value.as_tuple().exponent))
        if scale > MAX_SCALE:
            return SqlVal(sa.literal(value, sa.Numeric()), DECIMAL, None, False, const=value)
        return SqlVal(sa.literal(int(value.scaleb(scale)), sa.BigInteger()), DECIMAL, scale, False, const=value)
    sql_types: dict[type, TypeEngine[Any]] = {
        int: sa.BigInteger(),
        str: sa.String(),
        date: sa.Date(),
        datetime: UtcDateTime(),
    }
    sql_type = sql_types[type(value)]
    return SqlVal(sa.literal(value, sql_type), kind, maybe_null=False, const=value)


def field(column: Col, kind: str) -> SqlVal:
    if kind == DECIMAL and isinstance(column.type, ExactDecimal):
        from .sql_dialect import scaled_column

        return SqlVal(scaled_column(column, column.type.scale), DECIMAL, column.type.scale, column=column)
    return SqlVal(column, kind, None if kind == DECIMAL else 0, column=column)


def to_real(val: SqlVal) -> Col:
    if val.scale is None:
        return val.expr
    real = val.expr * sa.literal(Decimal("1.0"), sa.Numeric())
    return real / (10**val.scale) if val.scale else real


def rescale(val: SqlVal, scale: int) -> SqlVal:
    assert val.scale is not None and scale >= val.scale
    if scale == val.scale:
        return val
    return replace(val, expr=val.expr * (10 ** (scale - val.scale)), scale=scale, column=None)


def align(vals: list[SqlVal]) -> list[SqlVal]:
    """Bring numbers to one scale (or all to real); promote dates next to date-times."""
    kinds = {v.type for v in vals}
    if DATE in kinds and DATETIME in kinds:
        return [
            replace(v, expr=date_to_datetime(v.expr), type=DATETIME, column=None) if v.type == DATE else v for v in vals
        ]
    numbers = [v for v in vals if v.type in (INTEGER, DECIMAL)]
    if not numbers:
        return vals
    if any(v.scale is None for v in numbers):
        return [
            replace(v, expr=to_real(v), scale=None, column=None) if v.type in (INTEGER, DECIMAL) else v for v in vals
        ]
    top = max(v.scale or 0 for v in numbers)
    return [rescale(v, top) if v.type in (INTEGER, DECIMAL) else v for v in vals]


def divide(a: SqlVal, b: SqlVal) -> SqlVal:
    """``a / b`` as a scaled integer with ``DIV_PLACES`` places, rounded half away from zero
    (``numbers.divide`` on the Python side); NULL when ``b`` is 0."""
    if a.scale is None or b.scale is None:
        x, y = to_real(a) * (10**DIV_PLACES), sa.func.nullif(to_real(b), 0)
    else:
        shift = b.scale + DIV_PLACES - a.scale
        x = a.expr * (10**shift) if shift >= 0 else a.expr
        y = sa.func.nullif(b.expr, 0) if shift >= 0 else sa.func.nullif(b.expr, 0) * (10**-shift)
    return SqlVal(rounded_quotient(x, y), DECIMAL, DIV_PLACES)


def not_null(vals: list[SqlVal]) -> bool:
    return not any(v.maybe_null for v in vals)
