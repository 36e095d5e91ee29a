"""Applying what rules decided, in the triggering change's transaction.

Order: records in other forms are created or updated first (so their ids can be linked back), then the
triggering record gets every field the rules set in ONE update (a new event, one level deeper), then flows
start, then messages and webhooks are put in the outbox (jobs sent after commit, once per key). Each step
runs in a savepoint: a failing action is logged against its rule and leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from dajian.engines.rule import CallWebhook, CreateRecord, Effect, Notify, Outcome, StartFlow, UpdateRecords
from dajian.platform import reactions
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.db import is_sqlite
from dajian.platform.errors import DajianError
from dajian.platform.records import FormContext, change_record, create_records, form_context

from . import outbox
from .plans import system_principal
from .tables import rule_dedupe

log = logging.getLogger(__name__)
APPLY_ERRORS = (DajianError, SQLAlchemyError, ValueError, TypeError)
REFUSALS = (DajianError, ValueError, TypeError)  # raised in Python, before a statement is sent


def describe(effect: Effect) -> dict[str, Any]:
    """An effect as the log and the dry run show it."""
    return {"kind": type(effect).__name__, **jsonable(dataclasses.asdict(effect))}


@dataclass
class Applier:
    conn: Connection
    runtime: RuntimeApp
    form_key: str
    record_id: int
    depth: int
    actor: int | None
    key_base: str | None = None
    deleted: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    def context(self, form_key: str, action: str) -> FormContext:
        principal = system_principal(self.runtime.org_id, self.actor)
        ctx = form_context(self.conn, principal, self.runtime, form_key, action)
        return dataclasses.replace(ctx, depth=self.depth + 1)

    def guarded(self, rules: list[str], step: Callable[[], None], *, savepoint: bool = True) -> None:
        """Run ``step``; if it fails, the rules are logged as failed and the change goes on without its writes.
        ``savepoint=False`` is for a step that writes with one statement after everything that can refuse
        (a notification's jobs): a refusal comes before any write, so there is nothing to undo, and the two
        round trips of a savepoint are saved; a database error there fails the whole change, as elsewhere."""
        scope = reactions.current_scope()
        saved = scope.checkpoint() if scope is not None else None
        try:
            if savepoint:
                with self.conn.begin_nested():
                    step()
            else:
                step()
        except Exception as exc:
            if not isinstance(exc, APPLY_ERRORS if savepoint else REFUSALS):
                raise
            if scope is not None and saved is not None:
                scope.restore(saved)  # the savepoint undid the writes: forget their states too
            detail = getattr(exc, "errors", None)
            message = f"{type(exc).__name__}: {exc}" + (f" {detail}" if detail else "")
            log.warning("rules %s on %s %s failed: %s", rules, self.form_key, self.record_id, message)
            for rule in rules:
                self.errors.setdefault(rule, message)

    def apply(self, outcome: Outcome) -> dict[str, str]:
        fired = [r for r in outcome.runs if r.fired]
        if any(isinstance(e, Notify | CallWebhook) for r in fired for e in r.effects):
            self.base()  # keys of the outbox name the record version this event produced
        values = dict(outcome.values)
        setters = [r.rule for r in fired if r.values]
        for run in fired:
            for effect in run.effects:
                if isinstance(effect, CreateRecord | UpdateRecords):
                    self.guarded([run.rule], partial(self.records, run.rule, effect, values))
        if values and not self.deleted:
            self.guarded(setters, lambda: self.write(values))
        for run in fired:
            for n, effect in enumerate(run.effects):
                if isinstance(effect, StartFlow | Notify | CallWebhook) and run.rule not in self.errors:
                    self.guarded([run.rule], partial(self.external, run.rule, n, effect),
                                 savepoint=not isinstance(effect, Notify))
        return self.errors

    def row_version(self) -> int:
        known = reactions.known_record(self.runtime.app_id, self.form_key, self.record_id)
        if known is not None and known.get("row_version") is not None:
            return int(known["row_version"])
        table = self.runtime.form(self.form_key).table
        return int(self.conn.execute(select(table.c.row_version).where(table.c.id == self.record_id)).scalar_one())

    def write(self, values: dict[str, Any]) -> None:
        """The triggering record gets what the rules set: one nested change through the same reactions."""
        ctx = self.context(self.form_key, "update")
        change_record(self.conn, ctx, self.record_id, jsonable(values), row_version=self.row_version())

    def records(self, rule: str, effect: CreateRecord | UpdateRecords, values: dict[str, Any]) -> None:
        if isinstance(effect, UpdateRecords):
            self.update_others(effect)
            return
        key = DedupeKey(self.runtime.app_id, rule, effect.form, effect.dedupe) if effect.dedupe is not None else None
        target = claim_dedupe(self.conn, key) if key is not None else None
        if target is None:
            ctx = self.context(effect.form, "create")
            target = int(create_records(self.conn, ctx, [jsonable(dict(effect.values))])[0]["id"])
            if key is not None:
                settle_dedupe(self.conn, key, target)
        if effect.link_back:
            values[effect.link_back] = target

    def update_others(self, effect: UpdateRecords) -> None:
        ctx = self.context(effect.form, "update")
        table = ctx.table
        query = select(table.c.id, table.c.row_version).where(
            table.c.deleted_at.is_(None), *(table.c[k] == v for k, v in effect.match.items()))
        for row in self.conn.execute(query.order_by(table.c.id).limit(effect.limit)).all():
            if not (effect.form == self.form_key and row.id == self.record_id):
                change_record(self.conn, ctx, row.id, jsonable(dict(effect.values)), row_version=row.row_version)

    def external(self, rule: str, n: int, effect: Effect) -> None:
        if isinstance(effect, StartFlow):
            self.start_flow(rule, n, effect)
            return
        key = f"{self.base()}:{rule}:{n}"
        link = {"app": self.runtime.key, "form": self.form_key, "record": self.record_id}
        if isinstance(effect, Notify):
            outbox.notify(self.conn, self.runtime, effect, key=key, link=link, rule=rule)
        elif isinstance(effect, CallWebhook):
            outbox.call_webhook(self.conn, self.runtime, effect, key=key, link=link, rule=rule)

    def start_flow(self, rule: str, n: int, effect: StartFlow) -> None:
        """A flow that cannot start (no one to assign, already running) fails the rule and is told to the
        client: the record is saved and the answer carries ``_warnings`` (as Jira keeps a transition
        whose post-function failed and shows the error)."""
        from dajian.platform.flows.service import start_on

        principal = system_principal(self.runtime.org_id, self.actor)
        try:
            start_on(self.conn, principal, self.runtime, effect.flow, self.record_id)
        except APPLY_ERRORS as exc:
            scope = reactions.current_scope()
            if scope is not None:
                scope.warn(self.runtime.app_id, self.form_key, self.record_id, f"/rules/{rule}",
                           f"flow '{effect.flow}' did not start: {exc}")
            raise

    def base(self) -> str:
        if self.key_base is None:
            self.key_base = f"{self.runtime.app_id}:{self.form_key}:{self.record_id}:v{self.row_version()}"
        return self.key_base


@dataclass(frozen=True)
class DedupeKey:
    """At most one record per key: a ``create`` action's ``dedupe`` value, an inbound delivery id."""

    app_id: int
    source: str  # the rule or channel key
    form_key: str
    value: str

    def where(self) -> list[Any]:
        return [rule_dedupe.c.app_id == self.app_id, rule_dedupe.c.rule_key == self.source,
                rule_dedupe.c.form_key == self.form_key, rule_dedupe.c.dedupe == self.value]


def claim_dedupe(conn: Connection, key: DedupeKey) -> int | None:
    """The record already made for ``key``, or None after claiming it (a unique row: concurrent
    claimants wait for the first one's transaction)."""
    dialect = sqlite if is_sqlite(conn) else postgresql
    claim = dialect.insert(rule_dedupe).values(app_id=key.app_id, rule_key=key.source, form_key=key.form_key,
                                               dedupe=key.value, created_at=utcnow())
    if conn.execute(claim.on_conflict_do_nothing().returning(rule_dedupe.c.id)).scalar() is not None:
        return None
    existing = conn.execute(select(rule_dedupe.c.record_id).where(*key.where())).scalar()
    return int(existing) if existing is not None else None


def settle_dedupe(conn: Connection, key: DedupeKey, record_id: int) -> None:
    conn.execute(update(rule_dedupe).where(*key.where()).values(record_id=record_id))
