"""What a flow leaves on a record it ran on, for demo records that never ran it (imported history).

A demo spec's form may name the flow its history went through::

    "history": {"flow": "handle_complaint", "start": "received_at", "stop": "resolved_at", "end": "closed_at"}

Each such record, once created (so the rules that ran on it, which may change what the flow's SLA
reads, e.g. a priority, have run), gets the flow's ``record_fields`` as a run started at ``start``
whose SLA clock stopped at ``stop`` (empty: still running at the generator's now) and that ended at
``end`` (empty: not ended) would have left them: the due time from the flow's SLA target on its
calendar, the working minutes between start and stop, the SLA state (``breached`` when the clock
ran past the due time, ``warning`` past the warning point, else ``ok``), the end node's outcome,
and the plain ``set_fields`` of the warning and of every breach step that came due before the
clock stopped (e.g. an escalation level), in the order the SLA jobs would have applied them. The
time a run waited in paused nodes is not known for history and counts as working time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from dajian.engines.flow import FlowPlan
from dajian.engines.flow.plan import SlaPlan
from dajian.platform.flows.plans import plan_for

Row = dict[str, Any]


@dataclass(frozen=True)
class FlowHistory:
    """A flow's record fields for records that never ran it (see the module docstring)."""

    plan: FlowPlan
    start: str
    stop: str | None = None
    end: str | None = None

    @classmethod
    def of(cls, conn: Connection, version_id: int, form_key: str, spec: Mapping[str, Any]) -> FlowHistory:
        where = f"demo spec forms '{form_key}' history"
        plan = plan_for(conn, version_id, str(spec.get("flow")))
        if plan.definition.form != form_key:
            raise ValueError(f"{where}: flow '{plan.key}' belongs to form '{plan.definition.form}'")
        if plan.definition.record_fields is None:
            raise ValueError(f"{where}: flow '{plan.key}' writes no record fields")
        if not spec.get("start"):
            raise ValueError(f"{where}: 'start' names no field")
        return cls(plan, str(spec["start"]), spec.get("stop"), spec.get("end"))

    def fields(self, row: Mapping[str, Any], now: datetime) -> Row:
        """The record fields the run would have written into ``row`` (a stored record)."""
        mapping = self.plan.definition.record_fields
        start = _aware(row.get(self.start))
        if mapping is None or start is None:
            return {}
        stop = _aware(row.get(self.stop)) if self.stop else None
        clock = stop or now
        out: Row = {}
        if self.plan.sla is not None:
            out.update(self._sla(self.plan.sla, start, clock, row))
        if mapping.working_minutes and stop is not None:
            minutes = self.plan.calendar.working_minutes_between(start, stop)
            out[mapping.working_minutes] = Decimal(f"{minutes:.2f}")
        outcome = self._outcome()
        if mapping.outcome and outcome is not None and self.end and row.get(self.end) is not None:
            out[mapping.outcome] = outcome
        return out

    def _sla(self, sla: SlaPlan, start: datetime, clock: datetime, row: Mapping[str, Any]) -> Row:
        mapping = self.plan.definition.record_fields
        assert mapping is not None
        times = sla.times(start, row, self.plan.calendar)
        if times is None:
            return {}
        warn_at, due = times
        out: Row = {mapping.due_at: due} if mapping.due_at else {}
        state = "ok"
        if clock > warn_at:
            state = "warning"
            out.update(_plain_fields(sla.on_warning))
        at = due
        for step, escalation in enumerate(sla.on_breach):
            if step and escalation.after is not None:
                at = escalation.after.due(at, {}, self.plan.calendar) or at
            if clock <= at:
                break
            state = "breached"
            out.update(_plain_fields([escalation]))
        if mapping.sla_state:
            out[mapping.sla_state] = state
        out.pop("", None)
        return out

    def _outcome(self) -> str | None:
        ends = [node.definition for node in self.plan.nodes.values() if node.definition.kind == "end"]
        return next((str(n.outcome) for n in ends if getattr(n, "outcome", None)), None)


def _plain_fields(steps: Any) -> Row:
    """The ``set_fields`` of escalation steps that are plain values (computed ones need a run)."""
    out: Row = {}
    for step in steps:
        for key, value in (step.raw.set_fields or {}).items():
            if not isinstance(value, Mapping):
                out[key] = value
    return out


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
