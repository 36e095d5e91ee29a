"""Save → reload → continue (SpiffWorkflow's ``save_restore`` habit): a run serialised to JSON after
any step, reloaded from that JSON and continued, ends exactly as the run that was never interrupted
(same final state, same effects) — for sequences, exclusive, parallel and inclusive gateways with
their joins, approvals of every mode, returns, delegations, timers, the SLA clock's pauses and the
SLA escalation events. States saved by the first engine (version 1, ``state_v1.json``, captured
from it mid-run) load, upgraded, and continue."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dajian.engines.flow import (
    STATE_VERSION,
    Act,
    CloseTask,
    CreateTask,
    Effect,
    Event,
    FlowError,
    FlowPlan,
    RecordChanged,
    RunState,
    SlaBreach,
    SlaWarning,
    Start,
    StateError,
    TimerFired,
    compile_flow,
    dump_state,
    execute,
    is_paused,
    load_state,
)
from tests.engines.flow.test_clock import AWAITING, confirm_flow
from tests.engines.flow.test_execute import CALENDAR, FIELDS, MONDAY_9, FakeEnv, complaint_flow, role

MakeEvent = Callable[[RunState], Event]
V1 = json.loads((Path(__file__).parent / "state_v1.json").read_text(encoding="utf-8"))


def act(node: str, action: str = "approve", *, user: int | None = None, **kw: Any) -> MakeEvent:
    """The first open task on ``node`` (of ``user``), acted on by its assignee."""
    def make(state: RunState) -> Event:
        key, task = next((k, t) for k, t in state.tasks.items() if t.node == node and user in (None, t.assignee))
        return Act(key, task.assignee, action, **kw)
    return make


def fire(state: RunState) -> Event:
    return TimerFired(next(iter(state.timers)))


def warning(node: str | None = None) -> MakeEvent:
    return lambda state: SlaWarning(_task_on(state, node))


def breach(node: str | None = None, step: int = 0) -> MakeEvent:
    return lambda state: SlaBreach(_task_on(state, node), step)


def _task_on(state: RunState, node: str | None) -> str | None:
    return None if node is None else next(k for k, t in state.tasks.items() if t.node == node)


def changed(state: RunState) -> Event:
    return RecordChanged()


@dataclass
class Move:
    """One event at ``minutes`` after the start, the record changed first by ``record``."""

    minutes: float
    event: MakeEvent
    record: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Script:
    plan: FlowPlan
    record: Mapping[str, Any]
    moves: list[Move]


Restore = Callable[[RunState, int], RunState | Mapping[str, Any]]


def as_stored(state: RunState, index: int) -> Mapping[str, Any]:
    """What the platform does between steps: JSON text in a database column, read back."""
    return dict(json.loads(json.dumps(dump_state(state))))


def in_memory(state: RunState, index: int) -> RunState:
    return state


def play(script: Script, restore: Restore) -> tuple[dict[str, Any], list[Effect]]:
    env = FakeEnv(now=MONDAY_9, record=dict(script.record))
    step = execute(script.plan, None, Start(actor=7), env)
    effects: list[Effect] = list(step.effects)
    for index, move in enumerate(script.moves):
        env.now = MONDAY_9 + timedelta(minutes=move.minutes)
        env.record = {**env.record, **move.record}
        event = move.event(step.state)
        step = execute(script.plan, restore(step.state, index), event, env)
        effects += step.effects
    return dump_state(step.state), effects


# -- the scenarios ----------------------------------------------------------------------------


def complaint_walk() -> Script:
    """Sequence, parallel split and join, countersign with an added signer, exclusive routing by
    amount, return / delegate / transfer, SLA warning and the two-step breach with its reassignment,
    an automated action and a timer."""
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    moves = [
        Move(30, warning("triage")), Move(60, breach("triage")), Move(90, act("triage", "return")),
        Move(100, act("triage")), Move(200, breach("triage", 1)), Move(210, act("triage")),
        Move(240, act("tech", "delegate", users=(23,))), Move(250, act("logistics", "transfer", users=(24,))),
        Move(300, act("tech")), Move(320, act("logistics")), Move(330, act("review", "add_signer", user=31,
                                                                             users=(33,))),
        Move(340, act("review", user=31)), Move(350, act("review", user=32)), Move(360, act("review", user=33)),
        Move(400, act("manager")), Move(700, fire), Move(720, act("callback")),
    ]
    return Script(plan, {"priority": "P2", "amount": Decimal("800")}, moves)


def committee_walk() -> Script:
    """An n-of-m committee with a refusal, after a reviewer asked the initiator for information."""
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    moves = [Move(10, act("triage")), Move(20, act("tech")), Move(30, act("logistics")),
             Move(40, act("review", "return", user=31)), Move(50, act("review", user=7)),
             Move(60, act("review", user=31)), Move(70, act("review", user=32)),
             Move(80, act("committee", "reject", user=51)), Move(90, act("committee", user=52)),
             Move(100, act("committee", user=53)), Move(400, fire), Move(410, act("callback"))]
    return Script(plan, {"priority": "P3", "amount": Decimal("9000")}, moves)


def paused_clock_walk() -> Script:
    """The flow's SLA clock stops in the confirmation node and while the record waits for the
    customer; warnings on the flow's clock are skipped while paused and delivered after."""
    plan = compile_flow(confirm_flow(pause_in=["confirm"], pause_when=AWAITING,
                                     on_warning=[{"notify": {"strategy": "initiator"}}],
                                     on_breach=[{"set_fields": {"escalation_level": 1}},
                                                {"after": {"working_hours": 1}, "notify": role("supervisor")}]),
                        fields=FIELDS)
    moves = [Move(30, act("triage")), Move(60, warning()), Move(180, act("confirm")),
             Move(200, changed, {"status": "awaiting_customer"}), Move(230, breach()),
             Move(260, changed, {"status": "open"}), Move(300, warning()), Move(600, breach()),
             Move(700, breach(step=1)), Move(720, act("resolve"))]
    return Script(plan, {"priority": "P2", "amount": Decimal("1")}, moves)


