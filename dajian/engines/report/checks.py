"""Checks across a report's parts: unique keys, sort, top-N, comparison and chart references.

``order_issues(report)`` for ``{"sort": [{"by": "nope"}]}`` yields
``{"path": "/sort/0/by", "message": "no dimension or measure 'nope'"}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from dajian.engines.report.errors import Issue
from dajian.engines.report.model import ReportDef

NEEDS_ONE_DIMENSION = ("pie", "donut", "funnel")
NEEDS_NO_DIMENSION = ("number", "gauge")


def _keys(report: ReportDef) -> tuple[list[str], list[str]]:
    dims = [d.name for d in [*report.dimensions, *report.columns]]
    return dims, [m.key for m in report.measures]


def order_issues(report: ReportDef) -> list[Issue]:
    return list(_order(report))


def _order(report: ReportDef) -> Iterator[Issue]:
    dims, measures = _keys(report)
    names = dims + measures
    for i, name in enumerate(names):
        if name in names[:i]:
            where = f"/dimensions/{i}" if i < len(report.dimensions) else \
                f"/columns/{i - len(report.dimensions)}" if i < len(dims) else f"/measures/{i - len(dims)}"
            yield {"path": where, "message": f"duplicate key '{name}'"}
    for i, key in enumerate(report.sort):
        if key.by not in names:
            yield {"path": f"/sort/{i}/by", "message": f"no dimension or measure '{key.by}'"}
    aggregates = {m.key for m in report.measures if m.ratio is None}
    if report.top is not None:
        rows = {d.name: d for d in report.dimensions}
        if report.top.dimension not in rows:
            yield {"path": "/top/dimension", "message": f"no row dimension '{report.top.dimension}'"}
        elif rows[report.top.dimension].granularity is not None:
            yield {"path": "/top/dimension", "message": "top-N applies to categories, not time buckets"}
        if report.top.by not in aggregates:
            yield {"path": "/top/by", "message": f"'{report.top.by}' is not an aggregate measure of this report"}
    yield from _compare(report)
    if not report.measures:
        yield {"path": "/measures", "message": "a report needs at least one measure"}


def _compare(report: ReportDef) -> Iterator[Issue]:
    if report.compare is None:
        return
    param = next((p for p in report.params if p.key == report.compare.param), None)
    if param is None or param.type != "date_range" or param.field is None:
        yield {"path": "/compare/param", "message": f"'{report.compare.param}' is not a date_range parameter "
                                                    "with a field"}
        return
    for i, d in enumerate(report.dimensions + report.columns):
        if d.field == param.field and d.granularity is not None:
            yield {"path": f"/dimensions/{i}", "message": "a comparison with the previous period cannot also "
                                                          f"group by '{d.field}' in time buckets"}


def chart_issues(report: ReportDef) -> list[Issue]:
    return list(_chart(report))


def _chart(report: ReportDef) -> Iterator[Issue]:
    chart = report.chart
    dims, measures = _keys(report)
    for attr in ("x", "series"):
        value = getattr(chart, attr)
        if value is not None and value not in dims:
            yield {"path": f"/chart/{attr}", "message": f"no dimension '{value}'"}
    for i, key in enumerate(chart.y or []):
        if key not in measures:
            yield {"path": f"/chart/y/{i}", "message": f"no measure '{key}'"}
    if chart.type in NEEDS_ONE_DIMENSION and len(dims) != 1:
        yield {"path": "/chart/type", "message": f"a {chart.type} chart shows exactly one dimension"}
    if chart.type in NEEDS_NO_DIMENSION and dims:
        yield {"path": "/chart/type", "message": f"a {chart.type} shows one number: remove the dimensions"}
    if chart.type == "heatmap" and len(dims) != 2:
        yield {"path": "/chart/type", "message": "a heatmap needs two dimensions"}
    if chart.type == "pivot" and not report.columns:
        yield {"path": "/chart/type", "message": "a pivot table needs column dimensions ('columns')"}
    if chart.type == "gauge" and chart.max is None:
        yield {"path": "/chart/max", "message": "a gauge needs max"}
