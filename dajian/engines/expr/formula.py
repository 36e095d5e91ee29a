"""JSON AST → formula text, for the designer: ``parse_formula(to_formula(ast)) == ast``
up to operator aliases.

``to_formula({"and": [{">": [{"var": "amount"}, 5000]}, {"in": [{"var": "s"}, ["a", "b"]]}]})``
returns ``'amount > 5000 AND IN(s, "a", "b")'``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .errors import ExprError
from .functions import canonical
from .parse import FUNCTIONS

_NAMES = {op: name for name, op in reversed(list(FUNCTIONS.items()))}
_NAMES["not"] = "NOT"
_NAMES.update({"make_date": "DATE", "sum_of": "SUM", "avg_of": "AVERAGE", "min_of": "MIN", "max_of": "MAX",
               "count_of": "COUNT"})
_INFIX = {
    "or": (1, " OR "),
    "and": (2, " AND "),
    "cat": (5, " & "),
    "+": (6, " + "),
    "-": (6, " - "),
    "*": (7, " * "),
    "/": (7, " / "),
    "%": (7, " % "),
}
_COMPARE = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_IDENT = re.compile(r"^(\$[A-Za-z_]\w*(\.[A-Za-z_]\w*)?|[^\W\d]\w*(\.[^\W\d]\w*)*)$")
_KEYWORDS = {"AND", "OR", "NOT", "TRUE", "FALSE", "NULL"}


def to_formula(ast: Any) -> str:
    """Pretty-print an AST as a formula; raises ``ExprError`` for a field name no formula can spell."""
    return _show(ast, 0)


def _show(ast: Any, outer: int) -> str:
    if isinstance(ast, dict) and len(ast) == 1:
        return _operation(*next(iter(ast.items())), outer)
    return _constant(ast)


def _constant(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        text = (
            str(value)
            if isinstance(value, int)
            else format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        )
        return f"({text})" if text.startswith("-") else text
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    raise ExprError(f"{value!r} cannot be written in a formula")


def _wrap(text: str, level: int, outer: int) -> str:
    return f"({text})" if level < outer else text


def _operation(key: str, value: Any, outer: int) -> str:
    op = canonical(key)
    args = value if isinstance(value, list) else [value]
    if op == "var":
        return _field(args[0])
    if op in ("date", "datetime"):
        return f"{op.upper()}VALUE({_constant(args[0])})"
    if op == "not":
        return _wrap("NOT " + _show(args[0], 3), 3, outer)
    if op in _COMPARE and len(args) == 2:
        return _wrap(f"{_show(args[0], 5)} {_COMPARE[op]} {_show(args[1], 5)}", 4, outer)
    if op == "-" and len(args) == 1:
        return _wrap("-" + _show(args[0], 8), 8, outer)
    if op in _INFIX and len(args) >= 2:
        level, joiner = _INFIX[op]
        parts = [_show(a, level if i == 0 else level + 1) for i, a in enumerate(args)]
        return _wrap(joiner.join(parts), level, outer)
    if op == "in" and len(args) == 2 and isinstance(args[1], list):
        args = [args[0], *args[1]]
    if op not in _NAMES:
        raise ExprError(f"'{key}' has no formula spelling")
    return f"{_NAMES[op]}({', '.join(_show(a, 0) for a in args)})"


def _field(name: Any) -> str:
    if not isinstance(name, str) or not _IDENT.match(name) or name.upper() in _KEYWORDS:
        raise ExprError(f"the field name {name!r} cannot be written in a formula")
    return name
