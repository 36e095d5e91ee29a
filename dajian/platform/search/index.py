"""The search index: one row of marked words per record, kept current inside each change's transaction.

PostgreSQL matches through a GIN index on ``to_tsvector('simple', tokens)``;
SQLite through the FTS5 table ``search_fts`` (external content, kept in step
by triggers). Both are created by migration 0006.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dajian.engines.form.compile import CompiledForm
from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.apps import RuntimeApp, cached_runtime
from dajian.platform.clock import utcnow
from dajian.platform.definition import parse_definition
from dajian.platform.errors import NotFound
from dajian.platform.models import Id, app_versions, metadata
from dajian.platform.search.plan import SearchPlan, compile_plan
from dajian.platform.version_cache import VersionCache, database_key

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

# plans depend only on the definition: cached by (database, app version, form key), like compiled runtimes
_PLANS: VersionCache[SearchPlan] = VersionCache("search plan")


def plan_for(conn: Connection, version_id: int, form_key: str) -> SearchPlan:
    runtime = cached_runtime(conn, version_id)
    if runtime is not None:
        return runtime_plan(runtime, form_key)

    def build() -> SearchPlan:
        doc = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == version_id)).scalar_one()
        form = next((f for f in parse_definition(doc).forms if f.key == form_key), None)
        if form is None:
            raise NotFound(f"version {version_id} has no form '{form_key}'")
        return compile_plan(form)

    return _PLANS.get(database_key(conn), version_id, form_key, build)


def runtime_plan(runtime: RuntimeApp, form_key: str) -> SearchPlan:
    return _PLANS.get(runtime.database, runtime.version_id, form_key,
                      lambda: compile_plan(runtime.form(form_key).form))


def _row(app_id: int, form_key: str, record_id: int) -> ColumnElement[bool]:
    t = search_index.c
    return (t.app_id == app_id) & (t.form_key == form_key) & (t.record_id == record_id)


def write_document(conn: Connection, *, app_id: int, form_key: str, record_id: int, tokens: str,
                   new: bool = False) -> None:
    """Insert or replace a record's index row (an idempotent upsert); a record without words has none.

    ``new``: the record was created in this user action, which writes its row once (a plain INSERT).
    """
    if not tokens:
        if not new:
            conn.execute(delete(search_index).where(_row(app_id, form_key, record_id)))
        return
    values = {"app_id": app_id, "form_key": form_key, "record_id": record_id, "tokens": tokens, "updated_at": utcnow()}
    conn.execute(_INSERT if new else _upsert(conn.dialect.name), values)


# built once: every record change of a form with searchable fields runs one of these
_INSERT = insert(search_index)
_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    found = _UPSERTS.get(dialect)
    if found is None:
        row = (pg_insert if dialect == "postgresql" else sqlite_insert)(search_index)
        found = _UPSERTS[dialect] = row.on_conflict_do_update(
            index_elements=["app_id", "form_key", "record_id"],
            set_={"tokens": row.excluded.tokens, "updated_at": row.excluded.updated_at})
    return found


def document_values(runtime: RuntimeApp, form_key: str,
                    record: Mapping[str, Any]) -> tuple[Table, dict[str, Any]] | None:
    """``(search_index, row without record_id)`` for a new record with words, else None."""
    plan = runtime_plan(runtime, form_key)
    tokens = plan.document(record) if plan.fields else ""
    if not tokens:
        return None
    return search_index, {"app_id": runtime.app_id, "form_key": form_key, "tokens": tokens, "updated_at": utcnow()}


def index_final(conn: Connection, *, app_id: int, form_key: str, record_id: int, version_id: int, whole: bool,
                created: bool, state: Mapping[str, Any] | None, changed: frozenset[str]) -> None:
    """The search step of ``dajian.platform.reactions``: a record's final state after one user action
    (``state`` None: deleted), indexed once. ``whole``: created or restored, indexed whatever changed;
    updates that touch no searchable field write nothing."""
    plan = plan_for(conn, version_id, form_key)
    if not plan.fields or (not whole and state is not None and not plan.touches(changed)):
        return
    if state is None:
        conn.execute(delete(search_index).where(_row(app_id, form_key, record_id)))
    else:
        write_document(conn, app_id=app_id, form_key=form_key, record_id=record_id, tokens=plan.document(state),
                       new=created)


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
