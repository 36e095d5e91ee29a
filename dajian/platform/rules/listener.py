"""Where the platform tells the rules something happened: record events (the ``webhooks``, ``timers`` and
``rules`` steps of ``dajian.platform.reactions``, inside the change's transaction) and flow events
(``on_flow_event``, called by the flow service's ``log_event``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from dajian.engines.rule import RuleSet, Signal
from dajian.platform.apps import RuntimeApp
from dajian.platform.events import RecordEvent

from . import timers, webhooks
from .plans import ruleset_for, runtime_by_id
from .runner import read_record, run_signal

INBOUND_KINDS = ("public_form", "inbound_webhook", "inbound_email")


def _rules_of(conn: Connection, event: RecordEvent) -> tuple[RuntimeApp, RuleSet] | None:
    runtime = runtime_by_id(conn, event.app_id, version_id=event.version_id)
    rules = ruleset_for(runtime) if runtime is not None else None
    return (runtime, rules) if runtime is not None and rules is not None else None


def subscriptions(conn: Connection, event: RecordEvent) -> None:
    """The ``webhooks`` reaction: deliveries to the app's subscriptions that want this event."""
    found = _rules_of(conn, event)
    if found is not None:
        webhooks.on_record_event(conn, *found, event)


def timers_of(conn: Connection, event: RecordEvent) -> None:
    """The ``timers`` reaction: time-triggered rules on the record's date fields, re-armed."""
    found = _rules_of(conn, event)
    if found is not None:
        timers.rearm(conn, *found, event)


def on_record_event(conn: Connection, event: RecordEvent) -> None:
    """The ``rules`` reaction: the rules of this event decide, and what they decided is applied."""
    found = _rules_of(conn, event)
    if found is None:
        return
    runtime, rules = found
    if not rules.for_signal(event.form_key, event.kind):
        return
    signal = Signal(event.kind, event.form_key, old=event.old, new=event.new, changed=event.changed,
                    channel=_channel(rules, event))
    run_signal(conn, runtime, rules, signal, record_id=event.record_id, depth=event.depth,
               actor=event.principal.user_id)


def _channel(rules: RuleSet, event: RecordEvent) -> str | None:
    channel = (event.new or {}).get("channel") if event.kind == "created" else None
    element = rules.elements.get(str(channel)) if channel else None
    return str(channel) if element is not None and getattr(element, "kind", None) in INBOUND_KINDS else None


def flow_signals(action: str, payload: Mapping[str, Any], node: str | None) -> list[dict[str, Any]]:
    """What a flow event means to rules: nodes entered (its path), the node left, the action, SLA events."""
    found = [{"on": "entered", "node": n, "action": action} for n in payload.get("path") or []]
    if action in ("sla_warning", "sla_breach"):
        found.append({"on": action, "node": node, "action": action})
    elif node is not None:
        found += [{"on": "action", "node": node, "action": action}, {"on": "left", "node": node, "action": action}]
    else:
        found.append({"on": "action", "node": None, "action": action})
    return found


def on_flow_event(conn: Connection, instance: Mapping[str, Any], *, action: str, task_id: int | None = None,
                  payload: Mapping[str, Any] | None = None) -> None:
    """Run the app's flow-triggered rules for one flow event (``flow_events`` row) on the instance's record."""
    runtime = runtime_by_id(conn, int(instance["app_id"]))
    rules = ruleset_for(runtime) if runtime is not None else None
    if runtime is None or rules is None or not rules.for_signal(instance["form_key"], "flow"):
        return
    node = (payload or {}).get("node") or _task_node(conn, task_id)
    _run_flow(conn, runtime, rules, instance, action=action, node=node, payload=payload or {})


def _run_flow(conn: Connection, runtime: RuntimeApp, rules: RuleSet, instance: Mapping[str, Any], *, action: str,
              node: str | None, payload: Mapping[str, Any]) -> None:
    for n, info in enumerate(flow_signals(action, payload, node)):
        record = read_record(conn, runtime, instance["form_key"], int(instance["record_id"]))
        if record is None:
            return
        signal = Signal("flow", instance["form_key"], new=record, flow={"flow": instance["flow_key"], **info})
        run_signal(conn, runtime, rules, signal, record_id=int(instance["record_id"]), depth=0, actor=None,
                   key_base=f"flow:{instance['id']}:{action}:{info['on']}:{info['node']}:{n}:{record['row_version']}")


def _task_node(conn: Connection, task_id: int | None) -> str | None:
    if task_id is None:
        return None
    from sqlalchemy import select

    from dajian.platform.flows.tables import flow_tasks

    return conn.execute(select(flow_tasks.c.node_id).where(flow_tasks.c.id == task_id)).scalar()
