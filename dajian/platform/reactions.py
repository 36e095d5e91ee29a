"""What happens after a record changes: one ordered list of reactions, run inside the change's transaction.

The record service (``records.py``) writes the record and its audit entry (``audit.py``, the one audit
writer), then calls ``react`` with the change. ``REACTIONS`` run in this order, each with the same
signature ``step(conn, event, scope)``:

1. ``sla``       — running flows on the record whose SLA clock pauses or resumes on its values (``pause_when``)
2. ``webhooks``  — subscriptions that want this event are put in the outbox
3. ``timers``    — time-triggered rules on a date field of the record are (re-)armed
4. ``rules``     — the rules of this event decide; what they set on the record is ONE nested update, which
                   goes through this same pipeline one level deeper (cut at the rule set's ``max_depth``);
                   then the flows they start (flow start, its assignees and SLA) and their notifications
5. ``search``    — NOT run per change: the outermost change indexes every record the scope touched ONCE,
                   on its final state, with an idempotent upsert (``flush``). A new record that no
                   reaction can change (no rule on ``created``) gets its index row with its insert instead
                   (``index_with_insert``: on PostgreSQL, one statement with the record and its audit entry)

The change's record (``event.new``) is passed along; the scope keeps the latest state of every record it
touched, so nobody re-reads a row it just wrote. Warnings that the client must see (a rule's flow
failed to start) are collected on the scope and answered with the record as ``_warnings``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table

from dajian.platform.apps import RuntimeApp
from dajian.platform.events import RecordEvent

RecordKey = tuple[int, str, int]  # (app id, form key, record id)


@dataclass
class Touched:
    """The latest state of one record within a scope (None: deleted), for the search index and replies."""

    version_id: int
    whole: bool  # created or restored: index it whatever changed
    created: bool  # created in this scope: it has no index row yet (one plain INSERT)
    state: Mapping[str, Any] | None
    changed: set[str] = field(default_factory=set)


@dataclass
class Scope:
    """One user action's chain of changes (the outermost change and everything rules did after it)."""

    touched: dict[RecordKey, Touched] = field(default_factory=dict)
    indexed: set[RecordKey] = field(default_factory=set)  # indexed with their insert, final unless changed again
    warnings: dict[RecordKey, list[dict[str, str]]] = field(default_factory=dict)
    # the current version of each app, once looked up: no publish happens inside a user action's change
    current: dict[int, RuntimeApp] = field(default_factory=dict)
    flows_started: set[tuple[int, str, int]] = field(default_factory=set)  # (app id, flow key, record id)

    def note(self, event: RecordEvent) -> None:
        key = (event.app_id, event.form_key, event.record_id)
        if event.kind != "created":
            self.indexed.discard(key)
        seen = self.touched.get(key)
        if seen is None:
            seen = self.touched[key] = Touched(event.version_id, False, event.kind == "created", event.new)
        seen.whole = seen.whole or event.kind in ("created", "restored")
        seen.state = event.new
        seen.changed |= event.changed

    def checkpoint(self) -> dict[RecordKey, Touched]:
        """What the scope knows now: a step that fails in a savepoint puts it back (``restore``)."""
        return {k: Touched(t.version_id, t.whole, t.created, t.state, set(t.changed)) for k, t in self.touched.items()}

    def restore(self, saved: dict[RecordKey, Touched]) -> None:
        self.touched = saved

    def latest(self, app_id: int, form_key: str, record_id: int) -> Mapping[str, Any] | None:
        seen = self.touched.get((app_id, form_key, record_id))
        return seen.state if seen is not None else None

    def warn(self, app_id: int, form_key: str, record_id: int, path: str, message: str) -> None:
        self.warnings.setdefault((app_id, form_key, record_id), []).append({"path": path, "message": message})


Reaction = Callable[[Connection, RecordEvent, Scope], None]
_SCOPE: ContextVar[Scope | None] = ContextVar("reaction_scope", default=None)


def current_scope() -> Scope | None:
    return _SCOPE.get()


def known_record(app_id: int, form_key: str, record_id: int) -> dict[str, Any] | None:
    """The record as the running scope last wrote it (a copy), or None when it must be read."""
    running = _SCOPE.get()
    state = running.latest(app_id, form_key, record_id) if running is not None else None
    return dict(state) if state is not None else None


