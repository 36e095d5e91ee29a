"""Storage of the structural field kinds: serial numbers, sub-table rows,
relations between forms (existence, delete rules) and lookups through them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, create_engine, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.kinds_structure import LookupConfig, RelationConfig, SerialConfig, format_serial, serial_period
from dajian.platform.apps import RuntimeApp
from dajian.platform.errors import Conflict
from dajian.platform.models import serial_counters


def next_serial(conn: Connection, *, app_id: int, form_key: str, field_key: str, period: str,
                gapless: bool = True) -> int:
    """Atomically take the next number: an upsert that increments under the row lock.

    Gap-free numbers hold that lock until the create commits (a rollback gives the number back), so
    concurrent creates of the form queue behind each other. ``gapless=False`` (PostgreSQL) takes the
    number in its own short transaction on a separate connection: nobody waits, a failed create leaves a gap.
    (SQLite has one writer at a time anyway: there the number is always taken in the create's transaction.)
    """
    if not gapless and conn.dialect.name == "postgresql":
        with _counter_engine(conn).begin() as own:
            return _take(own, app_id=app_id, form_key=form_key, field_key=field_key, period=period)
    return _take(conn, app_id=app_id, form_key=form_key, field_key=field_key, period=period)


_COUNTER_ENGINES: dict[str, Engine] = {}
_COUNTER_LOCK = Lock()


def _counter_engine(conn: Connection) -> Engine:
    """A small pool of its own: a create never waits for a connection that another create holds."""
    key = conn.engine.url.render_as_string(hide_password=True)
    engine = _COUNTER_ENGINES.get(key)
    if engine is None:
        with _COUNTER_LOCK:
            engine = _COUNTER_ENGINES.get(key) or create_engine(conn.engine.url, pool_size=2, max_overflow=8,
                                                                 pool_pre_ping=True)
            _COUNTER_ENGINES[key] = engine
    return engine


def _take(conn: Connection, *, app_id: int, form_key: str, field_key: str, period: str) -> int:
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values = dialect_insert(serial_counters).values(app_id=app_id, form_key=form_key, field_key=field_key,
                                                    period=period, value=1)
    stmt = values.on_conflict_do_update(
        index_elements=["app_id", "form_key", "field_key", "period"],
        set_={"value": serial_counters.c.value + 1},
    ).returning(serial_counters.c.value)
    return int(conn.execute(stmt).scalar_one())


def assign_serials(conn: Connection, runtime: RuntimeApp, form: CompiledForm, rows: list[dict[str, Any]],
                   now: datetime) -> None:
    local = now.astimezone(ZoneInfo(runtime.definition.settings.timezone))
    for key, fdef in form.fields.items():
        if fdef.kind != "serial":
            continue
        config = SerialConfig.model_validate(fdef.config or {})
        for row in rows:
            number = next_serial(conn, app_id=runtime.app_id, form_key=form.form.key, field_key=key,
                                 period=serial_period(config.reset, local), gapless=config.gapless)
            row[key] = format_serial(config.pattern, number, local)


def write_children(conn: Connection, form: CompiledForm, parent_id: int,
                   rows_by_key: Mapping[str, list[dict[str, Any]]]) -> None:
    """Replace the rows of each sub-table given (a sub-table left out keeps its rows)."""
    for key, rows in rows_by_key.items():
        child = form.children[key]
        conn.execute(delete(child.table).where(child.table.c.parent_id == parent_id))
        if rows:
            conn.execute(insert(child.table), [
                {**{k: row.get(k) for k in child.stored_keys}, "parent_id": parent_id, "position": i}
                for i, row in enumerate(rows)])


def read_children(conn: Connection, form: CompiledForm, parent_ids: Sequence[int],
                  keys: Sequence[str] | None = None) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """``{"items": {parent_id: [row, ...]}}`` for every sub-table (or those in ``keys``)."""
    found: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for key, child in form.children.items():
        if keys is not None and key not in keys:
            continue
        table = child.table
        out_keys = child.output_keys()
        query = (select(table.c.parent_id, *(table.c[k] for k in out_keys))
                 .where(table.c.parent_id.in_(parent_ids)).order_by(table.c.parent_id, table.c.position))
        dump = child.row_dumper(out_keys)
        by_parent: dict[int, list[dict[str, Any]]] = {pid: [] for pid in parent_ids}
        for row in conn.execute(query):
            by_parent[row[0]].append(dump(row[1:]))
        found[key] = by_parent
    return found


def relation_issues(conn: Connection, runtime: RuntimeApp, form: CompiledForm,
                    rows: Sequence[Mapping[str, Any]], path_prefix: str = "") -> list[dict[str, str]]:
    """A relation must point at a live record of its target form."""
    issues: list[dict[str, str]] = []
    for key, fdef in form.fields.items():
        if fdef.kind != "relation":
            continue
        target = runtime.form(RelationConfig.model_validate(fdef.config or {}).form).table
        wanted = {r[key] for r in rows if r.get(key) is not None}
        if not wanted:
            continue
        live = set(conn.execute(select(target.c.id).where(target.c.id.in_(wanted), target.c.deleted_at.is_(None)))
                   .scalars())
        for i, row in enumerate(rows):
            if row.get(key) is not None and row[key] not in live:
                prefix = f"{path_prefix}/{i}" if path_prefix else ""
                issues.append({"path": f"{prefix}/{key}", "message": f"no record {row[key]} to link to"})
    return issues


def add_lookups(conn: Connection, runtime: RuntimeApp, form: CompiledForm, items: list[dict[str, Any]]) -> None:
    """Fill lookup fields (values read through a relation) in place, one query per lookup."""
    for key, fdef in form.fields.items():
        if fdef.kind != "lookup" or not items:
            continue
        config = LookupConfig.model_validate(fdef.config or {})
        relation = RelationConfig.model_validate(form.fields[config.relation].config or {})
        target = runtime.form(relation.form)
        ids = {item.get(config.relation) for item in items} - {None}
        values: dict[int, Any] = {}
        if ids and config.field in target.table.c:
            query = select(target.table.c.id, target.table.c[config.field]).where(target.table.c.id.in_(ids))
            dump = target.row_dumper(["id", config.field])
            values = {row[0]: dump(row)[config.field] for row in conn.execute(query)}
        for item in items:
            linked = item.get(config.relation)
            item[key] = values.get(linked) if isinstance(linked, int) else None


def add_display(conn: Connection, runtime: RuntimeApp, form: CompiledForm, items: list[dict[str, Any]]) -> None:
    """``item["_display"] = {"customer": "王芳"}``: the display field of each linked record."""
    for key, fdef in form.fields.items():
        if fdef.kind != "relation" or not items:
            continue
        config = RelationConfig.model_validate(fdef.config or {})
        target = runtime.form(config.form)
        shown = config.display_field or target.form.title_field
        ids = {i.get(key) for i in items} - {None}
        if not shown or shown not in target.table.c or not ids:
            continue
        query = select(target.table.c.id, target.table.c[shown]).where(target.table.c.id.in_(ids))
        labels = {row[0]: row[1] for row in conn.execute(query)}
        for item in items:
            if item.get(key) in labels:
                item.setdefault("_display", {})[key] = labels[item[key]]


def referencing_fields(runtime: RuntimeApp, form_key: str) -> list[tuple[CompiledForm, str, str]]:
    """(form, relation field, on_delete) for every relation in the app that points at ``form_key``."""
    found: list[tuple[CompiledForm, str, str]] = []
    for other in runtime.forms.values():
        for key, fdef in other.fields.items():
            if fdef.kind == "relation":
                config = RelationConfig.model_validate(fdef.config or {})
                if config.form == form_key:
                    found.append((other, key, config.on_delete))
    return found


def apply_delete_rules(conn: Connection, runtime: RuntimeApp, form_key: str, record_id: int,
                       now: datetime) -> dict[str, int]:
    """Enforce each relation's ``on_delete`` before a record is (soft-)deleted."""
    effects: dict[str, int] = {}
    for other, key, rule in referencing_fields(runtime, form_key):
        table = other.table
        live = (table.c[key] == record_id) & table.c.deleted_at.is_(None)
        if rule == "restrict":
            count = conn.execute(select(func.count()).select_from(table).where(live)).scalar_one()
            if count:
                raise Conflict(f"{count} records of form '{other.form.key}' still link to this record",
                               errors=[{"path": "", "message": f"referenced by {other.form.key}.{key}"}])
            continue
        values: dict[str, Any] = {key: None} if rule == "set_null" else {"deleted_at": now}
        changed = conn.execute(update(table).where(live).values(
            **values, updated_at=now, row_version=table.c.row_version + 1)).rowcount
        effects[f"{other.form.key}.{key}:{rule}"] = changed
    return effects
