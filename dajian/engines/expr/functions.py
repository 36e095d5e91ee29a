"""Operator table: arity, type rule and nullability of every operator.

Extend with ``register_op(name, OpSpec(...), *aliases)``; each compiler keeps a
table of emitters keyed by the same canonical names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import (
    ANY,
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    DEPARTMENT,
    INTEGER,
    LIST,
    NULL,
    NUMERIC,
    TEMPORAL,
    TEXT,
    TEXT_LIST,
    USER,
)
from .nodes import Bad, Node

Rule = Callable[[Sequence[Node]], str]


def _any_nullable(args: Sequence[Node]) -> bool:
    return any(a.nullable for a in args)


def _never(args: Sequence[Node]) -> bool:
    return False


def _always(args: Sequence[Node]) -> bool:
    return True


@dataclass(frozen=True)
class OpSpec:
    min_args: int
    max_args: int  # -1: unbounded
    rule: Rule
    nullable: Callable[[Sequence[Node]], bool] = _any_nullable


OPS: dict[str, OpSpec] = {}
ALIASES: dict[str, str] = {}
AGGREGATES = frozenset({"sum", "count", "avg", "min", "max", "any", "all"})
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def register_op(name: str, spec: OpSpec, *aliases: str) -> None:
    OPS[name] = spec
    for alias in aliases:
        ALIASES[alias] = name


def canonical(op: str) -> str:
    return ALIASES.get(op, op)


def expect(node: Node, index: int, *types: str) -> None:
    if node.type not in (*types, ANY, NULL):
        raise Bad(f"expected {' or '.join(types)}, got {node.type}", index)


def literal(node: Node, index: int, what: str) -> object:
    if node.op != "lit":
        raise Bad(f"{what} must be written as a constant", index)
    return node.value


def is_numeric(t: str) -> bool:
    return t in NUMERIC or t in (ANY, NULL)


def comparable(a: str, b: str, *, ordered: bool) -> bool:
    if ANY in (a, b) or (NULL in (a, b) and not ordered):
        return True
    if NULL in (a, b) or TEXT_LIST in (a, b):
        return False
    ids = {USER, DEPARTMENT, INTEGER}
    same = a == b or {a, b} <= NUMERIC or {a, b} <= TEMPORAL or ({a, b} <= ids and not ordered)
    return same and not (ordered and a in (BOOLEAN, USER, DEPARTMENT))


def unify(a: str, b: str) -> str:
    """The type of ``IF(c, a, b)``."""
    if a == b or b == NULL:
        return a
    if a == NULL:
        return b
    if {a, b} <= NUMERIC:
        return DECIMAL
    if {a, b} <= TEMPORAL:
        return DATETIME
    if ANY in (a, b):
        return ANY
    raise Bad(f"the two results have different types ({a} and {b})", 2)


def _boolean_args(args: Sequence[Node]) -> str:
    for i, a in enumerate(args):
        expect(a, i, BOOLEAN)
    return BOOLEAN


def _if(args: Sequence[Node]) -> str:
    expect(args[0], 0, BOOLEAN)
    return unify(args[1].type, args[2].type if len(args) > 2 else NULL)


def _compare(ordered: bool) -> Rule:
    def rule(args: Sequence[Node]) -> str:
        for i in range(1, len(args)):
            if not comparable(args[0].type, args[i].type, ordered=ordered):
                raise Bad(f"cannot compare {args[0].type} with {args[i].type}", i)
        return BOOLEAN

    return rule


def _in(args: Sequence[Node]) -> str:
    item, within = args
    if within.type == LIST:
        for element in within.args:
            if not comparable(item.type, element.type, ordered=False):
                raise Bad(f"cannot look for {item.type} among {element.type} values", 1)
        return BOOLEAN
    expect(within, 1, TEXT, TEXT_LIST)
    expect(item, 0, TEXT)
    return BOOLEAN


def _contains(args: Sequence[Node]) -> str:
    expect(args[0], 0, TEXT, TEXT_LIST)
    expect(args[1], 1, TEXT)
    return BOOLEAN


def _arith(args: Sequence[Node]) -> str:
    for i, a in enumerate(args):
        if not is_numeric(a.type):
            raise Bad(f"expected a number, got {a.type}", i)
    return INTEGER if all(a.type in (INTEGER, NULL) for a in args) else DECIMAL


def _divide(args: Sequence[Node]) -> str:
    _arith(args)
    return DECIMAL


def _text_fn(result: str, *rest: str) -> Rule:
    def rule(args: Sequence[Node]) -> str:
        expect(args[0], 0, TEXT)
        for i, t in enumerate(rest, start=1):
            if i < len(args):
                expect(args[i], i, t)
        return result

    return rule


def _cat(args: Sequence[Node]) -> str:
    for i, a in enumerate(args):
        expect(a, i, TEXT, INTEGER, DECIMAL)
    return TEXT


def _regex(args: Sequence[Node]) -> str:
    expect(args[0], 0, TEXT)
    if not isinstance(literal(args[1], 1, "the pattern"), str):
        raise Bad("the pattern must be text", 1)
    return BOOLEAN


def _returns(result: str) -> Rule:
    def rule(args: Sequence[Node]) -> str:
        return result

    return rule


def _temporal_to(result: str | None) -> Rule:
    def rule(args: Sequence[Node]) -> str:
        for i, a in enumerate(args):
            expect(a, i, DATE, DATETIME)
        return result or args[0].type

    return rule


def _date_add(args: Sequence[Node]) -> str:
    expect(args[0], 0, DATE, DATETIME)
    expect(args[1], 1, INTEGER)
    unit = literal(args[2], 2, "the unit")
    if unit not in ("days", "hours", "minutes"):
        raise Bad('the unit must be "days", "hours" or "minutes"', 2)
    if unit != "days" and args[0].type == DATE:
        raise Bad("a date can only move by days; use a date-time field for hours", 2)
    return args[0].type


def _datediff(args: Sequence[Node]) -> str:
    _temporal_to(None)(args[:2])
    if literal(args[2], 2, "the unit") not in ("d", "h", "m", "y"):
        raise Bad('the unit must be "d" (days), "m" (months), "y" (years) or "h" (hours)', 2)
    return INTEGER


def _datediff_nullable(args: Sequence[Node]) -> bool:
    return _any_nullable(args) or args[2].value in ("m", "y")


def _round(args: Sequence[Node]) -> str:
    if not is_numeric(args[0].type):
        raise Bad(f"expected a number, got {args[0].type}", 0)
    digits = literal(args[1], 1, "the number of digits") if len(args) > 1 else 0
    if type(digits) is not int or not 0 <= digits <= 10:
        raise Bad("the number of digits must be a whole number from 0 to 10", 1)
    return args[0].type


def _numeric_same(args: Sequence[Node]) -> str:
    if not is_numeric(args[0].type):
        raise Bad(f"expected a number, got {args[0].type}", 0)
    return args[0].type


for _name, _spec, _aliases in [
    ("and", OpSpec(1, -1, _boolean_args, _never), ("AND",)),
    ("or", OpSpec(1, -1, _boolean_args, _never), ("OR",)),
    ("not", OpSpec(1, 1, _boolean_args, _never), ("!",)),
    ("if", OpSpec(2, 3, _if, _always), ("?:",)),
    ("==", OpSpec(2, 2, _compare(False), _never), ("=", "===")),
    ("!=", OpSpec(2, 2, _compare(False), _never), ("<>", "!==")),
    ("<", OpSpec(2, 2, _compare(True), _never), ()),
    ("<=", OpSpec(2, 2, _compare(True), _never), ()),
    (">", OpSpec(2, 2, _compare(True), _never), ()),
    (">=", OpSpec(2, 2, _compare(True), _never), ()),
    ("between", OpSpec(3, 3, _compare(True), _never), ()),
    ("in", OpSpec(2, 2, _in, _never), ()),
    ("+", OpSpec(1, -1, _arith), ()),
    ("-", OpSpec(1, 2, _arith), ()),
    ("*", OpSpec(1, -1, _arith), ()),
    ("/", OpSpec(2, 2, _divide, _always), ()),
    ("%", OpSpec(2, 2, _arith, _always), ()),
    ("cat", OpSpec(1, -1, _cat, _never), ("concat",)),
    ("contains", OpSpec(2, 2, _contains, _never), ()),
    ("starts_with", OpSpec(2, 2, _text_fn(BOOLEAN, TEXT), _never), ()),
    ("ends_with", OpSpec(2, 2, _text_fn(BOOLEAN, TEXT), _never), ()),
    ("length", OpSpec(1, 1, _text_fn(INTEGER)), ()),
    ("upper", OpSpec(1, 1, _text_fn(TEXT)), ()),
    ("lower", OpSpec(1, 1, _text_fn(TEXT)), ()),
    ("left", OpSpec(1, 2, _text_fn(TEXT, INTEGER)), ()),
    ("right", OpSpec(1, 2, _text_fn(TEXT, INTEGER)), ()),
    ("mid", OpSpec(3, 3, _text_fn(TEXT, INTEGER, INTEGER)), ()),
    ("regex", OpSpec(2, 2, _regex, _never), ("regex_match",)),
    ("is_null", OpSpec(1, 1, _returns(BOOLEAN), _never), ()),
    ("is_empty", OpSpec(1, 1, _returns(BOOLEAN), _never), ()),
    ("now", OpSpec(0, 0, _returns(DATETIME), _never), ()),
    ("today", OpSpec(0, 0, _returns(DATE), _never), ()),
    ("date_add", OpSpec(3, 3, _date_add), ()),
    ("date_sub", OpSpec(3, 3, _date_add), ()),
    ("datediff", OpSpec(3, 3, _datediff, _datediff_nullable), ()),
    ("workdays", OpSpec(2, 2, _temporal_to(INTEGER)), ()),
    ("networkdays", OpSpec(2, 2, _temporal_to(INTEGER)), ()),
    ("year", OpSpec(1, 1, _temporal_to(INTEGER)), ()),
    ("month", OpSpec(1, 1, _temporal_to(INTEGER)), ()),
    ("week_start", OpSpec(1, 1, _temporal_to(DATE)), ()),
    ("month_start", OpSpec(1, 1, _temporal_to(DATE)), ()),
    ("to_date", OpSpec(1, 1, _temporal_to(DATE)), ()),
    ("round", OpSpec(1, 2, _round), ()),
    ("abs", OpSpec(1, 1, _numeric_same), ()),
]:
    register_op(_name, _spec, *_aliases)
