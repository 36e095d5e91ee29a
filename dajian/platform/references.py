"""Fields that point at platform rows (users, departments, files, …) must name
rows of the acting organisation. Kinds declare ``references = NAME``; the
platform registers where NAME lives. All checks of one request run as one
``UNION ALL`` query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, literal, select, union_all

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


def check_references(
    conn: Connection, *, org_id: int, kinds: Mapping[str, FieldKind], rows: Sequence[Mapping[str, Any]],
    path_prefix: str = "",
) -> list[dict[str, str]]:
    wanted: dict[str, set[int]] = {}
    for row in rows:
        for key, kind in kinds.items():
            if kind.references and row.get(key) is not None:
                wanted.setdefault(kind.references, set()).update(referenced_ids(row[key]))
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


_STATEMENTS: dict[tuple[str, ...], Any] = {}


def _statement(names: tuple[str, ...]) -> Any:
    """One UNION ALL per set of referenced kinds, built once with expanding IN parameters."""
    statement = _STATEMENTS.get(names)
    if statement is None:
        queries = [
            select(literal(name).label("kind"), REFERENCE_TABLES[name].c.id).where(
                REFERENCE_TABLES[name].c.org_id == bindparam("org"),
                REFERENCE_TABLES[name].c.id.in_(bindparam(f"ids_{name}", expanding=True)))
            for name in names
        ]
        statement = queries[0] if len(queries) == 1 else union_all(*queries)
        _STATEMENTS[names] = statement
    return statement


def _existing(conn: Connection, org_id: int, wanted: dict[str, set[int]]) -> set[tuple[str, int]]:
    names = tuple(sorted(wanted))
    params: dict[str, Any] = {"org": org_id, **{f"ids_{n}": sorted(wanted[n]) for n in names}}
    return {(kind, ident) for kind, ident in conn.execute(_statement(names), params)}
