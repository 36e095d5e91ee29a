"""Report and dashboard definitions: the JSON a designer saves, as Pydantic models.

A report reads one dataset (a form, optionally joined through relation fields,
or a sub-table with its parent), keeps the rows its ``filter`` and parameters
allow, groups them by ``dimensions`` (and, for a pivot, ``columns``) and
computes ``measures`` per group::

    {"key": "sla_by_priority", "label": {"zh-CN": "各优先级SLA达成率", "en": "SLA by priority"},
     "dataset": {"form": "complaint"},
     "params": [{"key": "period", "type": "date_range", "field": "created_at", "default": "this_month"}],
     "dimensions": [{"field": "priority"}],
     "measures": [{"key": "n", "agg": "count"},
                  {"key": "met", "agg": "count", "where": {"var": "sla_met"}},
                  {"key": "rate", "ratio": ["met", "n"], "format": "percent"}],
     "totals": true, "compare": {"param": "period"},
     "chart": {"type": "bar", "y": ["rate"]}}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from dajian.engines.expr import ExprError, parse_formula
from dajian.engines.form.model import Key, Label


def _formula_or_ast(value: Any) -> Any:
    """Expressions may be written as formula text (``status = "closed"``); the plan reads the AST."""
    if not isinstance(value, str):
        return value
    try:
        return parse_formula(value)
    except ExprError as exc:
        raise ValueError(str(exc)) from None


ExprValue = Annotated[Any, BeforeValidator(_formula_or_ast)]

GRANULARITIES = ("hour", "day", "week", "month", "quarter", "year")
PARAM_TYPES = ("text", "integer", "decimal", "boolean", "date", "datetime", "user", "department", "date_range")
CHART_TYPES = ("bar", "stacked_bar", "line", "area", "pie", "donut", "number", "table", "pivot", "heatmap",
               "funnel", "gauge")
FieldPath = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})?$",
                                 description='A field key, or "relation.field" through a joined relation.')]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dataset(Strict):
    """``{"form": "complaint", "join": ["customer"]}`` or ``{"form": "order", "subtable": "items"}``."""

    form: Key
    join: list[Key] = Field(default_factory=list, description="Relation fields to join (one hop each).")
    subtable: Key | None = Field(default=None, description="Report on this sub-table's rows; the parent "
                                 "form's fields are read as parent.<field>.")


class ParamDef(Strict):
    """A runtime parameter. With ``field`` it filters that field by itself (``date_range``: the range in the
    app's time zone; ``multiple``: one of the values; else equality); without, filters read it as
    ``{"var": "$param.<key>"}``. A filter part naming an unset optional parameter is left out."""

    key: Key
    type: Literal["text", "integer", "decimal", "boolean", "date", "datetime", "user", "department",
                  "date_range"]
    label: Label | None = None
    field: FieldPath | None = None
    multiple: bool = False
    required: bool = False
    include_children: bool = Field(default=False, description="department: the department and those below it")
    default: Any = None
    options_from: FieldPath | None = Field(default=None, description="The UI offers this select field's options.")


class Dimension(Strict):
    """Group by a field: ``{"field": "created_at", "granularity": "month"}``, ``{"field": "category"}``,
    ``{"field": "product_line", "level": 1}`` (a cascade select's second level)."""

    field: FieldPath
    key: Key | None = None
    label: Label | None = None
    granularity: Literal["hour", "day", "week", "month", "quarter", "year"] | None = None
    level: Annotated[int, Field(ge=0, le=2)] | None = None
    fill: bool = Field(default=True, description="Time buckets without records are shown with empty measures.")

    @property
    def name(self) -> str:
        if self.key:
            return self.key
        base = self.field.replace(".", "_")
        return f"{base}_{self.granularity}" if self.granularity else base if self.level is None else \
            f"{base}_l{self.level}"


class Measure(Strict):
    """``{"key": "n", "agg": "count"}``, ``{"key": "amt", "agg": "sum", "field": "amount"}``,
    ``{"key": "p90", "agg": "percentile", "field": "amount", "p": 0.9}``,
    ``{"key": "met", "agg": "count", "where": {"var": "sla_met"}}``, ``{"key": "rate", "ratio": ["met", "n"]}``."""

    key: Key
    label: Label | None = None
    agg: str | None = None
    field: FieldPath | None = None
    expr: ExprValue = Field(default=None, description="An expression (JSON or formula text) to aggregate instead "
                            "of a field.")
    where: ExprValue = Field(default=None, description="Only rows where this expression holds are aggregated.")
    p: Annotated[float, Field(gt=0, lt=1)] | None = Field(default=None, description="percentile: 0 < p < 1")
    ratio: Annotated[list[Key], Field(min_length=2, max_length=2)] | None = None
    format: Literal["number", "percent", "currency", "duration_minutes"] | None = None
    decimals: Annotated[int, Field(ge=0, le=8)] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Measure:
        if (self.agg is None) == (self.ratio is None):
            raise ValueError("give exactly one of 'agg' or 'ratio'")
        if self.ratio is not None and (self.field or self.expr is not None or self.where is not None):
            raise ValueError("a ratio measure takes no field, expr or where")
        if self.field is not None and self.expr is not None:
            raise ValueError("give 'field' or 'expr', not both")
        return self


class SortKey(Strict):
    by: Key
    desc: bool = False


class TopN(Strict):
    """Keep the ``n`` values of ``dimension`` with the largest ``by``; the rest become one "others" row."""

    dimension: Key
    n: Annotated[int, Field(ge=1, le=1000)]
    by: Key
    others: bool = True


class Compare(Strict):
    """Add each measure's value in the previous period of the ``date_range`` parameter ``param``."""

    param: Key


class ChartDef(Strict):
    type: Literal["bar", "stacked_bar", "line", "area", "pie", "donut", "number", "table", "pivot", "heatmap",
                  "funnel", "gauge"] = "table"
    x: Key | None = Field(default=None, description="Category axis dimension (default: the first).")
    series: Key | None = Field(default=None, description="A dimension whose values become series.")
    y: list[Key] | None = Field(default=None, description="Measures to plot (default: all).")
    horizontal: bool = False
    min: float | None = None
    max: float | None = Field(default=None, description="gauge: the scale's end")
    title: Label | None = None


class ReportDef(Strict):
    key: Key
    label: Label | None = None
    description: Label | None = None
    dataset: Dataset
    params: list[ParamDef] = Field(default_factory=list)
    filter: ExprValue = Field(default=None, description="An expression (JSON or formula text); may read "
                              "$param.<key>.")
    dimensions: list[Dimension] = Field(default_factory=list)
    columns: list[Dimension] = Field(default_factory=list, description="Pivot column dimensions.")
    measures: list[Measure] = Field(default_factory=list)
    sort: list[SortKey] = Field(default_factory=list)
    limit: Annotated[int, Field(ge=1, le=100_000)] | None = None
    top: TopN | None = None
    totals: bool = False
    subtotals: bool = False
    compare: Compare | None = None
    chart: ChartDef = Field(default_factory=ChartDef)


class GlobalFilter(Strict):
    """A dashboard-wide control bound to widgets' parameters: ``{"key": "period", "type": "date_range",
    "targets": {"volume": "period", "sla": "range"}}`` (widget key -> parameter key)."""

    key: Key
    type: Literal["text", "integer", "decimal", "boolean", "date", "datetime", "user", "department",
                  "date_range"]
    label: Label | None = None
    default: Any = None
    targets: dict[str, Key] = Field(default_factory=dict)


class Widget(Strict):
    key: Key
    report: Key
    title: Label | None = None
    x: Annotated[int, Field(ge=0, le=47)] = 0
    y: Annotated[int, Field(ge=0, le=10_000)] = 0
    w: Annotated[int, Field(ge=1, le=48)] = 6
    h: Annotated[int, Field(ge=1, le=100)] = 4
    params: dict[str, Any] = Field(default_factory=dict, description="Fixed parameter values.")
    chart: ChartDef | None = Field(default=None, description="Overrides the report's chart.")


class DashboardDef(Strict):
    key: Key
    label: Label | None = None
    columns: Annotated[int, Field(ge=1, le=48)] = 12
    filters: list[GlobalFilter] = Field(default_factory=list)
    widgets: list[Widget] = Field(default_factory=list)
