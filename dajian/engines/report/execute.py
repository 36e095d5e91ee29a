"""Plan + the statement's result rows -> the report's data (per group, never per record).

``shape(plan, rows, bound)`` decodes the grouped rows, fills empty time buckets, computes ratios,
matches the previous period, sorts, limits, separates detail rows from subtotals and the total,
lays out a pivot and attaches each row's drill-down filter. For ``[(0, 0, "billing", 3), (0, 0,
"quality", 5), (1, 0, None, 8)]`` of a report by category with totals it gives rows
``[{"dims": {"category": "billing"}, "values": {"n": 3}, ...}, ...]`` and total ``{"values": {"n": 8}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dajian.engines.report.buckets import GRANULARITIES, bucket_from_key, bucket_series, bucket_start
from dajian.engines.report.drill import base_filter, measure_filters, row_filter
from dajian.engines.report.errors import ReportError
from dajian.engines.report.layout import natural_key, pivot_layout, sort_rows
from dajian.engines.report.params import Bound
from dajian.engines.report.plan import OTHERS, DimPlan, MeasurePlan, ReportPlan
from dajian.engines.report.statement import MAX_GROUPS, PREVIOUS, comparing, grouping_sets

INTEGER_DIMS = ("integer", "user", "department")


@dataclass
class ResultRow:
    level: str  # detail, subtotal, total
    dims: dict[str, Any]  # the dimensions this row is grouped by -> value (bucket keys for time)
    values: dict[str, Any]
    previous: dict[str, Any] | None = None
    change: dict[str, Any] | None = None  # (value - previous) / previous
    drill: Any = None
    drill_measures: dict[str, Any] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # relation dimension -> the target's display name


@dataclass
class ReportResult:
    plan: ReportPlan
    rows: list[ResultRow]  # detail rows, sorted, limited
    subtotals: list[ResultRow]
    total: ResultRow | None
    labels: dict[str, dict[str, dict[str, str]]]  # dimension -> value (as text) -> label per language
    bound: Bound
    pivot: dict[str, Any] | None = None
    truncated: bool = False

    def all_rows(self) -> list[ResultRow]:
        """Detail rows with each subtotal after its group and the total last (table and export order)."""
        ordered = sorted(self.rows + self.subtotals, key=lambda r: _table_key(self.plan, r))
        return ordered + ([self.total] if self.total else [])


def _table_key(plan: ReportPlan, row: ResultRow) -> tuple[Any, ...]:
    return tuple((0, natural_key(d, row.dims[d.key])) if d.key in row.dims else (1,) for d in plan.rows)


def decode_dim(dim: DimPlan, raw: Any) -> Any:
    if raw is None:
        return None
    if dim.top is not None and dim.top[2]:
        return OTHERS if raw == OTHERS else int(raw) if dim.type in INTEGER_DIMS else raw
    if dim.granularity is not None:
        return GRANULARITIES[dim.granularity].key(bucket_start(raw))
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw.isoformat()
    return raw


def decode_measure(m: MeasurePlan, raw: Any) -> Any:
    if raw is None:
        return 0 if m.agg in ("count", "count_distinct", "sum") else None
    if m.result == "real":
        value = raw if isinstance(raw, Decimal) else Decimal(repr(float(raw)))
        return value.quantize(Decimal(1).scaleb(-m.decimals), rounding=ROUND_HALF_UP)
    if m.result == "integer":
        return int(raw)
    return raw


def empty_values(plan: ReportPlan) -> dict[str, Any]:
    return {m.key: decode_measure(m, None) for m in plan.measures if m.sql is not None}


def _ratio(m: MeasurePlan, values: dict[str, Any]) -> Any:
    assert m.ratio is not None
    num, den = (values.get(k) for k in m.ratio)
    if not isinstance(num, int | Decimal) or not isinstance(den, int | Decimal) or den == 0:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal(1).scaleb(-m.decimals), rounding=ROUND_HALF_UP)


def _with_ratios(plan: ReportPlan, values: dict[str, Any]) -> dict[str, Any]:
    for m in plan.measures:
        if m.ratio is not None:
            values[m.key] = _ratio(m, values)
    return values


def _change(now: Any, before: Any) -> Any:
    if not isinstance(now, int | Decimal) or not isinstance(before, int | Decimal) or before == 0:
        return None
    return ((Decimal(now) - Decimal(before)) / abs(Decimal(before))).quantize(Decimal("0.0001"))


Key = tuple[int, tuple[Any, ...]]
Titles = dict[int, dict[Any, str]]  # dimension index -> value -> display name


def _titles(plan: ReportPlan, dims: Sequence[Any], raw: Sequence[Any]) -> Iterable[tuple[int, Any, str]]:
    """(dimension index, value, name) of a row's relation dimensions that it is grouped by."""
    for dim, text in zip(plan.titled, raw, strict=True):
        i = plan.dims.index(dim)
        if text is not None and dims[i] is not None and dims[i] != OTHERS:
            yield i, dims[i], str(text)


