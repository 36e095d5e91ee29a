"""Decision table cells: parsing, typed values, the Python test each compiles to, overlap of two cells.

``parse_cell("[1..5)", "integer")`` → ``Cell("range", lo=1, hi=5, hi_open=True)``, whose
``source("i0", consts)`` is ``(i0 is not None and c0 <= i0 < c1)`` with ``consts == [1, 5]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_COMPARE = re.compile(r"^\s*(>=|<=|!=|>|<|=)\s*(.+?)\s*$")
_RANGE = re.compile(r"^\s*([\[(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\])])\s*$")
_PY_OPS = {">=": ">=", "<=": "<=", ">": ">", "<": "<"}


def coerce(value: Any, kind: str) -> Any:
    """A cell or input value as the input's type: ``coerce("5000", "decimal") == Decimal("5000")``."""
    if value is None or kind in ("text", "any"):
        return value
    try:
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            raise ValueError
        if kind == "integer":
            if isinstance(value, bool) or (isinstance(value, float | Decimal) and value != int(value)):
                raise ValueError
            return int(value)
        if kind == "decimal":
            if isinstance(value, bool):
                raise ValueError
            return value if isinstance(value, Decimal) else Decimal(str(value))
        if kind == "date":
            return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(value)
        if kind == "datetime":
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, TypeError, InvalidOperation):
        pass
    raise ValueError(f"{value!r} is not a {kind} value")


@dataclass(frozen=True)
class Cell:
    kind: str  # any | eq | in | ne | cmp | range | expr
    value: Any = None  # eq/ne: the value; in: a frozenset; cmp: (op, value); expr: f(inputs)
    lo: Any = None
    hi: Any = None
    lo_open: bool = False
    hi_open: bool = False
    values: frozenset[Any] = field(default_factory=frozenset)

    def source(self, var: str, consts: list[Any]) -> str:
        def c(value: Any) -> str:
            consts.append(value)
            return f"c{len(consts) - 1}"

        if self.kind == "eq":
            return f"{var} == {c(self.value)}"
        if self.kind == "in":
            return f"{var} in {c(self.values)}"
        if self.kind == "ne":
            return f"{var} != {c(self.value)}"
        if self.kind == "cmp":
            op, value = self.value
            return f"({var} is not None and {var} {_PY_OPS[op]} {c(value)})"
        if self.kind == "range":
            low, high = ("<" if self.lo_open else "<="), ("<" if self.hi_open else "<=")
            return f"({var} is not None and {c(self.lo)} {low} {var} {high} {c(self.hi)})"
        if self.kind == "expr":
            return f"{c(self.value)}(I)"
        return "True"

    def matches(self, v: Any) -> bool:
        if self.kind == "any":
            return True
        if self.kind == "eq":
            return bool(v == self.value)
        if self.kind == "in":
            return v in self.values
        if self.kind == "ne":
            return bool(v != self.value)
        if v is None:
            return False
        if self.kind == "cmp":
            op, value = self.value
            return {">": v > value, ">=": v >= value, "<": v < value, "<=": v <= value}[op]  # type: ignore[no-any-return]
        if self.kind == "range":
            above = v > self.lo if self.lo_open else v >= self.lo
            below = v < self.hi if self.hi_open else v <= self.hi
            return bool(above and below)
        return True  # expr: unknown, assume it may match

    def as_range(self) -> tuple[Any, Any, bool, bool] | None:
        """``(lo, hi, lo_open, hi_open)`` with ``None`` for an unbounded end; None if not an interval."""
        if self.kind == "range":
            return self.lo, self.hi, self.lo_open, self.hi_open
        if self.kind == "cmp":
            op, value = self.value
            return (value, None, op == ">", False) if op in (">", ">=") else (None, value, False, op == "<")
        return None


ANY = Cell("any")


def parse_cell(raw: Any, kind: str) -> Cell:
    """A cell as written in the table; raises ``ValueError`` with a message for the designer."""
    if raw is None or raw == "-" or raw == "":
        return ANY
    if isinstance(raw, dict):
        if set(raw) == {"formula"} and isinstance(raw["formula"], str):
            return Cell("expr", value=raw["formula"])
        if set(raw) == {"expr"}:
            return Cell("expr", value=raw["expr"])
        raise ValueError('an expression cell is {"formula": "..."} or {"expr": <JSON AST>}')
    if isinstance(raw, list):
        if not raw:
            raise ValueError("an empty list matches nothing")
        return Cell("in", values=frozenset(coerce(v, kind) for v in raw))
    if isinstance(raw, str) and kind not in ("text", "any", "boolean"):
        return _parse_text(raw, kind)
    if isinstance(raw, str) and kind == "text" and raw.startswith("!="):
        return Cell("ne", value=raw[2:].strip())
    return Cell("eq", value=coerce(raw, kind))


