"""Idempotency keys: a retried create answers the first answer again instead of making a second record.

A client sends ``Idempotency-Key: <its own unique string>`` with a create. The first request
claims the key by inserting a row (unique on organisation, scope and key) in the same
transaction as the record it creates, and stores its answer there before commit; so either the
record and its key are both stored or neither is. A repeat with the same key and the same
request (``fingerprint``) gets the stored answer; the same key with another request is refused
(422). A concurrent repeat waits on the unique index for the first transaction, then reads its
answer — the same approach as the dedupe keys of rule-created records and inbound webhooks
(``rules.apply.claim_dedupe``), with the answer kept and an expiry. Keys expire after 24 hours.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from dajian.platform.clock import utcnow
from dajian.platform.db import is_sqlite
from dajian.platform.errors import Conflict, Invalid
from dajian.platform.models import idempotency_keys

TTL = timedelta(hours=24)
PURGE_EVERY = 512  # every 512th claimed key also deletes the expired ones
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class KeyRef:
    """Whose key it is: ``scope`` is ``user:<id>`` for a signed-in principal, ``public`` for anonymous links."""

    org_id: int
    scope: str
    key: str
    fingerprint: str

    def where(self) -> list[Any]:
        c = idempotency_keys.c
        return [c.org_id == self.org_id, c.scope == self.scope, c.key == self.key]


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def fingerprint(method: str, path: str, body: Any) -> str:
    """The request a key stands for: ``fingerprint("POST", "/api/x", {"b": 1, "a": 2})`` ignores key order."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(conn: Connection, ref: KeyRef) -> Answer | None:
    """The stored answer for a repeat of ``ref``, or None after claiming the key for this transaction."""
    for _ in range(2):  # a second round after removing an expired key
        claimed = _insert(conn, ref)
        if claimed is not None:
            if claimed % PURGE_EVERY == 0:
                purge_expired(conn)
            return None
        row = conn.execute(select(idempotency_keys).where(*ref.where())).mappings().first()
        if row is None:  # taken and released (rolled back) between our two statements: try again
            continue
        if row["created_at"] < utcnow() - TTL:
            conn.execute(delete(idempotency_keys).where(idempotency_keys.c.id == row["id"]))
            continue
        return _answer(row, ref)
    raise Conflict(f"a request with this {HEADER} is in progress; retry it",
                   errors=[{"path": f"/{HEADER}", "message": "in progress"}])


def settled(conn: Connection, ref: KeyRef) -> Answer | None:
    """The answer already stored for ``ref`` (a retry of a finished request), without claiming anything."""
    row = conn.execute(select(idempotency_keys).where(*ref.where())).mappings().first()
    if row is None or row["status"] is None or row["created_at"] < utcnow() - TTL:
        return None
    return _answer(row, ref)


def settle(conn: Connection, ref: KeyRef, answer: Answer) -> None:
    """Keep the answer to replay (in the claiming transaction)."""
    conn.execute(update(idempotency_keys).where(*ref.where()).values(status=answer.status, response=answer.body))


def purge_expired(conn: Connection) -> int:
    cutoff = utcnow() - TTL
    return conn.execute(delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff)).rowcount


def _insert(conn: Connection, ref: KeyRef) -> int | None:
    dialect = sqlite if is_sqlite(conn) else postgresql
    stmt = dialect.insert(idempotency_keys).values(org_id=ref.org_id, scope=ref.scope, key=ref.key,
                                                   fingerprint=ref.fingerprint, created_at=utcnow())
    new_id = conn.execute(stmt.on_conflict_do_nothing().returning(idempotency_keys.c.id)).scalar()
    return int(new_id) if new_id is not None else None


def _answer(row: Any, ref: KeyRef) -> Answer:
    if row["fingerprint"] != ref.fingerprint:
        raise Invalid(f"this {HEADER} was already used with a different request",
                      errors=[{"path": f"/{HEADER}", "message": "reused with another request body or path"}])
    if row["status"] is None:  # only a transaction that never settled could leave this
        raise Conflict(f"a request with this {HEADER} is in progress; retry it",
                       errors=[{"path": f"/{HEADER}", "message": "in progress"}])
    return Answer(int(row["status"]), row["response"])
