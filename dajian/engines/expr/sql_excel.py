"""SQL emitters for the Excel functions (``catalog``), the twins of ``py_excel``.

Every emitter builds one expression that renders on SQLite and PostgreSQL
(``ByDialect`` where they differ) and gives what the Python helper gives, null rules
included; Python-only functions raise a located ``ExprError`` naming the function.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import reduce

import sqlalchemy as sa

from .catalog import PYTHON_ONLY
from .errors import ExprError
from .model import DATE, DECIMAL, INTEGER, NULL, TEXT, TEXT_LIST
from .nodes import Node
from .py_excel import DAY_LIMIT, MAX_REPT, MONTH_LIMIT
from .sql_dialect import ByDialect, int_div, list_is_null, truncate, utc
from .sql_scope import SqlScope
from .sql_values import Col, SqlCompiler, SqlVal, align, divide, literal, register_sql

Emit = Callable[[Node, SqlScope, SqlCompiler], SqlVal]
_MARK = "\x01"


def _numbers(node: Node, scope: SqlScope, c: SqlCompiler) -> list[SqlVal]:
    return align([v for v in c.args(node, scope) if v.type != NULL])


def _is_null(v: SqlVal) -> Col:
    return list_is_null(v.expr) if v.type == TEXT_LIST else v.expr.is_(None)


def _sum_of(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    vals = _numbers(node, scope, c)
    if not vals:
        return literal(0, INTEGER)
    total = reduce(operator.add, [sa.func.coalesce(v.expr, 0) for v in vals])
    return SqlVal(total, node.type, vals[0].scale, maybe_null=False)


def _avg_of(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    vals = _numbers(node, scope, c)
    if not vals:
        return SqlVal(sa.null(), DECIMAL, None)
    total = reduce(operator.add, [sa.func.coalesce(v.expr, 0) for v in vals])
    count = reduce(operator.add, [sa.case((v.expr.is_(None), 0), else_=1) for v in vals])
    return divide(SqlVal(total, DECIMAL, vals[0].scale), SqlVal(count, INTEGER))


def _extreme(pg: str, lite: str) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        vals = _numbers(node, scope, c)
        if not vals:
            return SqlVal(sa.null(), node.type)
        if len(vals) == 1:
            return vals[0]
        exprs = [v.expr for v in vals]
        rotations = [sa.func.coalesce(*exprs[i:], *exprs[:i]) for i in range(len(exprs))]
        expr = ByDialect(
            vals[0].expr.type, sqlite=getattr(sa.func, lite)(*rotations), postgresql=getattr(sa.func, pg)(*exprs)
        )
        return SqlVal(expr, node.type, vals[0].scale, maybe_null=all(v.maybe_null for v in vals))

    return emit


def _count_of(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    vals = c.args(node, scope)
    count = reduce(operator.add, [sa.case((_is_null(v), 0), else_=1) for v in vals])
    return SqlVal(count, INTEGER, maybe_null=False)


def _product(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    vals = [v for v in c.args(node, scope) if v.type != NULL]
    if not vals:
        return SqlVal(sa.null(), node.type)
    if any(v.scale is None for v in vals):
        vals = align(vals)
    ones = [sa.func.coalesce(v.expr, 10 ** (v.scale or 0)) if v.maybe_null else v.expr for v in vals]
    expr = reduce(operator.mul, ones)
    if all(v.maybe_null for v in vals):
        expr = sa.case((sa.and_(*[v.expr.is_(None) for v in vals]), sa.null()), else_=expr)
    scale = None if any(v.scale is None for v in vals) else sum(v.scale or 0 for v in vals)
    return SqlVal(expr, node.type, scale, maybe_null=all(v.maybe_null for v in vals))


def _xor(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    ones = [sa.case((v.expr, 1), else_=0) for v in c.conditions(node, scope)]
    return SqlVal(reduce(operator.add, ones) % 2 == 1, "boolean", maybe_null=False)


def _coalesce(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    a, b = c.args(node, scope)
    if NULL in (a.type, b.type):
        return b if a.type == NULL else a
    a, b = align([a, b])
    return SqlVal(sa.func.coalesce(a.expr, b.expr), node.type, a.scale, maybe_null=b.maybe_null)


def _trim(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (t,) = c.args(node, scope)
    marked = sa.func.replace(t.expr, " ", " " + _MARK)
    single = sa.func.replace(sa.func.replace(marked, _MARK + " ", ""), _MARK, "")
    return SqlVal(ByDialect(sa.String(), sqlite=sa.func.trim(single, " "), postgresql=sa.func.btrim(single, " ")), TEXT)


def _substr(text: Col, start: Col | int, length: Col | int | None = None) -> Col:
    ints = [sa.cast(v, sa.Integer()) for v in (start, length) if v is not None]
    return sa.func.substr(text, *ints)


def _clamp0(n: Col) -> Col:
    return sa.case((n < 0, 0), else_=n)


def _substitute(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    t, old, new = c.args(node, scope)
    return SqlVal(sa.func.replace(t.expr, old.expr, new.expr), TEXT)


def _replace(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    t, start, n, new = c.args(node, scope)
    head = _substr(t.expr, 1, _clamp0(start.expr - 1))
    tail = _substr(t.expr, _clamp0(start.expr - 1 + _clamp0(n.expr)) + 1)
    return SqlVal(head.concat(new.expr).concat(tail), TEXT)


def _position(lower: bool) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        part, text, start = (v.expr for v in c.args(node, scope))
        if lower:
            part, text = sa.func.lower(part), sa.func.lower(text)
        rest = _substr(text, start)
        found = ByDialect(sa.Integer(), sqlite=sa.func.instr(rest, part), postgresql=sa.func.strpos(rest, part))
        expr = sa.case(
            (sa.or_(start < 1, start > sa.func.length(text) + 1), sa.null()),
            (found == 0, sa.null()),
            else_=found + start - 1,
        )
        return SqlVal(expr, INTEGER)

    return emit


def _rept(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    t, n = c.args(node, scope)
    count = sa.cast(n.expr, sa.Integer())
    repeated = ByDialect(
        sa.String(),
        sqlite=sa.func.replace(sa.func.hex(sa.func.zeroblob(count)), "00", t.expr),
        postgresql=sa.func.repeat(t.expr, count),
    )
    too_long = sa.or_(n.expr < 0, sa.func.length(t.expr) * n.expr > MAX_REPT)
    return SqlVal(sa.case((too_long, sa.null()), else_=repeated), TEXT)


def _pg_value(v: SqlVal) -> Col:
    return sa.cast(v.expr, sa.TIMESTAMP()) if v.type == DATE else utc(v.expr)


def _part(v: SqlVal, fmt: str, field: str) -> Col:
    return ByDialect(
        sa.Integer(),
        sqlite=sa.cast(sa.func.strftime(fmt, v.expr), sa.Integer()),
        postgresql=sa.cast(sa.extract(field, _pg_value(v)), sa.Integer()),
    )


def _date_part(fmt: str, field: str) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        (v,) = c.args(node, scope)
        if v.type == DATE and field in ("hour", "minute"):
            return SqlVal(sa.case((v.expr.is_(None), sa.null()), else_=0), INTEGER)
        return SqlVal(_part(v, fmt, field), INTEGER)

    return emit


def _weekday(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    v, _ = c.args(node, scope)
    dow = _part(v, "%w", "dow")  # Sunday 0
    kind = node.args[1].value
    expr = dow + 1 if kind == 1 else (dow + 6) % 7 + 1 if kind == 2 else (dow + 6) % 7
    return SqlVal(expr, INTEGER)


def _weeknum(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (v,) = c.args(node, scope)
    first = ByDialect(
        sa.Integer(),
        sqlite=sa.cast(sa.func.strftime("%w", v.expr, "start of year"), sa.Integer()),
        postgresql=sa.cast(sa.extract("dow", sa.func.date_trunc("year", _pg_value(v))), sa.Integer()),
    )
    doy = _part(v, "%j", "doy")
    return SqlVal(int_div(doy - 1 + first, sa.literal(7, sa.Integer())) + 1, INTEGER)


def _months(n: Col) -> Col:
    return sa.cast(n, sa.String()).concat(" months")


def _days(n: Col) -> Col:
    return sa.cast(n, sa.String()).concat(" days")


def _edate(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    v, n = c.args(node, scope)
    day = sa.cast(sa.func.strftime("%d", v.expr), sa.Integer())
    same_day = sa.func.date(v.expr, "start of month", _months(n.expr), _days(day - 1))
    month_end = sa.func.date(v.expr, "start of month", _months(n.expr + 1), "-1 day")
    pg = sa.cast(sa.cast(_pg_value(v), sa.Date()) + sa.func.make_interval(0, sa.cast(n.expr, sa.Integer())), sa.Date())
    return SqlVal(ByDialect(sa.Date(), sqlite=sa.func.min(same_day, month_end), postgresql=pg), DATE)


def _eomonth(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    v, n = c.args(node, scope)
    lite = sa.func.date(v.expr, "start of month", _months(n.expr + 1), "-1 day")
    start = sa.func.date_trunc("month", _pg_value(v))
    pg = sa.cast(start + sa.func.make_interval(0, sa.cast(n.expr + 1, sa.Integer()), 0, -1), sa.Date())
    return SqlVal(ByDialect(sa.Date(), sqlite=lite, postgresql=pg), DATE)


def _make_date(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    y, m, d = (v.expr for v in c.args(node, scope))
    lite = sa.func.date(sa.func.printf("%04d-01-01", y), _months(m - 1), _days(d - 1))
    pg = sa.cast(
        sa.func.make_date(sa.cast(y, sa.Integer()), 1, 1)
        + sa.func.make_interval(0, sa.cast(m - 1, sa.Integer()), 0, sa.cast(d - 1, sa.Integer())),
        sa.Date(),
    )
    made = ByDialect(sa.Date(), sqlite=lite, postgresql=pg)
    inputs_ok = sa.and_(y.between(1, 9999), m.between(-MONTH_LIMIT, MONTH_LIMIT), d.between(-DAY_LIMIT, DAY_LIMIT))
    low, high = sa.literal(date(1, 1, 1), sa.Date()), sa.literal(date(9999, 12, 31), sa.Date())
    in_range = sa.and_(sa.type_coerce(made, sa.Date()) >= low, sa.type_coerce(made, sa.Date()) <= high)
    return SqlVal(sa.case((sa.and_(inputs_ok, in_range), made), else_=sa.null()), DATE)


def datediff_calendar(a: SqlVal, b: SqlVal, unit: str) -> SqlVal:
    """DATEDIF's "m" and "y" (``py_excel.datediff_calendar``)."""
    start, end = truncate("day", a.expr, is_date=a.type == DATE), truncate("day", b.expr, is_date=b.type == DATE)
    s, e = (SqlVal(start, DATE), SqlVal(end, DATE))
    months = (
        (_part(e, "%Y", "year") - _part(s, "%Y", "year")) * 12
        + _part(e, "%m", "month")
        - _part(s, "%m", "month")
        - sa.case((_part(e, "%d", "day") < _part(s, "%d", "day"), 1), else_=0)
    )
    value = months if unit == "m" else int_div(months, sa.literal(12, sa.Integer()))
    return SqlVal(sa.case((end < start, sa.null()), else_=value), INTEGER)


