"""Excel (.xlsx) export and import of a form's records.

Export runs the list API's query (row scope, filter, sort, readable fields)
and streams rows into an openpyxl write-only workbook: numbers as numbers,
decimals exact with a number format, dates and times as Excel dates in the
app's time zone, option labels in the reader's language.

Import reads the first sheet: row 1 holds the headers. ``preview`` suggests a
mapping (header -> field key) by key or label in any language; ``import_xlsx``
checks every row as ``records.create_records`` does and reports rejected
rows by their sheet row number (1-based, header included) with field paths.
``all_or_nothing`` writes nothing if any row is rejected; ``keep_valid``
writes the good ones. Everything runs in the caller's transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal
from zipfile import BadZipFile
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Connection, select

from dajian.engines.form.model import FieldDef
from dajian.platform.errors import Forbidden, Invalid
from dajian.platform.filters import compile_filter
from dajian.platform.pagination import order_by, parse_sort
from dajian.platform.permissions import visible
from dajian.platform.records import MAX_BULK, FormContext, create_records
from dajian.platform.references import check_references
from dajian.platform.xlsx_guard import check_xlsx, header_width

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 1_048_575  # Excel's row limit, less the header
MAX_IMPORT_ROWS = 100_000
SAMPLE_ROWS = 5
STANDARD_LABELS = {
    "id": {"zh-CN": "编号", "en": "ID"},
    "created_at": {"zh-CN": "创建时间", "en": "Created at"},
    "updated_at": {"zh-CN": "更新时间", "en": "Updated at"},
    "owner_id": {"zh-CN": "负责人", "en": "Owner"},
}
Mode = Literal["all_or_nothing", "keep_valid"]
Progress = Callable[[int, int], None]


def label_in(labels: Mapping[str, str] | None, lang: str, fallback: str) -> str:
    if not labels:
        return fallback
    return labels.get(lang) or labels.get("en") or labels.get("zh-CN") or next(iter(labels.values()), fallback)


def field_label(ctx: FormContext, key: str, lang: str) -> str:
    fdef = ctx.form.fields.get(key)
    return label_in(fdef.label if fdef else STANDARD_LABELS.get(key), lang, key)


# --- export ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportQuery:
    filter: Any = None
    sort: str | None = None
    fields: list[str] | None = None
    lang: str = "zh-CN"
    tz: str = "Asia/Shanghai"


def export_keys(ctx: FormContext, fields: list[str] | None) -> list[str]:
    """``id``, the requested (default: every readable) fields, then the timestamps."""
    if fields is None:  # lookups and sub-tables have no column of their own to export
        return ["id", *(k for k in ctx.form.fields if ctx.grant.can_read(k) and ctx.form.kinds[k].has_column),
                "created_at", "updated_at"]
    known = set(ctx.form.fields) | set(STANDARD_LABELS)
    unknown = [{"path": "/fields", "message": f"unknown field '{f}'"} for f in fields if f not in known]
    if unknown:
        raise Invalid("unknown fields", errors=unknown)
    denied = [f for f in fields if f in ctx.form.fields and not ctx.grant.can_read(f)]
    if denied:
        raise Forbidden("you may not read these fields",
                        reason="fields_not_readable", params={"fields": ", ".join(denied)},
                        errors=[{"path": "/fields", "message": f"field '{k}' is not readable for you"} for k in denied])
    return [f for f in dict.fromkeys(fields) if f not in ctx.form.kinds or ctx.form.kinds[f].has_column]


def _text(ws: WriteOnlyWorksheet, value: str) -> Any:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # text, never a formula
    return cell


def _formatted(ws: WriteOnlyWorksheet, value: Any, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


CellWriter = Callable[[WriteOnlyWorksheet, Any], Any]
WriterFactory = Callable[[FormContext, str, str, ZoneInfo], CellWriter]  # (ctx, key, lang, tz)


def _plain(ws: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, str):
        return _text(ws, value)
    if isinstance(value, list | dict):
        return _text(ws, json.dumps(value, ensure_ascii=False, default=str))
    return value if isinstance(value, int | float | Decimal | date | time) else _text(ws, str(value))


def _decimal_cells(ctx: FormContext, key: str, lang: str, tz: ZoneInfo) -> CellWriter:
    scale = getattr(ctx.table.c[key].type, "scale", None) or 0
    fmt = "0." + "0" * scale if scale else "0"
    return lambda ws, v: _formatted(ws, v, fmt)


def _date_cells(ctx: FormContext, key: str, lang: str, tz: ZoneInfo) -> CellWriter:
    return lambda ws, v: _formatted(ws, v, "yyyy-mm-dd") if isinstance(v, date) else _plain(ws, v)


def _datetime_cells(ctx: FormContext, key: str, lang: str, tz: ZoneInfo) -> CellWriter:
    def write(ws: WriteOnlyWorksheet, v: Any) -> Any:
        if not isinstance(v, datetime):
            return _plain(ws, v)
        return _formatted(ws, v.astimezone(tz).replace(tzinfo=None), "yyyy-mm-dd hh:mm:ss")

    return write


def _option_cells(ctx: FormContext, key: str, lang: str, tz: ZoneInfo) -> CellWriter:
    labels = {o.value: label_in(o.label, lang, o.value) for o in ctx.form.fields[key].options or []}
    return lambda ws, v: _text(ws, ", ".join(str(labels.get(x) or x) for x in (v if isinstance(v, list) else [v])))


def _list_cells(ctx: FormContext, key: str, lang: str, tz: ZoneInfo) -> CellWriter:
    return lambda ws, v: _text(ws, ", ".join(map(str, v))) if isinstance(v, list) else _plain(ws, v)


def _file_cells(ctx: FormContext, key: str, lang: str, tz: ZoneInfo) -> CellWriter:
    return lambda ws, v: _text(ws, "; ".join(str(f.get("name", "")) for f in v if isinstance(f, dict)))


# by kind name first, then by the kind's expression type; anything else is written as it is
CELL_WRITERS: dict[str, WriterFactory] = {
    "single_select": _option_cells, "multi_select": _option_cells, "attachment": _file_cells,
    "image": _file_cells, "text_list": _list_cells, "decimal": _decimal_cells, "date": _date_cells,
    "datetime": _datetime_cells,
}


def cell_writer(ctx: FormContext, key: str, *, lang: str, tz: ZoneInfo) -> CellWriter:
    """How one column's stored values become cells (the value is never None here)."""
    kind = ctx.form.kinds.get(key)
    if kind is None:
        factory = CELL_WRITERS["datetime"] if key.endswith("_at") else None
    else:
        factory = CELL_WRITERS.get(kind.name) or CELL_WRITERS.get(kind.expr_type)
    return factory(ctx, key, lang, tz) if factory is not None else _plain


