"""Reports and dashboards over HTTP.

``POST /api/v1/apps/{app}/reports/{report}/run`` with ``{"params": {...}}`` returns the data, the chart
description and each row's drill-down filter; ``POST …/reports/preview`` runs an unsaved definition
(the designer); ``GET …/reports/{report}/export.xlsx|.csv?params=<JSON>`` downloads it (needs the
``export`` action); ``POST …/dashboards/{dashboard}/run`` with ``{"filters": {...}}`` runs every widget.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from dajian.engines.report import result_json
from dajian.platform import files as file_service
from dajian.platform.api.audiences import DESIGNER, RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import ReadConn, TransactionalRoute, get_engine
from dajian.platform.api.schemas import reports as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, streams
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime
from dajian.platform.errors import Invalid
from dajian.platform.excel import XLSX_MIME, label_in
from dajian.platform.principal import Principal
from dajian.platform.reports import run_dashboard, run_plan, run_report
from dajian.platform.reports.export import CSV_MIME, export_report, write_csv, write_xlsx
from dajian.platform.reports.plans import compile_or_invalid, report_definition

router = APIRouter(prefix=V1 + "/apps/{app_key}", route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
LANGS = ("zh-CN", "en")


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    params: dict[str, Any] = Field(default_factory=dict)


class PreviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report: dict[str, Any] = Field(description="An unsaved report definition")
    params: dict[str, Any] = Field(default_factory=dict)


class DashboardBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filters: dict[str, Any] = Field(default_factory=dict)


@router.post("/reports/preview", tags=[DESIGNER], **answers(out.ReportResult, *SIGNED_IN, 404, 413, 422))
def preview(conn: ReadConn, principal: Auth, app_key: str, body: PreviewBody) -> dict[str, Any]:
    """Run an unsaved report on live data, with your own permissions (for the report designer)."""
    runtime = load_runtime(conn, principal, app_key)
    plan = compile_or_invalid(body.report, runtime, conn.dialect.name, path="/report")
    return result_json(run_plan(conn, principal, runtime, plan, body.params))


@router.post("/reports/{report_key}/run", tags=[RUNTIME], **answers(out.ReportResult, *SIGNED_IN, 404, 413, 422))
def run(conn: ReadConn, principal: Auth, app_key: str, report_key: str, body: RunBody) -> dict[str, Any]:
    """The report's data for your rows, its chart and each row's drill-down filter."""
    runtime = load_runtime(conn, principal, app_key)
    return result_json(run_report(conn, principal, runtime, report_key, body.params))


def _params(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        raise Invalid("params is not valid JSON", errors=[{"path": "/params", "message": exc.msg}]) from None
    if not isinstance(value, dict):
        raise Invalid("params must be a JSON object", errors=[{"path": "/params", "message": "expected an object"}])
    return value


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        handle.seek(0)
        while chunk := handle.read(file_service.CHUNK_BYTES):
            yield chunk


def _export(conn: Connection, principal: Principal, app_key: str, report_key: str, params: str | None,
            lang: str, kind: str) -> StreamingResponse:
    if lang not in LANGS:
        raise Invalid("unknown language", errors=[{"path": "/lang", "message": f"one of {', '.join(LANGS)}"}])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once streamed
    try:
        runtime = load_runtime(conn, principal, app_key)
        title = label_in(report_definition(runtime, report_key).label, lang, report_key)
        if kind == "xlsx":
            export_report(conn, principal, runtime, report_key, _params(params), lang=lang,
                          write=lambda table: write_xlsx(table, out, title=title))
        else:
            text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
            export_report(conn, principal, runtime, report_key, _params(params), lang=lang,
                          write=lambda table: write_csv(table, text))
            text.detach()
    except BaseException:
        out.close()
        raise
    headers = {"Content-Disposition": file_service.content_disposition(f"{title}.{kind}"),
               "Cache-Control": "private, max-age=0", "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(_chunks(out), media_type=XLSX_MIME if kind == "xlsx" else CSV_MIME, headers=headers)


ParamsQuery = Annotated[str | None, Query(description='JSON object of parameters, e.g. {"period": "this_month"}')]


@router.get("/reports/{report_key}/export.xlsx", tags=[RUNTIME],
            **streams("The report as an .xlsx workbook", (XLSX_MIME,), *SIGNED_IN, 404, 422))
def export_xlsx(conn: ReadConn, principal: Auth, app_key: str, report_key: str, params: ParamsQuery = None,
                lang: str = "zh-CN") -> StreamingResponse:
    """The report (or its pivot) as an .xlsx workbook."""
    return _export(conn, principal, app_key, report_key, params, lang, "xlsx")


@router.get("/reports/{report_key}/export.csv", tags=[RUNTIME],
            **streams("The report as UTF-8 CSV with a byte-order mark", (CSV_MIME,), *SIGNED_IN, 404, 422))
def export_csv(conn: ReadConn, principal: Auth, app_key: str, report_key: str, params: ParamsQuery = None,
               lang: str = "zh-CN") -> StreamingResponse:
    """The report (or its pivot) as UTF-8 CSV (with a byte-order mark, for Excel)."""
    return _export(conn, principal, app_key, report_key, params, lang, "csv")


@router.post("/dashboards/{dashboard_key}/run", tags=[RUNTIME],
             **answers(out.DashboardResult, *SIGNED_IN, 404, 413, 422))
def dashboard(request: Request, conn: ReadConn, principal: Auth, app_key: str, dashboard_key: str,
              body: DashboardBody) -> dict[str, Any]:
    """Every widget of the dashboard, run concurrently; a widget you may not see carries its error."""
    runtime = load_runtime(conn, principal, app_key)
    return run_dashboard(get_engine(request), principal, runtime, dashboard_key, body.filters)
