"""The search index: one row of marked words per record, kept current inside each change's transaction.

PostgreSQL matches through a GIN index on ``to_tsvector('simple', tokens)``;
SQLite through the FTS5 table ``search_fts`` (external content, kept in step
by triggers). Both are created by migration 0006.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from dajian.engines.form.compile import CompiledForm
from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.apps import RuntimeApp, database_key
from dajian.platform.clock import utcnow
from dajian.platform.definition import parse_definition
from dajian.platform.errors import NotFound
from dajian.platform.events import RecordEvent
from dajian.platform.models import Id, app_versions, metadata
from dajian.platform.search.plan import SearchPlan, compile_plan

search_index = Table(
    "search_index",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("record_id", Id, nullable=False),
    Column("tokens", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("app_id", "form_key", "record_id"),
)

Progress = Callable[[int, int], None]  # (records done, records in all)
REINDEX_BATCH = 500

# plans depend only on the definition: cached by (app version, form key), like compiled runtimes
_PLANS: dict[tuple[str, int, str], SearchPlan] = {}
_PLANS_LOCK = Lock()


def plan_for(conn: Connection, version_id: int, form_key: str) -> SearchPlan:
    db = database_key(conn)
    cached = _PLANS.get((db, version_id, form_key))
    if cached is not None:
        return cached
    doc = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == version_id)).scalar_one()
    plans = {f.key: compile_plan(f) for f in parse_definition(doc).forms}
    with _PLANS_LOCK:
        _PLANS.update({(db, version_id, k): p for k, p in plans.items()})
    if form_key not in plans:
        raise NotFound(f"version {version_id} has no form '{form_key}'")
    return plans[form_key]


def runtime_plan(runtime: RuntimeApp, form_key: str) -> SearchPlan:
    # keyed by the runtime's identity: a runtime belongs to one database's version
    key = (f"runtime:{id(runtime)}", runtime.version_id, form_key)
    if key not in _PLANS:
        with _PLANS_LOCK:
            _PLANS[key] = compile_plan(runtime.form(form_key).form)
    return _PLANS[key]


def _row(app_id: int, form_key: str, record_id: int) -> ColumnElement[bool]:
    t = search_index.c
    return (t.app_id == app_id) & (t.form_key == form_key) & (t.record_id == record_id)


def write_document(conn: Connection, *, app_id: int, form_key: str, record_id: int, tokens: str,
                   new: bool = False) -> None:
    """Insert or replace a record's index row; a record without words has none.

    ``new``: the record was just created, so it has no row yet (one INSERT, no UPDATE first).
    """
    if not tokens:
        if not new:
            conn.execute(delete(search_index).where(_row(app_id, form_key, record_id)))
        return
    values = {"app_id": app_id, "form_key": form_key, "record_id": record_id, "tokens": tokens, "updated_at": utcnow()}
    if new or conn.execute(_UPDATE, {f"b_{k}": v for k, v in values.items()}).rowcount == 0:
        conn.execute(_INSERT, values)


# built once: every record change of a form with searchable fields runs one of these
_INSERT = insert(search_index)
_UPDATE = (update(search_index)
           .where(search_index.c.app_id == bindparam("b_app_id"), search_index.c.form_key == bindparam("b_form_key"),
                  search_index.c.record_id == bindparam("b_record_id"))
           .values(tokens=bindparam("b_tokens"),
                   updated_at=bindparam("b_updated_at", type_=search_index.c.updated_at.type)))


def on_record_event(conn: Connection, event: RecordEvent) -> bool:
    """The record listener: index created, changed and restored records, forget deleted ones.

    Returns False: it writes only the index, never records (so the API need not read them back).
    """
    plan = plan_for(conn, event.version_id, event.form_key)
    if not plan.fields or (event.kind == "updated" and not plan.touches(event.changed)):
        return False
    if event.kind == "deleted" or event.new is None:
        conn.execute(delete(search_index).where(_row(event.app_id, event.form_key, event.record_id)))
    else:
        write_document(conn, app_id=event.app_id, form_key=event.form_key, record_id=event.record_id,
                       tokens=plan.document(event.new), new=event.kind == "created")
    return False


def reindex(conn: Connection, runtime: RuntimeApp, form_key: str, *, progress: Progress | None = None) -> int:
    """Rebuild the index of one form from its live records (e.g. after marking fields searchable).

    Runs in the caller's transaction; ``progress(done, total)`` after each batch. Returns the records indexed.
    """
    form = runtime.form(form_key)
    plan = runtime_plan(runtime, form_key)
    t = search_index.c
    conn.execute(delete(search_index).where((t.app_id == runtime.app_id) & (t.form_key == form_key)))
    if not plan.fields:
        return 0
    live = form.table.c.deleted_at.is_(None)
    total = int(conn.execute(select(func.count()).select_from(form.table).where(live)).scalar_one())
    done, last = 0, 0
    while True:
        rows = _batch(conn, form, plan, live, after=last)
        if not rows:
            return done
        _insert_batch(conn, runtime.app_id, form_key, plan, rows)
        done, last = done + len(rows), int(rows[-1]["id"])
        if progress is not None:
            progress(done, total)


def _batch(conn: Connection, form: CompiledForm, plan: SearchPlan, live: ColumnElement[bool], *,
           after: int) -> list[dict[str, Any]]:
    table = form.table
    columns = [table.c.id, *(table.c[f.key] for f in plan.fields)]
    query = select(*columns).where(live, table.c.id > after).order_by(table.c.id).limit(REINDEX_BATCH)
    return [dict(r) for r in conn.execute(query).mappings()]


def _insert_batch(conn: Connection, app_id: int, form_key: str, plan: SearchPlan,
                  rows: list[dict[str, Any]]) -> None:
    now = utcnow()
    docs = [{"app_id": app_id, "form_key": form_key, "record_id": r["id"], "tokens": plan.document(r),
             "updated_at": now} for r in rows]
    docs = [d for d in docs if d["tokens"]]
    if docs:
        conn.execute(insert(search_index), docs)