def _parse_text(raw: str, kind: str) -> Cell:
    ranged = _RANGE.match(raw)
    if ranged:
        lo, hi = coerce(ranged.group(2), kind), coerce(ranged.group(3), kind)
        if lo > hi:
            raise ValueError(f"range {raw!r} is empty: {lo} > {hi}")
        return Cell("range", lo=lo, hi=hi, lo_open=ranged.group(1) == "(", hi_open=ranged.group(4) == ")")
    compared = _COMPARE.match(raw)
    if compared:
        op, value = compared.group(1), coerce(compared.group(2), kind)
        if op == "=":
            return Cell("eq", value=value)
        return Cell("ne", value=value) if op == "!=" else Cell("cmp", value=(op, value))
    return Cell("eq", value=coerce(raw, kind))


class Shown(str):
    """A witness described in words (``> 100``) rather than a single value."""

    def __repr__(self) -> str:
        return str(self)


def show(value: Any) -> str:
    if isinstance(value, Shown):
        return str(value)
    return str(value) if isinstance(value, Decimal | date) else repr(value)


def _describe(cell: Cell) -> Shown:
    interval = cell.as_range()
    if interval is None:
        return Shown("any")
    lo, hi, lo_open, hi_open = interval
    if lo is not None and hi is not None:
        return Shown(f"{'(' if lo_open else '['}{lo}..{hi}{')' if hi_open else ']'}")
    return Shown(f"{'>' if lo_open else '>='} {lo}" if lo is not None else f"{'<' if hi_open else '<='} {hi}")


def overlap(a: Cell, b: Cell) -> Any:
    """A value both cells match (``ANY`` when both match anything), or ``None`` when provably disjoint.

    Expression cells are unknown, so they are taken to overlap (no false "overlap" report, since
    a table with expressions reports only what it can prove: those rows are skipped by returning ANY).
    """
    if a.kind == "any" and b.kind == "any":
        return ANY
    if a.kind in ("expr", "ne") or b.kind in ("expr", "ne"):
        return None if "expr" in (a.kind, b.kind) else _ne_overlap(a, b)
    if a.kind == "any" or b.kind == "any":
        other = b if a.kind == "any" else a
        return _example(other)
    if a.kind in ("eq", "in") or b.kind in ("eq", "in"):
        found, other = (_finite(a), b) if a.kind in ("eq", "in") else (_finite(b), a)
        common = sorted((v for v in found if other.matches(v)), key=repr)
        return common[0] if common else None
    return _interval_overlap(a, b)


def _finite(cell: Cell) -> frozenset[Any]:
    return frozenset({cell.value}) if cell.kind == "eq" else cell.values


def _example(cell: Cell) -> Any:
    if cell.kind in ("eq", "in"):
        return sorted(_finite(cell), key=repr)[0]
    return _describe(cell) if cell.as_range() is not None else ANY


def _ne_overlap(a: Cell, b: Cell) -> Any:
    other = b if a.kind == "ne" else a
    excluded = a.value if a.kind == "ne" else b.value
    if other.kind in ("eq", "in"):
        left = sorted((v for v in _finite(other) if v != excluded), key=repr)
        return left[0] if left else None
    return ANY  # two "not x" cells, or "not x" and an interval, share values in any realistic domain


def _interval_overlap(a: Cell, b: Cell) -> Any:
    ra, rb = a.as_range(), b.as_range()
    if ra is None or rb is None:
        return ANY
    lo, lo_open = _bound(ra[0], ra[2], rb[0], rb[2], pick=max)
    hi, hi_open = _bound(ra[1], ra[3], rb[1], rb[3], pick=min)
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        return None
    if lo is not None and hi is not None:
        return _describe(Cell("range", lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open))
    if lo is not None:
        return _describe(Cell("cmp", value=(">" if lo_open else ">=", lo)))
    if hi is not None:
        return _describe(Cell("cmp", value=("<" if hi_open else "<=", hi)))
    return ANY


def _bound(x: Any, x_open: bool, y: Any, y_open: bool, *, pick: Any) -> tuple[Any, bool]:
    if x is None:
        return y, y_open
    if y is None or x == y:
        return x, x_open or (y_open if y is not None else False)
    chosen = pick(x, y)
    return chosen, x_open if chosen == x else y_open
