"""CSV and XLSX exports of a report (table order: subtotals after their group, total last) or of its
pivot. XLSX uses openpyxl's write-only mode; numbers stay numbers (exact decimals, percentages with
a percent format). A report without totals, pivot, comparison, sorting or filled time buckets is
streamed from the database cursor group by group, so a large export keeps a small, flat memory use.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Connection

from dajian.engines.expr import EvalContext, context_params
from dajian.engines.report import ReportError, ReportPlan, ReportResult, ResultRow, bind_params, build_statement
from dajian.engines.report.execute import stream, streamable
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid
from dajian.platform.excel import MAX_EXPORT_ROWS, label_in
from dajian.platform.principal import Principal
from dajian.platform.records import form_context
from dajian.platform.reports.params import local_today, resolve_params
from dajian.platform.reports.plans import plan_for
from dajian.platform.reports.run import row_scope, run_plan

CSV_MIME = "text/csv; charset=utf-8"
WORDS = {"subtotal": {"zh-CN": "小计", "en": "Subtotal"}, "total": {"zh-CN": "合计", "en": "Total"},
         "previous": {"zh-CN": "上期", "en": "previous"}, "change": {"zh-CN": "环比", "en": "change"}}
Table = tuple[list[str], list[str | None], Iterable[list[Any]]]  # header, number formats, rows


def _fmt(plan: ReportPlan, key: str) -> str | None:
    m = plan.measure(key)
    return "0.00%" if (m.format or ("percent" if m.ratio else None)) == "percent" else None


def _dim_text(result_labels: Mapping[str, Mapping[str, Mapping[str, str]]], key: str, value: Any, lang: str) -> str:
    label = result_labels.get(key, {}).get(str(value))
    return label_in(label, lang, str(value)) if label else ("" if value is None else str(value))


def _local(value: Any, zone: ZoneInfo) -> Any:
    """Date-times in the app's time zone, without a zone (spreadsheets have none)."""
    return value.astimezone(zone).replace(tzinfo=None) if isinstance(value, datetime) else value


def _texts(labels: Mapping[str, Mapping[str, Mapping[str, str]]], key: str, lang: str) -> dict[str, str]:
    return {value: label_in(label, lang, value) for value, label in labels.get(key, {}).items()}


def table_rows(plan: ReportPlan, rows: Iterable[ResultRow], labels: Mapping[str, Any], lang: str,
               compare: bool) -> Iterator[list[Any]]:
    """Cells per row: dimension values as their labels in ``lang`` (unlabelled values as they are)."""
    zone = ZoneInfo(plan.timezone)
    texts = [(d.key, _texts(labels, d.key, lang)) for d in plan.dims]
    for row in rows:
        cells: list[Any] = []
        marked = False
        for key, names in texts:
            if key in row.titles:  # a streamed relation dimension names its record on the row itself
                cells.append(row.titles[key])
            elif key in row.dims:
                value = row.dims[key]
                cells.append(names.get(str(value), value) if names and value is not None else value)
            else:
                cells.append("" if marked else WORDS[row.level].get(lang, row.level) if row.level in WORDS else "")
                marked = True
        for m in plan.measures:
            cells.append(_local(row.values.get(m.key), zone))
            if compare:
                cells += [(row.previous or {}).get(m.key), (row.change or {}).get(m.key)]
        yield cells


def table_layout(plan: ReportPlan, rows: Iterable[ResultRow], labels: Mapping[str, Any], lang: str,
                 compare: bool) -> Table:
    header = [label_in(d.label, lang, d.key) for d in plan.dims]
    formats: list[str | None] = [None] * len(plan.dims)
    for m in plan.measures:
        name = label_in(m.label, lang, m.key)
        header.append(name)
        formats.append(_fmt(plan, m.key))
        if compare:
            header += [f"{name} ({WORDS['previous'][lang]})", f"{name} ({WORDS['change'][lang]})"]
            formats += [_fmt(plan, m.key), "0.00%"]
    return header, formats, table_rows(plan, rows, labels, lang, compare)