def current_runtime(app_id: int, look_up: Callable[[], RuntimeApp | None]) -> RuntimeApp | None:
    """The app's current runtime: ``look_up()`` reads it once per scope (flow start and the flow's rules
    both ask), or every time outside one."""
    running = _SCOPE.get()
    found = running.current.get(app_id) if running is not None else None
    if found is None:
        found = look_up()
        if running is not None and found is not None:
            running.current[app_id] = found
    return found


def note_flow_started(app_id: int, flow_key: str, record_id: int) -> None:
    running = _SCOPE.get()
    if running is not None:
        running.flows_started.add((app_id, flow_key, record_id))


def no_flow_can_run(app_id: int, form_key: str, flow_key: str, record_id: int) -> bool:
    """True when no instance of the flow can be running on the record: the record was created in this
    user action and the flow was not started on it since (so the check for a second run reads nothing).
    A start undone by a failed savepoint stays noted: then the check reads, which is merely slower."""
    running = _SCOPE.get()
    if running is None or (app_id, flow_key, record_id) in running.flows_started:
        return False
    seen = running.touched.get((app_id, form_key, record_id))
    return seen is not None and seen.created


@contextmanager
def scope(conn: Connection, runtime: RuntimeApp | None = None) -> Iterator[Scope]:
    """Join the running scope, or open one: its end indexes every touched record once (``flush``).

    ``runtime``: the app version the opening change writes with, which its reactions (flow start, the
    flow's rules) take as the app's current version instead of looking it up again."""
    running = _SCOPE.get()
    if running is not None:
        yield running
        return
    opened = Scope(current={runtime.app_id: runtime} if runtime is not None else {})
    token = _SCOPE.set(opened)
    try:
        yield opened
        flush(conn, opened)
    finally:
        _SCOPE.reset(token)


def _sla(conn: Connection, event: RecordEvent, scope: Scope) -> None:
    from dajian.platform.flows.sla import on_record_event

    on_record_event(conn, event)


def _webhooks(conn: Connection, event: RecordEvent, scope: Scope) -> None:
    from dajian.platform.rules.listener import subscriptions

    subscriptions(conn, event)


def _timers(conn: Connection, event: RecordEvent, scope: Scope) -> None:
    from dajian.platform.rules.listener import timers_of

    timers_of(conn, event)


def _rules(conn: Connection, event: RecordEvent, scope: Scope) -> None:
    from dajian.platform.rules.listener import on_record_event

    on_record_event(conn, event)


# The order is the contract: read it top to bottom. (Imports are inside the steps because the rules and
# flows write records through the record service, which calls this module.)
REACTIONS: tuple[tuple[str, Reaction], ...] = (
    ("sla", _sla),
    ("webhooks", _webhooks),
    ("timers", _timers),
    ("rules", _rules),
)


def react(conn: Connection, event: RecordEvent) -> None:
    """Run every reaction on one change, in order (the search index follows when the scope ends)."""
    with scope(conn) as running:
        running.note(event)
        for _name, step in REACTIONS:
            step(conn, event, running)


def index_with_insert(runtime: RuntimeApp, form_key: str,
                      record: Mapping[str, Any]) -> tuple[Table, dict[str, Any]] | None:
    """The search index row to insert together with a new record (PostgreSQL: in the same statement), when
    no reaction can change the record as it is created (no rule of its form on ``created``) and it has
    words; None: the search step indexes it when the scope ends."""
    from dajian.platform.rules.plans import ruleset_for
    from dajian.platform.search.index import document_values

    rules = ruleset_for(runtime)
    if rules is not None and rules.for_signal(form_key, "created"):
        return None
    return document_values(runtime, form_key, record)


def flush(conn: Connection, done: Scope) -> None:
    """Index each record the scope touched, once, on its final state."""
    from dajian.platform.search.index import index_final

    for (app_id, form_key, record_id), seen in done.touched.items():
        if (app_id, form_key, record_id) in done.indexed:
            continue
        index_final(conn, app_id=app_id, form_key=form_key, record_id=record_id, version_id=seen.version_id,
                    whole=seen.whole, created=seen.created, state=seen.state, changed=frozenset(seen.changed))
