"""The flow SLA clock without a database: pause nodes, a pause condition on the record, moved
due and warning times, working minutes without the pauses, and the checks at compile time."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from dajian.engines.flow import (
    Cancel,
    CompleteInstance,
    FlowPlan,
    RecordChanged,
    SlaPaused,
    SlaResumed,
    compile_flow,
    validate_flow,
)
from dajian.engines.flow.clock import pauses_of, resolution_minutes
from tests.engines.flow.test_execute import CALENDAR, FIELDS, MONDAY_9, FakeEnv, Walk

AWAITING = {"==": [{"var": "status"}, "awaiting_customer"]}


def confirm_flow(**sla: Any) -> dict[str, Any]:
    nodes = [{"id": "start", "kind": "start"},
             {"id": "triage", "kind": "task", "assignee": {"strategy": "initiator"}},
             {"id": "confirm", "kind": "task", "assignee": {"strategy": "initiator"}},
             {"id": "resolve", "kind": "task", "assignee": {"strategy": "initiator"}},
             {"id": "done", "kind": "end", "outcome": "resolved"}]  # fmt: skip
    ids = [n["id"] for n in nodes]
    return {"key": "resolve", "label": {"en": "Resolve"}, "form": "complaint", "nodes": nodes, "calendar": CALENDAR,
            "edges": [{"source": s, "target": t} for s, t in itertools.pairwise(ids)],
            "sla": {"target": {"working_hours": 8}, "warn_at": 0.5, **sla}}


@pytest.fixture(scope="module")
def plan() -> FlowPlan:
    return compile_flow(confirm_flow(pause_in=["confirm"], pause_when=AWAITING), fields=FIELDS)


def env(**record: Any) -> FakeEnv:
    return FakeEnv(record={"priority": "P2", "amount": Decimal("1"), **record})


def test_the_clock_stops_in_a_pause_node_and_moves_the_due_time(plan: FlowPlan) -> None:
    walk = Walk(plan, env())
    assert walk.state.sla is not None and walk.state.sla.due == MONDAY_9 + timedelta(hours=9)  # 18:00 Shanghai
    walk.act("triage")
    [paused] = walk.step.of(SlaPaused)
    assert paused.at == MONDAY_9 and paused.generation == 0
    walk.env.now = MONDAY_9 + timedelta(hours=3)  # 12:00: three working hours later
    walk.act("confirm")
    [resumed] = walk.step.of(SlaResumed)
    assert resumed.paused_minutes == 180 and resumed.generation == 1
    assert resumed.due_at == MONDAY_9 + timedelta(days=1, hours=3)  # Tuesday 12:00
    assert resumed.warn_at == MONDAY_9 + timedelta(hours=8)  # 14:00 moved to 17:00
    walk.env.now = MONDAY_9 + timedelta(days=1, hours=5)  # Tuesday 14:00
    walk.act("resolve")
    [done] = walk.step.of(CompleteInstance)
    assert done.working_minutes == 12 * 60 - 180


def test_a_pause_condition_on_the_record_is_looked_at_when_the_record_changes(plan: FlowPlan) -> None:
    walk = Walk(plan, env())
    assert walk.send(RecordChanged()).effects == []  # nothing changed: nothing to do
    walk.env.record = {**walk.env.record, "status": "awaiting_customer"}
    walk.env.now = MONDAY_9 + timedelta(hours=1)
    assert [type(e) for e in walk.send(RecordChanged()).effects] == [SlaPaused]
    assert walk.send(RecordChanged()).effects == []  # still paused
    walk.env.now = MONDAY_9 + timedelta(hours=4)  # 13:00
    walk.env.record = {**walk.env.record, "status": "open"}
    [resumed] = walk.send(RecordChanged()).effects
    assert isinstance(resumed, SlaResumed) and resumed.paused_minutes == 120


def test_finishing_or_withdrawing_while_paused_closes_the_pause_without_moving_anything(plan: FlowPlan) -> None:
    walk = Walk(plan, env(status="awaiting_customer"))  # paused from the start
    assert walk.step.of(SlaPaused)
    walk.env.now = MONDAY_9 + timedelta(hours=2)
    walk.act("triage")
    walk.act("confirm")
    walk.act("resolve")
    [closed] = walk.step.of(SlaResumed)
    assert closed.due_at is None and closed.warn_at is None and closed.paused_minutes == 120
    assert walk.step.of(CompleteInstance)[0].working_minutes == 0
    assert resolution_minutes(plan.calendar, MONDAY_9, walk.env.now, pauses_of(walk.state)) == 0

    other = Walk(plan, env(status="awaiting_customer"))
    other.send(Cancel(actor=7))
    assert other.step.of(SlaResumed)[0].due_at is None and pauses_of(other.state)[0][1] == MONDAY_9


def test_parallel_work_outside_the_pause_nodes_keeps_the_clock_running() -> None:
    doc = confirm_flow(pause_in=["confirm"])
    doc["nodes"][2:2] = [{"id": "split", "kind": "parallel_split"}, {"id": "join", "kind": "parallel_join"},
                         {"id": "check", "kind": "task", "assignee": {"strategy": "initiator"}}]
    doc["edges"] = [{"source": s, "target": t} for s, t in (
        ("start", "triage"), ("triage", "split"), ("split", "confirm"), ("split", "check"), ("confirm", "join"),
        ("check", "join"), ("join", "resolve"), ("resolve", "done"))]  # fmt: skip
    walk = Walk(compile_flow(doc, fields=FIELDS), env())
    walk.act("triage")
    assert not walk.step.of(SlaPaused)  # someone still works on "check"
    walk.act("check")
    assert walk.step.of(SlaPaused)  # now the flow waits only for the customer


def test_pause_settings_are_checked_when_the_flow_is_compiled() -> None:
    doc = confirm_flow(pause_in=["confirm", "nowhere", "start"], pause_when={"+": [{"var": "amount"}, 1]})
    doc["nodes"][1]["sla"] = {"target": {"working_hours": 2}, "pause_in": ["confirm"]}
    found = {(i.path, i.message) for i in validate_flow(doc, fields=FIELDS)}
    assert ("/sla/pause_in/1", "no node 'nowhere'") in found
    assert any(p == "/sla/pause_in/2" and "start node never waits" in m for p, m in found)
    assert any(p == "/sla/pause_when" and "expected boolean" in m for p, m in found)
    assert ("/nodes/1/sla/pause_in", "pause_in applies only to the flow's SLA (the resolution clock)") in found
    assert len(found) == 4