def _decode(plan: ReportPlan, rows: Iterable[Sequence[Any]],
            titles: Titles) -> tuple[dict[Key, dict[str, Any]], dict[Key, Any]]:
    aggregates = [m for m in plan.measures if m.sql is not None]
    n, k = len(plan.dims), len(aggregates)
    current: dict[Key, dict[str, Any]] = {}
    previous: dict[Key, Any] = {}
    decoded: dict[tuple[int, Any], Any] = {}  # many groups share a bucket or a category

    def dim_value(i: int, raw: Any) -> Any:
        key = (i, raw)
        if key not in decoded:
            decoded[key] = decode_dim(plan.dims[i], raw)
        return decoded[key]

    for count, row in enumerate(rows):
        if count >= MAX_GROUPS:
            raise ReportError("too many groups", [{"path": "/limit", "message": f"more than {MAX_GROUPS} groups: "
                                                   "add a filter, a coarser granularity or top-N"}])
        dims = tuple(dim_value(i, v) for i, v in enumerate(row[2:2 + n]))
        values = {m.key: decode_measure(m, v) for m, v in zip(aggregates, row[2 + n:2 + n + k], strict=True)}
        (previous if row[1] == PREVIOUS else current)[(int(row[0]), dims)] = values
        for i, value, text in _titles(plan, dims, row[2 + n + k:]):
            titles.setdefault(i, {})[value] = text
    return current, previous


def _fill(plan: ReportPlan, bound: Bound, current: dict[Key, dict[str, Any]]) -> None:
    """Add the missing buckets of the first time dimension at the detail level (per other-dimension values),
    up to today: "this month" on the 4th shows no empty weeks still to come, as if nothing came in."""
    index = next((i for i, d in enumerate(plan.dims) if d.granularity and d.fill), None)
    if index is None:
        return
    dim = plan.dims[index]
    assert dim.granularity is not None
    present = [k[1] for k in current if k[0] == 0]
    span = next((bound.ranges[p.key] for p in plan.params
                 if p.definition.field == dim.field and p.key in bound.ranges), None)
    keys = [bucket_from_key(dim.granularity, str(k[index])) for k in present if k[index] is not None]
    if span is not None:
        end = min(span[1], bound.today) if bound.today is not None and bound.today >= span[0] else span[1]
        first, last = datetime.combine(span[0], datetime.min.time()), datetime.combine(end, datetime.min.time())
    elif keys:
        first, last = min(keys), max(keys)
    else:
        return
    grain = GRANULARITIES[dim.granularity]
    buckets = [grain.key(b) for b in bucket_series(dim.granularity, first, last)]
    if not present and len(plan.dims) > 1:
        return
    others = {k[:index] + k[index + 1:] for k in present} or {()}
    for rest in others:
        for bucket in buckets:
            key = (0, (*rest[:index], bucket, *rest[index:]))
            if key not in current and len(current) < MAX_GROUPS:
                current[key] = empty_values(plan)