def export_xlsx(conn: Connection, ctx: FormContext, query: ExportQuery, out: IO[bytes] | Path) -> int:
    """Write the records ``ctx`` may export to ``out``; return how many rows were written."""
    keys = export_keys(ctx, query.fields)
    sort = parse_sort(query.sort, ctx.form)
    if denied := [s.key for s in sort if s.key in ctx.form.fields and not ctx.grant.can_read(s.key)]:
        raise Forbidden("you may not sort by these fields", reason="sort_fields_not_readable",
                        params={"fields": ", ".join(denied)},
                        errors=[{"path": "/sort", "message": f"field '{k}' is not readable for you"} for k in denied])
    table = ctx.table
    where = visible(ctx.grant, table)
    if query.filter is not None:
        where = where & compile_filter(query.filter, ctx.form, readable=ctx.grant.can_read, principal=ctx.principal,
                                       runtime=ctx.runtime)
    stmt = (select(*(table.c[k] for k in keys)).where(where).order_by(*order_by(table, sort))
            .limit(MAX_EXPORT_ROWS + 1))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(label_in(ctx.form.form.label, query.lang, ctx.form.form.key)[:31] or "Sheet1")
    ws.freeze_panes = "A2"
    header = [WriteOnlyCell(ws, value=field_label(ctx, k, query.lang)) for k in keys]
    for cell in header:
        cell.font = Font(bold=True)
    ws.append(header)
    writers = [cell_writer(ctx, k, lang=query.lang, tz=ZoneInfo(query.tz)) for k in keys]
    count = 0
    for row in conn.execute(stmt.execution_options(yield_per=1000)):
        count += 1
        if count > MAX_EXPORT_ROWS:
            raise Invalid(f"more than {MAX_EXPORT_ROWS} rows: narrow the filter",
                          errors=[{"path": "/filter", "message": "too many rows for one sheet"}])
        ws.append([None if v is None else w(ws, v) for w, v in zip(writers, row, strict=True)])
    wb.save(out)
    return count


