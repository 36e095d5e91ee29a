"""Running plans without a database: tokens, approvals, gateways, joins, timers, rejections."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from dajian.engines.flow import (
    Act,
    Assignee,
    Cancel,
    CloseTask,
    CompleteInstance,
    CreateTask,
    FlowError,
    FlowPlan,
    InstanceSla,
    RunState,
    ScheduleTimer,
    SetFields,
    Start,
    Step,
    TimerFired,
    compile_flow,
    dump_state,
    execute,
    preview,
    validate_flow,
)

MONDAY_9 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
CALENDAR = {"timezone": "Asia/Shanghai",
            "week": {d: ["09:00-12:00", "13:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}
FIELDS = {"title": "text", "priority": "text", "amount": "decimal", "handler": "user", "escalation_level": "integer",
          "sla_due": "datetime", "handling_minutes": "decimal", "sla_state": "text", "outcome": "text",
          "status": "text", "owner_id": "user", "dept_id": "department"}


def _node(node_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": kind, **extra}


def role(key: str) -> dict[str, Any]:
    return {"strategy": "role", "role": key}


def complaint_flow() -> dict[str, Any]:
    """客诉处理: triage by round robin, parallel investigation, countersign review, compensation
    approval routed by amount, a callback wait, SLAs on triage and on the whole flow."""
    amount = {"var": "amount"}
    priority_hours = {"if": [{"==": [{"var": "priority"}, "P1"]}, 2,
                              {"if": [{"==": [{"var": "priority"}, "P2"]}, 4, 8]}]}
    nodes = [
        _node("start", "start"),
        _node("triage", "task", label={"zh-CN": "分派受理", "en": "Triage"},
              assignee={"strategy": "round_robin", "role": "agent"}, required_fields=["priority"],
              fields={"visible": ["title", "amount"], "editable": ["priority", "amount"], "required": []},
              sla={"target": {"working_hours": priority_hours}, "warn_at": 0.75,
                   "on_warning": [{"notify": {"strategy": "dept_manager", "of": "assignee"}}],
                   "on_breach": [{"set_fields": {"escalation_level": 1},
                                  "notify": {"strategy": "dept_manager", "of": "assignee"}},
                                 {"after": {"working_hours": 2}, "reassign": role("supervisor"),
                                  "set_fields": {"escalation_level": 2}}]}),
        _node("investigate", "parallel_split"),
        _node("tech", "task", assignee=role("tech")),
        _node("logistics", "task", assignee=role("logistics")),
        _node("investigated", "parallel_join"),
        _node("review", "approval", assignee=role("reviewer"), mode="all",
              on_reject={"to": "previous"}),
        _node("amount_gate", "exclusive"),
        _node("supervisor", "approval", assignee=role("supervisor")),
        _node("manager", "approval", assignee={"strategy": "dept_manager", "of": "initiator", "levels": 1}),
        _node("committee", "approval", assignee=role("committee"), mode="n_of_m", n=2,
              on_reject={"to": "end", "outcome": "compensation_refused"}),
        _node("approved", "exclusive"),
        _node("compensate", "action", actions=[{"set_fields": {"status": "compensated"}},
                                               {"notify": {"to": {"strategy": "initiator"},
                                                           "message": "compensation approved"}}]),
        _node("callback_wait", "timer", duration={"working_hours": 4}),
        _node("callback", "task", assignee={"strategy": "previous_actor"}),
        _node("done", "end", outcome="resolved"),
    ]
    edges = [("start", "triage"), ("triage", "investigate"), ("investigate", "tech"),
             ("investigate", "logistics"), ("tech", "investigated"), ("logistics", "investigated"),
             ("investigated", "review"), ("review", "amount_gate"), ("supervisor", "approved"),
             ("manager", "approved"), ("committee", "approved"), ("approved", "compensate"),
             ("compensate", "callback_wait"), ("callback_wait", "callback"), ("callback", "done")]
    edge_docs: list[dict[str, Any]] = [{"source": s, "target": t} for s, t in edges]
    edge_docs += [
        {"source": "amount_gate", "target": "supervisor", "condition": {"<=": [amount, 500]}},
        {"source": "amount_gate", "target": "committee", "condition": {">": [amount, 5000]}},
        {"source": "amount_gate", "target": "manager", "default": True},
    ]
    edge_docs[edges.index(("approved", "compensate"))] |= {"condition": {">": [amount, 0]}}
    edge_docs.append({"source": "approved", "target": "done", "default": True})
    return {"key": "handle", "label": {"zh-CN": "客诉处理", "en": "Complaint handling"}, "form": "complaint",
            "nodes": nodes, "edges": edge_docs, "calendar": CALENDAR,
            "sla": {"target": {"working_hours": 40}, "on_breach": [{"set_fields": {"sla_state": "breached"}}]},
            "record_fields": {"due_at": "sla_due", "working_minutes": "handling_minutes",
                              "sla_state": "sla_state", "outcome": "outcome"}}


ROLES = {"agent": [11], "tech": [21], "logistics": [22], "reviewer": [31, 32], "supervisor": [41],
         "committee": [51, 52, 53]}


@dataclass
class FakeEnv:
    now: datetime = MONDAY_9
    record: Mapping[str, Any] = field(default_factory=lambda: {"priority": "P2", "amount": Decimal("800")})

    def resolve(self, spec: Assignee, *, node: str, state: RunState) -> list[int]:
        if spec.strategy in ("role", "round_robin"):
            return ROLES[spec.role or ""]
        if spec.strategy == "dept_manager":
            return [90 + spec.levels]
        if spec.strategy == "previous_actor":
            return [state.last_actor or state.initiator]
        return [state.initiator]


@pytest.fixture(scope="module")
def plan() -> FlowPlan:
    return compile_flow(complaint_flow(), fields=FIELDS)


class Walk:
    """Drives one instance, saving and reloading its state as JSON between steps."""

    def __init__(self, plan: FlowPlan, env: FakeEnv | None = None) -> None:
        self.plan, self.env = plan, env or FakeEnv()
        self.step = execute(plan, None, Start(actor=7), self.env)
        self.effects = list(self.step.effects)

    @property
    def state(self) -> RunState:
        return self.step.state

    def tasks(self, node: str | None = None) -> dict[str, int]:
        return {k: t.assignee for k, t in self.state.tasks.items() if node in (None, t.node)}

    def send(self, event: Any) -> Step:
        saved = json.loads(json.dumps(dump_state(self.state)))  # the instance lives in the database between steps
        self.step = execute(self.plan, saved, event, self.env)
        self.effects += self.step.effects
        return self.step

    def act(self, node: str, action: str = "approve", *, user: int | None = None, **kw: Any) -> Step:
        key, assignee = next((k, a) for k, a in self.tasks(node).items() if user in (None, a))
        return self.send(Act(key, assignee, action, **kw))


def through_review(walk: Walk) -> None:
    walk.act("triage")
    walk.act("tech")
    walk.act("logistics")
    walk.act("review", user=31)
    walk.act("review", user=32)


def test_a_complaint_walks_to_its_end(plan: FlowPlan) -> None:
    walk = Walk(plan)
    assert list(walk.tasks().values()) == [11]
    assert walk.step.of(CreateTask)[0].due_at == MONDAY_9 + timedelta(hours=5)  # P2: 4 working hours + lunch
    assert walk.step.of(InstanceSla)[0].due_at.date().isoformat() == "2026-03-06"
    walk.act("triage")
    assert sorted(walk.tasks().values()) == [21, 22]  # both departments investigate in parallel
    walk.act("tech")
    assert sorted(walk.tasks().values()) == [22]  # the join waits for logistics
    walk.act("logistics")
    assert sorted(walk.tasks().values()) == [31, 32]
    walk.act("review", user=31)
    assert list(walk.tasks().values()) == [32]  # countersign: everyone must approve
    walk.act("review", user=32)
    assert list(walk.tasks().values()) == [90 + 1]  # 800 > 500: the initiator's manager's manager
    walk.act("manager")
    timer = walk.step.of(ScheduleTimer)[0]
    assert walk.step.of(SetFields)[0].values == {"status": "compensated"}
    assert timer.due_at == MONDAY_9 + timedelta(hours=5)  # 4 working hours, lunch excluded
    walk.send(TimerFired(timer.timer))
    assert list(walk.tasks().values()) == [90 + 1]  # the previous actor calls the customer back
    walk.act("callback")
    assert walk.state.status == "completed" and walk.state.outcome == "resolved"
    assert walk.state.path[-3:] == ["callback_wait", "callback", "done"]


@pytest.mark.parametrize(("amount", "approver"), [("500", "supervisor"), ("500.01", "manager"),
                                                  ("5000.01", "committee")])
def test_compensation_is_routed_by_amount(plan: FlowPlan, amount: str, approver: str) -> None:
    walk = Walk(plan, FakeEnv(record={"priority": "P3", "amount": Decimal(amount)}))
    through_review(walk)
    assert {t.node for t in walk.state.tasks.values()} == {approver}


def test_committee_needs_two_of_three_and_one_refusal_is_not_enough(plan: FlowPlan) -> None:
    walk = Walk(plan, FakeEnv(record={"priority": "P3", "amount": Decimal("9000")}))
    through_review(walk)
    walk.act("committee", "reject", user=51)
    walk.act("committee", user=52)
    assert list(walk.tasks().values()) == [53]
    walk.act("committee", user=53)
    assert walk.state.timers and "callback_wait" in walk.state.path  # two approvals carried it


def test_two_committee_refusals_end_the_flow(plan: FlowPlan) -> None:
    walk = Walk(plan, FakeEnv(record={"priority": "P3", "amount": Decimal("9000")}))
    through_review(walk)
    walk.act("committee", "reject", user=51)
    walk.act("committee", "reject", user=52)
    assert walk.state.status == "completed" and walk.state.outcome == "compensation_refused"
    assert walk.step.of(CloseTask)[-1].status == "cancelled"  # the third member's task is withdrawn


def test_return_for_information_goes_to_the_initiator_and_back(plan: FlowPlan) -> None:
    walk = Walk(plan)
    walk.act("triage", "return")
    [(key, user)] = walk.tasks().items()
    assert user == 7 and walk.state.tasks[key].role == "info"
    walk.act("triage")  # the initiator answers
    assert list(walk.tasks().values()) == [11]


def test_a_rejected_review_goes_back_to_the_previous_human_step(plan: FlowPlan) -> None:
    walk = Walk(plan)
    walk.act("triage")
    walk.act("tech")
    walk.act("logistics")
    walk.act("review", "reject", user=31)
    assert {t.node for t in walk.state.tasks.values()} == {"logistics"}
    assert walk.step.of(CloseTask)[-1].status == "cancelled"  # reviewer 32 no longer needs to act
    walk.act("logistics")  # only the rejected branch is redone; tech's investigation stands
    assert {t.node for t in walk.state.tasks.values()} == {"review"}


def test_transfer_delegate_and_add_signer(plan: FlowPlan) -> None:
    walk = Walk(plan)
    walk.act("triage", "transfer", users=(12,))
    assert list(walk.tasks().values()) == [12]
    walk.act("triage")
    walk.act("tech", "delegate", users=(23,))
    assert walk.state.tasks[next(iter(walk.tasks("tech")))].for_ == 21
    walk.act("tech")
    walk.act("logistics")
    walk.act("review", "add_signer", user=31, users=(33,))
    walk.act("review", user=31)
    walk.act("review", user=32)
    assert list(walk.tasks().values()) == [33]  # the added signer must approve too


def test_wrong_actor_and_closed_tasks_are_refused(plan: FlowPlan) -> None:
    walk = Walk(plan)
    [key] = walk.tasks()
    with pytest.raises(FlowError, match="not assigned to you"):
        walk.send(Act(key, 99, "approve"))
    walk.act("triage")
    with pytest.raises(FlowError, match="not open"):
        walk.send(Act(key, 11, "approve"))


def test_required_fields_must_be_filled_before_completing(plan: FlowPlan) -> None:
    walk = Walk(plan, FakeEnv(record={"amount": Decimal("1")}))
    with pytest.raises(FlowError, match="priority"):
        walk.act("triage")


def test_the_initiator_can_withdraw(plan: FlowPlan) -> None:
    walk = Walk(plan)
    with pytest.raises(FlowError, match="initiator"):
        walk.send(Cancel(actor=11))
    walk.send(Cancel(actor=7))
    assert walk.state.status == "cancelled" and walk.state.tasks == {}
    with pytest.raises(FlowError, match="not running"):
        walk.send(Cancel(actor=7))


def test_completion_reports_working_minutes(plan: FlowPlan) -> None:
    walk = Walk(plan, FakeEnv(record={"priority": "P1", "amount": Decimal("0")}))
    walk.env.now = MONDAY_9 + timedelta(hours=26)  # Tuesday 11:00: 8 + 2 working hours
    through_review(walk)
    walk.act("supervisor")  # nothing to pay: straight to the end
    [done] = walk.step.of(CompleteInstance)
    assert done.outcome == "resolved" and done.working_minutes == 10 * 60


def test_preview_shows_the_path_without_running_anything(plan: FlowPlan) -> None:
    small = preview(plan, {"priority": "P3", "amount": Decimal("100")}, now=MONDAY_9)
    assert small["completed"] and small["outcome"] == "resolved"
    assert "supervisor" in small["path"] and "manager" not in small["path"]
    big = preview(plan, {"priority": "P3", "amount": Decimal("6000")}, now=MONDAY_9)
    assert "committee" in big["path"] and {"tech", "logistics"} <= set(big["path"])
    nothing = preview(plan, {"priority": "P3", "amount": Decimal("0")}, now=MONDAY_9)
    assert "compensate" not in nothing["path"]


def test_a_node_mirrors_its_first_done_task_into_the_record() -> None:
    doc = complaint_flow()
    triage = next(n for n in doc["nodes"] if n["id"] == "triage")
    triage["record_fields"] = {"working_minutes": "handling_minutes", "done_at": "sla_due"}
    walk = Walk(compile_flow(doc, fields=FIELDS))
    walk.env.now = MONDAY_9 + timedelta(hours=4)  # 09:00 → 13:00, lunch 12:00–13:00: 180 working minutes
    walk.act("triage")
    [mirrored] = [e for e in walk.step.effects if isinstance(e, SetFields) and "handling_minutes" in e.values]
    assert mirrored.values == {"handling_minutes": 180, "sla_due": MONDAY_9 + timedelta(hours=4)}
    triage["record_fields"] = {"working_minutes": "nope"}
    assert any(i.path.endswith("/record_fields/working_minutes") for i in validate_flow(doc, fields=FIELDS))
