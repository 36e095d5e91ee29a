"""SQL emitters for text, dates, null tests and aggregates over sub-tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sqlalchemy as sa

from .model import BOOLEAN, DATE, DATETIME, DECIMAL, INTEGER, TEXT, TEXT_LIST
from .nodes import Node
from .sql_dialect import (
    ByDialect,
    add_days,
    add_seconds,
    date_part,
    days_between,
    find,
    int_div,
    list_has,
    list_is_null,
    list_length,
    seconds_between,
    truncate,
)
from .sql_scope import SqlScope
from .sql_values import Col, SqlCompiler, SqlVal, align, divide, exact, register_sql

Emit = Callable[[Node, SqlScope, SqlCompiler], SqlVal]
_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60}


def _substr(text: Col, start: Col | int, length: Col | int | None = None) -> Col:
    """``substr`` with integer positions (PostgreSQL has no ``substr(text, bigint)``)."""
    ints = [sa.cast(v, sa.Integer()) for v in (start, length) if v is not None]
    return sa.func.substr(text, *ints)


def _clamp0(n: Col) -> Col:
    return sa.case((n < 0, 0), else_=n)


def _text(expr: Col, maybe_null: bool = True) -> SqlVal:
    return SqlVal(expr, TEXT, maybe_null=maybe_null)


def _cat(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    parts = [sa.func.coalesce(_as_text(a), "") for a in c.args(node, scope)]
    expr: Col = parts[0]
    for part in parts[1:]:
        expr = expr.concat(part)
    return _text(expr, maybe_null=False)


def _as_text(a: SqlVal) -> Col:
    """Text, a whole number, or a decimal as Excel's General format shows it (``5.50`` → "5.5")."""
    if a.type == TEXT:
        return a.expr
    if a.type != DECIMAL or not a.scale:
        return sa.cast(a.expr, sa.String())
    unit = 10**a.scale
    size = sa.func.abs(a.expr)
    fraction = size % unit
    sign = sa.case((a.expr < 0, "-"), else_="")
    digits = sa.func.rtrim(sa.func.printf(f"%0{a.scale}d", fraction), "0")
    whole = sa.cast(int_div(size, sa.literal(unit, sa.BigInteger())), sa.BigInteger())
    lite = sign.concat(sa.cast(whole, sa.String())).concat(
        sa.case((fraction == 0, ""), else_=sa.literal(".").concat(digits))
    )
    pg = sa.cast(sa.func.trim_scale(sa.cast(a.expr, sa.Numeric()) / unit), sa.String())
    return ByDialect(sa.String(), sqlite=lite, postgresql=pg)