def pivot_layout(result: ReportResult, lang: str) -> Table:
    plan, pivot = result.plan, result.pivot
    assert pivot is not None
    header = [label_in(d.label, lang, d.key) for d in plan.rows]
    formats: list[str | None] = [None] * len(plan.rows)
    has_total = any(line["total"] is not None for line in pivot["rows"])
    column_names = [" / ".join(_dim_text(result.labels, k, v, lang) for k, v in col.items())
                    for col in pivot["columns"]] + ([WORDS["total"][lang]] if has_total else [])
    for name in column_names:
        for m in plan.measures:
            header.append(f"{name} · {label_in(m.label, lang, m.key)}")
            formats.append(_fmt(plan, m.key))

    zone = ZoneInfo(plan.timezone)

    def rows() -> Iterator[list[Any]]:
        for line in pivot["rows"]:
            cells: list[Any] = [_dim_text(result.labels, d.key, line["key"][d.key], lang) if d.key in line["key"]
                                else WORDS["total" if line["level"] == "total" else "subtotal"][lang]
                                for d in plan.rows]
            for values in line["cells"] + ([line["total"]] if has_total else []):
                cells += [_local((values or {}).get(m.key), zone) for m in plan.measures]
            yield cells

    return header, formats, rows()


def write_csv(table: Table, out: IO[str]) -> int:
    header, _, rows = table
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else _csv_safe(v) for v in row])
        count += 1
    return count


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula in a spreadsheet
    return value


def write_xlsx(table: Table, out: IO[bytes], *, title: str) -> int:
    header, formats, rows = table
    wb = Workbook(write_only=True)
    ws = wb.create_sheet((title or "Report")[:31])
    ws.freeze_panes = "A2"
    cells = [WriteOnlyCell(ws, value=h) for h in header]
    for cell in cells:
        cell.font = Font(bold=True)
    ws.append(cells)
    count = 0
    for row in rows:
        count += 1
        if count > MAX_EXPORT_ROWS:
            raise Invalid(f"more than {MAX_EXPORT_ROWS} rows: narrow the report",
                          errors=[{"path": "/params", "message": "too many rows for one sheet"}])
        ws.append([_cell(ws, v, f) for v, f in zip(row, formats, strict=True)])
    wb.save(out)
    return count


def _cell(ws: Any, value: Any, number_format: str | None) -> Any:
    if isinstance(value, str):
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        number_format = "yyyy-mm-dd hh:mm:ss"
    if number_format and isinstance(value, int | Decimal | float | datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell
    return value


Writer = Callable[[Table], int]


def export_report(conn: Connection, principal: Principal, runtime: RuntimeApp, key: str,
                  params: Mapping[str, Any], *, lang: str, write: Writer, pivot: bool = True) -> int:
    """Run report ``key`` for export (needs the ``export`` action) and hand its table to ``write``."""
    plan = plan_for(runtime, key, conn.dialect.name)
    if streamable(plan):
        return write(_streamed(conn, principal, runtime, plan, params, lang))
    result = run_plan(conn, principal, runtime, plan, params, action="export")
    if pivot and result.pivot is not None:
        return write(pivot_layout(result, lang))
    compare = any(r.previous is not None for r in result.rows)
    return write(table_layout(plan, result.all_rows(), result.labels, lang, compare))


def _streamed(conn: Connection, principal: Principal, runtime: RuntimeApp, plan: ReportPlan,
              params: Mapping[str, Any], lang: str) -> Table:
    ctx = form_context(conn, principal, runtime, plan.form, "export")
    scope = row_scope(conn, principal, runtime, plan, ctx.grant)
    today = local_today(plan.timezone)
    try:
        bound = bind_params(plan, resolve_params(conn, principal, plan, params), today=today)
    except ReportError as exc:
        raise Invalid(exc.message, errors=exc.issues) from None
    statement = build_statement(plan, scope, bound, limit=MAX_EXPORT_ROWS + 1)
    context = EvalContext(now=utcnow(), today=today, user_id=principal.user_id, dept_id=principal.dept_id)
    cursor = conn.execute(statement.execution_options(yield_per=2000), {**context_params(context), **bound.binds})
    labels = {d.key: dict(d.options) for d in plan.dims}
    return table_layout(plan, stream(plan, cursor), labels, lang, False)
