"""Compile a checked expression to a Python function by generating source once.

Why ``exec`` is safe here: the source handed to ``exec`` is assembled only from
fixed fragments in this module and from names this module invents (``c3``,
``t1``, ``r2``, ``h_div``). Every value that came from the user — field keys,
text, numbers, dates, patterns — is appended to a constants list and referred
to by its index (``c3``), so no user text ever reaches the parser. The code
runs with empty ``__builtins__``; helpers come in through the same list.
Field names are dictionary keys (``g(c3)``), never identifiers or attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dajian.engines.regex import user_regex

from .check import checked
from .limits import DEFAULT_LIMITS, Limits
from .model import DATE, DATETIME, TEXT_LIST, EvalContext, Schema
from .nodes import Node
from .py_runtime import HELPERS, to_dt

Compiled = Callable[[Mapping[str, Any], EvalContext], Any]
Emit = Callable[[Node, "Emitter"], str]

_CONTEXT_SOURCE = {
    "$user.id": "ctx.user_id",
    "$user.dept_id": "ctx.dept_id",
    "$now": "ctx.now",
    "$today": "ctx.today",
}


def compile_python(ast: Any, schema: Schema, *, limits: Limits = DEFAULT_LIMITS) -> Compiled:
    """Check ``ast`` against ``schema`` and return ``f(record, ctx)``; raises ``ExprError``.

    ``{">": [{"var": "amount"}, 5000]}`` becomes (``python_source`` shows the body)::

        def _expr(r, ctx):
            g = r.get
            return (not ((t1 := g(c0)) is None) and t1 > c1)   # c0 = "amount", c1 = 5000
    """
    node = checked(ast, schema, limits=limits)
    emitter = Emitter(limits)
    body = emitter.emit(node)
    return _build(body, emitter)


def python_source(ast: Any, schema: Schema) -> str:
    """The generated body, for debugging and tests."""
    emitter = Emitter(DEFAULT_LIMITS)
    return emitter.emit(checked(ast, schema))


def _build(body: str, emitter: Emitter) -> Compiled:
    names = ", ".join(f"c{i}" for i in range(len(emitter.consts)))
    unpack = f"    {names}, = K\n" if emitter.consts else ""
    source = (
        f"def _factory(K):\n{unpack}"
        f"    def _expr(r, ctx):\n        g = r.get\n        return {body}\n"
        f"    return _expr\n"
    )
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, "<dajian-expr>", "exec"), namespace)
    function: Compiled = namespace["_factory"](tuple(emitter.consts))
    return function


class Emitter:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.consts: list[Any] = []
        self.named: dict[str, str] = {}  # helper names and field keys already in ``consts``
        self.temps = 0
        self.rows = 0
        self.row = ""  # "" is the record itself (getter ``g``); else a row variable

    def const(self, value: Any) -> str:
        self.consts.append(value)
        return f"c{len(self.consts) - 1}"

    def helper(self, name: str) -> str:
        if "h:" + name not in self.named:
            self.named["h:" + name] = self.const(HELPERS[name])
        return self.named["h:" + name]

    def key(self, key: str) -> str:
        if "k:" + key not in self.named:
            self.named["k:" + key] = self.const(key)
        return self.named["k:" + key]

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def get(self, key: str) -> str:
        return f"g({self.key(key)})" if not self.row else f"{self.row}.get({self.key(key)})"

    def call(self, name: str, *args: str) -> str:
        return f"{self.helper(name)}({', '.join(args)})"

    def emit(self, node: Node) -> str:
        return PY_EMITTERS[node.op](node, self)

    def args(self, node: Node) -> list[str]:
        return [self.emit(a) for a in node.args]

    def promoted(self, node: Node) -> list[str]:
        """Arguments, with dates raised to date-times when compared with one."""
        mixed = {a.type for a in node.args} >= {DATE, DATETIME}
        return [
            self.call("to_dt", s) if mixed and a.type == DATE else s
            for a, s in zip(node.args, self.args(node), strict=True)
        ]

    def guarded(self, node: Node, combine: Callable[[list[str]], str], *, default: str) -> str:
        """``combine`` the arguments when none is null, else ``default``."""
        checks, values = [], []
        for arg, src in zip(node.args, self.promoted(node), strict=True):
            if arg.nullable:
                name = self.temp()
                checks.append(f"({name} := {src}) is None")
                src = name
            values.append(src)
        if not checks:
            return f"({combine(values)})"
        if default == "False":
            return f"(not ({' or '.join(checks)}) and {combine(values)})"
        return f"({default} if {' or '.join(checks)} else {combine(values)})"


def _lit(node: Node, em: Emitter) -> str:
    return repr(node.value) if node.value is None or isinstance(node.value, bool) else em.const(node.value)


def _var(node: Node, em: Emitter) -> str:
    *hops, last = node.value
    src = em.get(hops[0] if hops else last)
    for key in [*hops[1:], last] if hops else []:
        src = em.call("rel", src, em.key(key))
    return src


def _in(node: Node, em: Emitter) -> str:
    item, within = node.args
    src = em.emit(item)
    if within.op == "list":
        values = [to_dt(a.value) if item.type == DATETIME and a.type == DATE else a.value for a in within.args]
        if within.args and within.args[0].type == DATETIME and item.type == DATE:
            src = em.call("to_dt", src)
        return f"({src} in {em.const(frozenset(values))})"
    return em.call("has" if within.type == TEXT_LIST else "contains", em.emit(within), src)


def _compare(op: str) -> Emit:
    return lambda node, em: em.guarded(node, lambda v: f"{v[0]} {op} {v[1]}", default="False")


def _equal(op: str) -> Emit:
    def emit(node: Node, em: Emitter) -> str:
        a, b = em.promoted(node)
        return f"({a} {op} {b})"

    return emit


def _helper(name: str) -> Emit:
    return lambda node, em: em.call(name, *em.args(node))


def _arith(op: str) -> Emit:
    def emit(node: Node, em: Emitter) -> str:
        if len(node.args) == 1:
            return em.guarded(node, lambda v: f"{op}{v[0]}", default="None")
        return em.guarded(node, lambda v: f" {op} ".join(v), default="None")

    return emit


def _if(node: Node, em: Emitter) -> str:
    cond, yes, no = em.args(node)
    if node.type == DATETIME:
        yes, no = (em.call("to_dt", s) if a.type == DATE else s for a, s in zip(node.args[1:], (yes, no), strict=True))
    return f"({yes} if {cond} else {no})"


def _is_empty(node: Node, em: Emitter) -> str:
    arg = node.args[0]
    if arg.op == "coll":
        return f"(not {em.call('rows', em.get(arg.value))})"
    return em.call("empty", em.emit(arg)) if arg.type in ("text", TEXT_LIST, "any") else f"({em.emit(arg)} is None)"


def _regex(node: Node, em: Emitter) -> str:
    pattern = em.const(user_regex(node.args[1].value))
    return em.call("regex", pattern, em.emit(node.args[0]), em.const(em.limits.max_regex_input))


def _date_add(sign: int) -> Emit:
    seconds = {"days": 86400, "hours": 3600, "minutes": 60}

    def emit(node: Node, em: Emitter) -> str:
        value, n = em.emit(node.args[0]), em.emit(node.args[1])
        return em.call("add", value, n, em.const(sign * seconds[node.args[2].value]))

    return emit


def _datediff(node: Node, em: Emitter) -> str:
    helper = "datediff_calendar" if node.args[2].value in ("m", "y") else "datediff"
    return em.call(helper, em.emit(node.args[0]), em.emit(node.args[1]), em.const(node.args[2].value))


def _round(helper: str) -> Emit:
    def emit(node: Node, em: Emitter) -> str:
        digits = node.args[1].value if len(node.args) > 1 else 0
        return em.call(helper, em.emit(node.args[0]), em.const(digits))

    return emit


def _promoted(helper: str) -> Emit:
    return lambda node, em: em.call(helper, *em.promoted(node))


def _aggregate(helper: str) -> Emit:
    def emit(node: Node, em: Emitter) -> str:
        source = node.args[0]
        if source.op != "coll":  # COUNT over a multi-select
            return em.call("list_len", em.emit(source))
        rows = em.call("rows", em.get(source.value))
        if len(node.args) == 1:
            return em.call("len", rows)
        outer = em.row
        em.rows += 1
        em.row = f"r{em.rows}"
        item = em.emit(node.args[1])
        loop = f"[{item} for {em.row} in {rows}]"
        em.row = outer
        return em.call(helper, loop)

    return emit


def _cat(node: Node, em: Emitter) -> str:
    return em.call("cat", *em.args(node))


PY_EMITTERS: dict[str, Emit] = {
    "lit": _lit,
    "var": _var,
    "ctx": lambda node, em: _CONTEXT_SOURCE[node.value],
    "list": lambda node, em: em.const(tuple(a.value for a in node.args)),
    "and": lambda node, em: "({} or False)".format(" and ".join(em.args(node))),
    "or": lambda node, em: "({} or False)".format(" or ".join(em.args(node))),
    "not": lambda node, em: f"(not {em.args(node)[0]})",
    "if": _if,
    "==": _equal("=="),
    "!=": _equal("!="),
    **{op: _compare(op) for op in ("<", "<=", ">", ">=")},
    "between": lambda node, em: em.guarded(node, lambda v: f"{v[1]} <= {v[0]} <= {v[2]}", default="False"),
    "in": _in,
    "+": _arith("+"),
    "-": _arith("-"),
    "*": _arith("*"),
    "/": _helper("div"),
    "%": _helper("mod"),
    "cat": _cat,
    "contains": lambda node, em: em.call("has" if node.args[0].type == TEXT_LIST else "contains", *em.args(node)),
    "starts_with": _helper("starts"),
    "ends_with": _helper("ends"),
    "length": _helper("length"),
    "upper": _helper("upper"),
    "lower": _helper("lower"),
    "left": _helper("left"),
    "right": _helper("right"),
    "mid": _helper("mid"),
    "regex": _regex,
    "is_null": lambda node, em: f"({em.emit(node.args[0])} is None)",
    "is_empty": _is_empty,
    "now": lambda node, em: "ctx.now",
    "today": lambda node, em: "ctx.today",
    "date_add": _date_add(1),
    "date_sub": _date_add(-1),
    "datediff": _datediff,
    "workdays": lambda node, em: em.call("workdays", "ctx", *em.args(node)),
    "networkdays": lambda node, em: em.call("networkdays", "ctx", *em.args(node)),
    "year": _helper("year"),
    "month": _helper("month"),
    "week_start": _helper("week_start"),
    "month_start": _helper("month_start"),
    "to_date": _helper("to_day"),
    "round": _round("round_"),
    "roundup": _round("roundup"),
    "rounddown": _round("rounddown"),
    "min_of": _promoted("min_of"),
    "max_of": _promoted("max_of"),
    "coalesce": _promoted("coalesce"),
    "int": _helper("int_"),
    "floor": _helper("floor_"),
    **{
        op: _helper(op)
        for op in (
            "sum_of", "avg_of", "count_of", "product", "xor", "trim", "substitute", "replace", "find", "search",
            "rept", "value", "text", "day", "hour", "minute", "weekday", "weeknum", "edate", "eomonth",
            "make_date", "power", "sqrt", "ceiling",
        )
    },
    "abs": _helper("abs_"),
    "count": _aggregate("count"),
    "sum": _aggregate("total"),
    "avg": _aggregate("avg"),
    "min": _aggregate("min_"),
    "max": _aggregate("max_"),
    "any": _aggregate("any"),
    "all": _aggregate("all"),
}
