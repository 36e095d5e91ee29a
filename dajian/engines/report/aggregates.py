"""Aggregates, one registry entry each, all built through one signature.

``register_aggregate(Aggregate("sum", build, accepts=NUMERIC))``; ``build(AggInput) -> SQL``
gets the value already restricted by the measure's ``where`` (``CASE WHEN where THEN value END``),
so every aggregate supports filtered measures the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from dajian.engines.expr.model import BOOLEAN, DATE, DATETIME, DECIMAL, DEPARTMENT, INTEGER, TEXT, USER
from dajian.engines.expr.sql_dialect import rounded_quotient, scaled_column, unscaled
from dajian.engines.sqltypes import ExactDecimal

Col = ColumnElement[Any]
REAL = "real"  # a measure result that is not exact: averages, percentiles
NUMBERS = frozenset({INTEGER, DECIMAL, BOOLEAN})
ORDERED = frozenset({INTEGER, DECIMAL, DATE, DATETIME, TEXT})
SCALARS = frozenset({INTEGER, DECIMAL, DATE, DATETIME, TEXT, BOOLEAN, USER, DEPARTMENT})


@dataclass(frozen=True)
class AggInput:
    value: Col | None  # None: count rows
    where: Col | None
    type: str  # the value's expression type ("" for rows)
    scale: int  # decimal places of an exact decimal value (0 otherwise)
    dialect: str | None
    p: float | None = None
    decimals: int = 4  # places of a real result (averages)

    def filtered(self, value: Col) -> Col:
        return value if self.where is None else sa.case((self.where, value))


@dataclass(frozen=True)
class Aggregate:
    name: str
    build: Callable[[AggInput], Col]
    accepts: frozenset[str] | None  # value types; None: rows or any scalar value
    result: Callable[[str], str]  # value type -> result type
    needs_value: bool = True
    dialects: frozenset[str] | None = None  # None: every database
    needs_p: bool = False


AGGREGATES: dict[str, Aggregate] = {}


def register_aggregate(aggregate: Aggregate) -> None:
    AGGREGATES[aggregate.name] = aggregate


def _numeric(agg: AggInput) -> Col:
    """The value as a number: booleans count as 0/1."""
    assert agg.value is not None
    return sa.cast(agg.value, sa.Integer) if agg.type == BOOLEAN else agg.value


def _real(expr: Col, agg: AggInput) -> Col:
    """An average-like result of an exact decimal: scaled integers on SQLite are divided back."""
    if agg.dialect == "sqlite" and agg.type == DECIMAL and agg.scale:
        scaled: Col = sa.type_coerce(expr, sa.Float()) / (10**agg.scale)
        return scaled
    return sa.type_coerce(expr, sa.Float() if agg.dialect == "sqlite" else sa.Numeric())


def _count(agg: AggInput) -> Col:
    if agg.value is None:
        return sa.func.count() if agg.where is None else sa.func.count(sa.case((agg.where, 1)))
    count: Col = sa.func.count(agg.filtered(agg.value))
    return count


def _count_distinct(agg: AggInput) -> Col:
    assert agg.value is not None
    return sa.func.count(sa.distinct(agg.filtered(agg.value)))


def _sum(agg: AggInput) -> Col:
    value = agg.filtered(_numeric(agg))
    return sa.func.coalesce(sa.func.sum(value), 0) if agg.type != DECIMAL else sa.func.sum(value)


def _avg(agg: AggInput) -> Col:
    """Exact: the sum of the scaled values divided by the count, rounded half away from zero
    to the measure's decimals in integer arithmetic — the same on SQLite and PostgreSQL."""
    assert agg.value is not None
    exact = agg.type in (INTEGER, BOOLEAN) or isinstance(agg.value.type, ExactDecimal)
    if not exact:
        return _real(sa.func.avg(agg.filtered(_numeric(agg))), agg)
    value = agg.filtered(_numeric(agg))
    units = scaled_column(value, agg.scale) if agg.type == DECIMAL else value
    total, count = sa.func.sum(units), sa.func.nullif(sa.func.count(value), 0)
    shift = agg.decimals - (agg.scale if agg.type == DECIMAL else 0)
    x, y = (total * (10**shift), count) if shift >= 0 else (total, count * (10**-shift))
    return unscaled(rounded_quotient(x, y), agg.decimals)


def _min(agg: AggInput) -> Col:
    assert agg.value is not None
    return sa.func.min(agg.filtered(agg.value))


def _max(agg: AggInput) -> Col:
    assert agg.value is not None
    return sa.func.max(agg.filtered(agg.value))


def _percentile(agg: AggInput) -> Col:
    p = 0.5 if agg.p is None else agg.p
    return sa.type_coerce(sa.func.percentile_cont(sa.literal_column(repr(float(p))))
                          .within_group(agg.filtered(_numeric(agg))), sa.Numeric())


def _same(kind: str) -> str:
    return kind


def _sum_type(kind: str) -> str:
    return DECIMAL if kind == DECIMAL else INTEGER


def _register_builtin() -> None:
    pg = frozenset({"postgresql"})
    for aggregate in (
        Aggregate("count", _count, None, lambda k: INTEGER, needs_value=False),
        Aggregate("count_distinct", _count_distinct, SCALARS, lambda k: INTEGER),
        Aggregate("sum", _sum, NUMBERS, _sum_type),
        Aggregate("avg", _avg, NUMBERS, lambda k: REAL),
        Aggregate("min", _min, ORDERED, _same),
        Aggregate("max", _max, ORDERED, _same),
        Aggregate("median", _percentile, NUMBERS, lambda k: REAL, dialects=pg),
        Aggregate("percentile", _percentile, NUMBERS, lambda k: REAL, dialects=pg, needs_p=True),
    ):
        register_aggregate(aggregate)


_register_builtin()
