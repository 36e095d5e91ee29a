"""What a step of the engine asks the platform to do, and what the platform lends the engine.

``execute`` never touches storage: it returns effects (create a task, schedule a timer, set
record fields, …) that the platform applies in the same transaction, and it reads the world
only through ``Env`` (the clock, the record's values, assignee resolution).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from .model import Assignee
from .state import RunState

State = RunState  # the name the first engine gave its untyped dict


class FlowError(ValueError):
    """An event the instance cannot take (not your task, task closed, required field empty…)."""

    def __init__(self, message: str, *, code: str = "invalid", path: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.path = message, code, path


class Env(Protocol):
    """The platform's side of a step."""

    @property
    def now(self) -> datetime: ...

    @property
    def record(self) -> Mapping[str, Any]: ...

    def resolve(self, spec: Assignee, *, node: str, state: RunState) -> list[int]:
        """User ids for ``spec`` (may be empty); ``state`` gives the initiator and last actor."""
        ...


@dataclass(frozen=True)
class CreateTask:
    task: str
    node: str
    assignee: int
    role: str  # approval | task | resubmit | info
    due_at: datetime | None = None
    warn_at: datetime | None = None
    on_behalf_of: int | None = None


@dataclass(frozen=True)
class CloseTask:
    task: str
    status: str  # done | cancelled | returned | transferred
    decision: str | None = None
    actor: int | None = None
    working_minutes: float = 0.0


@dataclass(frozen=True)
class SetFields:
    values: Mapping[str, Any]


@dataclass(frozen=True)
class CreateRecord:
    form: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Notify:
    users: tuple[int, ...]
    message: str
    node: str | None = None


@dataclass(frozen=True)
class CopyTo:
    """抄送: ``users`` are copied on the run (they may read its record) when ``node`` opens."""

    users: tuple[int, ...]
    node: str


@dataclass(frozen=True)
class CallWebhook:
    url: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class ScheduleTimer:
    timer: str
    node: str
    due_at: datetime


@dataclass(frozen=True)
class CancelTimer:
    timer: str


@dataclass(frozen=True)
class StartSubflow:
    token: str
    flow: str


@dataclass(frozen=True)
class Visit:
    node: str
    kind: str
    at: datetime


@dataclass(frozen=True)
class InstanceSla:
    due_at: datetime
    warn_at: datetime


@dataclass(frozen=True)
class SlaPaused:
    """The flow's SLA clock stopped at ``at``; the jobs of ``generation`` (0: those of
    ``InstanceSla``, n: those of the n-th ``SlaResumed``) are void."""

    at: datetime
    generation: int


@dataclass(frozen=True)
class SlaResumed:
    """The clock runs again after ``paused_minutes`` working minutes (paused since ``since``).
    ``due_at``/``warn_at`` are the moved times still ahead (None once passed, or when the
    instance ended paused); their jobs belong to ``generation``."""

    at: datetime
    since: datetime
    paused_minutes: float
    generation: int
    due_at: datetime | None = None
    warn_at: datetime | None = None


@dataclass(frozen=True)
class MarkSla:
    """A task's SLA (``task`` None: the flow's own clock) reached ``state`` (warning | breached);
    ``level`` is the escalation level the task row shows (breach step n + 1)."""

    task: str | None
    state: str
    level: int = 0


@dataclass(frozen=True)
class ScheduleEscalation:
    """Run breach step ``step`` of the SLA of ``task`` (None: the flow's) at ``due_at``."""

    task: str | None
    step: int
    due_at: datetime


@dataclass(frozen=True)
class Reassigned:
    """An escalation handed ``task`` to ``user`` (its successor is ``new_task``)."""

    task: str
    user: int
    new_task: str


@dataclass(frozen=True)
class CompleteInstance:
    outcome: str | None
    working_minutes: float = 0.0


@dataclass(frozen=True)
class CancelInstance:
    reason: str


Effect = (
    CreateTask | CloseTask | SetFields | CreateRecord | Notify | CopyTo | CallWebhook | ScheduleTimer | CancelTimer
    | StartSubflow | Visit | InstanceSla | SlaPaused | SlaResumed | MarkSla | ScheduleEscalation | Reassigned
    | CompleteInstance | CancelInstance
)  # fmt: skip


@dataclass(frozen=True)
class Step:
    """The result of one event: the new instance state and the effects to apply, in order."""

    state: RunState
    effects: list[Effect] = field(default_factory=list)

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]
