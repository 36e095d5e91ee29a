"""Plan + the reader's row scope + the set parameters -> ONE SQL statement.

Every grouping level (detail, subtotals, totals) and the previous period of a comparison is one
``SELECT ... GROUP BY`` branch, all joined by ``UNION ALL``; the first two columns say which level
and period a row belongs to. On PostgreSQL the levels of one period share one scan instead
(``GROUP BY GROUPING SETS``, the level read from ``GROUPING()``), except with top-N.
``GROUP BY`` uses column positions so an expression with bound parameters is grouped exactly as
selected. For a two-dimension report with
totals the statement is::

    SELECT 0 AS _set, 0 AS _period, <category> AS d0, <month> AS d1, count(*) AS m0 FROM t WHERE ... GROUP BY 3, 4
    UNION ALL
    SELECT 1, 0, NULL, NULL, count(*) FROM t WHERE ...
    LIMIT 10001

Top-N replaces its dimension by ``CASE WHEN d IN (SELECT v FROM (<d ranked by the measure>) WHERE rn <= n)
THEN d ELSE '__others__' END``. A relation dimension brings its target's display field after the
measures, ``max(t_customer.name)`` over ``LEFT JOIN f1_customer AS t_customer ON t_customer.id =
f1_complaint.customer``: one name per id, so the grouping is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter

from dajian.engines.report.params import Bound
from dajian.engines.report.plan import OTHERS, DimPlan, ReportPlan

Col = sa.ColumnElement[Any]
MAX_GROUPS = 10_000
CURRENT, PREVIOUS = 0, 1


@dataclass(frozen=True)
class RowScope:
    """What the platform adds: the reader's visible rows of ``plan.row_table`` and of each joined form
    (over the form's own table; it is adapted to the join's alias)."""

    where: Col
    joins: Mapping[str, Col] = field(default_factory=dict)


def grouping_sets(plan: ReportPlan) -> list[tuple[int, ...]]:
    """Dimension positions grouped by each level, detail first:
    rows (r0, r1) x columns (c0) with totals and subtotals -> (0,1,2), (0,1), (0,2), (0,), (2,), ()."""
    rows = tuple(range(len(plan.rows)))
    cols = tuple(range(len(plan.rows), len(plan.dims)))
    report = plan.definition
    row_sets = [rows]
    if report.subtotals:
        row_sets += [rows[:i] for i in range(len(rows) - 1, 0, -1)]
    if report.totals and rows:
        row_sets.append(())
    col_sets = [cols, ()] if report.totals and cols else [cols]
    out: list[tuple[int, ...]] = []
    for r in row_sets:
        for c in col_sets:
            if r + c not in out:
                out.append(r + c)
    return out


def comparing(plan: ReportPlan, bound: Bound) -> bool:
    compare = plan.definition.compare
    return compare is not None and bound.is_set(compare.param)


def conditions(plan: ReportPlan, bound: Bound, *, previous: bool = False) -> list[Col]:
    """The report's filter parts whose parameters are set, and the field filters of set parameters."""
    compare = plan.definition.compare
    parts = [f.sql for f in plan.filters if f.params <= set(bound.values)]
    for param in plan.params:
        if param.condition is None or not bound.is_set(param.key):
            continue
        use_previous = previous and compare is not None and compare.param == param.key
        parts.append(param.previous if use_previous and param.previous is not None else param.condition)
    return parts


def from_clause(plan: ReportPlan, scope: RowScope) -> sa.FromClause:
    """The base table, its joined relations and the targets that name relation dimensions, each
    target limited to the rows the reader may see (a title the reader may not read stays empty)."""
    frm: sa.FromClause = plan.base
    for join in (*plan.joins, *plan.titles):
        extra = scope.joins.get(join.name)
        on = join.on if extra is None else sa.and_(join.on, ClauseAdapter(join.alias).traverse(extra))
        frm = frm.join(join.alias, on) if join.inner else frm.outerjoin(join.alias, on)
    return frm


def _ranked_values(plan: ReportPlan, dim: DimPlan, frm: sa.FromClause, where: list[Col]) -> sa.Select[Any]:
    assert dim.top is not None
    n, by, _ = dim.top
    measure = plan.measure(by).sql
    assert measure is not None
    rank = sa.func.row_number().over(order_by=(measure.desc().nulls_last(), dim.expr))
    ranked = (sa.select(dim.expr.label("v"), rank.label("rn")).select_from(frm)
              .where(*where, dim.expr.is_not(None)).group_by(sa.literal_column("1")).subquery("ranked"))
    return sa.select(ranked.c.v).where(ranked.c.rn <= n)