# --- reading a sheet ---------------------------------------------------------------------------


@dataclass
class Sheet:
    columns: list[str]  # unique header texts, in sheet order
    rows: Iterator[tuple[int, tuple[Any, ...]]]  # (sheet row number, values)
    total: int | None  # data rows, when the file says
    close: Callable[[], None] = lambda: None  # read-only workbooks keep their file open until closed


def open_sheet(source: str | Path | IO[bytes]) -> Sheet:
    """The first sheet, after ``xlsx_guard.check_xlsx`` found the archive safe to open; rows hold the
    header's columns only (``xlsx_guard.MAX_COLUMNS`` at most)."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            check_xlsx(handle)
    else:
        check_xlsx(source)
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        header = tuple(next(ws.iter_rows(max_row=1, values_only=True), ()))
        width = header_width(header)
        rows = ws.iter_rows(min_row=2, max_col=max(width, 1), values_only=True)
    except UNREADABLE:
        raise Invalid("this is not a readable .xlsx file",
                      errors=[{"path": "/file", "message": "not an Excel .xlsx workbook"}]) from None
    total = ws.max_row - 1 if isinstance(ws.max_row, int) and ws.max_row > 0 else None
    return Sheet(_column_names(header[:width]), _numbered(rows), total, wb.close)


UNREADABLE = (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, IndexError, TypeError,
              SyntaxError)  # SyntaxError: xml.etree's ParseError, for XML that is not well-formed


def _numbered(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(sheet row number, values)``; a part that turns out damaged while streaming is a 422, not a 500."""
    try:
        for number, row in enumerate(rows, start=2):
            yield number, tuple(row)
    except UNREADABLE as exc:
        raise Invalid("this .xlsx file is damaged",
                      errors=[{"path": "/file", "message": f"the sheet cannot be read: {exc}"[:300]}]) from None


def _column_names(header: tuple[Any, ...]) -> list[str]:
    names: list[str] = []
    for i, raw in enumerate(header, start=1):
        name = str(raw).strip() if raw is not None and str(raw).strip() else get_column_letter(i)
        names.append(name if name not in names else f"{name} ({get_column_letter(i)})")
    return names


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-:：*]+", "", text).casefold()


def importable(ctx: FormContext) -> list[FieldDef]:
    """Fields a sheet may fill: not the ones the server computes (serial numbers, formulas), which an
    exported sheet carries and a re-import must leave alone."""
    kinds = ctx.form.kinds
    return [f for k, f in ctx.form.fields.items()
            if kinds[k].importable and kinds[k].client_writable and ctx.grant.can_write(k)]


def suggest_mapping(ctx: FormContext, columns: list[str]) -> dict[str, str]:
    """``["标题", "Qty", "remark"]`` -> ``{"标题": "title", "Qty": "qty"}``: by key or any label."""
    names: dict[str, str] = {}
    for fdef in importable(ctx):
        for name in [fdef.key, *fdef.label.values()]:
            names.setdefault(_norm(name), fdef.key)
    mapping: dict[str, str] = {}
    for column in columns:
        key = names.get(_norm(column))
        if key is not None and key not in mapping.values():
            mapping[column] = key
    return mapping


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def preview(ctx: FormContext, source: str | Path | IO[bytes]) -> dict[str, Any]:
    sheet = open_sheet(source)
    samples: list[dict[str, Any]] = []
    try:
        for _, row in sheet.rows:
            if len(samples) == SAMPLE_ROWS:
                break
            samples.append({c: _jsonable(v) for c, v in zip(sheet.columns, row, strict=False)})
    finally:
        sheet.close()
    return {"columns": sheet.columns, "suggested_mapping": suggest_mapping(ctx, sheet.columns),
            "sample_rows": samples, "rows": sheet.total}


