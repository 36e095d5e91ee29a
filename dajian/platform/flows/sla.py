"""The flow SLA clock on the platform: record changes that pause or resume it (``pause_when``),
and the clock's figures read back from the append-only event log.

A flow's step pauses and resumes the clock itself (``pause_in`` nodes, and ``pause_when`` on
the record as it is at each step). A record changed outside the flow (the record API, a rule)
is delivered here by the ``sla`` step of ``dajian.platform.reactions``; running instances on
it whose flow has ``pause_when`` get a ``RecordChanged`` step, which writes nothing unless the clock stops or starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from dajian.engines.flow import RecordChanged, RunState, is_paused
from dajian.engines.flow.calendar import BusinessCalendar
from dajian.engines.flow.clock import Interval, paused_minutes
from dajian.platform.events import RecordEvent

from .apply import state_of
from .plans import pausing_flows
from .service import lock_instance, run_step, stepping
from .tables import flow_events, flow_instances


def on_record_event(conn: Connection, event: RecordEvent) -> bool:
    """Look at the clocks of running instances on an updated record; True if any changed."""
    if event.kind != "updated" or event.new is None or not pausing_flows(conn, event.version_id, event.form_key):
        return False
    query = select(flow_instances.c.id, flow_instances.c.org_id).where(
        flow_instances.c.app_id == event.app_id, flow_instances.c.form_key == event.form_key,
        flow_instances.c.record_id == event.record_id, flow_instances.c.state == "running")  # fmt: skip
    changed = False
    for row in conn.execute(query).all():
        if stepping(row.id):  # the flow's own write, within its step: the step looks at the clock itself
            continue
        instance = lock_instance(conn, row.id, row.org_id)
        if instance["state"] != "running" or state_of(instance).sla is None:
            continue
        applier = run_step(conn, instance, RecordChanged(), actor=None, record=event.new)
        if applier.events:
            conn.execute(flow_events.insert(), applier.events)
            changed = True
    return changed


def pause_intervals(events: Iterable[Mapping[Any, Any]]) -> list[Interval]:
    """``[(paused at, resumed at or None)]`` from an instance's events (``action`` and ``at``), in order."""
    intervals: list[Interval] = []
    for event in events:
        if event["action"] == "sla_pause":
            intervals.append((event["at"], None))
        elif event["action"] == "sla_resume" and intervals and intervals[-1][1] is None:
            intervals[-1] = (intervals[-1][0], event["at"])
    return intervals


def clock_view(calendar: BusinessCalendar, state: RunState, events: Iterable[Mapping[Any, Any]],
               now: datetime) -> dict[str, Any]:
    """``{"paused": bool, "paused_minutes": float}`` of the flow's SLA clock: whether it is stopped,
    the engine's answer; the minutes, from its event log."""
    intervals = pause_intervals(events)
    return {"paused": is_paused(state), "paused_minutes": round(paused_minutes(calendar, intervals, now), 2)}

