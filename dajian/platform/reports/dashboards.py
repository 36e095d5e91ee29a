"""Dashboards: a grid of report widgets run concurrently, each on its own read-only connection.

Global filters are bound to widgets' parameters (``targets``: widget key -> parameter key). A widget
the reader may not see (403) or with bad parameters (422) reports its own error; the others still
show. ``run_dashboard(engine, principal, runtime, "cockpit", {"period": "last_month"})`` returns
``{"dashboard": "cockpit", "columns": 12, "filters": [...], "widgets": [{"key": "volume", "x": 0,
"y": 0, "w": 6, "h": 4, "data": {...}} | {"key": ..., "error": {...}, "status": 403}, ...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from dajian.engines.report import result_json
from dajian.engines.report.model import DashboardDef, Widget
from dajian.platform.apps import RuntimeApp
from dajian.platform.errors import DajianError, Invalid
from dajian.platform.principal import Principal
from dajian.platform.reports.plans import dashboard_definition
from dajian.platform.reports.run import run_report

MAX_WORKERS = 8


def widget_params(dashboard: DashboardDef, widget: Widget, values: Mapping[str, Any]) -> dict[str, Any]:
    params = dict(widget.params)
    for flt in dashboard.filters:
        target = flt.targets.get(widget.key)
        value = values.get(flt.key, flt.default)
        if target is not None and value is not None:
            params[target] = value
    return params


def _run_widget(engine: Engine, principal: Principal, runtime: RuntimeApp, widget: Widget,
                params: dict[str, Any]) -> dict[str, Any]:
    place = {"key": widget.key, "report": widget.report, "title": widget.title, "x": widget.x, "y": widget.y,
             "w": widget.w, "h": widget.h}
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(postgresql_readonly=True)
            with conn.begin():
                result = run_report(conn, principal, runtime, widget.report, params)
                return {**place, "data": result_json(result, widget.chart)}
    except DajianError as exc:
        return {**place, "error": exc.body(), "status": exc.status_code}


def run_dashboard(engine: Engine, principal: Principal, runtime: RuntimeApp, key: str,
                  filters: Mapping[str, Any]) -> dict[str, Any]:
    dashboard = dashboard_definition(runtime, key)
    unknown = [k for k in filters if k not in {f.key for f in dashboard.filters}]
    if unknown:
        raise Invalid("unknown dashboard filters",
                      errors=[{"path": f"/filters/{k}", "message": f"no filter '{k}'"} for k in unknown])
    jobs = [(w, widget_params(dashboard, w, filters)) for w in dashboard.widgets]
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(jobs)))) as pool:
        widgets = list(pool.map(lambda job: _run_widget(engine, principal, runtime, *job), jobs))
    return {
        "dashboard": dashboard.key, "label": dashboard.label, "columns": dashboard.columns,
        "filters": [{"key": f.key, "type": f.type, "label": f.label, "value": filters.get(f.key, f.default)}
                    for f in dashboard.filters],
        "widgets": widgets,
    }