def streamable(plan: ReportPlan) -> bool:
    """Can the groups go straight from the cursor to a file (no totals, pivot, comparison, sort, fill)?"""
    report = plan.definition
    return not (report.totals or report.subtotals or report.columns or report.compare or report.sort
                or report.top or report.limit or any(d.granularity and d.fill for d in plan.dims))


def stream(plan: ReportPlan, rows: Iterable[Sequence[Any]]) -> Iterable[ResultRow]:
    """Decode groups one by one (for exports of many groups); ``streamable(plan)`` must hold."""
    aggregates = [m for m in plan.measures if m.sql is not None]
    n, k = len(plan.dims), len(aggregates)
    for row in rows:
        decoded = [decode_dim(d, v) for d, v in zip(plan.dims, row[2:2 + n], strict=True)]
        dims = {d.key: value for d, value in zip(plan.dims, decoded, strict=True)}
        values = {m.key: decode_measure(m, v) for m, v in zip(aggregates, row[2 + n:2 + n + k], strict=True)}
        titles = {plan.dims[i].key: text for i, _, text in _titles(plan, decoded, row[2 + n + k:])}
        yield ResultRow("detail", dims, _with_ratios(plan, values), titles=titles)


def shape(plan: ReportPlan, rows: Iterable[Sequence[Any]], bound: Bound) -> ReportResult:
    titles: Titles = {}
    current, previous = _decode(plan, rows, titles)
    _fill(plan, bound, current)
    sets = grouping_sets(plan)
    top_values = {d.key: sorted({k[1][i] for k in current if k[0] == 0 and k[1][i] not in (None, OTHERS)},
                                key=str) for i, d in enumerate(plan.dims) if d.top is not None}
    base = base_filter(plan, bound) if plan.drillable else []
    compare = comparing(plan, bound)
    detail, subtotals, total = [], [], None
    memo: dict[tuple[str, Any], Any] = {}
    for (set_index, key), values in current.items():
        members = sets[set_index]
        dims = {plan.dims[i].key: key[i] for i in members}
        row = ResultRow(_level(plan, members), dims, _with_ratios(plan, dict(values)))
        if compare:
            before = _with_ratios(plan, dict(previous.get((set_index, key)) or empty_values(plan)))
            row.previous = before
            row.change = {k: _change(v, before.get(k)) for k, v in row.values.items()}
        if plan.drillable:
            row.drill = row_filter(plan, base, dims, top_values, memo)
            row.drill_measures = measure_filters(plan, bound, row.drill)
        if row.level == "detail":
            detail.append(row)
        elif row.level == "total":
            total = row
        else:
            subtotals.append(row)
    detail = sort_rows(plan, detail)
    limit = plan.definition.limit
    truncated = limit is not None and len(detail) > limit
    detail = detail[:limit] if limit is not None else detail
    result = ReportResult(plan, detail, subtotals, total, _labels(plan, current, titles), bound, truncated=truncated)
    if plan.columns:
        result.pivot = pivot_layout(plan, detail, subtotals, total)
    return result


def _level(plan: ReportPlan, members: tuple[int, ...]) -> str:
    if len(members) == len(plan.dims):
        return "detail"
    return "subtotal" if members else "total"


def _labels(plan: ReportPlan, current: dict[Key, dict[str, Any]],
            titles: Titles) -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for i, dim in enumerate(plan.dims):
        labels: dict[str, dict[str, str]] = {value: label for value, label in dim.options}
        labels.update({str(value): {"zh-CN": text, "en": text} for value, text in titles.get(i, {}).items()})
        if dim.top is not None and dim.top[2]:
            labels[OTHERS] = {"zh-CN": "其他", "en": "Others"}
        if dim.type == "boolean":
            labels.update({"True": {"zh-CN": "是", "en": "Yes"}, "False": {"zh-CN": "否", "en": "No"}})
        if dim.granularity is not None:
            grain = GRANULARITIES[dim.granularity]
            for key in {k[1][i] for k in current if k[1][i] is not None}:
                labels[str(key)] = grain.label(bucket_from_key(dim.granularity, str(key)))
        labels["None"] = {"zh-CN": "(空)", "en": "(empty)"}
        out[dim.key] = labels
    return out