def dimension_exprs(plan: ReportPlan, frm: sa.FromClause, where: list[Col]) -> tuple[list[Col], list[Col]]:
    """The grouped expression of each dimension, and extra conditions (top-N without "others")."""
    exprs: list[Col] = []
    extra: list[Col] = []
    for dim in plan.dims:
        if dim.top is None:
            exprs.append(dim.expr)
            continue
        top = _ranked_values(plan, dim, frm, where)
        if dim.top[2]:
            exprs.append(sa.case((dim.expr.in_(top), sa.cast(dim.expr, sa.String())), else_=sa.literal(OTHERS)))
        else:
            exprs.append(dim.expr)
            extra.append(dim.expr.in_(top))
    return exprs, extra


def build_statement(plan: ReportPlan, scope: RowScope, bound: Bound, *,
                    limit: int | None = MAX_GROUPS + 1) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """The one statement of a run (``limit=None``: every group, for a streamed export)."""
    frm = from_clause(plan, scope)
    current = [scope.where, *conditions(plan, bound)]
    exprs, extra = dimension_exprs(plan, frm, current)
    measures = [m.sql for m in plan.measures if m.sql is not None]
    titles: list[tuple[int, Col]] = [(plan.dims.index(d), sa.func.max(d.title)) for d in plan.titled
                                     if d.title is not None]
    periods = [(CURRENT, current)]
    if comparing(plan, bound):
        periods.append((PREVIOUS, [scope.where, *conditions(plan, bound, previous=True)]))
    sets = grouping_sets(plan)
    if plan.dialect == "postgresql" and len(sets) > 1 and not any(d.top for d in plan.dims):
        branches = [_grouping_sets(exprs, [*measures, *(t for _, t in titles)], sets, frm, period, [*where, *extra])
                    for period, where in periods]
    else:
        branches = _union_branches(exprs, measures, titles, sets, frm, periods, extra)
    statement = branches[0] if len(branches) == 1 else sa.union_all(*branches)
    if limit is None:
        return statement
    if plan.dialect != "postgresql":
        return statement.limit(limit)
    # A LIMIT next to GROUP BY makes PostgreSQL prefer a sorted (often spilling) aggregate for its
    # early first row; behind a materialized CTE the grouping is planned for the whole result.
    groups = statement.cte("groups").prefix_with("MATERIALIZED")
    return sa.select(groups).limit(limit)


def _grouping_sets(exprs: list[Col], measures: list[Col], sets: list[tuple[int, ...]], frm: sa.FromClause,
                   period: int, where: list[Col]) -> sa.Select[Any]:
    """PostgreSQL: every level in one scan, ``GROUP BY GROUPING SETS ((3, 4), (3), ())``; ``GROUPING()``
    tells the levels apart (dimension expressions carry no bind parameters, so they match)."""
    n = len(exprs)
    masks = [sum(1 << (n - 1 - i) for i in range(n) if i not in members) for members in sets]
    grouping = sa.func.grouping(*exprs)
    level = sa.case(*[(grouping == sa.literal_column(str(mask)), sa.literal_column(str(index)))
                      for index, mask in enumerate(masks)])
    columns: list[Col] = [level.label("_set"), sa.literal_column(str(period)).label("_period")]
    columns += [e.label(f"d{i}") for i, e in enumerate(exprs)]
    columns += [m.label(f"m{i}") for i, m in enumerate(measures)]
    spec = ", ".join("(" + ", ".join(str(3 + i) for i in members) + ")" for members in sets)
    return sa.select(*columns).select_from(frm).where(*where).group_by(sa.text(f"GROUPING SETS ({spec})"))


def _union_branches(exprs: list[Col], measures: list[Col], titles: list[tuple[int, Col]],
                    sets: list[tuple[int, ...]], frm: sa.FromClause, periods: list[tuple[int, list[Col]]],
                    extra: list[Col]) -> list[sa.Select[Any]]:
    branches = []
    for period, where in periods:
        for index, members in enumerate(sets):
            columns: list[Col] = [sa.literal_column(str(index)).label("_set"),
                                  sa.literal_column(str(period)).label("_period")]
            columns += [(e if i in members else sa.null()).label(f"d{i}") for i, e in enumerate(exprs)]
            columns += [m.label(f"m{i}") for i, m in enumerate(measures)]
            columns += [(t if i in members else sa.null()).label(f"m{len(measures) + n}")
                        for n, (i, t) in enumerate(titles)]
            branch = sa.select(*columns).select_from(frm).where(*where, *extra)
            if members:
                branch = branch.group_by(*(sa.literal_column(str(3 + i)) for i in members))
            branches.append(branch)
    return branches
