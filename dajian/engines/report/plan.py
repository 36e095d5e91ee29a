"""The compiled, immutable form of a report: SQL pieces with bound parameters, no runtime values.

A plan depends only on the definition, the form schema, the time zone and the database kind, so
the platform caches it by (app version, report key, dialect).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from dajian.engines.report.model import ParamDef, ReportDef

Col = ColumnElement[Any]
OTHERS = "__others__"


@dataclass(frozen=True)
class Join:
    """``LEFT JOIN <alias> ON alias.id = base.<relation>``; the target form's row scope is added at run time."""

    name: str  # the relation field key ("parent" for a sub-table's parent)
    form: str  # the target form key
    alias: sa.FromClause
    on: Col
    inner: bool = False


@dataclass(frozen=True)
class DimPlan:
    key: str
    field: str  # as written: "category", "customer.level"
    label: dict[str, str]
    expr: Col  # what the query groups by
    type: str  # the field's expression type
    granularity: str | None = None
    level: int | None = None
    is_date: bool = False
    fill: bool = True
    options: tuple[tuple[str, dict[str, str]], ...] = ()  # select/cascade values in their defined order
    top: tuple[int, str, bool] | None = None  # (n, measure key, others)
    title: Col | None = None  # a relation's target record named by its display field (on ``titles`` join)

    @property
    def is_time(self) -> bool:
        return self.granularity is not None

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each option value's place in the defined order."""
        return {value: i for i, (value, _) in enumerate(self.options)}


@dataclass(frozen=True)
class MeasurePlan:
    key: str
    label: dict[str, str]
    sql: Col | None  # the aggregate; None for a ratio
    result: str  # integer, decimal, real, date, datetime, text
    ratio: tuple[str, str] | None = None
    where: Any = None  # the measure's own filter (expression AST), for drill-down
    format: str | None = None
    decimals: int = 4
    agg: str | None = None


@dataclass(frozen=True)
class ParamPlan:
    definition: ParamDef
    bind_type: Any  # SQLAlchemy type of the bound value(s)
    field_type: str | None = None  # the bound field's expression type
    condition: Col | None = None  # the field filter (bound parameters), when ``field`` is set
    previous: Col | None = None  # date_range: the same filter over the previous period

    @property
    def key(self) -> str:
        return self.definition.key


@dataclass(frozen=True)
class FilterPart:
    ast: Any  # as written (for drill-down, with $param values substituted)
    sql: Col
    params: frozenset[str]


@dataclass(frozen=True)
class ReportPlan:
    definition: ReportDef
    form: str  # the form whose records the report reads (the parent form of a sub-table dataset)
    row_table: sa.Table  # where the reader's row scope applies
    base: sa.FromClause
    joins: tuple[Join, ...]
    rows: tuple[DimPlan, ...]
    columns: tuple[DimPlan, ...]
    measures: tuple[MeasurePlan, ...]
    params: tuple[ParamPlan, ...]
    filters: tuple[FilterPart, ...]
    timezone: str
    dialect: str | None
    reads: dict[str, frozenset[str]] = field(default_factory=dict)  # form key -> fields read
    drillable: bool = True
    titles: tuple[Join, ...] = ()  # one per relation dimension: its target, for the display name

    @property
    def dims(self) -> tuple[DimPlan, ...]:
        return self.rows + self.columns

    @property
    def titled(self) -> tuple[DimPlan, ...]:
        """Dimensions whose values come with their display names (a column each, after the measures)."""
        return tuple(d for d in self.dims if d.title is not None)

    def measure(self, key: str) -> MeasurePlan:
        return next(m for m in self.measures if m.key == key)

    def param(self, key: str) -> ParamPlan:
        return next(p for p in self.params if p.key == key)