# --- cell values -> what the coercers take ------------------------------------------------------

BOOLEAN_WORDS = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False, "true": True,
                 "false": False, "对": True, "错": False, "✓": True, "✗": False}


def _number(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else Decimal(format(value, ".15g"))
    return value


def _options(fdef: FieldDef) -> dict[str, str]:
    found: dict[str, str] = {}
    for option in fdef.options or []:
        for name in [option.value, *option.label.values()]:
            found.setdefault(name.strip().casefold(), option.value)
    return found


def prepare(fdef: FieldDef, value: Any, tz: ZoneInfo) -> Any:
    """A cell value as the field's coercer expects it: ``3.0`` -> ``3``, labels -> option values, …"""
    if isinstance(value, str):
        value = value.strip()
    if fdef.kind == "datetime" and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=tz)
    if fdef.kind in ("single_select", "multi_select") and isinstance(value, str):
        options = _options(fdef)
        parts = [p.strip() for p in re.split(r"[,，;；\n]", value) if p.strip()]
        mapped = [options.get(p.casefold(), p) for p in parts]
        return mapped if fdef.kind == "multi_select" else options.get(value.casefold(), value)
    if fdef.kind == "cascade_select" and isinstance(value, str):  # a path as exported: "a, b, c" (or "a / b / c")
        return [p.strip() for p in re.split(r"[,，/／]", value) if p.strip()]
    if fdef.kind == "boolean" and isinstance(value, str):
        return BOOLEAN_WORDS.get(value.casefold(), value)
    if fdef.kind in ("text", "long_text", "email", "phone") and isinstance(value, datetime | date):
        return value.isoformat()
    if fdef.kind == "date" and isinstance(value, datetime):
        return value.date()
    return str(_number(value)) if fdef.kind in ("text", "long_text", "phone") else _number(value)


# --- import --------------------------------------------------------------------------------------


def check_mapping(ctx: FormContext, columns: list[str], mapping: Mapping[str, str]) -> None:
    allowed = {f.key for f in importable(ctx)}
    errors = []
    for column, key in mapping.items():
        if column not in columns:
            errors.append({"path": f"/mapping/{column}", "message": f"the sheet has no column '{column}'"})
        elif key not in ctx.form.fields:
            errors.append({"path": f"/mapping/{column}", "message": f"unknown field '{key}'"})
        elif key not in allowed:
            errors.append({"path": f"/mapping/{column}", "message": f"field '{key}' cannot be imported by you"})
    for key in {k for k in mapping.values() if list(mapping.values()).count(k) > 1}:
        errors.append({"path": "/mapping", "message": f"field '{key}' is mapped from more than one column"})
    if not mapping:
        errors.append({"path": "/mapping", "message": "map at least one column to a field"})
    if errors:
        raise Invalid("the column mapping is invalid", errors=errors)


