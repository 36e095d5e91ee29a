"""SQL emitters, one per operator, registered into ``SQL_EMITTERS``.

Each takes ``(node, scope, compiler)`` and returns a ``SqlVal``. Null rules
match the Python side: comparisons never yield NULL where Python would say
``False`` (see ``exact``), equality is ``IS NOT DISTINCT FROM``, arithmetic
propagates NULL, division and remainder by zero give NULL.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import reduce
from typing import Any

import sqlalchemy as sa

from .errors import ExprError
from .model import BOOLEAN, DATETIME, DECIMAL, INTEGER, NULL, TEXT, TEXT_LIST
from .nodes import Node
from .py_runtime import to_dt
from .sql_dialect import find, int_div, list_has, list_is_null, text_less
from .sql_scope import SqlScope
from .sql_values import Col, SqlCompiler, SqlVal, align, divide, field, literal, not_null, register_sql

_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _boolean(expr: Col, maybe_null: bool = False) -> SqlVal:
    return SqlVal(expr, BOOLEAN, maybe_null=maybe_null)


def _lit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    return literal(node.value, node.type)


def _var(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    *hops, name = node.value
    return _through(list(hops), name, node.type, scope)


def _through(hops: list[str], name: str, kind: str, scope: SqlScope) -> SqlVal:
    if not hops:
        return field(scope.column(name), kind)
    target, on = scope.relation(hops[0])
    inner = _through(hops[1:], name, kind, target)
    return replace(inner, expr=sa.select(inner.expr).where(on).scalar_subquery(), column=None)


def _direct(a: SqlVal, b: SqlVal) -> tuple[Col, Col] | None:
    """``amount > 5000`` against the column itself, with the bind value typed by the column."""
    if a.column is not None and b.is_const and _fits(a.column, a.type, b.const, b.type):
        return a.column, sa.literal(b.const, a.column.type)
    return None


def _fits(column: Col, kind: str, value: Any, value_kind: str) -> bool:
    """Can ``value`` go through ``column``'s type unchanged?"""
    if value is None or not (kind == value_kind or (kind, value_kind) == (DECIMAL, INTEGER)):
        return False
    scale = getattr(column.type, "scale", None)
    return kind != DECIMAL or scale is None or -int(Decimal(value).as_tuple().exponent) <= scale


def _ordered(op: str) -> Callable[[Node, SqlScope, SqlCompiler], SqlVal]:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        a, b = c.args(node, scope)
        maybe_null = a.maybe_null or b.maybe_null
        pair = _direct(a, b) or _direct(b, a)
        if pair is not None and pair[0] is b.column:
            return _boolean(_ORDER[op](pair[1], pair[0]), maybe_null)
        if pair is not None:
            return _boolean(_ORDER[op](*pair), maybe_null)
        a, b = align([a, b])
        if a.type == TEXT:
            return _boolean(text_less(a.expr, op, b.expr), maybe_null)
        return _boolean(_ORDER[op](a.expr, b.expr), maybe_null)

    return emit


def _equal(negate: bool) -> Callable[[Node, SqlScope, SqlCompiler], SqlVal]:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        a, b = c.args(node, scope)
        if NULL in (a.type, b.type):
            other = b if a.type == NULL else a
            test = list_is_null(other.expr) if other.type == TEXT_LIST else other.expr.is_(None)
            return _boolean(sa.not_(test) if negate else test)
        pair = _direct(a, b) or _direct(b, a)
        left, right = pair or (lambda v: (v[0].expr, v[1].expr))(align([a, b]))
        if not_null([a, b]):
            return _boolean(left != right if negate else left == right)
        return _boolean(left.is_distinct_from(right) if negate else left.is_not_distinct_from(right))

    return emit