def _contains(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, b = c.args(node, scope)
    if a.type == TEXT_LIST:
        return SqlVal(list_has(a.expr, b.expr), BOOLEAN)
    return SqlVal(find(a.expr, b.expr) > 0, BOOLEAN)


def _starts(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, b = c.args(node, scope)
    return SqlVal(_substr(a.expr, 1, sa.func.length(b.expr)) == b.expr, BOOLEAN)


def _ends(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, b = c.args(node, scope)
    la, lb = sa.func.length(a.expr), sa.func.length(b.expr)
    tail = _substr(a.expr, la - lb + 1) == b.expr
    return SqlVal(sa.case((lb > la, sa.false()), else_=tail), BOOLEAN)


def _left(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, n = c.args(node, scope)
    return _text(_substr(a.expr, 1, _clamp0(n.expr)))


def _right(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, n = c.args(node, scope)
    size = sa.func.length(a.expr)
    keep = sa.case((n.expr < 0, 0), (n.expr > size, size), else_=n.expr)
    return _text(_substr(a.expr, size - keep + 1))


def _mid(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, start, n = c.args(node, scope)
    begin = _clamp0(start.expr - 1)
    end = _clamp0(start.expr - 1 + _clamp0(n.expr))
    return _text(_substr(a.expr, begin + 1, _clamp0(end - begin)))


def _simple(func: str, kind: str) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        (a,) = c.args(node, scope)
        return SqlVal(getattr(sa.func, func)(a.expr), kind)

    return emit


def _regex(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (a, _) = c.args(node, scope)
    return SqlVal(a.expr.regexp_match(node.args[1].value), BOOLEAN)


def _is_null(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (a,) = c.args(node, scope)
    return SqlVal(is_null(a), BOOLEAN, maybe_null=False)


def is_null(a: SqlVal) -> Col:
    return list_is_null(a.expr) if a.type == TEXT_LIST else a.expr.is_(None)


def _is_empty(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    arg = node.args[0]
    if arg.op == "coll":
        _, on = scope.collection(arg.value)
        return SqlVal(~sa.exists().where(on), BOOLEAN, maybe_null=False)
    (a,) = c.args(node, scope)
    if a.type == TEXT:
        return SqlVal(sa.func.coalesce(a.expr, "") == "", BOOLEAN, maybe_null=False)
    if a.type == TEXT_LIST:
        return SqlVal(list_length(a.expr) == 0, BOOLEAN, maybe_null=False)
    return SqlVal(is_null(a), BOOLEAN, maybe_null=False)


def _date_add(sign: int) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        value, n, _ = c.args(node, scope)
        unit = node.args[2].value
        if value.type == DATE:
            return SqlVal(add_days(value.expr, n.expr * sign), DATE)
        return SqlVal(add_seconds(value.expr, n.expr * (sign * _SECONDS[unit])), DATETIME)

    return emit


def _datediff(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, b = align(c.args(node, scope)[:2])
    if node.args[2].value in ("m", "y"):
        from .sql_excel import datediff_calendar

        return datediff_calendar(a, b, node.args[2].value)
    hours = node.args[2].value == "h"
    if a.type == DATE:
        days = days_between(a.expr, b.expr)
        return SqlVal(days * 24 if hours else days, INTEGER)
    step = sa.literal(3600 if hours else 86400, sa.BigInteger())
    return SqlVal(int_div(seconds_between(a.expr, b.expr), step), INTEGER)


def _part(part: str) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        (a,) = c.args(node, scope)
        return SqlVal(date_part(part, a.expr, is_date=a.type == DATE), INTEGER)

    return emit


def _truncate(unit: str) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        (a,) = c.args(node, scope)
        if unit == "day" and a.type == DATE:
            return a
        return SqlVal(truncate(unit, a.expr, is_date=a.type == DATE), DATE)

    return emit


def _aggregate(op: str) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        source = node.args[0]
        if source.op != "coll":
            return SqlVal(list_length(c.emit(source, scope).expr), INTEGER, maybe_null=False)
        child, on = scope.collection(source.value)
        if len(node.args) == 1:
            return SqlVal(sa.select(sa.func.count()).where(on).scalar_subquery(), INTEGER, maybe_null=False)
        item = c.emit(node.args[1], child)
        return _AGGREGATE[op](item if op in ("any", "all") else exact(item, node.args[1]), on)

    return emit


def _scalar(expr: Col, on: Col) -> Col:
    return sa.select(expr).where(on).scalar_subquery()


def _sum(item: SqlVal, on: Col) -> SqlVal:
    total = sa.func.coalesce(_scalar(sa.func.sum(item.expr), on), 0)
    expr = sa.cast(total, sa.BigInteger()) if item.type == INTEGER else total
    return SqlVal(expr, item.type, item.scale, maybe_null=False)


def _avg(item: SqlVal, on: Col) -> SqlVal:
    total = SqlVal(_scalar(sa.func.sum(item.expr), on), DECIMAL, item.scale)
    return divide(total, SqlVal(_scalar(sa.func.count(item.expr), on), INTEGER))


def _extreme(func: str) -> Callable[[SqlVal, Col], SqlVal]:
    def build(item: SqlVal, on: Col) -> SqlVal:
        return replace(item, expr=_scalar(getattr(sa.func, func)(item.expr), on), maybe_null=True, column=None)

    return build


def _count(item: SqlVal, on: Col) -> SqlVal:
    return SqlVal(_scalar(sa.func.count(item.expr), on), INTEGER, maybe_null=False)


def _any(item: SqlVal, on: Col) -> SqlVal:
    return SqlVal(sa.exists().where(on, item.expr), BOOLEAN, maybe_null=False)


def _all(item: SqlVal, on: Col) -> SqlVal:
    failing = sa.not_(sa.func.coalesce(item.expr, sa.false()))
    return SqlVal(~sa.exists().where(on, failing), BOOLEAN, maybe_null=False)


_AGGREGATE: dict[str, Callable[[SqlVal, Col], SqlVal]] = {
    "sum": _sum,
    "avg": _avg,
    "min": _extreme("min"),
    "max": _extreme("max"),
    "count": _count,
    "any": _any,
    "all": _all,
}


def register_all() -> None:
    table: dict[str, Emit] = {
        "cat": _cat,
        "contains": _contains,
        "starts_with": _starts,
        "ends_with": _ends,
        "length": _simple("length", INTEGER),
        "upper": _simple("upper", TEXT),
        "lower": _simple("lower", TEXT),
        "left": _left,
        "right": _right,
        "mid": _mid,
        "regex": _regex,
        "is_null": _is_null,
        "is_empty": _is_empty,
        "date_add": _date_add(1),
        "date_sub": _date_add(-1),
        "datediff": _datediff,
        "year": _part("year"),
        "month": _part("month"),
        "week_start": _truncate("week"),
        "month_start": _truncate("month"),
        "to_date": _truncate("day"),
        **{op: _aggregate(op) for op in _AGGREGATE},
    }
    for op, emit in table.items():
        register_sql(op, emit)
