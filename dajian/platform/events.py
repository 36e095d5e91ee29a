"""Record events: what the record service passes to ``dajian.platform.reactions`` after each create,
update, delete and restore, inside the change's transaction (so a reaction's own writes commit or roll
back with the change). ``depth`` counts how deep a chain of reactions is, so rules can cut loops.

Flow events (started, task actions, timers, SLA) go to the registered flow listener (the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection

from dajian.platform.principal import Principal

EventKind = Literal["created", "updated", "deleted", "restored"]


@dataclass(frozen=True)
class RecordEvent:
    kind: EventKind
    app_id: int
    app_key: str
    version_id: int
    form_key: str
    record_id: int
    principal: Principal
    old: Mapping[str, Any] | None  # stored values before (None on create)
    new: Mapping[str, Any] | None  # stored values after (None on delete)
    changed: frozenset[str] = field(default_factory=frozenset)
    depth: int = 0
    request_id: str | None = None


# Flow events (started, task actions, timers, SLA warning/breach) for listeners such as rules:
# ``listener(conn, instance, action=…, task_id=…, payload=…)`` inside the flow's transaction.
FlowListener = Callable[..., Any]
_FLOW_LISTENERS: list[FlowListener] = []


def register_flow_listener(listener: FlowListener) -> None:
    if listener not in _FLOW_LISTENERS:
        _FLOW_LISTENERS.append(listener)


def emit_flow(conn: Connection, instance: Mapping[str, Any], *, action: str, task_id: int | None,
              payload: Mapping[str, Any] | None) -> None:
    for listener in list(_FLOW_LISTENERS):
        listener(conn, instance, action=action, task_id=task_id, payload=dict(payload or {}))
