"""Run form migration plans against the database (DESIGN §2).

Every step runs on the caller's connection, inside the publish transaction:
PostgreSQL and (with our explicit BEGIN) SQLite both roll DDL back if any
later step fails. SQLite column changes go through Alembic batch mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.operations.base import BatchOperations
from sqlalchemy import Column, Connection, Index, MetaData, Table, bindparam, select, update

from dajian.engines.form.compile import CompiledForm, field_column, field_index, index_columns, sql_name
from dajian.engines.form.evolve import FormMigrationPlan, Step
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef

BATCH = 1000


@contextmanager
def _batch(conn: Connection, table_name: str) -> Iterator[BatchOperations]:
    ops = Operations(MigrationContext.configure(conn))
    with ops.batch_alter_table(table_name, recreate="auto") as batch:
        yield batch


def unconvertible_rows(conn: Connection, plan: FormMigrationPlan, compiled: CompiledForm) -> dict[str, list[int]]:
    """For each retyped field, the ids of rows whose value cannot take the new type."""
    found: dict[str, list[int]] = {}
    for step in plan.retypes:
        assert step.field is not None
        bad = [row_id for row_id, _ in _converted(conn, plan, step, compiled) if _ is _FAILED]
        if bad:
            found[step.field] = bad
    return found


_FAILED = object()


def _converted(
    conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm
) -> Iterator[tuple[int, Any]]:
    """Stream (id, converted value or _FAILED) for a retype, reading with the old column type."""
    assert step.field is not None
    fdef = compiled.fields[step.field]
    old_fdef = _old_field(step, fdef)
    src_name = step.detail.get("source_column", step.field)
    src = Table(plan.table_name, MetaData(), Column("id"), field_column(old_fdef, src_name))
    query = select(src.c.id, src.c[src_name]).where(src.c[src_name].is_not(None)).order_by(src.c.id)
    new_kind = FIELD_KINDS[fdef.kind]
    for row_id, value in conn.execute(query.execution_options(yield_per=BATCH)):
        try:
            yield row_id, new_kind.coerce(fdef, value)
        except (ValueError, TypeError):
            yield row_id, _FAILED


def _old_field(step: Step, fdef: FieldDef) -> FieldDef:
    # the old column's SQL type is recovered from its stored signature
    kind = step.detail["from_kind"]
    extra: dict[str, Any] = {}
    sig = step.detail["from"]
    if sig.startswith("decimal("):
        precision, scale = sig[len("decimal("):-1].split(",")
        extra = {"precision": int(precision), "scale": int(scale)}
    return FieldDef(key=fdef.key, kind=kind, label=fdef.label, **extra)


def apply_plan(conn: Connection, plan: FormMigrationPlan, compiled: CompiledForm) -> None:
    for step in plan.steps:
        STEP_RUNNERS[step.op](conn, plan, step, compiled)


def _create_table(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    compiled.table.create(conn)


def _add_field(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    assert step.field is not None
    fdef = compiled.fields[step.field]
    with _batch(conn, plan.table_name) as batch:
        batch.add_column(field_column(fdef))
    _create_index(conn, plan.table_name, fdef)


def _rename_field(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    old, new = step.detail["from"], step.detail["to"]
    _drop_index(conn, plan.table_name, old)
    with _batch(conn, plan.table_name) as batch:
        batch.alter_column(old, new_column_name=new)
    _create_index(conn, plan.table_name, compiled.fields[new])


def _archive_field(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    assert step.field is not None
    _drop_index(conn, plan.table_name, step.field)
    with _batch(conn, plan.table_name) as batch:
        batch.alter_column(step.field, new_column_name=step.detail["column"])


def _retype_field(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    assert step.field is not None
    key, archive = step.field, step.detail["archive_column"]
    _drop_index(conn, plan.table_name, key)
    with _batch(conn, plan.table_name) as batch:
        batch.alter_column(key, new_column_name=archive)
    with _batch(conn, plan.table_name) as batch:
        batch.add_column(field_column(compiled.fields[key]))
    moved = Step(step.op, key, {**step.detail, "source_column": archive})
    target = Table(plan.table_name, MetaData(), Column("id"), field_column(compiled.fields[key]))
    stmt = update(target).where(target.c.id == bindparam("row_id")).values({key: bindparam("value")})
    chunk: list[dict[str, Any]] = []
    for row_id, value in _converted(conn, plan, moved, compiled):
        chunk.append({"row_id": row_id, "value": value})
        if len(chunk) >= BATCH:
            conn.execute(stmt, chunk)
            chunk = []
    if chunk:
        conn.execute(stmt, chunk)
    _create_index(conn, plan.table_name, compiled.fields[key])


def _reindex(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    assert step.field is not None
    _drop_index(conn, plan.table_name, step.field)
    _create_index(conn, plan.table_name, compiled.fields[step.field])


def _relabel(conn: Connection, plan: FormMigrationPlan, step: Step, compiled: CompiledForm) -> None:
    return None  # labels live in the definition only


def _index_name(table_name: str, key: str) -> str:
    return sql_name("ix", table_name, key)


def _create_index(conn: Connection, table_name: str, fdef: FieldDef) -> None:
    index = field_index(table_name, fdef)
    if index is not None:
        columns = index_columns(fdef)
        target = Table(table_name, MetaData(), *(Column(c) for c in columns))
        Index(index.name, *(target.c[c] for c in columns), unique=index.unique).create(conn)


def _drop_index(conn: Connection, table_name: str, key: str) -> None:
    name = _index_name(table_name, key)
    Operations(MigrationContext.configure(conn)).execute(f'DROP INDEX IF EXISTS "{name}"')


STEP_RUNNERS = {
    "create_table": _create_table,
    "add_field": _add_field,
    "rename_field": _rename_field,
    "archive_field": _archive_field,
    "retype_field": _retype_field,
    "index": _reindex,
    "relabel": _relabel,
}

__all__ = ["apply_plan", "unconvertible_rows"]
