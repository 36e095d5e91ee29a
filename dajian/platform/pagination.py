"""Sorting and keyset pagination for record lists.

A page ends with a cursor holding the last row's sort values and id; the
next page asks for rows strictly after it. Unlike OFFSET, the cost of page
N does not grow with N. Nulls always sort last, in both directions.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, false, or_, tuple_
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.elements import UnaryExpression

from dajian.engines.form.compile import CompiledForm
from dajian.platform.audit import jsonable
from dajian.platform.errors import Invalid

NOT_NULL = {"id", "created_at", "updated_at", "row_version"}
SORTABLE_STANDARD = {"id", "created_at", "updated_at", "created_by", "owner_id", "dept_id", "row_version"}


@dataclass(frozen=True)
class SortKey:
    key: str
    descending: bool


def parse_sort(spec: str | None, form: CompiledForm) -> list[SortKey]:
    """``"-created_at,title"`` -> created_at descending, title ascending, then id as tie-breaker."""
    keys: list[SortKey] = []
    for part in (spec or "-created_at").split(","):
        part = part.strip()
        name = part.lstrip("-")
        if name not in SORTABLE_STANDARD and name not in form.fields:
            raise Invalid("cannot sort", errors=[{"path": "/sort", "message": f"unknown field '{name}'"}])
        kind = form.kinds.get(name)
        if kind is not None and not kind.sortable:
            raise Invalid("cannot sort", errors=[{"path": "/sort", "message": f"cannot sort by field '{name}'"}])
        keys.append(SortKey(name, part.startswith("-")))
    if not any(k.key == "id" for k in keys):
        keys.append(SortKey("id", keys[-1].descending if keys else True))
    return keys


def order_by(table: Table, sort: list[SortKey]) -> list[UnaryExpression[Any]]:
    out = []
    for k in sort:
        col = table.c[k.key]
        expr = col.desc() if k.descending else col.asc()
        out.append(expr if k.key in NOT_NULL else expr.nulls_last())
    return out


def keyset_after(table: Table, sort: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    if all(k.key in NOT_NULL for k in sort) and len({k.descending for k in sort}) == 1:
        # one row-value comparison lets the (created_at, id) index serve the page directly
        cols = tuple_(*(table.c[k.key] for k in sort))
        vals = tuple_(*values)
        return cols < vals if sort[0].descending else cols > vals
    clauses = []
    for i, k in enumerate(sort):
        equal = [_equals(table.c[s.key], v) for s, v in zip(sort[:i], values[:i], strict=True)]
        clauses.append(and_(*equal, _beyond(table.c[k.key], values[i], k.descending)))
    return or_(*clauses)


def _equals(col: Any, value: Any) -> ColumnElement[bool]:
    return col.is_(None) if value is None else col == value  # type: ignore[no-any-return]


def _beyond(col: Any, value: Any, descending: bool) -> ColumnElement[bool]:
    if value is None:
        return false()  # nulls are last: nothing sorts after a null but other nulls (tie-broken by id)
    return or_(col < value if descending else col > value, col.is_(None))


def encode_cursor(row: RowMapping, sort: list[SortKey]) -> str:
    raw = json.dumps([jsonable(row[k.key]) for k in sort], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: list[SortKey], form: CompiledForm) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(sort):
            raise ValueError("shape")
        return [_decode_value(form, k.key, v) for k, v in zip(sort, values, strict=True)]
    except (ValueError, TypeError, json.JSONDecodeError):
        raise Invalid("bad cursor", errors=[{"path": "/after", "message": "not a cursor from this list"}]) from None


def _decode_value(form: CompiledForm, key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in ("created_at", "updated_at"):
        return datetime.fromisoformat(value)
    if key in SORTABLE_STANDARD:
        if not isinstance(value, int):
            raise ValueError(key)
        return value
    return form.kinds[key].coerce(form.fields[key], value)
