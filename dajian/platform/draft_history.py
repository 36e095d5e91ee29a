"""The designer's draft history and recycle bin, kept on the server.

Every draft save is recorded (``record``), a bounded number per app: saves by the same author within
``BURST`` of the previous one replace it, so a minute of autosaves is one entry. An entry can be viewed
and restored as the draft. The recycle bin is the designer's list of deleted elements, each with the
JSON operations that put it back; the server keeps it as given (bounded) so a deleted element can be
restored after a reload on another machine.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import RowMapping

from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.models import draft_history, draft_trash

KEEP = 50
BURST = timedelta(seconds=60)
TRASH_ITEMS = 100
TRASH_BYTES = 2_000_000

_SUMMARY = [draft_history.c[c] for c in ("id", "author_id", "saved_at", "content_hash", "size")]


def _encoded(draft: Any) -> str:
    return json.dumps(draft, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record(conn: Connection, *, app_id: int, author_id: int | None, draft: Any) -> None:
    """Add a draft save to the app's history (or fold it into the author's entry of the last minute)."""
    text = _encoded(draft)
    digest = hashlib.sha256(text.encode()).hexdigest()
    now = utcnow()
    last = conn.execute(select(*_SUMMARY).where(draft_history.c.app_id == app_id)
                        .order_by(draft_history.c.id.desc()).limit(1)).mappings().first()
    if last is not None and last["content_hash"] == digest:
        return
    values = {"author_id": author_id, "saved_at": now, "content_hash": digest, "size": len(text), "draft": draft}
    if last is not None and last["author_id"] == author_id and now - last["saved_at"] < BURST:
        conn.execute(update(draft_history).where(draft_history.c.id == last["id"]).values(**values))
        return
    conn.execute(insert(draft_history).values(app_id=app_id, **values))
    kept = (select(draft_history.c.id).where(draft_history.c.app_id == app_id)
            .order_by(draft_history.c.id.desc()).limit(KEEP).scalar_subquery())
    conn.execute(delete(draft_history).where(draft_history.c.app_id == app_id, draft_history.c.id.not_in(kept)))


def entries(conn: Connection, app_id: int) -> list[dict[str, Any]]:
    """The app's draft saves, newest first, without their documents."""
    query = select(*_SUMMARY).where(draft_history.c.app_id == app_id).order_by(draft_history.c.id.desc())
    return [dict(r) for r in conn.execute(query).mappings()]


def entry(conn: Connection, app_id: int, entry_id: int) -> RowMapping:
    query = select(*_SUMMARY, draft_history.c.draft).where(
        draft_history.c.app_id == app_id, draft_history.c.id == entry_id)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"the draft history has no entry {entry_id}")
    return row


def trash(conn: Connection, app_id: int) -> list[Any]:
    items = conn.execute(select(draft_trash.c["items"]).where(draft_trash.c.app_id == app_id)).scalar()
    return list(items) if isinstance(items, list) else []


def keep_trash(conn: Connection, *, app_id: int, user_id: int | None, items: list[Any]) -> list[Any]:
    """Replace the app's recycle bin with ``items`` (newest first), refused when too large."""
    if len(_encoded(items)) > TRASH_BYTES:
        raise Invalid("the recycle bin is too large", errors=[{"path": "/items", "message": "too large"}])
    items = items[:TRASH_ITEMS]
    values = {"items": items, "updated_by": user_id, "updated_at": utcnow()}
    changed = conn.execute(update(draft_trash).where(draft_trash.c.app_id == app_id).values(**values)).rowcount
    if not changed:
        conn.execute(insert(draft_trash).values(app_id=app_id, **values))
    return items
