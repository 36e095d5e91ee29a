"""The compiled, immutable form of a flow: what ``execute`` walks. Built only by ``compile_flow``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dajian.engines.expr import EvalContext

from .calendar import BusinessCalendar
from .model import FlowDef, NodeDef

Condition = Callable[[Mapping[str, Any], EvalContext], Any]


@dataclass(frozen=True)
class FlowIssue:
    """One problem of a flow definition: a JSON path, the node it concerns, and why."""

    path: str
    message: str
    node: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"path": self.path, "node": self.node, "message": self.message}


class FlowDefinitionError(ValueError):
    """``compile_flow`` refused a definition; ``issues`` holds every problem."""

    def __init__(self, issues: list[FlowIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{i.path}: {i.message}" for i in issues[:5]))


@dataclass(frozen=True)
class DurationPlan:
    """A checked duration: a working-minute count (constant or computed from the record),
    wall-clock minutes, working days, or a datetime field of the record."""

    unit: str  # working_minutes | wall_minutes | working_days | until_field
    amount: float | None = None
    compute: Condition | None = None
    field: str | None = None

    def due(self, start: datetime, record: Mapping[str, Any], calendar: BusinessCalendar) -> datetime | None:
        if self.unit == "until_field":
            value = record.get(self.field or "")
            return value if isinstance(value, datetime) else None
        amount = self.amount
        if self.compute is not None:
            computed = self.compute(record, EvalContext(now=start))
            amount = float(computed) * (self.amount or 1.0) if computed is not None else None
        if amount is None:
            return None
        if self.unit == "wall_minutes":
            return start + timedelta(minutes=amount)
        if self.unit == "working_days":
            return calendar.add_working_days(start, int(amount))
        return calendar.add_working(start, timedelta(minutes=amount))


@dataclass(frozen=True)
class EscalationPlan:
    after: DurationPlan | None
    raw: Any  # the model.Escalation


@dataclass(frozen=True)
class SlaPlan:
    target: DurationPlan
    warn_at: float
    on_warning: tuple[EscalationPlan, ...]
    on_breach: tuple[EscalationPlan, ...]
    pause_in: frozenset[str] = frozenset()  # the clock stops while every token waits in these nodes
    pause_when: Condition | None = None  # ... or while this holds for the record

    @property
    def pausable(self) -> bool:
        return bool(self.pause_in) or self.pause_when is not None

    def times(
        self, start: datetime, record: Mapping[str, Any], calendar: BusinessCalendar
    ) -> tuple[datetime, datetime] | None:
        """``(warn_at, due_at)``: warning after ``warn_at`` of the working time has elapsed."""
        due = self.target.due(start, record, calendar)
        if due is None:
            return None
        total = calendar.working_time_between(start, due)
        return calendar.add_working(start, total * self.warn_at), due


Branch = tuple[tuple[str, int], ...]


def within(outer: Branch, inner: Branch) -> bool:
    """Whether ``inner`` lies inside the branch ``outer`` names (every region of ``outer``, same branch)."""
    return inner[: len(outer)] == outer


def can_go_back(to: Branch, here: Branch) -> bool:
    """Whether a run at a node on ``here`` may be sent back to one on ``to``: inside the branch it stands in
    (``to`` within ``here``'s regions), or into a branch of a region already joined (``here`` outside it);
    never into a sibling branch still running beside it (its join would wait for a branch withdrawn)."""
    return within(to, here) or within(here, to)


@dataclass(frozen=True)
class EdgePlan:
    target: str
    condition: Condition | None
    default: bool


@dataclass(frozen=True)
class NodePlan:
    definition: NodeDef
    outgoing: tuple[EdgePlan, ...]
    incoming: int
    sla: SlaPlan | None = None
    duration: DurationPlan | None = None
    computed: Mapping[str, Condition] | None = None  # set_fields expressions by field
    join: str | None = None  # a split's matching join
    branch: Branch = ()  # the parallel / inclusive branches it stands in (graph.branch_chains)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def kind(self) -> str:
        return self.definition.kind


@dataclass(frozen=True)
class FlowPlan:
    definition: FlowDef
    nodes: Mapping[str, NodePlan]
    start: str
    calendar: BusinessCalendar
    sla: SlaPlan | None

    @property
    def key(self) -> str:
        return self.definition.key

    def node(self, node_id: str) -> NodePlan:
        return self.nodes[node_id]