def _between(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    x, lo, hi = align(c.args(node, scope))
    return _boolean(sa.and_(lo.expr <= x.expr, x.expr <= hi.expr), not not_null([x, lo, hi]))


def _in(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    item_node, within = node.args
    item = c.emit(item_node, scope)
    if within.op != "list":
        container = c.emit(within, scope)
        if within.type == TEXT_LIST:
            return _boolean(list_has(container.expr, item.expr), True)
        return _boolean(find(container.expr, item.expr) > 0, True)
    values = [a.value for a in within.args]
    if item.type == DATETIME:
        values = [to_dt(v) for v in values]
    elif within.args and within.args[0].type == DATETIME:
        item = align([item, literal(values[0], DATETIME)])[0]
    column = item.column
    if column is not None and all(
        _fits(column, item.type, v, a.type) for v, a in zip(values, within.args, strict=True)
    ):
        return _boolean(column.in_(values), item.maybe_null)
    consts = [literal(v, item.type) for v in values]
    item, *consts = align([item, *consts])
    return _boolean(item.expr.in_([v.expr for v in consts]), item.maybe_null)


def _and_or(join: Callable[..., Any]) -> Callable[[Node, SqlScope, SqlCompiler], SqlVal]:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        args = c.conditions(node, scope)
        return _boolean(join(*[a.expr for a in args]), not not_null(args))

    return emit


def _not(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (a,) = c.conditions(node, scope)
    inner = sa.func.coalesce(a.expr, sa.false()) if a.maybe_null else a.expr
    return _boolean(sa.not_(inner))


def _if(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    cond = c.emit(node.args[0], scope)
    _, yes, no = c.args(node, scope)
    if node.type in (DECIMAL, DATETIME):
        yes, no = align([yes, no])
    scale = yes.scale if yes.type != NULL else no.scale
    return SqlVal(sa.case((cond.expr, yes.expr), else_=no.expr), node.type, scale)


def _arith(op: str) -> Callable[[Node, SqlScope, SqlCompiler], SqlVal]:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        args = c.args(node, scope)
        maybe_null = not not_null(args)
        if len(args) == 1:
            return SqlVal(-args[0].expr, node.type, args[0].scale, maybe_null) if op == "-" else args[0]
        if op == "*":
            return reduce(lambda a, b: _times(a, b, maybe_null), args)
        vals = align(args)
        combine = operator.add if op == "+" else operator.sub
        expr = reduce(combine, [v.expr for v in vals])
        return SqlVal(expr, node.type, vals[0].scale, maybe_null)

    return emit


def _times(a: SqlVal, b: SqlVal, maybe_null: bool) -> SqlVal:
    if a.scale is None or b.scale is None:
        a, b = align([a, b])
        return SqlVal(a.expr * b.expr, DECIMAL, None, maybe_null)
    kind = INTEGER if a.type == b.type == INTEGER else DECIMAL
    return SqlVal(a.expr * b.expr, kind, a.scale + b.scale, maybe_null)


def _divide(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, b = c.args(node, scope)
    return divide(a, b)


def _modulo(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    """Excel's MOD: the remainder has the divisor's sign (``MOD(-7, 3) = 2``)."""
    a, b = align(c.args(node, scope))
    divisor = sa.func.nullif(b.expr, 0)
    return SqlVal(((a.expr % divisor) + divisor) % divisor, node.type, a.scale)


def _round(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (x, *_) = c.args(node, scope)
    digits = node.args[1].value if len(node.args) > 1 else 0
    if x.scale is None:
        return SqlVal(sa.func.round(x.expr, digits), DECIMAL, None)
    if digits >= x.scale:
        return x
    factor = 10 ** (x.scale - digits)
    half = sa.case((x.expr < 0, -(factor // 2)), else_=factor // 2)
    return SqlVal(int_div(x.expr + half, sa.literal(factor, sa.BigInteger())), x.type, digits)


def _abs(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (x,) = c.args(node, scope)
    return replace(x, expr=sa.func.abs(x.expr), column=None)


def register_all() -> None:
    table: dict[str, Callable[[Node, SqlScope, SqlCompiler], SqlVal]] = {
        "lit": _lit,
        "var": _var,
        "ctx": lambda n, s, c: c.context_value(n.value),
        "and": _and_or(sa.and_),
        "or": _and_or(sa.or_),
        "not": _not,
        "if": _if,
        "==": _equal(False),
        "!=": _equal(True),
        **{op: _ordered(op) for op in _ORDER},
        "between": _between,
        "in": _in,
        "+": _arith("+"),
        "-": _arith("-"),
        "*": _arith("*"),
        "/": _divide,
        "%": _modulo,
        "round": _round,
        "abs": _abs,
        "now": lambda n, s, c: c.context_value("$now"),
        "today": lambda n, s, c: c.context_value("$today"),
        "workdays": _no_sql("WORKDAYS needs the business calendar"),
        "networkdays": _no_sql("NETWORKDAYS needs the business calendar"),
    }
    for op, emit in table.items():
        register_sql(op, emit)


def _no_sql(why: str) -> Callable[[Node, SqlScope, SqlCompiler], SqlVal]:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        raise ExprError(f"not available in SQL: {why}", node.path)

    return emit
