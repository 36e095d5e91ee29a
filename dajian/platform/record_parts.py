"""Storage of the structural field kinds: serial numbers, sub-table rows,
relations between forms (existence, delete rules) and lookups through them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Engine,
    Interval,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.kinds_structure import LookupConfig, RelationConfig, SerialConfig, format_serial, serial_period
from dajian.platform.apps import RuntimeApp
from dajian.platform.db import make_engine, retry_once, unpinged
from dajian.platform.errors import Conflict
from dajian.platform.models import serial_counters, serial_reservations

# Set while records are made for an app whose row this transaction created (a template install's demo data): no
# other connection sees that app yet, so its counters are taken in this transaction, as on SQLite.
_counters_in_transaction: ContextVar[bool] = ContextVar("dajian_counters_in_transaction", default=False)


@contextmanager
def counters_in_transaction() -> Iterator[None]:
    """Serial numbers taken in the caller's transaction while this context runs (see ``next_serial``)."""
    token = _counters_in_transaction.set(True)
    try:
        yield
    finally:
        _counters_in_transaction.reset(token)


def next_serial(conn: Connection, *, app_id: int, form_key: str, field_key: str, period: str,
                gapless: bool = True) -> int:
    """Take the next number of a counter; no create waits for another create's transaction.

    PostgreSQL: the counter is incremented in a short transaction of its own on a separate connection,
    so its row lock lasts microseconds instead of a whole create (rules, flow start, notifications and
    search all ran under it, and concurrent creates queued behind each other). Gap-free numbers
    (``gapless``, the default) go through a reservation that the create deletes in its own transaction:
    a create that rolls back or dies leaves its reservation behind, and the next create of the same
    counter takes that number instead of a new one. ``gapless=False`` takes a bare number: a failed
    create leaves a gap. SQLite has one writer at a time: there the counter is part of the create's
    transaction, and a rollback gives the number back.
    """
    key = _CounterKey(app_id, form_key, field_key, period)
    if conn.dialect.name != "postgresql":
        return int(conn.execute(_INCREMENT["sqlite"], _counter_params(key)).scalar_one())
    if _counters_in_transaction.get():
        return int(conn.execute(_INCREMENT["postgresql"], _counter_params(key)).scalar_one())
    if not gapless:
        with _counter_engine(conn).connect() as own:
            return int(own.execute(_INCREMENT["postgresql"], _counter_params(key)).scalar_one())
    while True:
        held = retry_once(lambda: _take(_counter_engine(conn), key))
        # the reservation goes with the create: its commit uses the number, its rollback frees it
        taken = conn.execute(_USE_RESERVATION, {"r_id": held.id, "r_claim": held.claim})
        if taken.rowcount == 1:
            return int(held.number)
        # another create reclaimed it in the instant before our delete (only after RECLAIM_AFTER): take another


# A reservation is reclaimed once it is this old and no transaction holds it: its create has
# committed (then it is gone), rolled back or died. A live create deletes its reservation (a row lock
# until it ends) immediately after taking it, so the grace only covers that instant.
RECLAIM_AFTER = timedelta(seconds=2)


@dataclass(frozen=True)
class _CounterKey:
    app_id: int
    form_key: str
    field_key: str
    period: str

    def values(self) -> dict[str, Any]:
        return {"app_id": self.app_id, "form_key": self.form_key, "field_key": self.field_key,
                "period": self.period}


def _counter_params(key: _CounterKey) -> dict[str, Any]:
    return {f"k_{name}": value for name, value in key.values().items()}


def _key_params() -> list[Any]:
    """The counter's key as bound parameters (``k_app_id`` …): the statements below are built once and
    run with the key's values, so SQLAlchemy neither rebuilds them nor computes their cache key per create
    (building these CTEs per call was a quarter of an API process's CPU in ``bench/load.py``)."""
    c = serial_counters.c
    return [bindparam(f"k_{name}", type_=c[name].type) for name in ("app_id", "form_key", "field_key", "period")]


def _build_increment(dialect_insert: Any) -> Any:
    """The counter's next value: an upsert that increments under the row lock."""
    app_id, form_key, field_key, period = _key_params()
    values = dialect_insert(serial_counters).values(app_id=app_id, form_key=form_key, field_key=field_key,
                                                    period=period, value=1)
    return values.on_conflict_do_update(
        index_elements=["app_id", "form_key", "field_key", "period"],
        set_={"value": serial_counters.c.value + 1},
    ).returning(serial_counters.c.value)


