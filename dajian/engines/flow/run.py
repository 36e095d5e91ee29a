"""The working context of one step: a private copy of the instance state, the effects so far,
and the token moves every node kind uses (place, advance, open and close tasks)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dajian.engines.expr import EvalContext

from .effects import (
    CancelTimer,
    CloseTask,
    CompleteInstance,
    CreateTask,
    Effect,
    Env,
    FlowError,
    SetFields,
    Visit,
)
from .plan import Branch, EdgePlan, FlowPlan, NodePlan, within
from .state import Handback, Join, OpenTask, RunState, TaskRole

MAX_MOVES = 1000  # per step: a loop of automated nodes must not spin forever


def new_state(initiator: int) -> RunState:
    """The state of an instance before its first step."""
    return RunState(initiator=initiator)


class Run:
    def __init__(self, plan: FlowPlan, state: RunState, env: Env) -> None:
        self.plan, self.state, self.env = plan, state, env
        self.effects: list[Effect] = []
        self._record: dict[str, Any] | None = None
        self.moves = 0

    @property
    def record(self) -> dict[str, Any]:
        """The record's values, read from the env on first use (most steps never need them)."""
        if self._record is None:
            self._record = dict(self.env.record)
        return self._record

    @property
    def now(self) -> datetime:
        return self.env.now

    def context(self) -> EvalContext:
        return EvalContext(now=self.now, user_id=self.state.initiator)

    def new_id(self, prefix: str) -> str:
        self.state.seq += 1
        return f"{prefix}{self.state.seq}"

    def emit(self, effect: Effect) -> None:
        self.effects.append(effect)

    # -- tokens -------------------------------------------------------------------------

    def place(self, node_id: str, token: str | None = None, *, reentry: bool = False) -> None:
        """Put a token on a node and let the node's kind act on it."""
        from .nodes import node_kind

        self.moves += 1
        if self.moves > MAX_MOVES:
            raise FlowError(f"more than {MAX_MOVES} moves in one step: a loop without a wait?", code="loop")
        node = self.plan.node(node_id)
        token = token or self.new_id("t")
        self.state.tokens[token] = node_id
        self.state.path.append(node_id)
        self.emit(Visit(node_id, node.kind, self.now))
        node_kind(node.kind).enter(self, node, token, reentry)

    def drop(self, token: str) -> None:
        self.state.tokens.pop(token, None)
        self.state.work.pop(token, None)

    def advance(self, token: str) -> None:
        """Leave the token's node by its single outgoing edge."""
        node = self.plan.node(self.state.tokens[token])
        self.take(token, node.outgoing[:1])

    def take(self, token: str, edges: Iterable[EdgePlan]) -> None:
        """Move ``token`` along the first edge and fork a new token onto each further one."""
        self.drop(token)
        for i, edge in enumerate(list(edges)):
            self.place(edge.target, token if i == 0 else None)

    def matching(self, node: NodePlan) -> list[EdgePlan]:
        """Outgoing edges whose condition holds (defaults excluded)."""
        record, ctx = self.record, self.context()
        return [e for e in node.outgoing if not e.default and (e.condition is None or e.condition(record, ctx))]

    # -- tasks --------------------------------------------------------------------------

    def open_task(self, token: str, node: NodePlan, assignee: int, role: TaskRole, *, for_: int | None = None,
                  back: Handback | None = None) -> str:
        key = self.new_id("k")
        times = node.sla.times(self.now, self.record, self.plan.calendar) if node.sla else None
        self.state.tasks[key] = OpenTask(token=token, node=node.id, assignee=assignee, role=role, at=self.now,
                                         for_=for_, back=back)
        self.emit(CreateTask(key, node.id, assignee, role, due_at=times[1] if times else None,
                             warn_at=times[0] if times else None, on_behalf_of=for_))
        return key

    def close_task(self, key: str, status: str, *, decision: str | None = None, actor: int | None = None) -> None:
        task = self.state.tasks.pop(key)
        minutes = self.plan.calendar.working_minutes_between(task.at, self.now)
        self.emit(CloseTask(key, status, decision=decision, actor=actor, working_minutes=round(minutes, 2)))
        if status == "done":
            self._mirror_task(self.plan.node(task.node), round(minutes, 2))

    def _mirror_task(self, node: NodePlan, minutes: float) -> None:
        mapping = node.definition.record_fields
        if mapping is None:
            return
        values: dict[str, Any] = {}
        for field, value in ((mapping.working_minutes, minutes), (mapping.done_at, self.now)):
            if field is not None and self.record.get(field) is None:
                values[field] = value
        if values:
            self.record.update(values)
            self.emit(SetFields(values))

    def open_tasks(self, token: str) -> list[str]:
        return [k for k, t in self.state.tasks.items() if t.token == token]

    def resolve(self, node: NodePlan) -> list[int]:
        spec = node.definition.assignee
        if spec is None:
            raise FlowError(f"node '{node.id}' has no assignee", path=node.id)
        users = list(dict.fromkeys(self.env.resolve(spec, node=node.id, state=self.state)))
        if not users:
            raise FlowError(f"node '{node.id}': nobody matches its assignee rule ({spec.strategy})",
                            code="no_assignee", path=node.id)
        return users

    # -- the whole instance ---------------------------------------------------------------

    def clear(self) -> None:
        """Withdraw every token: close open tasks as cancelled and cancel pending timers."""
        for key in list(self.state.tasks):
            self.close_task(key, "cancelled")
        for timer in list(self.state.timers):
            self.emit(CancelTimer(timer))
        state = self.state
        state.tokens, state.work, state.joins, state.timers, state.subflows = {}, {}, {}, {}, {}

    def withdraw_for(self, target: str, here: str) -> None:
        """Withdraw what sending the run back from ``here`` to ``target`` undoes. Outside every parallel
        branch: everything. Inside the branch ``here`` stands in: that branch's tokens and the regions nested
        in it; the sibling branches run on and their join keeps the arrivals it has. Into a branch of a region
        already joined: that branch alone is redone, its joins waiting for it only."""
        to, at = self.plan.node(target).branch, self.plan.node(here).branch
        base = to if within(to, at) else at
        if not base:
            self.clear()
        else:
            self._withdraw_inside(base)
        for split, _ in to[len(base):]:
            join = self.plan.node(split).join
            if join is not None:
                self.state.joins[join] = Join(expected=1)

    def _withdraw_inside(self, branch: Branch) -> None:
        state = self.state
        undone = {t for t, node in state.tokens.items() if within(branch, self.plan.node(node).branch)}
        for key in [k for k, task in state.tasks.items() if task.token in undone]:
            self.close_task(key, "cancelled")
        for token in undone & set(state.timers):
            self.emit(CancelTimer(token))
            del state.timers[token]
        for token in undone:
            state.tokens.pop(token, None)
            state.work.pop(token, None)
            state.subflows.pop(token, None)
        for join in [j for j in state.joins if within(branch, self.plan.node(j).branch)]:
            del state.joins[join]

    def finish(self, outcome: str | None) -> None:
        """Complete the instance; its working minutes leave out the SLA clock's pauses."""
        from .clock import close_pause, pauses_of, resolution_minutes

        self.clear()
        close_pause(self, move=False)
        self.state.status, self.state.outcome = "completed", outcome
        started = self.state.started_at or self.now
        minutes = resolution_minutes(self.plan.calendar, started, self.now, pauses_of(self.state))
        self.emit(CompleteInstance(outcome, working_minutes=minutes))
