"""Chart descriptions for the browser (ECharts renders them; the server draws nothing).

``chart_spec(result)`` for a bar chart of ``n`` by month gives::

    {"type": "bar", "title": {...}, "horizontal": false,
     "x": {"dimension": "created_at_month", "label": {...}, "categories": ["2026-01", "2026-02"],
           "labels": [{"zh-CN": "2026年1月", "en": "2026-01"}, ...]},
     "y": [{"measure": "n", "label": {"zh-CN": "数量", "en": "Count"}, "format": "number"}],
     "series": [{"key": "n", "name": {...}, "measure": "n", "data": [12, 7]}]}

Stacked bars add ``"stack": "total"`` to each series; a ``series`` dimension makes one series per
value; pie, donut and funnel give ``"data": [{"key", "name", "value"}]``; a number card gives
``value``, ``previous`` and ``change``; a gauge ``value``, ``min`` and ``max``; a heatmap ``x``,
``y`` and ``data`` of ``[x index, y index, value]``; table and pivot refer to the report data.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dajian.engines.report.execute import ReportResult, ResultRow
from dajian.engines.report.model import ChartDef
from dajian.engines.report.plan import DimPlan, MeasurePlan

Spec = dict[str, Any]
ChartBuilder = Callable[[ReportResult, ChartDef, Spec], Spec]
CHARTS: dict[str, ChartBuilder] = {}


def register_chart(kind: str, builder: ChartBuilder) -> None:
    CHARTS[kind] = builder


def number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _label(result: ReportResult, dim: DimPlan, value: Any) -> dict[str, str]:
    return result.labels.get(dim.key, {}).get(str(value)) or {"zh-CN": str(value), "en": str(value)}


def _measures(result: ReportResult, chart: ChartDef) -> list[MeasurePlan]:
    keys = chart.y or [m.key for m in result.plan.measures]
    return [result.plan.measure(k) for k in keys]


def _y(measures: list[MeasurePlan]) -> list[Spec]:
    return [{"measure": m.key, "label": m.label, "format": m.format or ("percent" if m.ratio else "number")}
            for m in measures]


def _dim(result: ReportResult, key: str | None, default: int) -> DimPlan | None:
    dims = result.plan.dims
    if key is not None:
        return next(d for d in dims if d.key == key)
    return dims[default] if len(dims) > default else None


def _categories(result: ReportResult, dim: DimPlan | None) -> list[Any]:
    if dim is None:
        return ["total"]
    return list(dict.fromkeys(r.dims.get(dim.key) for r in result.rows))


def _series_name(result: ReportResult, dim: DimPlan, group: Any, m: MeasurePlan, count: int) -> dict[str, str]:
    label = _label(result, dim, group)
    return label if count == 1 else {lang: f"{label.get(lang, group)} {text}" for lang, text in m.label.items()}


def _cartesian(result: ReportResult, chart: ChartDef, spec: Spec) -> Spec:
    x = _dim(result, chart.x, 0)
    series_dim = _dim(result, chart.series, 1) if chart.series or (x is not None and len(result.plan.dims) > 1) \
        else None
    if series_dim is not None and x is not None and series_dim.key == x.key:
        series_dim = None
    categories = _categories(result, x)
    measures = _measures(result, chart)
    groups = _categories(result, series_dim) if series_dim is not None else [None]
    index = {(r.dims.get(x.key) if x else "total", r.dims.get(series_dim.key) if series_dim else None): r
             for r in result.rows}
    series = []
    for group in groups:
        for m in measures:
            data = [number(index[(c, group)].values.get(m.key)) if (c, group) in index else None for c in categories]
            name = m.label if series_dim is None else _series_name(result, series_dim, group, m, len(measures))
            entry: Spec = {"key": m.key if series_dim is None else f"{group}:{m.key}", "name": name,
                           "measure": m.key, "data": data}
            if chart.type == "stacked_bar" or (chart.type == "area" and series_dim is not None):
                entry["stack"] = m.key if series_dim is not None else "total"
            series.append(entry)
    spec["x"] = {"dimension": x.key if x else None, "label": x.label if x else None, "categories": categories,
                 "labels": [_label(result, x, c) if x else {"zh-CN": "合计", "en": "Total"} for c in categories]}
    spec["y"], spec["series"], spec["horizontal"] = _y(measures), series, chart.horizontal
    return spec


def _slices(result: ReportResult, chart: ChartDef, spec: Spec) -> Spec:
    dim = result.plan.dims[0]
    m = _measures(result, chart)[0]
    spec["y"] = _y([m])
    spec["data"] = [{"key": r.dims.get(dim.key), "name": _label(result, dim, r.dims.get(dim.key)),
                     "value": number(r.values.get(m.key))} for r in result.rows]
    if chart.type == "donut":
        spec["radius"] = ["45%", "70%"]
    return spec


def _single(result: ReportResult) -> ResultRow | None:
    return result.total or (result.rows[0] if result.rows else None)


def _number(result: ReportResult, chart: ChartDef, spec: Spec) -> Spec:
    m = _measures(result, chart)[0]
    row = _single(result)
    spec["y"] = _y([m])
    spec["value"] = number(row.values.get(m.key)) if row else None
    spec["previous"] = number(row.previous.get(m.key)) if row and row.previous else None
    spec["change"] = number(row.change.get(m.key)) if row and row.change else None
    if chart.type == "gauge":
        spec["min"], spec["max"] = chart.min or 0, chart.max
    return spec


def _heatmap(result: ReportResult, chart: ChartDef, spec: Spec) -> Spec:
    x_dim, y_dim = result.plan.dims[0], result.plan.dims[1]
    m = _measures(result, chart)[0]
    xs, ys = _categories(result, x_dim), _categories(result, y_dim)
    data = [[xs.index(r.dims.get(x_dim.key)), ys.index(r.dims.get(y_dim.key)), number(r.values.get(m.key))]
            for r in result.rows]
    values = [d[2] for d in data if d[2] is not None]
    spec["x"] = {"dimension": x_dim.key, "categories": xs, "labels": [_label(result, x_dim, v) for v in xs]}
    spec["y_axis"] = {"dimension": y_dim.key, "categories": ys, "labels": [_label(result, y_dim, v) for v in ys]}
    spec["y"], spec["data"] = _y([m]), data
    spec["min"], spec["max"] = (min(values), max(values)) if values else (0, 0)
    return spec


def _table(result: ReportResult, chart: ChartDef, spec: Spec) -> Spec:
    spec["columns"] = [{"key": d.key, "label": d.label, "kind": "dimension"} for d in result.plan.dims] + \
        [{"key": m.key, "label": m.label, "kind": "measure", "format": m.format} for m in _measures(result, chart)]
    spec["data"] = "pivot" if chart.type == "pivot" else "rows"
    return spec


for _kind, _builder in (("bar", _cartesian), ("stacked_bar", _cartesian), ("line", _cartesian),
                        ("area", _cartesian), ("pie", _slices), ("donut", _slices), ("funnel", _slices),
                        ("number", _number), ("gauge", _number), ("heatmap", _heatmap), ("table", _table),
                        ("pivot", _table)):
    register_chart(_kind, _builder)


def chart_spec(result: ReportResult, chart: ChartDef | None = None) -> Spec:
    chart = chart or result.plan.definition.chart
    title = chart.title or result.plan.definition.label or {"en": result.plan.definition.key}
    return CHARTS[chart.type](result, chart, {"type": chart.type, "title": title})
