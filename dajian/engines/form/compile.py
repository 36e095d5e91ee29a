"""Form definition -> compiled form: checks, the SQL table, value coercion.

``compile_form`` runs once per (app version, form) and is cached by the
caller; the result depends only on the definition and the live column map.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import ValidationError
from sqlalchemy import BigInteger, Column, Index, Insert, Integer, MetaData, Table, insert, text
from sqlalchemy.engine import RowMapping

from dajian.engines.form import kinds_structure as _structure  # noqa: F401 - registers structural kinds
from dajian.engines.form.fields import FIELD_KINDS, NUL_MESSAGE, FieldKind, nul_path
from dajian.engines.form.logic import FormLogic, check_expressions, compile_logic
from dajian.engines.form.model import STANDARD_COLUMNS, FieldDef, FormDef
from dajian.engines.regex import regex_error
from dajian.engines.sqltypes import UtcDateTime

Issue = dict[str, str]
Values = dict[str, Any]
IdType = BigInteger().with_variant(Integer(), "sqlite")


def sql_name(*parts: str) -> str:
    """Join parts into a SQL identifier of at most 63 characters.

    >>> sql_name("f12", "complaint")
    'f12_complaint'

    Longer names keep a prefix and end in a hash so they stay unique.
    """
    name = "_".join(parts)
    if len(name) <= 63:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[:54]}_{digest}"


def table_name_for(app_id: int, form_key: str) -> str:
    return sql_name(f"f{app_id}", form_key)


def check_form(form: FormDef, path: str) -> Iterator[Issue]:
    """Yield every problem of a form definition with its JSON path."""
    seen: set[str] = set()
    for i, fdef in enumerate(form.fields):
        fpath = f"{path}/fields/{i}"
        if fdef.key in seen:
            yield {"path": f"{fpath}/key", "message": f"duplicate field key '{fdef.key}'"}
        seen.add(fdef.key)
        yield from check_field(fdef, fpath)
    yield from _structure_issues(form, path)
    yield from _layout_issues(form, path)
    yield from check_expressions(form, path)
    for i, fdef in enumerate(form.fields):
        for j, key in enumerate(fdef.unique_within or []):
            if key not in seen or key == fdef.key:
                yield {"path": f"{path}/fields/{i}/unique_within/{j}", "message": f"no other field '{key}'"}
    if form.title_field is not None and form.title_field not in seen:
        yield {"path": f"{path}/title_field", "message": f"no field '{form.title_field}'"}
    renamed = [f.renamed_from for f in form.fields if f.renamed_from]
    for i, fdef in enumerate(form.fields):
        if fdef.renamed_from and fdef.renamed_from in seen:
            yield {"path": f"{path}/fields/{i}/renamed_from",
                   "message": f"'{fdef.renamed_from}' is still a field of this form"}
        if fdef.renamed_from and renamed.count(fdef.renamed_from) > 1:
            yield {"path": f"{path}/fields/{i}/renamed_from",
                   "message": f"'{fdef.renamed_from}' is renamed twice"}


def _layout_issues(form: FormDef, path: str) -> Iterator[Issue]:
    keys = {f.key for f in form.fields}
    tabs = {t.key for t in form.tabs}
    placed: set[str] = set()
    for i, section in enumerate(form.layout or []):
        if section.tab is not None and section.tab not in tabs:
            yield {"path": f"{path}/layout/{i}/tab", "message": f"no tab '{section.tab}'"}
        for j, key in enumerate(section.fields):
            if key not in keys:
                yield {"path": f"{path}/layout/{i}/fields/{j}", "message": f"no field '{key}'"}
            elif key in placed:
                yield {"path": f"{path}/layout/{i}/fields/{j}", "message": f"field '{key}' is placed twice"}
            placed.add(key)


def _structure_issues(form: FormDef, path: str) -> Iterator[Issue]:
    by_key = {f.key: f for f in form.fields}
    for i, fdef in enumerate(form.fields):
        fpath = f"{path}/fields/{i}"
        if fdef.kind == "subtable":
            if not fdef.fields:
                yield {"path": f"{fpath}/fields", "message": "a sub-table needs at least one field"}
            for j, child in enumerate(fdef.fields or []):
                if child.kind in ("subtable", "serial"):
                    yield {"path": f"{fpath}/fields/{j}/kind", "message": f"a sub-table row cannot hold a {child.kind}"}
            if fdef.fields:
                yield from check_form(child_form(fdef), fpath)
        elif fdef.fields:
            yield {"path": f"{fpath}/fields", "message": "only sub-table fields have row fields"}
        if fdef.kind == "lookup" and isinstance(fdef.config, dict):
            target = by_key.get(str(fdef.config.get("relation")))
            if target is None or target.kind != "relation":
                yield {"path": f"{fpath}/config/relation", "message": "must name a relation field of this form"}


def check_field(fdef: FieldDef, path: str) -> Iterator[Issue]:
    if fdef.key in STANDARD_COLUMNS:
        yield {"path": f"{path}/key", "message": f"'{fdef.key}' is reserved for a standard column"}
    kind = FIELD_KINDS.get(fdef.kind)
    if kind is None:
        yield {"path": f"{path}/kind",
               "message": f"unknown field kind '{fdef.kind}'; known: {', '.join(sorted(FIELD_KINDS))}"}
        return
    yield from _config_issues(kind, fdef, path)
    if fdef.unique_within and not fdef.unique:
        yield {"path": f"{path}/unique_within", "message": "only a unique field has a uniqueness scope"}
    if fdef.kind in ("single_select", "multi_select"):
        values = [o.value for o in fdef.options or []]
        if not values:
            yield {"path": f"{path}/options", "message": "a select field needs at least one option"}
        for j, value in enumerate(values):
            if value in values[:j]:
                yield {"path": f"{path}/options/{j}/value", "message": f"duplicate option '{value}'"}
    pattern_error = regex_error(fdef.pattern) if fdef.pattern is not None else None
    if pattern_error is not None:
        yield {"path": f"{path}/pattern", "message": pattern_error}
    if fdef.default is not None and pattern_error is None:
        try:
            kind.coerce(fdef, fdef.default)
        except ValueError as exc:
            yield {"path": f"{path}/default", "message": f"default value: {exc}"}


def _config_issues(kind: FieldKind, fdef: FieldDef, path: str) -> Iterator[Issue]:
    if kind.config_model is None:
        if fdef.config:
            yield {"path": f"{path}/config", "message": f"a {fdef.kind} field takes no config"}
        return
    try:
        kind.config_model.model_validate(fdef.config or {})
    except ValidationError as exc:
        for err in exc.errors():
            loc = "".join(f"/{p}" for p in err["loc"])
            yield {"path": f"{path}/config{loc}", "message": err["msg"]}


@dataclass(frozen=True)
class CompiledForm:
    form: FormDef
    table: Table
    kinds: Mapping[str, FieldKind]
    fields: Mapping[str, FieldDef] = field(default_factory=dict)
    logic: FormLogic = field(default_factory=FormLogic)
    children: Mapping[str, CompiledForm] = field(default_factory=dict)  # sub-tables by field key
    is_child: bool = False

    @cached_property
    def insert_one(self) -> Insert:
        # one statement object per form version: building it per request costs more than running it
        return insert(self.table).returning(self.table.c.id)

    @cached_property
    def insert_many(self) -> Insert:
        return insert(self.table).returning(self.table.c.id, sort_by_parameter_order=True)

    @cached_property
    def stored_keys(self) -> list[str]:
        return [k for k, kind in self.kinds.items() if kind.has_column]

    @cached_property
    def formula_keys(self) -> frozenset[str]:
        return frozenset(k for k, _ in self.logic.formulas)

    @cached_property
    def created_keys(self) -> list[str]:
        """What a create writes from the prepared record: the stored fields but serial numbers (the
        platform assigns those)."""
        return [k for k in self.stored_keys if self.kinds[k].name != "serial"]

    def coerce(self, values: Mapping[str, Any], *, partial: bool) -> tuple[Values, list[Issue]]:
        """Check and convert client values; every problem is reported with its field path."""
        clean: Values = {}
        issues: list[Issue] = []
        for key, raw in values.items():
            fdef = self.fields.get(key)
            if fdef is None:
                issues.append({"path": f"/{key}", "message": f"unknown field '{key}'"})
                continue
            if raw is None or raw == "" or raw == []:
                if fdef.required:
                    issues.append({"path": f"/{key}", "message": "is required"})
                clean[key] = None
                continue
            nul = nul_path(raw, f"/{key}") if fdef.kind != "subtable" else None  # rows: checked per row
            if nul is not None:
                issues.append({"path": nul, "message": NUL_MESSAGE})
                continue
            try:
                clean[key] = self.kinds[key].coerce(fdef, raw)
            except ValueError as exc:
                issues.append({"path": f"/{key}", "message": str(exc)})
        if not partial:
            self._fill_defaults(clean, issues)
        return clean, issues

    def _fill_defaults(self, clean: Values, issues: list[Issue]) -> None:
        for key, fdef in self.fields.items():
            if key in clean:
                continue
            if fdef.default is not None:
                clean[key] = self.kinds[key].coerce(fdef, fdef.default)
            else:
                clean[key] = None
                if fdef.required:
                    issues.append({"path": f"/{key}", "message": "is required"})

    def dump(self, row: Mapping[str, Any] | RowMapping, keys: list[str] | None = None) -> dict[str, Any]:
        keys = keys if keys is not None else self.output_keys()
        return self.row_dumper(keys)([row.get(k) for k in keys])

    def row_dumper(self, keys: list[str]) -> Callable[[Sequence[Any]], dict[str, Any]]:
        """A function turning a row tuple (columns in ``keys`` order) into JSON-ready values.

        Built once per request so a page of rows pays one dict comprehension each.
        """
        pairs = [(k, self._dumper(k)) for k in keys]

        def dump_row(row: Sequence[Any]) -> dict[str, Any]:
            return {k: (f(v) if f is not None and v is not None else v) for (k, f), v in zip(pairs, row, strict=True)}

        return dump_row

    def _dumper(self, key: str) -> Callable[[Any], Any] | None:
        kind = self.kinds.get(key)
        if kind is not None:
            return kind.dump
        return _isoformat if key in ("created_at", "updated_at", "deleted_at") else None

    def output_keys(self) -> list[str]:
        standard = list(CHILD_COLUMNS) if self.is_child else [c for c in STANDARD_COLUMNS if c != "deleted_at"]
        return standard + self.stored_keys


def _isoformat(value: Any) -> Any:
    return value.isoformat()


def standard_columns() -> list[Column[Any]]:
    return [
        Column("id", IdType, primary_key=True, autoincrement=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("created_by", IdType, nullable=True),
        Column("owner_id", IdType, nullable=True),
        Column("dept_id", IdType, nullable=True),
        Column("row_version", Integer, nullable=False, default=1),
        Column("deleted_at", UtcDateTime, nullable=True),
    ]


CHILD_COLUMNS = ("id", "position")


def child_columns() -> list[Column[Any]]:
    return [
        Column("id", IdType, primary_key=True, autoincrement=True),
        Column("parent_id", IdType, nullable=False, index=True),
        Column("position", Integer, nullable=False),
    ]


def is_unique(fdef: FieldDef) -> bool:
    return fdef.unique or fdef.kind == "serial"


def field_column(fdef: FieldDef, column_name: str | None = None) -> Column[Any]:
    kind = FIELD_KINDS[fdef.kind]
    return Column(column_name or fdef.key, kind.column_type(fdef), nullable=True)


def standard_indexes(table_name: str) -> list[Index]:
    """Keyset pages sort by (created_at, id); row scopes filter by owner or department first.

    The indexes cover live rows only (``deleted_at IS NULL``), which every list
    asks for: counts and pages become index-only scans that never read deleted rows.
    """
    live = text("deleted_at IS NULL")
    gone = text("deleted_at IS NOT NULL")
    # "ix_<table>__owner": a double underscore, which no field key (^[a-z]…) can produce
    return [
        Index(sql_name("ix", table_name, "_created"), "created_at", "id", postgresql_where=live, sqlite_where=live),
        Index(sql_name("ix", table_name, "_owner"), "owner_id", "created_at", "id", postgresql_where=live,
              sqlite_where=live),
        Index(sql_name("ix", table_name, "_dept"), "dept_id", "created_at", "id", postgresql_where=live,
              sqlite_where=live),
        Index(sql_name("ix", table_name, "_deleted"), "deleted_at", postgresql_where=gone, sqlite_where=gone),
    ]


LONG_TEXT_KINDS = ("long_text", "rich_text")


def field_index(table_name: str, fdef: FieldDef) -> Index | None:
    if not (is_unique(fdef) or fdef.indexed) or (fdef.kind in LONG_TEXT_KINDS and not is_unique(fdef)):
        return None  # a B-tree cannot hold long text (PostgreSQL caps entries at ~8 kB); search indexes it
    return Index(sql_name("ix", table_name, fdef.key), *index_columns(fdef), unique=is_unique(fdef))


def index_columns(fdef: FieldDef) -> list[str]:
    """The field's index columns: its uniqueness scope first, then the field."""
    return [*(fdef.unique_within or [] if is_unique(fdef) else []), fdef.key]