def inclusive_walk() -> Script:
    """An inclusive split taking the branches whose condition holds, its join, then a sequential approval."""
    nodes = [{"id": "start", "kind": "start"}, {"id": "split", "kind": "inclusive_split"},
             {"id": "a", "kind": "task", "assignee": role("tech")},
             {"id": "b", "kind": "task", "assignee": role("logistics")},
             {"id": "c", "kind": "task", "assignee": role("agent")},
             {"id": "join", "kind": "inclusive_join"},
             {"id": "sign", "kind": "approval", "assignee": role("committee"), "mode": "sequential"},
             {"id": "end", "kind": "end", "outcome": "done"}]
    edges = [{"source": "start", "target": "split"},
             {"source": "split", "target": "a", "condition": {">": [{"var": "amount"}, 100]}},
             {"source": "split", "target": "b", "condition": {"==": [{"var": "priority"}, "P1"]}},
             {"source": "split", "target": "c", "default": True},
             *({"source": n, "target": "join"} for n in "abc"),
             {"source": "join", "target": "sign"}, {"source": "sign", "target": "end"}]
    doc = {"key": "incl", "label": {"en": "Inclusive"}, "form": "complaint", "nodes": nodes, "edges": edges,
           "calendar": CALENDAR}
    moves = [Move(10, act("b")), Move(20, act("a")), Move(30, act("sign", user=51)),
             Move(40, act("sign", user=52)), Move(50, act("sign", user=53))]
    return Script(compile_flow(doc, fields=FIELDS), {"priority": "P1", "amount": Decimal("500")}, moves)


SCRIPTS = {"complaint": complaint_walk, "committee": committee_walk, "paused_clock": paused_clock_walk,
           "inclusive": inclusive_walk}


@pytest.fixture(scope="module", params=sorted(SCRIPTS))
def script(request: pytest.FixtureRequest) -> Script:
    return SCRIPTS[request.param]()


def test_every_scenario_runs_to_its_end(script: Script) -> None:
    end, effects = play(script, in_memory)
    assert end["status"] == "completed" and end["state_version"] == STATE_VERSION
    assert end["tokens"] == {} and end["tasks"] == {} and end["joins"] == {}
    assert any(isinstance(e, CreateTask) for e in effects) and any(isinstance(e, CloseTask) for e in effects)


def test_saved_as_json_after_every_step_ends_as_the_uninterrupted_run(script: Script) -> None:
    assert play(script, as_stored) == play(script, in_memory)


def test_saved_once_at_any_step_ends_as_the_uninterrupted_run(script: Script) -> None:
    whole = play(script, in_memory)
    for stop in range(len(script.moves)):
        def once(state: RunState, index: int, stop: int = stop) -> RunState | Mapping[str, Any]:
            return load_state(as_stored(state, index)) if index == stop else state
        assert play(script, once) == whole, f"saved and reloaded before move {stop}"


