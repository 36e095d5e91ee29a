"""Drill-down: the filter (an expression AST over the report's form) that lists a cell's records.

For the row ``{"category": "billing", "created_at_month": "2026-02"}`` of a report filtered by
``{"==": [{"var": "region"}, "north"]}`` in Asia/Shanghai the drill filter is::

    {"and": [{"==": [{"var": "region"}, "north"]},
             {"==": [{"var": "category"}, "billing"]},
             {"and": [{">=": [{"var": "created_at"}, {"datetime": "2026-01-31T16:00:00Z"}]},
                      {"<": [{"var": "created_at"}, {"datetime": "2026-02-28T16:00:00Z"}]}]}]}

which ``GET /api/v1/apps/{app}/forms/{form}/records?filter=...`` accepts as it is. The reader's row
scope is not part of it: the record API applies the same scope again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from dajian.engines.report.buckets import GRANULARITIES, bucket_from_key, bucket_range_utc
from dajian.engines.report.params import Bound, range_literals
from dajian.engines.report.plan import OTHERS, DimPlan, ReportPlan
from dajian.engines.report.scope import and_all, substitute

Ast = Any


def base_filter(plan: ReportPlan, bound: Bound) -> list[Ast]:
    """The report's own filter parts and the set parameters' field filters, values filled in."""
    parts = [substitute(f.ast, bound.literals) for f in plan.filters if f.params <= set(bound.values)]
    for param in plan.params:
        field = param.definition.field
        if field is None or not bound.is_set(param.key):
            continue
        var = {"var": field}
        if param.definition.type == "date_range":
            lo, hi = range_literals(param, bound.ranges[param.key], plan.timezone)
            parts.append({"and": [{">=": [var, lo]}, {"<": [var, hi]}]})
        elif isinstance(bound.literals[param.key], list):
            parts.append({"in": [var, bound.literals[param.key]]})
        else:
            parts.append({"==": [var, bound.literals[param.key]]})
    return parts


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return str(value) if isinstance(value, Decimal) else value


def dimension_filter(plan: ReportPlan, dim: DimPlan, value: Any, top_values: Sequence[Any]) -> Ast:
    var = {"var": dim.field}
    if value == OTHERS and dim.top is not None:
        return {"!": {"in": [var, list(top_values)]}}
    if dim.granularity is not None and value is not None:
        start = bucket_from_key(dim.granularity, str(value))
        if dim.is_date:
            end = GRANULARITIES[dim.granularity].step(start)
            lo, hi = {"date": start.date().isoformat()}, {"date": end.date().isoformat()}
        else:
            a, b = bucket_range_utc(dim.granularity, start, plan.timezone)
            lo = {"datetime": a.isoformat().replace("+00:00", "Z")}
            hi = {"datetime": b.isoformat().replace("+00:00", "Z")}
        return {"and": [{">=": [var, lo]}, {"<": [var, hi]}]}
    if dim.level is not None:
        return {"is_empty": var} if value is None else {"in": [value, var]}
    if value is None:
        return {"is_null": var}
    return {"==": [var, _value(value)]}


def row_filter(plan: ReportPlan, base: list[Ast], dims: Mapping[str, Any],
               top_values: Mapping[str, Sequence[Any]], memo: dict[tuple[str, Any], Ast] | None = None) -> Ast:
    """``memo`` keeps each (dimension, value) condition, which many rows share (a month, a category)."""
    memo = {} if memo is None else memo
    parts = list(base)
    for dim in plan.dims:
        if dim.key in dims:
            value = dims[dim.key]
            key = (dim.key, value if isinstance(value, str | int | bool | None) else str(value))
            if key not in memo:
                memo[key] = dimension_filter(plan, dim, value, top_values.get(dim.key, ()))
            parts.append(memo[key])
    return and_all(parts)


def measure_filters(plan: ReportPlan, bound: Bound, row: Ast) -> dict[str, Ast]:
    """Per filtered measure (``where``), the row's filter narrowed to the rows that measure counts."""
    out = {}
    for m in plan.measures:
        if m.where is not None:
            out[m.key] = and_all([row, substitute(m.where, bound.literals)])
    return out
