"""Type rules of the Excel functions (``catalog``), registered into ``functions.OPS``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .functions import OpSpec, Rule, expect, is_numeric, literal, register_op, unify
from .model import ANY, BOOLEAN, COLLECTION, DATE, DATETIME, DECIMAL, INTEGER, NULL, NUMERIC, TEMPORAL, TEXT
from .nodes import Bad, Node
from .py_excel import is_date_format, is_number_format

# Scalar forms of the sub-table aggregates: SUM(a, b, 3) as opposed to SUM(items.price).
SCALAR_FORMS = {"sum": "sum_of", "avg": "avg_of", "min": "min_of", "max": "max_of", "count": "count_of"}
# Arguments Excel lets one leave out, filled in by the checker.
DEFAULTS: dict[str, tuple[int, object]] = {
    "left": (1, 1),
    "right": (1, 1),
    "find": (2, 1),
    "search": (2, 1),
    "weekday": (1, 1),
    "ceiling": (1, 1),
    "floor": (1, 1),
}


def _numbers(args: Sequence[Node]) -> str:
    for i, a in enumerate(args):
        if not is_numeric(a.type):
            raise Bad(f"expected a number, got {a.type}", i)
    return INTEGER if all(a.type in (INTEGER, NULL) for a in args) else DECIMAL


def _average(args: Sequence[Node]) -> str:
    _numbers(args)
    return DECIMAL


def _extreme(args: Sequence[Node]) -> str:
    kinds = {a.type for a in args} - {NULL, ANY}
    if kinds <= NUMERIC:
        return _numbers(args)
    if kinds <= TEMPORAL:
        return DATETIME if len(kinds) > 1 else next(iter(kinds))
    bad = next(i for i, a in enumerate(args) if a.type not in NUMERIC | TEMPORAL | {NULL, ANY})
    raise (
        Bad(f"expected numbers or dates, got {args[bad].type}", bad)
        if bad
        else Bad("expected numbers or dates, not a mix", 1)
    )


def _count(args: Sequence[Node]) -> str:
    for i, a in enumerate(args):
        if a.type == COLLECTION:
            raise Bad("count a sub-table alone: COUNT(items)", i)
    return INTEGER


def _booleans(args: Sequence[Node]) -> str:
    for i, a in enumerate(args):
        expect(a, i, BOOLEAN)
    return BOOLEAN


def _coalesce(args: Sequence[Node]) -> str:
    return unify(args[0].type, args[1].type)


def _typed(result: str, *types: tuple[str, ...]) -> Rule:
    def rule(args: Sequence[Node]) -> str:
        for i, (a, allowed) in enumerate(zip(args, types, strict=False)):
            expect(a, i, *allowed)
        return result

    return rule


def _same_number(args: Sequence[Node]) -> str:
    if not is_numeric(args[0].type):
        raise Bad(f"expected a number, got {args[0].type}", 0)
    return args[0].type


def _round_like(args: Sequence[Node]) -> str:
    result = _same_number(args)
    digits = literal(args[1], 1, "the number of digits") if len(args) > 1 else 0
    if type(digits) is not int or not 0 <= digits <= 10:
        raise Bad("the number of digits must be a whole number from 0 to 10", 1)
    return result


def _int(args: Sequence[Node]) -> str:
    _same_number(args)
    return INTEGER


def _power(args: Sequence[Node]) -> str:
    _numbers(args)
    exponent = args[1].value if args[1].op == "lit" else None
    whole = type(exponent) is int and 0 <= exponent <= 10
    return args[0].type if whole and args[0].type in NUMERIC else DECIMAL


def _step(args: Sequence[Node]) -> str:
    _numbers(args)
    step = literal(args[1], 1, "the significance")
    if isinstance(step, bool) or not isinstance(step, int | Decimal) or step <= 0:
        raise Bad("the significance must be a positive number", 1)
    return _numbers(args)


def _weekday(args: Sequence[Node]) -> str:
    expect(args[0], 0, DATE, DATETIME)
    if literal(args[1], 1, "the type") not in (1, 2, 3):
        raise Bad("the type must be 1 (Sunday = 1), 2 (Monday = 1) or 3 (Monday = 0)", 1)
    return INTEGER


def _text_format(args: Sequence[Node]) -> str:
    fmt = literal(args[1], 1, "the format")
    if not isinstance(fmt, str):
        raise Bad("the format must be text", 1)
    if args[0].type in NUMERIC and not is_number_format(fmt):
        raise Bad('a number format is one of 0, 0.00, #,##0, #,##0.00, 0%, 0.0% (any number of 0s after the ".")', 1)
    if args[0].type in TEMPORAL and not is_date_format(fmt):
        raise Bad("a date format uses yyyy, yy, m, mm, d, dd, hh, mm, ss and - / : . 年 月 日 separators", 1)
    if args[0].type not in NUMERIC | TEMPORAL | {NULL}:
        raise Bad(f"TEXT formats a number or a date, got {args[0].type}", 0)
    return TEXT


def _never(args: Sequence[Node]) -> bool:
    return False


def _always(args: Sequence[Node]) -> bool:
    return True


def _all_nullable(args: Sequence[Node]) -> bool:
    return all(a.nullable for a in args)


def _any_nullable(args: Sequence[Node]) -> bool:
    return any(a.nullable for a in args)


_TEMPORAL = (DATE, DATETIME)
for _name, _spec in [
    ("sum_of", OpSpec(1, -1, _numbers, _never)),
    ("avg_of", OpSpec(1, -1, _average, _always)),
    ("min_of", OpSpec(1, -1, _extreme, _all_nullable)),
    ("max_of", OpSpec(1, -1, _extreme, _all_nullable)),
    ("count_of", OpSpec(1, -1, _count, _never)),
    ("product", OpSpec(1, -1, _numbers, _all_nullable)),
    ("xor", OpSpec(1, -1, _booleans, _never)),
    ("coalesce", OpSpec(2, 2, _coalesce, lambda a: a[1].nullable)),
    ("trim", OpSpec(1, 1, _typed(TEXT, (TEXT,)))),
    ("substitute", OpSpec(3, 3, _typed(TEXT, (TEXT,), (TEXT,), (TEXT,)))),
    ("replace", OpSpec(4, 4, _typed(TEXT, (TEXT,), (INTEGER,), (INTEGER,), (TEXT,)))),
    ("find", OpSpec(2, 3, _typed(INTEGER, (TEXT,), (TEXT,), (INTEGER,)), _always)),
    ("search", OpSpec(2, 3, _typed(INTEGER, (TEXT,), (TEXT,), (INTEGER,)), _always)),
    ("rept", OpSpec(2, 2, _typed(TEXT, (TEXT,), (INTEGER,)), _always)),
    ("value", OpSpec(1, 1, _typed(DECIMAL, (TEXT,)), _always)),
    ("text", OpSpec(2, 2, _text_format, _any_nullable)),
    ("day", OpSpec(1, 1, _typed(INTEGER, _TEMPORAL))),
    ("hour", OpSpec(1, 1, _typed(INTEGER, _TEMPORAL))),
    ("minute", OpSpec(1, 1, _typed(INTEGER, _TEMPORAL))),
    ("weekday", OpSpec(1, 2, _weekday)),
    ("weeknum", OpSpec(1, 1, _typed(INTEGER, _TEMPORAL))),
    ("edate", OpSpec(2, 2, _typed(DATE, _TEMPORAL, (INTEGER,)), _always)),
    ("eomonth", OpSpec(2, 2, _typed(DATE, _TEMPORAL, (INTEGER,)), _always)),
    ("make_date", OpSpec(3, 3, _typed(DATE, (INTEGER,), (INTEGER,), (INTEGER,)), _always)),
    ("int", OpSpec(1, 1, _int)),
    ("roundup", OpSpec(1, 2, _round_like)),
    ("rounddown", OpSpec(1, 2, _round_like)),
    ("power", OpSpec(2, 2, _power, _always)),
    ("sqrt", OpSpec(1, 1, _average, _always)),
    ("ceiling", OpSpec(1, 2, _step)),
    ("floor", OpSpec(1, 2, _step)),
]:
    register_op(_name, _spec)
