"""A report result as JSON: numbers as JSON numbers (exact decimals stay exact in exports),
dates as ISO text, every row with its drill-down filter.

``result_json(result)`` -> ``{"report": "by_month", "dimensions": [...], "measures": [...],
"rows": [{"level": "detail", "dims": {"month": "2026-02"}, "values": {"n": 12}, "drill": {...}}],
"subtotals": [...], "total": {...} | None, "labels": {...}, "pivot": {...} | None,
"params": {"period": {"from": "2026-02-01", "to": "2026-02-28", "previous": {...}}}, "chart": {...}}``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dajian.engines.report.chart import chart_spec
from dajian.engines.report.execute import ReportResult, ResultRow
from dajian.engines.report.model import ChartDef


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def row_json(row: ResultRow) -> dict[str, Any]:
    out: dict[str, Any] = {"level": row.level, "dims": jsonable(row.dims), "values": jsonable(row.values),
                           "drill": row.drill}
    if row.drill_measures:
        out["drill_measures"] = row.drill_measures
    if row.previous is not None:
        out["previous"], out["change"] = jsonable(row.previous), jsonable(row.change)
    return out


def _params(result: ReportResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in result.bound.values.items():
        if key in result.bound.ranges:
            first, last = result.bound.ranges[key]
            prev = result.bound.previous[key]
            out[key] = {"from": first.isoformat(), "to": last.isoformat(),
                        "previous": {"from": prev[0].isoformat(), "to": prev[1].isoformat()}}
        else:
            out[key] = jsonable(value)
    return out


def result_json(result: ReportResult, chart: ChartDef | None = None) -> dict[str, Any]:
    plan = result.plan
    pivot = None
    if result.pivot is not None:
        pivot = {**result.pivot, "rows": [{**line, "cells": jsonable(line["cells"]), "total": jsonable(line["total"])}
                                          for line in result.pivot["rows"]]}
    return {
        "report": plan.definition.key,
        "label": plan.definition.label,
        "form": plan.form,
        "dimensions": [{"key": d.key, "label": d.label, "field": d.field, "granularity": d.granularity,
                        "level": d.level, "type": d.type, "axis": "columns" if d in plan.columns else "rows"}
                       for d in plan.dims],
        "measures": [{"key": m.key, "label": m.label, "type": m.result, "format": m.format or
                      ("percent" if m.ratio else "number")} for m in plan.measures],
        "rows": [row_json(r) for r in result.rows],
        "subtotals": [row_json(r) for r in result.subtotals],
        "total": row_json(result.total) if result.total else None,
        "labels": result.labels,
        "pivot": pivot,
        "params": _params(result),
        "truncated": result.truncated,
        "chart": chart_spec(result, chart),
    }
