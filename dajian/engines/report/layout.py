"""Ordering and pivot layout of grouped rows (per group, in Python).

Natural order: a select's values in their defined order, time buckets ascending, other values
ascending, "others" after them and empty values last. ``pivot_layout`` turns rows grouped by
(row dims + column dims) into a matrix: ``{"columns": [{"priority": "p1"}, ...], "rows": [{"key":
{"region": "north"}, "cells": [{"n": 3}, None, ...], "total": {"n": 9}}, ...]}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dajian.engines.report.plan import OTHERS, DimPlan, ReportPlan

if TYPE_CHECKING:
    from dajian.engines.report.execute import ResultRow


def natural_key(dim: DimPlan, value: Any) -> tuple[Any, ...]:
    if value is None:
        return (3, 0, "")
    if value == OTHERS:
        return (2, 0, "")
    if dim.options:
        position = dim.positions.get(value)
        return (0, position, "") if position is not None else (1, 0, str(value))
    return (0, 0, value)


def sort_rows(plan: ReportPlan, rows: list[ResultRow]) -> list[ResultRow]:
    """Explicit ``sort`` keys first, then the dimensions' natural order; empty measure values and the
    "others" bucket of a top-N last."""
    ordered = sorted(rows, key=lambda r: tuple(natural_key(d, r.dims.get(d.key)) for d in plan.dims))
    dims = {d.key: d for d in plan.dims}
    for key in reversed(plan.definition.sort):
        if key.by in dims:
            dim = dims[key.by]
            ordered.sort(key=lambda r, d=dim: natural_key(d, r.dims.get(d.key)), reverse=key.desc)  # type: ignore[misc]
        else:
            present = [r for r in ordered if r.values.get(key.by) is not None]
            present.sort(key=lambda r, k=key.by: r.values[k], reverse=key.desc)  # type: ignore[misc]
            ordered = present + [r for r in ordered if r.values.get(key.by) is None]
    others = [r for r in ordered if OTHERS in r.dims.values()]
    return [r for r in ordered if OTHERS not in r.dims.values()] + others


def _part(row: ResultRow, dims: tuple[DimPlan, ...]) -> tuple[Any, ...] | None:
    """The row's values of ``dims`` if it is grouped by all of them, else None."""
    if not all(d.key in row.dims for d in dims):
        return None
    return tuple(row.dims[d.key] for d in dims)


def pivot_layout(plan: ReportPlan, detail: list[ResultRow], subtotals: list[ResultRow],
                 total: ResultRow | None) -> dict[str, Any]:
    every = detail + subtotals + ([total] if total else [])
    col_keys = sorted({k for r in detail if (k := _part(r, plan.columns)) is not None},
                      key=lambda k: tuple(natural_key(d, v) for d, v in zip(plan.columns, k, strict=True)))
    lines: dict[tuple[Any, ...], dict[str, Any]] = {}
    order: list[tuple[tuple[Any, ...], ResultRow]] = []
    for row in every:
        row_dims = {d.key: row.dims[d.key] for d in plan.rows if d.key in row.dims}
        line_key = tuple(sorted(row_dims.items(), key=lambda kv: kv[0]))
        if line_key not in lines:
            level = "detail" if len(row_dims) == len(plan.rows) else "total" if not row_dims else "subtotal"
            lines[line_key] = {"key": row_dims, "level": level, "cells": [None] * len(col_keys),
                               "drill": [None] * len(col_keys), "total": None, "total_drill": None}
            order.append((line_key, row))
        line = lines[line_key]
        col = _part(row, plan.columns)
        if col is not None and col in col_keys:
            index = col_keys.index(col)
            line["cells"][index], line["drill"][index] = row.values, row.drill
        elif all(d.key not in row.dims for d in plan.columns):
            line["total"], line["total_drill"] = row.values, row.drill
    ranked = sorted(order, key=lambda item: tuple(
        (0, natural_key(d, item[1].dims[d.key])) if d.key in item[1].dims else (1,) for d in plan.rows))
    return {
        "row_dimensions": [d.key for d in plan.rows],
        "column_dimensions": [d.key for d in plan.columns],
        "columns": [dict(zip([d.key for d in plan.columns], k, strict=True)) for k in col_keys],
        "rows": [lines[k] for k, _ in ranked],
    }
