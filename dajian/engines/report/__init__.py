"""The report engine: definition -> plan -> one SQL statement -> grouped data, drill filters, chart spec.

Public API::

    compile_report(definition, ReportSource(forms, timezone=..., dialect=...)) -> ReportPlan  # ReportError
    report_issues(definition, source, path="/reports/0") -> [{"path", "message"}]
    bind_params(plan, {"period": "this_month"}, today=date) -> Bound                        # ReportError
    build_statement(plan, RowScope(where=<row scope SQL>, joins={...}), bound) -> Select    # the platform runs it
    shape(plan, rows, bound) -> ReportResult      # per group: fill buckets, ratios, compare, sort, pivot, drill
    result_json(result) -> dict                   # with chart_spec(result) for ECharts
    register_aggregate(Aggregate(...)), register_granularity(Granularity(...)), register_chart(kind, builder)

Definitions are described in ``model.py``; time buckets and their time-zone handling in ``buckets.py``;
parameters in ``params.py``; the statement's shape in ``statement.py``; drill-down in ``drill.py``.
"""

from __future__ import annotations

from dajian.engines.report.aggregates import AGGREGATES, AggInput, Aggregate, register_aggregate
from dajian.engines.report.buckets import GRANULARITIES, Granularity, register_granularity
from dajian.engines.report.chart import CHARTS, chart_spec, register_chart
from dajian.engines.report.compile import compile_report, parse_report, report_issues
from dajian.engines.report.errors import ReportError
from dajian.engines.report.execute import ReportResult, ResultRow, shape
from dajian.engines.report.model import DashboardDef, ReportDef
from dajian.engines.report.output import jsonable, result_json
from dajian.engines.report.params import Bound, bind_params
from dajian.engines.report.plan import OTHERS, ReportPlan
from dajian.engines.report.source import ReportSource
from dajian.engines.report.statement import MAX_GROUPS, RowScope, build_statement

__all__ = [
    "AGGREGATES", "CHARTS", "GRANULARITIES", "MAX_GROUPS", "OTHERS", "AggInput", "Aggregate", "Bound",
    "DashboardDef", "Granularity", "ReportDef", "ReportError", "ReportPlan", "ReportResult", "ReportSource",
    "ResultRow", "RowScope", "bind_params", "build_statement", "chart_spec", "compile_report", "jsonable",
    "parse_report", "register_aggregate", "register_chart", "register_granularity", "report_issues",
    "result_json", "shape",
]
