"""Report plans: compiled once per (database, app version, (report key, database kind)) and cached.

Versions are immutable, so a cached plan never goes stale (the same reasoning as the runtime app
cache in ``apps.py``). ``app_report_issues(doc)`` checks every report and dashboard of an app
document for publish, with paths like ``/reports/2/measures/0/field``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from dajian.engines.form.compile import compile_form, table_name_for
from dajian.engines.report import ReportDef, ReportError, ReportPlan, ReportSource, compile_report, parse_report
from dajian.engines.report.checks import chart_issues
from dajian.engines.report.model import DashboardDef
from dajian.platform.apps import RuntimeApp
from dajian.platform.definition import AppDefinition, parse_definition
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.version_cache import VersionCache

Issue = dict[str, str]
_PLANS: VersionCache[ReportPlan] = VersionCache("report plan")


def report_source(runtime: RuntimeApp, dialect: str | None) -> ReportSource:
    return ReportSource(runtime.forms, timezone=runtime.definition.settings.timezone, dialect=dialect)


def report_definition(runtime: RuntimeApp, key: str) -> ReportDef:
    element = next((r for r in runtime.definition.reports if r.key == key), None)
    if element is None:
        raise NotFound(f"app '{runtime.key}' has no report '{key}'")
    return parse_report(element.model_dump(exclude_none=True))


def compile_or_invalid(definition: Any, runtime: RuntimeApp, dialect: str, *, path: str = "") -> ReportPlan:
    try:
        return compile_report(definition, report_source(runtime, dialect), path=path)
    except ReportError as exc:
        raise Invalid(exc.message, errors=exc.issues) from None


def plan_for(runtime: RuntimeApp, key: str, dialect: str) -> ReportPlan:
    def build() -> ReportPlan:
        index = next((i for i, r in enumerate(runtime.definition.reports) if r.key == key), None)
        if index is None:
            raise NotFound(f"app '{runtime.key}' has no report '{key}'")
        return compile_or_invalid(report_definition(runtime, key), runtime, dialect, path=f"/reports/{index}")

    return _PLANS.get(runtime.database, runtime.version_id, (key, dialect), build)


def dashboard_definition(runtime: RuntimeApp, key: str) -> DashboardDef:
    element = next((d for d in runtime.definition.dashboards if d.key == key), None)
    if element is None:
        raise NotFound(f"app '{runtime.key}' has no dashboard '{key}'")
    return DashboardDef.model_validate(element.model_dump(exclude_none=True))


def app_report_issues(doc: dict[str, Any]) -> list[Issue]:
    """Every problem of the app's reports and dashboards (the forms are assumed sound)."""
    definition = parse_definition(doc)
    forms = {f.key: compile_form(f, table_name=table_name_for(0, f.key)) for f in definition.forms}
    source = ReportSource(forms, timezone=definition.settings.timezone)
    issues: list[Issue] = []
    reports: dict[str, ReportDef] = {}
    for i, element in enumerate(definition.reports):
        body = element.model_dump(exclude_none=True)
        try:
            compile_report(body, source, path=f"/reports/{i}")
            reports[element.key] = parse_report(body)
        except ReportError as exc:
            issues += exc.issues
    for i, element in enumerate(definition.dashboards):
        body = element.model_dump(exclude_none=True)
        issues += list(_dashboard_issues(definition, body, reports, f"/dashboards/{i}"))
    return issues


def _dashboard_issues(definition: AppDefinition, body: dict[str, Any], reports: dict[str, ReportDef],
                      path: str) -> Iterator[Issue]:
    try:
        dashboard = DashboardDef.model_validate(body)
    except ValidationError as exc:
        for e in exc.errors():
            yield {"path": path + "".join(f"/{p}" for p in e["loc"]), "message": e["msg"]}
        return
    known = {r.key for r in definition.reports}
    widgets = {w.key: w for w in dashboard.widgets}
    for j, widget in enumerate(dashboard.widgets):
        wpath = f"{path}/widgets/{j}"
        if widget.key in [w.key for w in dashboard.widgets[:j]]:
            yield {"path": f"{wpath}/key", "message": f"duplicate widget key '{widget.key}'"}
        if widget.report not in known:
            yield {"path": f"{wpath}/report", "message": f"no report '{widget.report}'"}
            continue
        report = reports.get(widget.report)
        if report is None:
            continue
        params = {p.key for p in report.params}
        for name in widget.params:
            if name not in params:
                yield {"path": f"{wpath}/params/{name}", "message": f"report '{report.key}' has no parameter '{name}'"}
        if widget.x + widget.w > dashboard.columns:
            yield {"path": f"{wpath}/w", "message": f"the widget extends past the grid's {dashboard.columns} columns"}
        if widget.chart is not None:
            for issue in chart_issues(report.model_copy(update={"chart": widget.chart})):
                yield {**issue, "path": wpath + issue["path"]}
    for k, flt in enumerate(dashboard.filters):
        for widget_key, param in flt.targets.items():
            fpath = f"{path}/filters/{k}/targets/{widget_key}"
            report = reports.get(widgets[widget_key].report) if widget_key in widgets else None
            if widget_key not in widgets:
                yield {"path": fpath, "message": f"no widget '{widget_key}'"}
            elif report is not None and param not in {p.key for p in report.params}:
                yield {"path": fpath, "message": f"report '{report.key}' has no parameter '{param}'"}
            elif report is not None and next(p for p in report.params if p.key == param).type != flt.type:
                yield {"path": fpath, "message": f"parameter '{param}' is not a {flt.type}"}
