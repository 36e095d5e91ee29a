"""Reports and dashboards in the platform: plans cached per app version, the reader's permissions
applied to every statement, dashboards run concurrently, exports streamed.

``run_report(conn, principal, runtime, "volume_by_month", {"period": "this_month"})`` -> ``ReportResult``;
``run_dashboard(engine, principal, app_key, "cockpit", {"period": "last_month"})`` -> widgets' JSON;
``app_report_issues(doc)`` -> publish-time issues of ``reports`` and ``dashboards``.
"""

from __future__ import annotations

from dajian.platform.reports.dashboards import run_dashboard
from dajian.platform.reports.plans import app_report_issues, plan_for, report_definition
from dajian.platform.reports.run import run_plan, run_report

__all__ = ["app_report_issues", "plan_for", "report_definition", "run_dashboard", "run_plan", "run_report"]