def test_a_changed_stored_state_changes_the_outcome() -> None:
    """The comparison above can fail: a saved state that loses its join counter ends differently."""
    script = complaint_walk()

    def lossy(state: RunState, index: int) -> Mapping[str, Any]:
        stored = dict(as_stored(state, index))
        stored["joins"] = {}
        return stored

    with pytest.raises(StopIteration):  # the join forgot the first branch: review is never reached
        play(script, lossy)


def test_the_escalation_events_return_their_effects() -> None:
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    env = FakeEnv()
    start = execute(plan, None, Start(actor=7), env)
    [key] = start.state.tasks
    effects = execute(plan, start.state, SlaBreach(key, 0), env).effects
    kinds = [type(e).__name__ for e in effects]
    assert kinds == ["MarkSla", "Notify", "SetFields", "ScheduleEscalation"]
    assert (effects[0].state, effects[0].level) == ("breached", 1)  # type: ignore[union-attr]
    second = execute(plan, start.state, SlaBreach(key, 1), env)
    assert [t.assignee for t in second.state.tasks.values()] == ROLE_SUPERVISOR
    assert [type(e).__name__ for e in second.effects] == ["MarkSla", "SetFields", "CloseTask", "CreateTask",
                                                          "Reassigned"]
    done = execute(plan, start.state, Act(key, 11, "approve"), env)
    assert execute(plan, done.state, SlaWarning(key), env).effects == []  # the task closed: nothing to do


ROLE_SUPERVISOR = [41]


def test_the_flow_clock_sends_nothing_while_paused() -> None:
    plan = compile_flow(confirm_flow(pause_in=["confirm"], on_warning=[{"notify": {"strategy": "initiator"}}]),
                        fields=FIELDS)
    env = FakeEnv()
    step = execute(plan, None, Start(actor=7), env)
    [key] = step.state.tasks
    step = execute(plan, step.state, Act(key, 7, "approve"), env)
    assert is_paused(step.state)
    assert execute(plan, step.state, SlaWarning(None), env).effects == []


# -- version 1 states, as the first engine stored them -------------------------------------------


def test_a_version_1_state_is_upgraded_to_what_this_engine_would_hold() -> None:
    """The v1 states were captured from the first engine after these very moves."""
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    moves = [Move(0, act("triage")), Move(60, act("tech")), Move(60, act("logistics", "delegate", users=(23,))),
             Move(120, act("logistics", "return", users=(7,)))]
    now, _ = play(Script(plan, {"priority": "P2", "amount": Decimal("800")}, moves), as_stored)
    upgraded = load_state(V1["complaint"])
    assert upgraded == load_state(now)
    assert upgraded.tasks["k7"].back is not None and upgraded.tasks["k7"].back.for_ == 22

    paused = load_state(V1["paused"])
    assert is_paused(paused) and paused.sla is not None and paused.sla.pauses[0].since == MONDAY_9


def test_a_version_1_state_continues_to_the_same_end() -> None:
    """From the v1 state and from this engine's own state at the same point: the same end."""
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    env = FakeEnv(now=MONDAY_9 + timedelta(hours=3))
    rest = [act("logistics"), act("logistics"), act("review", user=31), act("review", user=32), act("manager"),
            fire, act("callback")]

    def finish(stored: Mapping[str, Any]) -> dict[str, Any]:
        state: RunState | Mapping[str, Any] = stored
        current = load_state(stored)
        for make in rest:
            state = current = execute(plan, state, make(current), env).state
        return dump_state(current)

    end = finish(V1["complaint"])
    assert end == finish(dump_state(load_state(V1["complaint"])))
    assert end["status"] == "completed" and end["outcome"] == "resolved" and end["path"][-1] == "done"


@pytest.mark.parametrize(("stored", "path"), [
    ({"state_version": 99, "initiator": 1}, "/state_version"),
    ({"state_version": 2, "initiator": 1, "tokens": {"t1": 5}}, "/tokens/t1"),
    ({"state_version": 2, "initiator": 1, "sla": {"warn": "soon"}}, "/sla/warn"),
])
def test_an_unreadable_state_is_refused_with_its_path(stored: dict[str, Any], path: str) -> None:
    with pytest.raises(StateError) as caught:
        load_state(stored)
    assert caught.value.path == path
    plan = compile_flow(complaint_flow(), fields=FIELDS)
    with pytest.raises(FlowError) as refused:
        execute(plan, stored, RecordChanged(), FakeEnv())
    assert refused.value.code == "corrupt_state" and refused.value.path == path
