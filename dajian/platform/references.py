"""Fields that point at platform rows (users, departments, files, …) must name
rows of the acting organisation. Kinds declare ``references = NAME``; the
platform registers where NAME lives. All checks of one request run as one
``UNION ALL`` query.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, func, insert, literal, select, union_all

from dajian.engines.form.fields import FieldKind
from dajian.platform.models import departments, users

REFERENCE_TABLES: dict[str, Table] = {"user": users, "department": departments}


def register_reference(name: str, table: Table) -> None:
    """``table`` needs ``id`` and ``org_id`` columns."""
    REFERENCE_TABLES[name] = table


def referenced_ids(value: Any) -> list[int]:
    """An id, a list of ids, or a list of ``{"id": …}`` objects (files)."""
    items = value if isinstance(value, list) else [value]
    ids = [item.get("id") if isinstance(item, dict) else item for item in items]
    return [i for i in ids if isinstance(i, int)]


def _wanted(kinds: Mapping[str, FieldKind], rows: Sequence[Mapping[str, Any]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for row in rows:
        for key, kind in kinds.items():
            if kind.references and row.get(key) is not None:
                wanted.setdefault(kind.references, set()).update(referenced_ids(row[key]))
    return {name: ids for name, ids in wanted.items() if ids}


def check_references(
    conn: Connection, *, org_id: int, kinds: Mapping[str, FieldKind], rows: Sequence[Mapping[str, Any]],
    path_prefix: str = "",
) -> list[dict[str, str]]:
    wanted = _wanted(kinds, rows)
    if not wanted:
        return []
    found = _existing(conn, org_id, wanted)
    issues = []
    for i, row in enumerate(rows):
        prefix = f"{path_prefix}/{i}" if path_prefix else ""
        for key, kind in kinds.items():
            if not kind.references or row.get(key) is None:
                continue
            for missing in (r for r in referenced_ids(row[key]) if (kind.references, r) not in found):
                issues.append({"path": f"{prefix}/{key}", "message": f"no {kind.references} with id {missing}"})
    return issues


_STATEMENTS: dict[tuple[tuple[str, int], ...], Any] = {}
_FIXED_UP_TO = 16  # ids of one kind; more use one expanding parameter (re-rendered on every execution)


@dataclass(frozen=True)
class ReferenceGuard:
    """``check_references`` as a condition to put in the statement that writes the row (PostgreSQL: the
    record's INSERT ... SELECT ... WHERE guard), which saves the check its own round trip. A write that
    the guard stops writes nothing; then ``check_references`` says which reference failed.

    ``key`` names the condition's shape (kinds and id counts): statements are built once per key."""

    key: Hashable
    condition: ColumnElement[bool]
    params: dict[str, Any]


_GUARDS: dict[tuple[tuple[str, int], ...], ColumnElement[bool]] = {}


def reference_guard(*, org_id: int, kinds: Mapping[str, FieldKind], row: Mapping[str, Any]) -> ReferenceGuard | None:
    """``{"assignee": 7, "team": 3}`` gives ``(SELECT count(*) FROM departments WHERE org_id = :g_org AND
    id IN (:g_department_0)) = :g_department_n AND (SELECT count(*) FROM users …) = :g_user_n``: every
    referenced id is a row of the organisation (ids are primary keys, so the count is of distinct ids).
    None when the row references nothing."""
    wanted = _wanted(kinds, [row])
    if not wanted:
        return None
    shape = _shape(wanted)
    condition = _GUARDS.get(shape)
    if condition is None:
        counts = []
        for name, count in shape:
            table = REFERENCE_TABLES[name]
            ids = (bindparam(f"g_{name}", expanding=True) if count > _FIXED_UP_TO
                   else [bindparam(f"g_{name}_{i}") for i in range(count)])
            found = (select(func.count()).select_from(table)
                     .where(table.c.org_id == bindparam("g_org"), table.c.id.in_(ids)).scalar_subquery())
            counts.append(found == bindparam(f"g_{name}_n"))
        condition = _GUARDS.setdefault(shape, and_(*counts))
    params: dict[str, Any] = {"g_org": org_id}
    for name, count in shape:
        ids = sorted(wanted[name])
        params[f"g_{name}_n"] = len(ids)
        if count > _FIXED_UP_TO:
            params[f"g_{name}"] = ids
        else:
            params.update({f"g_{name}_{i}": ident for i, ident in enumerate(ids)})
    return ReferenceGuard(("references", shape), condition, params)


_GUARDED_INSERTS: dict[tuple[int, Hashable], tuple[Table, Any]] = {}


def guarded_insert(table: Table, guard: ReferenceGuard) -> Any:
    """``INSERT INTO table (...) SELECT :v_a, :v_b, ... WHERE <guard> RETURNING id``: no row when the guard
    fails. Parameters ``v_<column>`` for every column but ``id``, plus the guard's. Built once per shape."""
    key = (id(table), guard.key)
    cached = _GUARDED_INSERTS.get(key)
    if cached is not None and cached[0] is table:
        return cached[1]
    row = {c.key: bindparam(f"v_{c.key}", type_=c.type) for c in table.c if c.key != "id"}
    statement = (insert(table).from_select(list(row), select(*row.values()).where(guard.condition))
                 .returning(table.c.id))
    _GUARDED_INSERTS[key] = (table, statement)
    return statement


def _shape(wanted: dict[str, set[int]]) -> tuple[tuple[str, int], ...]:
    return tuple((name, len(wanted[name]) if len(wanted[name]) <= _FIXED_UP_TO else _FIXED_UP_TO + 1)
                 for name in sorted(wanted))


def _statement(shape: tuple[tuple[str, int], ...]) -> Any:
    """One UNION ALL per set of referenced kinds and id counts, built once. A fixed parameter per id
    lets SQLAlchemy reuse the compiled SQL; an expanding IN is rendered again on every execution,
    which was the largest Python cost of checking a create's references."""
    statement = _STATEMENTS.get(shape)
    if statement is None:
        queries = []
        for name, count in shape:
            table = REFERENCE_TABLES[name]
            ids = (bindparam(f"ids_{name}", expanding=True) if count > _FIXED_UP_TO
                   else [bindparam(f"ids_{name}_{i}") for i in range(count)])
            queries.append(select(literal(name).label("kind"), table.c.id).where(
                table.c.org_id == bindparam("org"), table.c.id.in_(ids)))
        statement = queries[0] if len(queries) == 1 else union_all(*queries)
        _STATEMENTS[shape] = statement
    return statement


def _existing(conn: Connection, org_id: int, wanted: dict[str, set[int]]) -> set[tuple[str, int]]:
    shape = _shape(wanted)
    params: dict[str, Any] = {"org": org_id}
    for name, count in shape:
        ids = sorted(wanted[name])
        if count > _FIXED_UP_TO:
            params[f"ids_{name}"] = ids
        else:
            params.update({f"ids_{name}_{i}": ident for i, ident in enumerate(ids)})
    return {(kind, ident) for kind, ident in conn.execute(_statement(shape), params)}
