"""Type checking: raw JSON AST + ``Schema`` → typed ``Node`` tree and every issue.

``check({"and": [{">": [{"var": "amount"}, 5000]}, {"==": [{"var": "nope"}, 1]}]},
Schema({"amount": "decimal"}))`` returns
``[ExprIssue("unknown field 'nope'", "/and/1/==/0")]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from .catalog import PYTHON_ONLY
from .errors import ExprError, ExprIssue, pointer
from .excel_rules import DEFAULTS, SCALAR_FORMS
from .functions import AGGREGATES, COMPARISONS, OPS, canonical
from .limits import DEFAULT_LIMITS, Limits, regex_issues, size_issues
from .model import (
    BOOLEAN,
    COLLECTION,
    CONTEXT_TYPES,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    LIST,
    NULL,
    NUMERIC,
    TEMPORAL,
    TEXT,
    TEXT_LIST,
    Schema,
)
from .nodes import Bad, Node

_LITERAL_OPS = {"date": DATE, "datetime": DATETIME}


def check(ast: Any, schema: Schema, *, limits: Limits = DEFAULT_LIMITS, sql: bool = False) -> list[ExprIssue]:
    """Every problem in ``ast`` against ``schema``; empty when the expression is valid.

    ``sql=True`` for filters, row scopes and reports: Python-only functions (``catalog``) are issues too.
    """
    return analyze(ast, schema, limits=limits, sql=sql)[1]


def analyze(
    ast: Any, schema: Schema, *, limits: Limits = DEFAULT_LIMITS, sql: bool = False
) -> tuple[Node | None, list[ExprIssue]]:
    issues = size_issues(ast, limits)
    if issues:
        return None, issues
    checker = _Checker(limits, sql)
    node = checker.node(ast, "", schema)
    return (node if not checker.issues else None), checker.issues


def checked(ast: Any, schema: Schema, *, limits: Limits = DEFAULT_LIMITS, sql: bool = False) -> Node:
    """The typed tree, or ``ExprError`` carrying every issue."""
    node, issues = analyze(ast, schema, limits=limits, sql=sql)
    if node is None:
        raise ExprError.from_issues(issues)
    return node


def parse_temporal(kind: str, text: str) -> date | datetime:
    if kind == DATE:
        return date.fromisoformat(text)
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


class _Checker:
    def __init__(self, limits: Limits, sql: bool = False) -> None:
        self.limits = limits
        self.sql = sql
        self.issues: list[ExprIssue] = []

    def fail(self, message: str, path: str) -> None:
        self.issues.append(ExprIssue(message, path))

    def node(self, raw: Any, path: str, schema: Schema, *, collection_ok: bool = False) -> Node | None:
        if isinstance(raw, dict):
            return self.operation(raw, path, schema, collection_ok=collection_ok)
        if isinstance(raw, list):
            return self.list_literal(raw, path)
        return self.literal(raw, path)

    def literal(self, raw: Any, path: str) -> Node | None:
        if raw is None:
            return Node("lit", NULL, path, value=None)
        if isinstance(raw, bool):
            return Node("lit", BOOLEAN, path, value=raw, nullable=False)
        if isinstance(raw, int) and abs(raw) < 2**63:
            return Node("lit", INTEGER, path, value=raw, nullable=False)
        if isinstance(raw, float | Decimal):
            value = Decimal(repr(raw)) if isinstance(raw, float) else raw
            if value.is_finite() and len(value.as_tuple().digits) <= 28 and abs(value) < 10**18:
                return Node("lit", DECIMAL, path, value=value, nullable=False)
        if isinstance(raw, str):
            if len(raw) <= self.limits.max_string:
                return Node("lit", TEXT, path, value=raw, nullable=False)
            self.fail(f"the text is longer than {self.limits.max_string} characters", path)
            return None
        self.fail(f"{raw!r} is not a value an expression can hold", path)
        return None

    def list_literal(self, raw: list[Any], path: str) -> Node | None:
        if len(raw) > self.limits.max_list:
            self.fail(f"the list has more than {self.limits.max_list} values", path)
            return None
        items = [
            self.literal(v, pointer(path, i)) if not isinstance(v, dict | list) else None for i, v in enumerate(raw)
        ]
        bad = [
            i
            for i, (v, n) in enumerate(zip(raw, items, strict=True))
            if n is None or n.type == NULL or isinstance(v, dict | list)
        ]
        for i in bad:
            self.fail("a list may only hold constant values (no NULL)", pointer(path, i))
        return None if bad else Node("list", LIST, path, tuple(n for n in items if n), nullable=False)

    def operation(self, raw: dict[str, Any], path: str, schema: Schema, *, collection_ok: bool) -> Node | None:
        if len(raw) != 1:
            self.fail("an operation must have exactly one operator key", path)
            return None
        key, value = next(iter(raw.items()))
        raw_args = value if isinstance(value, list) else [value]
        paths = [pointer(path, key, i) if isinstance(value, list) else pointer(path, key) for i in range(len(raw_args))]
        op = canonical(key)
        if op == "var":
            return self.var(raw_args, path, schema, collection_ok=collection_ok)
        if op in _LITERAL_OPS:
            return self.temporal_literal(op, raw_args, path)
        if op in SCALAR_FORMS and not _over_rows(raw_args, schema):
            op = SCALAR_FORMS[op]  # SUM(a, b, 3): Excel's form over values
        elif op in AGGREGATES:
            return self.aggregate(op, raw_args, paths, path, schema)
        if op not in OPS:
            self.fail(f"unknown operator '{key}'", path)
            return None
        return self.apply(op, raw_args, paths, path, schema)

    def apply(self, op: str, raw_args: list[Any], paths: list[str], path: str, schema: Schema) -> Node | None:
        spec = OPS[op]
        if not self.arity_ok(op, len(raw_args), spec.min_args, spec.max_args, path):
            return None
        args = [self.node(r, p, schema, collection_ok=op == "is_empty") for r, p in zip(raw_args, paths, strict=True)]
        if any(a is None for a in args):
            return None
        typed = [a for a in args if a is not None]
        if op == "if" and len(typed) == 2:
            typed.append(Node("lit", NULL, path, value=None))
        if op in DEFAULTS and len(typed) == DEFAULTS[op][0]:
            typed.append(Node("lit", INTEGER, path, value=DEFAULTS[op][1], nullable=False))
        try:
            typed = _coerce_temporal(op, typed)
            if op in ("+", "-") and len(typed) == 2 and {a.type for a in typed} & TEMPORAL:
                return _date_arithmetic(op, typed, path)
            result = spec.rule(typed)
        except Bad as bad:
            self.fail(bad.message, paths[bad.index] if bad.index is not None else path)
            return None
        if op == "regex":
            for message in regex_issues(typed[1].value, self.limits):
                self.fail(message, paths[1])
        if self.sql and not sql_capable(op, typed):
            why = " unless its power is a whole constant from 0 to 10" if op == "power" else ""
            name = PYTHON_ONLY.get(op, op.upper())
            self.fail(f"not available in SQL: {name} runs only in forms (not in filters, row scopes or reports){why}",
                      path)
            return None
        return Node(op, result, path, tuple(typed), nullable=spec.nullable(typed))

    def arity_ok(self, op: str, count: int, low: int, high: int, path: str) -> bool:
        if low <= count and (high < 0 or count <= high):
            return True
        expected = f"{low}" if low == high else f"{low} to {high}" if high >= 0 else f"at least {low}"
        self.fail(f"'{op}' takes {expected} argument(s), got {count}", path)
        return False

    def var(self, raw_args: list[Any], path: str, schema: Schema, *, collection_ok: bool) -> Node | None:
        name = raw_args[0] if len(raw_args) == 1 else None
        if not isinstance(name, str) or not name:
            self.fail("'var' takes one field name", path)
            return None
        if name.startswith("$"):
            if name in CONTEXT_TYPES:
                return Node("ctx", CONTEXT_TYPES[name], path, value=name)
            self.fail(f"unknown context value '{name}' (known: {', '.join(CONTEXT_TYPES)})", path)
            return None
        return self.field_path(name.split("."), path, schema, collection_ok=collection_ok)

    def field_path(self, segments: list[str], path: str, schema: Schema, *, collection_ok: bool) -> Node | None:
        hops: list[str] = []
        for i, seg in enumerate(segments):
            last = i == len(segments) - 1
            dotted = ".".join([*hops, seg])
            if seg in schema.fields and last:
                return Node("var", schema.fields[seg], path, value=(*hops, seg))
            if seg in schema.relations and not last:
                hops.append(seg)
                schema = schema.relations[seg]
                continue
            if seg in schema.collections and last and collection_ok and not hops:
                return Node("coll", COLLECTION, path, value=seg)
            if seg in schema.collections:
                self.fail(f"'{dotted}' is a sub-table: use SUM, COUNT, AVERAGE, MIN, MAX, ANY or ALL", path)
            elif seg in schema.relations:
                self.fail(f"'{dotted}' is a related record: name one of its fields", path)
            else:
                self.fail(f"unknown field '{dotted}'", path)
            return None
        return None

    def temporal_literal(self, kind: str, raw_args: list[Any], path: str) -> Node | None:
        text = raw_args[0] if len(raw_args) == 1 else None
        try:
            value = parse_temporal(kind, text) if isinstance(text, str) else None
        except ValueError:
            value = None
        if value is None:
            self.fail(f"'{kind}' takes one {kind} written as ISO text, e.g. 2024-01-31", path)
            return None
        return Node("lit", kind, path, value=value, nullable=False)

    def aggregate(self, op: str, raw_args: list[Any], paths: list[str], path: str, schema: Schema) -> Node | None:
        if not self.arity_ok(op, len(raw_args), 1, 2, path):
            return None
        source = raw_args[0].get("var") if isinstance(raw_args[0], dict) and len(raw_args[0]) == 1 else None
        if isinstance(source, list) and len(source) == 1:
            source = source[0]
        if not isinstance(source, str):
            self.fail(f"'{op}' needs a sub-table or multi-select field as its first argument", paths[0])
            return None
        head, _, rest = source.partition(".")
        if head in schema.collections:
            return self.over_rows(op, (head, rest), raw_args, paths, path, schema)
        return self.over_list(op, source, raw_args, paths, path, schema)

    def over_rows(
        self,
        op: str,
        source: tuple[str, str],
        raw_args: list[Any],
        paths: list[str],
        path: str,
        schema: Schema,
    ) -> Node | None:
        name, rest = source
        coll = Node("coll", COLLECTION, paths[0], value=name)
        if len(raw_args) == 2 and rest:
            self.fail("name the sub-table alone when giving an expression per row", paths[0])
            return None
        item_raw, item_path = (raw_args[1], paths[1]) if len(raw_args) == 2 else ({"var": rest}, paths[0])
        if not rest and len(raw_args) == 1:
            if op == "count":
                return Node("count", INTEGER, path, (coll,), nullable=False)
            self.fail(f"'{op}' needs a field of '{name}', e.g. {name}.amount", paths[0])
            return None
        item = self.node(item_raw, item_path, schema.collections[name])
        return self.aggregate_node(op, path, coll, item, item_path)

    def over_list(
        self, op: str, source: str, raw_args: list[Any], paths: list[str], path: str, schema: Schema
    ) -> Node | None:
        node = self.field_path(source.split("."), paths[0], schema, collection_ok=False)
        if node is None:
            return None
        if node.type != TEXT_LIST or op != "count" or len(raw_args) != 1:
            self.fail(
                f"'{op}' works over a sub-table (or COUNT over a multi-select), not over '{source}' ({node.type})",
                paths[0],
            )
            return None
        return Node("count", INTEGER, path, (node,), nullable=False)

    def aggregate_node(self, op: str, path: str, coll: Node, item: Node | None, item_path: str) -> Node | None:
        if item is None:
            return None
        allowed = {
            "sum": NUMERIC,
            "avg": NUMERIC,
            "min": NUMERIC | TEMPORAL,
            "max": NUMERIC | TEMPORAL,
            "any": {BOOLEAN},
            "all": {BOOLEAN},
            "count": None,
        }[op]
        if allowed is not None and item.type not in allowed | {"any"}:
            self.fail(f"'{op}' cannot work on {item.type} values", item_path)
            return None
        result = {"count": INTEGER, "avg": DECIMAL, "any": BOOLEAN, "all": BOOLEAN}.get(op, item.type)
        return Node(op, result, path, (coll, item), nullable=op in ("avg", "min", "max"))


def sql_capable(op: str, args: Sequence[Node]) -> bool:
    """Can SQL compute ``op`` on these arguments? (``catalog``: the Python-only functions.)"""
    if op == "power":
        exponent = args[1].value if args[1].op == "lit" else None
        return type(exponent) is int and 0 <= exponent <= 10
    return op not in PYTHON_ONLY


def _over_rows(raw_args: list[Any], schema: Schema) -> bool:
    """``SUM(items.price)``, ``SUM(items, expr)``, ``COUNT(items)``, ``COUNT(tags)``: the sub-table
    (or multi-select) form; anything else is Excel's form over values."""
    first = raw_args[0] if raw_args else None
    source = first.get("var") if isinstance(first, dict) and len(first) == 1 else None
    if isinstance(source, list) and len(source) == 1:
        source = source[0]
    if not isinstance(source, str):
        return False
    head = source.partition(".")[0]
    if head in schema.collections:
        return True
    return len(raw_args) == 1 and schema.fields.get(source) == TEXT_LIST