def compile_form(form: FormDef, *, table_name: str, child: bool = False) -> CompiledForm:
    """Build the table object, the coercers and the compiled logic of a checked form.

    ``{"key": "ticket", "fields": [{"key": "title", "kind": "text", ...}]}``
    with ``table_name="f3_ticket"`` gives a ``Table("f3_ticket", id, created_at,
    ..., title TEXT)`` and a coercer per field. A sub-table field ``items``
    becomes a child form on table ``f3_ticket__items`` with ``parent_id``.
    """
    stored = [f for f in form.fields if FIELD_KINDS[f.kind].has_column]
    columns = (child_columns() if child else standard_columns()) + [field_column(f) for f in stored]
    indexes = [] if child else standard_indexes(table_name)
    indexes += [ix for f in stored if (ix := field_index(table_name, f)) is not None]
    table = Table(table_name, MetaData(), *columns, *indexes)
    return CompiledForm(
        form=form,
        table=table,
        kinds={f.key: FIELD_KINDS[f.kind] for f in form.fields},
        fields={f.key: f for f in form.fields},
        logic=compile_logic(form),
        children={f.key: compile_form(child_form(f), table_name=child_table_name(table_name, f.key), child=True)
                  for f in form.fields if f.kind == "subtable"},
        is_child=child,
    )


def child_form(fdef: FieldDef) -> FormDef:
    """A sub-table field's rows, described as a form of their own."""
    return FormDef(key=fdef.key, label=fdef.label, fields=list(fdef.fields or []))


def child_table_name(table_name: str, field_key: str) -> str:
    return sql_name(table_name, "", field_key)
