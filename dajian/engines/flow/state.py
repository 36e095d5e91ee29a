"""The run state of one flow instance: a typed, versioned structure the engine owns.

The platform stores it as JSON (``dump_state``) and hands it back to ``execute`` as it was
stored; ``load_state`` upgrades a state saved by an older engine, one function per version
(SpiffWorkflow's serializer migrations), so a run started before an upgrade continues after it::

    load_state({"status": "running", "tokens": {"t1": "triage"}, ...})   # version 1: no state_version
    -> RunState(state_version=2, tokens={"t1": "triage"}, ...)

Version history: 1 — the untyped dict of the first engine (pauses as ``[since, until]`` pairs,
a hand-back's delegation under ``extra``, a ``status`` on every open task); 2 — this model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

STATE_VERSION = 2

Status = Literal["running", "completed", "cancelled"]
TaskRole = Literal["approval", "task", "resubmit", "info"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Handback(_Model):
    """Where a task goes back to: once an ``info`` task is answered, or once the signers added before
    the assignee (前加签, ``queue`` the ones still to come) have approved."""

    assignee: int
    role: TaskRole
    for_: int | None = Field(default=None, alias="for")  # delegated: on whose behalf
    queue: list[int] = Field(default_factory=list)  # signers added before, still to act after this one


class OpenTask(_Model):
    token: str
    node: str
    assignee: int
    role: TaskRole
    at: datetime  # opened
    for_: int | None = Field(default=None, alias="for")  # delegated: on whose behalf
    back: Handback | None = None  # an ``info`` task: the task it reopens


class Work(_Model):
    """The vote of a human node on one token (a resubmission waits with ``role="resubmit"`` only)."""

    node: str
    role: TaskRole
    mode: str = "any"
    total: int = 0
    approve: int = 0
    reject: int = 0
    needed: int = 0
    queue: list[int] = Field(default_factory=list)  # sequential approvers still to come


class Join(_Model):
    expected: int
    arrived: int = 0


class Pause(_Model):
    since: datetime
    until: datetime | None = None  # None: the clock is stopped now


class Clock(_Model):
    """The flow's own SLA clock: its warning and due times (moved by each pause) and its pauses."""

    warn: datetime
    due: datetime
    pauses: list[Pause] = Field(default_factory=list)

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].until is None


class RunState(_Model):
    state_version: int = STATE_VERSION
    status: Status = "running"
    outcome: str | None = None
    initiator: int
    last_actor: int | None = None
    seq: int = 0  # ids of tokens ("t3") and tasks ("k4") come from one counter
    started_at: datetime | None = None
    due_at: datetime | None = None
    tokens: dict[str, str] = Field(default_factory=dict)  # token -> node it stands on
    work: dict[str, Work] = Field(default_factory=dict)  # token -> its human node's vote
    tasks: dict[str, OpenTask] = Field(default_factory=dict)  # task key -> open task
    joins: dict[str, Join] = Field(default_factory=dict)  # join node -> arrivals
    timers: dict[str, str] = Field(default_factory=dict)  # token -> timer node
    subflows: dict[str, str] = Field(default_factory=dict)  # token -> sub-flow key
    path: list[str] = Field(default_factory=list)  # every node visited, in order
    sla: Clock | None = None
    chosen: str | None = None  # the node a rejection chose, until the vote closes

    @property
    def running(self) -> bool:
        return self.status == "running"


class StateError(ValueError):
    """A stored state that no upgrade can read (corrupt, or from a newer engine)."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.message, self.path = message, path


def is_paused(state: RunState) -> bool:
    """Whether the flow's SLA clock is stopped now: the one answer the platform asks for."""
    return state.sla is not None and state.sla.paused


# -- storage ------------------------------------------------------------------------------------


def dump_state(state: RunState) -> dict[str, Any]:
    """The JSON the platform stores (datetimes as ISO text, ``for`` spelt as such)."""
    return state.model_dump(mode="json", by_alias=True, exclude_none=True)


def load_state(raw: Mapping[str, Any]) -> RunState:
    """A stored state, upgraded to the current version first; ``StateError`` says where it is wrong."""
    data = dict(raw)
    version = data.get("state_version", 1)
    if not isinstance(version, int) or not 1 <= version <= STATE_VERSION:
        raise StateError(f"state_version {version!r} is not one this engine reads (1 to {STATE_VERSION})",
                         path="/state_version")
    for upgrade in UPGRADES[version - 1:]:
        data = upgrade(data)
    try:
        return RunState.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = "/" + "/".join(str(p) for p in first["loc"])
        raise StateError(f"stored flow state: {first['msg']} at {path}", path=path) from None


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Pauses become objects, a hand-back's ``extra`` folds into it, tasks lose their constant ``status``."""
    out = {**data, "state_version": 2}
    sla = data.get("sla")
    if isinstance(sla, dict):
        out["sla"] = {**sla, "pauses": [{"since": a, "until": b} for a, b in sla.get("pauses", [])]}
    tasks = {}
    for key, task in (data.get("tasks") or {}).items():
        task = {k: v for k, v in task.items() if k != "status"}
        back = task.get("back")
        if isinstance(back, dict):
            task["back"] = {"assignee": back["assignee"], "role": back["role"], **back.get("extra", {})}
        tasks[key] = task
    out["tasks"] = tasks
    return out


UPGRADES: list[Callable[[dict[str, Any]], dict[str, Any]]] = [_v1_to_v2]  # UPGRADES[n - 1]: version n -> n + 1
