"""Reports and dashboards: the data, each row's drill-down filter, and the chart the browser draws."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dajian.platform.api.schemas.common import Json, Label, Out
from dajian.platform.errors import ErrorBody

Values = Annotated[dict[str, Json], Field(description="measure key -> value")]
Drill = Annotated[Json, Field(description="the filter (expression AST) selecting this row's records")]


class Dimension(Out):
    key: str
    label: Label
    field: str = Field(description='as written: "category", "customer.level"')
    granularity: str | None
    level: int | None
    type: str
    axis: Literal["rows", "columns"]


class Measure(Out):
    key: str
    label: Label
    type: str = Field(description="integer, decimal, real, date, datetime, text")
    format: str


class ReportRow(Out):
    level: str = Field(description="detail | subtotal | total")
    dims: dict[str, Json] = Field(description="dimension key -> value (bucket keys for time)")
    values: Values
    drill: Drill
    drill_measures: dict[str, Json] | None = Field(default=None, description="measure key -> its own drill filter")
    previous: dict[str, Json] | None = Field(default=None, description="the comparison period's values")
    change: dict[str, Json] | None = Field(default=None, description="(value - previous) / previous")


class PivotLine(Out):
    key: dict[str, Json]
    level: str
    cells: list[dict[str, Json] | None] = Field(description="one per pivot column: measure key -> value")
    drill: list[Json]
    total: dict[str, Json] | None
    total_drill: Json


class Pivot(Out):
    row_dimensions: list[str]
    column_dimensions: list[str]
    columns: list[dict[str, Json]]
    rows: list[PivotLine]


class Axis(Out):
    dimension: str | None
    categories: list[Json]
    labels: list[Label]


class CartesianX(Axis):
    label: Label | None


class YMeasure(Out):
    measure: str
    label: Label
    format: str


class Series(Out):
    key: str
    name: Label
    measure: str
    data: list[Json]
    stack: str | None = None


class Slice(Out):
    key: Json
    name: Label
    value: Json


class TableColumn(Out):
    key: str
    label: Label
    kind: Literal["dimension", "measure"]
    format: str | None = None


class CartesianChart(Out):
    type: Literal["bar", "stacked_bar", "line", "area"]
    title: Label
    x: CartesianX
    y: list[YMeasure]
    series: list[Series]
    horizontal: bool


class SliceChart(Out):
    type: Literal["pie", "donut", "funnel"]
    title: Label
    y: list[YMeasure]
    data: list[Slice]
    radius: list[str] | None = None


class NumberChart(Out):
    type: Literal["number", "gauge"]
    title: Label
    y: list[YMeasure]
    value: Json
    previous: Json
    change: Json
    min: Json = None
    max: Json = None


class HeatmapChart(Out):
    type: Literal["heatmap"]
    title: Label
    x: Axis
    y_axis: Axis
    y: list[YMeasure]
    data: list[list[Json]] = Field(description="[x index, y index, value]")
    min: Json
    max: Json


class TableChart(Out):
    type: Literal["table", "pivot"]
    title: Label
    columns: list[TableColumn]
    data: Literal["rows", "pivot"] = Field(description="which part of the result the table shows")


Chart = Annotated[CartesianChart | SliceChart | NumberChart | HeatmapChart | TableChart,
                  Field(discriminator="type")]


class ReportResult(Out):
    report: str
    label: Label | None
    form: str
    dimensions: list[Dimension]
    measures: list[Measure]
    rows: list[ReportRow]
    subtotals: list[ReportRow]
    total: ReportRow | None
    labels: dict[str, dict[str, Label]] = Field(description="dimension key -> value -> its label")
    pivot: Pivot | None
    params: dict[str, Json] = Field(description='the bound parameters; a period as {"from", "to", "previous"}')
    truncated: bool
    chart: Chart


class FilterValue(Out):
    key: str
    type: str
    label: Label | None
    value: Json


class Widget(Out):
    key: str
    report: str
    title: Label | None
    x: int
    y: int
    w: int
    h: int
    data: ReportResult | None = None
    error: ErrorBody | None = Field(default=None, description="the error body the report would have answered")
    status: int | None = Field(default=None, description="with error: the HTTP status it stands for")


class DashboardResult(Out):
    dashboard: str
    label: Label | None
    columns: int
    filters: list[FilterValue]
    widgets: list[Widget]