def _take(engine: Engine, key: _CounterKey) -> Any:
    """A reservation (id, number, claim), in one autocommitted statement. Not pinged first: a dead pooled
    connection fails the statement, which ``retry_once`` runs again on a fresh one. A repeat is safe: a
    reservation whose answer was lost is left to the next reclaim, so no number is skipped."""
    with unpinged(), engine.connect() as own:
        return own.execute(_RECLAIM_OR_RESERVE, {**_counter_params(key), "reclaim_after": RECLAIM_AFTER}).one()


def _build_reclaim_or_reserve() -> Any:
    """The lowest left number claimed again (``_reclaim``), else a new number from the counter and its
    reservation: one statement, one round trip. The counter's upsert takes its row from a SELECT that is
    empty when a number was reclaimed, so then the counter does not move."""
    reclaimed = _build_reclaim().cte("reclaimed")
    r, c = serial_reservations.c, serial_counters.c
    wanted = select(*_key_params(), literal(1)).where(~exists(select(reclaimed.c.id)))
    upsert = pg_insert(serial_counters).from_select([c.app_id, c.form_key, c.field_key, c.period, c.value], wanted)
    counter = upsert.on_conflict_do_update(
        index_elements=["app_id", "form_key", "field_key", "period"], set_={"value": c.value + 1},
    ).returning(c.value).cte("counter")
    row = select(*_key_params(), counter.c.value, literal(0), func.now())
    reserved = (insert(serial_reservations)
                .from_select([r.app_id, r.form_key, r.field_key, r.period, r.number, r.claim, r.taken_at], row)
                .returning(r.id, r.number, r.claim).cte("reserved"))
    return union_all(select(reclaimed.c.id, reclaimed.c.number, reclaimed.c.claim),
                     select(reserved.c.id, reserved.c.number, reserved.c.claim))


def _build_reclaim() -> Any:
    """The lowest number whose create ended without using it, claimed again (SKIP LOCKED: a reservation
    a running create holds is not waited for)."""
    r = serial_reservations.c
    app_id, form_key, field_key, period = _key_params()
    same = [r.app_id == app_id, r.form_key == form_key, r.field_key == field_key, r.period == period]
    grace = bindparam("reclaim_after", type_=Interval())  # RECLAIM_AFTER, read per call (tests shorten it)
    stale = (select(r.id).where(*same, r.taken_at < func.now() - grace).order_by(r.number).limit(1)
             .with_for_update(skip_locked=True).scalar_subquery())
    return (update(serial_reservations).where(r.id == stale).values(claim=r.claim + 1, taken_at=func.now())
            .returning(r.id, r.number, r.claim))


_INCREMENT = {"postgresql": _build_increment(pg_insert), "sqlite": _build_increment(sqlite_insert)}
_RECLAIM_OR_RESERVE = _build_reclaim_or_reserve()
_USE_RESERVATION = (delete(serial_reservations)
                    .where(serial_reservations.c.id == bindparam("r_id"),
                           serial_reservations.c.claim == bindparam("r_claim")))


_COUNTER_ENGINES: dict[str, Engine] = {}
_COUNTER_LOCK = Lock()


def _counter_engine(conn: Connection) -> Engine:
    """A small pool of its own: a create never waits for a connection that another create holds.

    Each statement is its own transaction (autocommit), so the counter's row lock lasts while the
    statement runs, not for a round trip to Python and back for the commit. Its commits do not wait for
    the disk (``synchronous_commit=off``): the create that uses the number commits later with a flush,
    which writes the WAL up to and including the counter's commit; a crash before that loses both,
    never a number that a stored record carries."""
    key = conn.engine.url.render_as_string(hide_password=True)
    engine = _COUNTER_ENGINES.get(key)
    if engine is None:
        with _COUNTER_LOCK:
            engine = _COUNTER_ENGINES.get(key) or make_engine(
                conn.engine.url.render_as_string(hide_password=False), pool_size=2, max_overflow=2,
                isolation_level="AUTOCOMMIT",
                connect_args={"options": "-c synchronous_commit=off"})
            _COUNTER_ENGINES[key] = engine
    return engine


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