def _date_arithmetic(op: str, args: list[Node], path: str) -> Node:
    """``end - start`` (days), ``date + n`` and ``date - n`` (days), as in Excel."""
    a, b = args
    nullable = a.nullable or b.nullable
    days = Node("lit", TEXT, path, value="days", nullable=False)
    if op == "-" and a.type in TEMPORAL and b.type in TEMPORAL:
        if DATETIME in (a.type, b.type):
            raise Bad('subtract date-times with DATEDIF(start, end, "h") (or "d")', 1)
        unit = Node("lit", TEXT, path, value="d", nullable=False)
        return Node("datediff", INTEGER, path, (b, a, unit), None, nullable)
    moved, n = (b, a) if op == "+" and b.type in TEMPORAL else (a, b)
    if moved.type not in TEMPORAL or n.type not in (INTEGER, NULL):
        raise Bad("add or subtract a whole number of days to a date", 1 if moved is a else 0)
    return Node("date_add" if op == "+" else "date_sub", moved.type, path, (moved, n, days), None, nullable)


def _coerce_temporal(op: str, args: Sequence[Node]) -> list[Node]:
    """``{">": [{"var": "due"}, "2024-01-31"]}``: text constants next to a date become dates."""
    if op not in COMPARISONS | {"between", "in"}:
        return list(args)
    kinds = [a.type for a in args if a.type in TEMPORAL]
    if not kinds:
        return list(args)
    return [_to_temporal(a, kinds[0], i) for i, a in enumerate(args)]


def _to_temporal(node: Node, kind: str, index: int) -> Node:
    if node.op == "list":
        return Node("list", LIST, node.path, tuple(_to_temporal(a, kind, index) for a in node.args), None, False)
    if node.op != "lit" or node.type != TEXT:
        return node
    try:
        return Node("lit", kind, node.path, value=parse_temporal(kind, node.value), nullable=False)
    except ValueError:
        raise Bad(f"'{node.value}' is not a {kind} (write it as 2024-01-31)", index) from None