def _int(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    (x,) = c.args(node, scope)
    if x.scale is None:
        raise ExprError("INT of a number with more than 12 decimal places is not available in SQL", node.path)
    if x.scale == 0:
        return replace(x, type=INTEGER)
    unit = sa.literal(10**x.scale, sa.BigInteger())
    return SqlVal(int_div(x.expr - _mod_floor(x.expr, unit), unit), INTEGER, 0, x.maybe_null)


def _mod_floor(x: Col, step: Col) -> Col:
    return ((x % step) + step) % step


def _rounded(up: bool) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        (x, *_) = c.args(node, scope)
        digits = node.args[1].value if len(node.args) > 1 else 0
        if x.scale is None:
            raise ExprError("rounding a number with more than 12 decimal places is not available in SQL", node.path)
        if digits >= x.scale:
            return x
        factor = 10 ** (x.scale - digits)
        nudged = x.expr + sa.case((x.expr < 0, -(factor - 1)), else_=factor - 1) if up else x.expr
        return SqlVal(int_div(nudged, sa.literal(factor, sa.BigInteger())), x.type, digits, x.maybe_null)

    return emit


def _power(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    x, _ = c.args(node, scope)
    exponent = node.args[1].value if node.args[1].op == "lit" else None
    if type(exponent) is not int or not 0 <= exponent <= 10 or x.scale is None:
        raise ExprError("not available in SQL: POWER needs a whole constant power from 0 to 10 there", node.path)
    if exponent == 0:
        return SqlVal(sa.case((sa.or_(x.expr.is_(None), x.expr == 0), sa.null()), else_=1), node.type, 0)
    return SqlVal(reduce(operator.mul, [x.expr] * exponent), node.type, x.scale * exponent, x.maybe_null)


def _step(up: bool) -> Emit:
    def emit(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
        x, step = align(c.args(node, scope))
        if x.scale is None:
            raise ExprError("not available in SQL for a number with more than 12 decimal places", node.path)
        expr = x.expr + _mod_floor(-x.expr, step.expr) if up else x.expr - _mod_floor(x.expr, step.expr)
        return SqlVal(expr, node.type, x.scale, x.maybe_null)

    return emit


def _python_only(node: Node, scope: SqlScope, c: SqlCompiler) -> SqlVal:
    name = PYTHON_ONLY.get(node.op, node.op.upper())
    raise ExprError(
        f"not available in SQL: {name} runs only in forms (not in filters, row scopes or reports)", node.path
    )


def register_all() -> None:
    table: dict[str, Emit] = {
        "sum_of": _sum_of,
        "avg_of": _avg_of,
        "max_of": _extreme("greatest", "max"),
        "min_of": _extreme("least", "min"),
        "count_of": _count_of,
        "product": _product,
        "xor": _xor,
        "coalesce": _coalesce,
        "trim": _trim,
        "substitute": _substitute,
        "replace": _replace,
        "find": _position(False),
        "search": _position(True),
        "rept": _rept,
        "day": _date_part("%d", "day"),
        "hour": _date_part("%H", "hour"),
        "minute": _date_part("%M", "minute"),
        "weekday": _weekday,
        "weeknum": _weeknum,
        "edate": _edate,
        "eomonth": _eomonth,
        "make_date": _make_date,
        "int": _int,
        "roundup": _rounded(True),
        "rounddown": _rounded(False),
        "power": _power,
        "ceiling": _step(True),
        "floor": _step(False),
        **{op: _python_only for op in ("value", "text", "sqrt")},
    }
    for op, emit in table.items():
        register_sql(op, emit)
