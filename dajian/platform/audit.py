"""The one audit writer (DESIGN §6): who, when, what, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from dajian.platform.clock import utcnow
from dajian.platform.models import audit_log


def jsonable(value: Any) -> Any:
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
