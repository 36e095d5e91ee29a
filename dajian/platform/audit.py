"""The one audit writer (DESIGN §6): who, when, what, in the caller's transaction.

Every audit row is written here: alone (``write_audit``, ``write_audit_many``), or on PostgreSQL in the
same statement as what it records (``insert_audited``: a record and its entry; ``write_with_audit``:
flow events and their entry), one round trip instead of two."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date, datetime
from decimal import Decimal
from threading import Lock
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, bindparam, insert, select, update

from dajian.platform.clock import utcnow
from dajian.platform.models import audit_log

_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: one set lookup instead of four isinstance checks
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{"status": ["new", "open"]}`` for every key whose value differs."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [jsonable(before.get(k)), jsonable(after.get(k))]
        for k in keys
        if before.get(k) != after.get(k)
    }


def audit_row(
    *,
    org_id: int,
    actor_id: int | None,
    entity: str,
    action: str,
    changes: Mapping[str, Any],
    app_id: int | None = None,
    form_key: str | None = None,
    record_id: int | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    return {
        "org_id": org_id, "at": utcnow(), "actor_id": actor_id, "entity": entity, "action": action,
        "app_id": app_id, "form_key": form_key, "record_id": record_id,
        "changes": jsonable(dict(changes)), "request_id": request_id,
    }


def write_audit(conn: Connection, **entry: Any) -> None:
    conn.execute(insert(audit_log), [audit_row(**entry)])


_INSERT = insert(audit_log)


def write_audit_many(conn: Connection, entries: list[dict[str, Any]]) -> None:
    if len(entries) == 1:
        conn.execute(_INSERT, entries[0])
    elif entries:
        conn.execute(_INSERT, entries)


_AUDITED: dict[tuple[int, int, Hashable], tuple[Table, Any]] = {}
_LOGGED: dict[int, tuple[Table, Any]] = {}
_LOCK = Lock()


def _audited_insert(table: Table, extra: Table | None, guard: tuple[Hashable, ColumnElement[bool]] | None) -> Any:
    """``WITH new_record AS (INSERT INTO table ... RETURNING id) INSERT INTO audit_log ... SELECT id``
    (and with ``extra``, a row of that table whose ``record_id`` is the new id, in the same statement).
    With ``guard`` (key, condition) the record is ``INSERT ... SELECT ... WHERE condition``: when the
    condition is false nothing is written and the statement returns no row."""
    key = (id(table), id(extra), guard[0] if guard is not None else None)
    cached = _AUDITED.get(key)
    if cached is not None and cached[0] is table:
        return cached[1]
    columns = [c for c in table.c if c.key != "id"]
    row = {c.key: bindparam(f"v_{c.key}", type_=c.type) for c in columns}
    if guard is None:
        record = insert(table).values(row).returning(table.c.id).cte("new_record")
    else:
        record = (insert(table).from_select(list(row), select(*row.values()).where(guard[1]))
                  .returning(table.c.id).cte("new_record"))
    audit_columns = [c for c in audit_log.c if c.key != "id"]
    values = select(*[record.c.id if c.key == "record_id" else bindparam(f"a_{c.key}", type_=c.type)
                      for c in audit_columns])
    statement = insert(audit_log).from_select([c.key for c in audit_columns], values).returning(audit_log.c.record_id)
    if extra is not None:
        extra_columns = [c for c in extra.c if c.key != "id"]
        linked = select(*[record.c.id if c.key == "record_id" else bindparam(f"x_{c.key}", type_=c.type)
                          for c in extra_columns])
        statement = statement.add_cte(insert(extra).from_select([c.key for c in extra_columns], linked)
                                      .cte("also_inserted"))
    with _LOCK:
        _AUDITED[key] = (table, statement)
    return statement


def insert_audited(conn: Connection, table: Table, row: Mapping[str, Any], entry: Mapping[str, Any], *,
                   extra: tuple[Table, Mapping[str, Any]] | None = None,
                   guard: tuple[Hashable, ColumnElement[bool], Mapping[str, Any]] | None = None) -> int | None:
    """PostgreSQL: insert ``row`` into ``table`` and its audit ``entry`` (``record_id`` = the new id) in one
    statement; returns the new id. ``extra=(other table, values)``: one more row, linked by ``record_id``.
    ``guard=(key, condition, its parameters)``: write only if the condition holds, else return None."""
    params = {f"v_{c.key}": row.get(c.key) for c in table.c if c.key != "id"}
    params.update({f"a_{k}": v for k, v in entry.items() if k != "record_id"})
    if extra is not None:
        params.update({f"x_{k}": v for k, v in extra[1].items() if k != "record_id"})
    if guard is not None:
        params.update(guard[2])
    statement = _audited_insert(table, extra[0] if extra else None, guard[:2] if guard is not None else None)
    new_id = conn.execute(statement, params).scalar_one_or_none()
    return int(new_id) if new_id is not None else None


def update_audited(conn: Connection, table: Table, record_id: int, row_version: int, values: Mapping[str, Any],
                   entry: Mapping[str, Any]) -> bool:
    """PostgreSQL: update row ``record_id`` of ``table`` if it is still at ``row_version``, and insert its
    audit ``entry``, in one statement; True when the row was changed (else nothing is written)."""
    statement = _audited_update(table, frozenset(values))
    params = {f"u_{k}": v for k, v in values.items()}
    params.update({f"a_{k}": v for k, v in entry.items() if k != "record_id"})
    params.update(w_id=record_id, w_row_version=row_version)
    return conn.execute(statement, params).first() is not None


_UPDATED: dict[tuple[int, frozenset[str]], tuple[Table, Any]] = {}


def _audited_update(table: Table, keys: frozenset[str]) -> Any:
    """``WITH changed AS (UPDATE table ... RETURNING id) INSERT INTO audit_log ... SELECT id``, built once
    per table and set of changed columns (building it per call cost more CPU than running it)."""
    cached = _UPDATED.get((id(table), keys))
    if cached is not None and cached[0] is table:
        return cached[1]
    changed = (update(table)
               .where(table.c.id == bindparam("w_id"), table.c.row_version == bindparam("w_row_version"))
               .values({table.c[k]: bindparam(f"u_{k}", type_=table.c[k].type) for k in sorted(keys)})
               .returning(table.c.id).cte("changed"))
    columns = [c for c in audit_log.c if c.key != "id"]
    values = select(*[changed.c.id if c.key == "record_id" else bindparam(f"a_{c.key}", type_=c.type)
                      for c in columns])
    statement = insert(audit_log).from_select([c.key for c in columns], values).returning(audit_log.c.record_id)
    with _LOCK:
        _UPDATED[(id(table), keys)] = (table, statement)
    return statement


def _logged_insert(table: Table) -> Any:
    cached = _LOGGED.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    statement = (insert(audit_log).values({c: bindparam(f"a_{c.name}", type_=c.type) for c in audit_log.c
                                           if c.name != "id"})
                 .add_cte(insert(table).values({c: bindparam(f"e_{c.name}", type_=c.type)
                                                for c in table.c if c.name != "id"}).cte("logged")))  # fmt: skip
    with _LOCK:
        _LOGGED[id(table)] = (table, statement)
    return statement


def write_with_audit(conn: Connection, table: Table, rows: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """Insert ``rows`` into ``table`` (e.g. flow events) and the audit ``entry``: one statement on PostgreSQL."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        write_audit_many(conn, [entry])
    elif len(rows) == 1:
        conn.execute(_logged_insert(table), {**{f"e_{k}": v for k, v in rows[0].items()},
                                             **{f"a_{k}": v for k, v in entry.items()}})
    else:
        conn.execute(insert(audit_log).values(entry).add_cte(insert(table).values(rows).cte("logged")))
