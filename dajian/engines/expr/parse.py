"""Excel-like formulas → JSON AST, and back (``to_formula``).

``parse_formula('IF(amount > 5000, "L3", "L1")')`` returns
``{"if": [{">": [{"var": "amount"}, 5000]}, "L3", "L1"]}``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, v_args
from lark.exceptions import VisitError

from .catalog import CATALOG
from .errors import ExprError
from .limits import DEFAULT_LIMITS, Limits
from .py_excel import make_date

# Formula function name → AST operator (argument counts are checked by ``check``); from the catalog.
FUNCTIONS: dict[str, str] = {f.name: f.op for f in CATALOG if f.op} | {"NOT": "!"}
_COMPARE = {"=": "==", "==": "==", "<>": "!=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse_formula(text: str, *, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse a formula into the JSON AST; raises ``ExprError`` with line and column."""
    if len(text) > limits.max_string * 4:
        raise ExprError(f"the formula is longer than {limits.max_string * 4} characters", line=1, column=1)
    try:
        tree = _parser().parse(text)
        return _ToAst().transform(tree)
    except RecursionError:
        raise ExprError("the formula is nested too deeply", line=1, column=1) from None
    except UnexpectedInput as exc:
        raise ExprError(_explain(exc, text), line=exc.line, column=exc.column) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExprError):
            raise exc.orig_exc from None
        raise


def _explain(exc: UnexpectedInput, text: str) -> str:
    if isinstance(exc, UnexpectedEOF) or exc.column == -1:
        return "the formula ends too early (a missing value or closing parenthesis?)"
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        if char == '"':
            return "a text value is missing its closing quote"
        return f"unexpected character '{char}'"
    token = getattr(exc, "token", None)
    if token is not None and token.type == "$END":
        return "the formula ends too early (a missing value or closing parenthesis?)"
    return f"unexpected '{token}' here" if token is not None else "the formula is not valid"


def _fail(message: str, token: Token | None) -> ExprError:
    line = token.line if token is not None else None
    column = token.column if token is not None else None
    return ExprError(message, line=line, column=column)


@v_args(inline=True)
class _ToAst(Transformer[Token, Any]):
    def number(self, token: Token) -> int | Decimal:
        return Decimal(token) if "." in token else int(token)

    def string(self, token: Token) -> str:
        return token[1:-1].replace('""', '"')

    def true(self) -> bool:
        return True

    def false(self) -> bool:
        return False

    def null(self) -> None:
        return None

    def context(self, token: Token) -> dict[str, Any]:
        return {"var": str(token)}

    def field(self, *names: Token) -> dict[str, Any]:
        return {"var": ".".join(names)}

    def neg(self, value: Any) -> Any:
        return -value if isinstance(value, int | Decimal) and not isinstance(value, bool) else {"-": [value]}

    def or_(self, *args: Any) -> Any:
        return {"or": list(args)}

    def and_(self, *args: Any) -> Any:
        return {"and": list(args)}

    def not_(self, value: Any) -> Any:
        return {"!": [value]}

    def compare(self, left: Any, op: Token, right: Any) -> Any:
        return {_COMPARE[str(op)]: [left, right]}

    def concat(self, *args: Any) -> Any:
        return {"cat": list(args)}

    def arith(self, first: Any, *rest: Any) -> Any:
        result = first
        for op, value in zip(rest[::2], rest[1::2], strict=True):
            result = {str(op): [result, value]}
        return result

    def call(self, name: Token, *args: Any) -> Any:
        upper = str(name).upper()
        special = _SPECIAL.get(upper)
        if special is not None:
            return special(name, list(args))
        if upper not in FUNCTIONS:
            raise _fail(f"unknown function {name}", name)
        return {FUNCTIONS[upper]: list(args)}


def _date(name: Token, args: list[Any]) -> Any:
    """Constants become a date constant (rolled over as Excel does); anything else ``make_date``."""
    if len(args) != 3:
        raise _fail("DATE takes a year, a month and a day, e.g. DATE(2024, 1, 31)", name)
    if not all(type(a) is int for a in args):
        return {"make_date": args}
    made = make_date(*args)
    if made is None:
        raise _fail("DATE was given a date outside the years 1 to 9999", name)
    return {"date": made.isoformat()}


def _ifs(name: Token, args: list[Any]) -> Any:
    """``IFS(c1, v1, c2, v2)`` → ``IF(c1, v1, IF(c2, v2))``."""
    if len(args) < 2 or len(args) % 2:
        raise _fail("IFS takes pairs of a condition and a value", name)
    result: Any = {"if": args[-2:]}
    for i in range(len(args) - 4, -1, -2):
        result = {"if": [args[i], args[i + 1], result]}
    return result


def _switch(name: Token, args: list[Any]) -> Any:
    """``SWITCH(x, 1, "a", 2, "b", "c")`` → ``IF(x = 1, "a", IF(x = 2, "b", "c"))``."""
    if len(args) < 3:
        raise _fail("SWITCH takes a value, then pairs of a case and a result, then an optional default", name)
    value, rest = args[0], args[1:]
    result: Any = rest[-1] if len(rest) % 2 else None
    pairs = rest[: len(rest) - len(rest) % 2]
    for i in range(len(pairs) - 2, -1, -2):
        result = {"if": [{"==": [value, pairs[i]]}, pairs[i + 1], *([] if result is None else [result])]}
    return result


def _exact(name: Token, args: list[Any]) -> Any:
    if len(args) != 2:
        raise _fail("EXACT takes two texts", name)
    return {"==": args}


def _days(name: Token, args: list[Any]) -> Any:
    if len(args) != 2:
        raise _fail("DAYS takes an end date and a start date", name)
    return {"-": args}


def _datevalue(name: Token, args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str):
        raise _fail('DATEVALUE takes one date written as text, e.g. DATEVALUE("2024-01-31")', name)
    return {"date": args[0]}


def _datetimevalue(name: Token, args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str):
        raise _fail('DATETIMEVALUE takes one date-time as text, e.g. DATETIMEVALUE("2024-01-31T09:00:00Z")', name)
    return {"datetime": args[0]}


def _in(name: Token, args: list[Any]) -> Any:
    """``IN(status, "open", "closed")`` → list; ``IN("vip", tags)`` → membership."""
    if len(args) < 2:
        raise _fail("IN takes a value and what to look in", name)
    if len(args) == 2 and isinstance(args[1], dict):
        return {"in": args}
    return {"in": [args[0], args[1:]]}


_SPECIAL: dict[str, Callable[[Token, list[Any]], Any]] = {
    "DATE": _date,
    "IFS": _ifs,
    "SWITCH": _switch,
    "EXACT": _exact,
    "DAYS": _days,
    "DATEVALUE": _datevalue,
    "DATETIMEVALUE": _datetimevalue,
    "IN": _in,
}
