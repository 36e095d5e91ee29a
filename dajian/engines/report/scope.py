"""What report expressions can read: the dataset's columns (joined ones included) and parameters.

The expression language reads ``customer.level`` through a correlated subquery; a report joins the
relation once instead, so expressions are rewritten to flat names before they are checked:
``{"var": "customer.level"}`` -> ``{"var": "customer:level"}`` (a column of the joined alias) and
``{"var": "$param.from"}`` -> ``{"var": "param:from"}`` (a bound parameter).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from dajian.engines.expr import Schema, SqlScope

Col = ColumnElement[Any]
PARAM_PREFIX = "$param."


class ReportScope:
    """A flat ``SqlScope``: ``{"amount": (col, "decimal"), "customer:level": (col, "text"), ...}``."""

    def __init__(self, columns: Mapping[str, tuple[Col, str]]) -> None:
        self.columns = dict(columns)
        self._schema = Schema({name: kind for name, (_, kind) in self.columns.items()})

    @property
    def schema(self) -> Schema:
        return self._schema

    def column(self, name: str) -> Col:
        return self.columns[name][0]

    def relation(self, name: str) -> tuple[SqlScope, Col]:
        raise KeyError(name)

    def collection(self, name: str) -> tuple[SqlScope, Col]:
        raise KeyError(name)


def flat_name(name: str) -> str:
    """``"$param.from"`` -> ``"param:from"``; ``"customer.level"`` -> ``"customer:level"``."""
    if name.startswith(PARAM_PREFIX):
        return "param:" + name[len(PARAM_PREFIX):]
    return name if name.startswith("$") else name.replace(".", ":")


def dotted_name(name: str) -> str:
    return PARAM_PREFIX + name[6:] if name.startswith("param:") else name.replace(":", ".")


def rewrite(ast: Any) -> Any:
    """The AST with every ``var`` renamed by ``flat_name``."""
    if isinstance(ast, list):
        return [rewrite(a) for a in ast]
    if not isinstance(ast, dict):
        return ast
    out: dict[str, Any] = {}
    for op, arg in ast.items():
        if op == "var" and isinstance(arg, str):
            out[op] = flat_name(arg)
        elif op == "var" and isinstance(arg, list) and arg and isinstance(arg[0], str):
            out[op] = [flat_name(arg[0]), *arg[1:]]
        else:
            out[op] = rewrite(arg)
    return out


def var_names(ast: Any) -> Iterator[str]:
    """Every name an expression reads, as written (``"amount"``, ``"customer.level"``, ``"$param.from"``)."""
    if isinstance(ast, list):
        for a in ast:
            yield from var_names(a)
    elif isinstance(ast, dict):
        for op, arg in ast.items():
            name = arg[0] if op == "var" and isinstance(arg, list) and arg else arg
            if op == "var" and isinstance(name, str):
                yield name
            elif op != "var":
                yield from var_names(arg)


def substitute(ast: Any, values: Mapping[str, Any]) -> Any:
    """Replace ``{"var": "$param.x"}`` by the JSON literal in ``values["x"]`` (for drill-down filters)."""
    if isinstance(ast, list):
        return [substitute(a, values) for a in ast]
    if not isinstance(ast, dict):
        return ast
    if len(ast) == 1 and "var" in ast:
        arg = ast["var"]
        name = arg[0] if isinstance(arg, list) and arg else arg
        if isinstance(name, str) and name.startswith(PARAM_PREFIX):
            return values.get(name[len(PARAM_PREFIX):])
        return ast
    return {op: substitute(arg, values) for op, arg in ast.items()}


def conjuncts(ast: Any) -> list[Any]:
    """``{"and": [a, {"and": [b, c]}]}`` -> ``[a, b, c]``; ``None`` -> ``[]``."""
    if ast is None:
        return []
    if isinstance(ast, dict) and len(ast) == 1 and isinstance(ast.get("and"), list):
        return [part for arg in ast["and"] for part in conjuncts(arg)]
    return [ast]


def and_all(parts: list[Any]) -> Any:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"and": parts}
