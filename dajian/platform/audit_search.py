"""Reading the audit log (DESIGN §6) the way an administrator asks: by actor, action, object type, app,
form, record and time range, newest first, one keyset page at a time (``before_id``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dajian.platform.errors import Invalid
from dajian.platform.models import apps, audit_log

# What the one audit writer is called with as ``entity`` (a test keeps this in step with the code)
ENTITIES = ("record", "definition", "flow", "comment", "permission", "user", "department", "session", "token",
            "job", "webhook", "template", "market_publisher", "market_version")


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    entity: str | None = None
    app: str | None = None
    form_key: str | None = None
    record_id: int | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def utc(value: datetime | None, path: str) -> datetime | None:
    """An aware time in UTC; one that has no UTC equivalent (year 1 at +05:00) is refused at ``path``."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise Invalid("the time is out of range", errors=[{"path": path, "message": "out of range"}]) from None


def search(conn: Connection, org_id: int, where: AuditFilter, *, before_id: int | None = None,
           limit: int = 100) -> list[dict[str, Any]]:
    """Entries of ``org_id`` matching every given filter, newest first, with the app's key beside its id."""
    log = audit_log.c
    query = (select(audit_log, apps.c.key.label("app"))
             .outerjoin(apps, apps.c.id == log.app_id)
             .where(log.org_id == org_id))  # fmt: skip
    equal = {log.actor_id: where.actor_id, log.action: where.action, log.entity: where.entity,
             apps.c.key: where.app, log.form_key: where.form_key, log.record_id: where.record_id}
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if where.since is not None:
        query = query.where(log.at >= where.since)
    if where.until is not None:
        query = query.where(log.at < where.until)
    if before_id is not None:
        query = query.where(log.id < before_id)
    rows = conn.execute(query.order_by(log.id.desc()).limit(limit)).mappings()
    return [dict(row) for row in rows]