@dataclass
class _Importer:
    conn: Connection
    ctx: FormContext
    mapping: dict[str, str]  # column -> field key
    columns: list[str]
    tz: ZoneInfo
    unique_seen: dict[str, set[Any]]

    def values(self, row: tuple[Any, ...]) -> dict[str, Any]:
        out = {}
        for index, column in enumerate(self.columns):
            key = self.mapping.get(column)
            cell = row[index] if index < len(row) else None
            if key is not None and cell is not None and cell != "":
                out[key] = prepare(self.ctx.form.fields[key], cell, self.tz)
        return out

    def check(self, batch: list[tuple[int, dict[str, Any]]]) -> list[list[dict[str, str]]]:
        """The problems of each row of ``batch``, as create_records would find them."""
        cleaned, problems = [], []
        for _, values in batch:
            clean, issues = self.ctx.form.coerce(values, partial=False)
            cleaned.append(clean)
            problems.append(issues)
        for issue in check_references(self.conn, org_id=self.ctx.principal.org_id, kinds=self.ctx.form.kinds,
                                      rows=cleaned, path_prefix="/r"):
            _, _, index, key = issue["path"].split("/", 3)
            problems[int(index)].append({**issue, "path": f"/{key}"})
        self._check_unique(cleaned, problems)
        return problems

    def _check_unique(self, cleaned: list[dict[str, Any]], problems: list[list[dict[str, str]]]) -> None:
        table = self.ctx.table
        for key, fdef in self.ctx.form.fields.items():
            values = [c.get(key) for c in cleaned]
            if not fdef.unique or not any(v is not None for v in values):
                continue
            taken = set(self.conn.execute(select(table.c[key]).where(
                table.c[key].in_({v for v in values if v is not None}))).scalars())
            seen = self.unique_seen.setdefault(key, set())
            for i, value in enumerate(values):
                if value is not None and (value in taken or value in seen):
                    problems[i].append({"path": f"/{key}", "message": "this value is already used by another record"})
                elif not problems[i]:
                    seen.add(value)

    def report(self, issues: list[dict[str, str]]) -> list[dict[str, Any]]:
        columns = {key: column for column, key in self.mapping.items()}
        return [{**i, "column": columns.get(i["path"].split("/")[1])} for i in issues]


def import_xlsx(
    conn: Connection, ctx: FormContext, source: str | Path | IO[bytes], *, mapping: Mapping[str, str],
    mode: Mode, progress: Progress | None = None, tz: str | None = None, request_id: str | None = None,
) -> dict[str, Any]:
    """Import the first sheet of ``source`` into ``ctx``'s form; return the report.

    ``{"mode": "keep_valid", "rows": 5, "created": 3, "rejected": [{"row": 4, "errors":
    [{"path": "/qty", "column": "Qty", "message": "expected an integer"}]}, …]}``
    """
    sheet = open_sheet(source)
    try:
        return _import(conn, ctx, sheet, mapping=mapping, mode=mode, progress=progress, tz=tz, request_id=request_id)
    finally:
        sheet.close()


def _import(
    conn: Connection, ctx: FormContext, sheet: Sheet, *, mapping: Mapping[str, str], mode: Mode,
    progress: Progress | None, tz: str | None, request_id: str | None,
) -> dict[str, Any]:
    check_mapping(ctx, sheet.columns, mapping)
    zone = ZoneInfo(tz or ctx.runtime.definition.settings.timezone)
    importer = _Importer(conn, ctx, dict(mapping), sheet.columns, zone, {})
    total = sheet.total
    if total is not None and total > MAX_IMPORT_ROWS:
        raise Invalid(f"at most {MAX_IMPORT_ROWS} rows per import",
                      errors=[{"path": "/file", "message": f"{total} rows"}])
    savepoint = conn.begin_nested() if mode == "all_or_nothing" else None
    rejected: list[dict[str, Any]] = []
    done = created = 0
    for batch in _batches(importer, sheet):
        problems = importer.check(batch)
        good = [values for (_, values), issues in zip(batch, problems, strict=True) if not issues]
        rejected += [{"row": n, "errors": importer.report(issues)}
                     for (n, _), issues in zip(batch, problems, strict=True) if issues]
        if good and (mode == "keep_valid" or not rejected):
            created += len(create_records(conn, ctx, good, request_id=request_id))
        done += len(batch)
        if done > MAX_IMPORT_ROWS:
            raise Invalid(f"at most {MAX_IMPORT_ROWS} rows per import",
                          errors=[{"path": "/file", "message": "too many rows"}])
        if progress is not None:
            progress(done, max(total or 0, done))
    if savepoint is not None and rejected:
        savepoint.rollback()
        created = 0
    elif savepoint is not None:
        savepoint.commit()
    return {"mode": mode, "rows": done, "created": created, "rejected": rejected}


def _batches(importer: _Importer, sheet: Sheet) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for number, row in sheet.rows:
        values = importer.values(row)
        if not values:
            continue  # an empty row (or one with only unmapped cells)
        batch.append((number, values))
        if len(batch) == MAX_BULK:
            yield batch
            batch = []
    if batch:
        yield batch
