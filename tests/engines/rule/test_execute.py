"""Executing rules without a database: order, visibility of earlier writes, once per event, conditions over
old/new/changed and aggregates, effects, failed rules leaving no trace, and timing helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from dajian.engines.expr import EvalContext
from dajian.engines.rule import (
    CreateRecord,
    Notify,
    NullEnv,
    Recipient,
    Signal,
    UpdateRecords,
    due_at,
    next_cron,
    run_rules,
)
from dajian.engines.rule.model import Offset, TimeTrigger
from tests.engines.rule.support import compiled, rule

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CTX = EvalContext(now=NOW, user_id=7)


def created(**values: Any) -> Signal:
    record = {"title": "t", "escalation_level": 0, **values}
    return Signal("created", "complaint", new=record)


def run(signal: Signal, *, aggregates: dict[str, dict[str, Any]] | None = None, rules: Any = None,
        explain: bool = False) -> Any:
    ruleset = rules or compiled()
    record = dict(signal.new or {})
    return run_rules(ruleset, signal, record, env=NullEnv(aggregates, {"quality_lead": [41, 42], "supervisor": [9]}),
                     ctx=CTX, explain=explain)


def test_routing_then_assignment_sees_the_team_set_before_it() -> None:
    outcome = run(created(category="quality", region="east", vip=False))
    assert outcome.values == {"team": "quality_sh", "sla_hours": 8, "handler": 41}
    assert outcome.fired == ["route", "assign_quality"]
    [message] = outcome.effects
    assert message == Notify((Recipient("user", 41),), ("in_app",), "新投诉  分派给您", "t")


def test_keyword_rule_overrides_routing_and_escalates() -> None:
    outcome = run(created(category="logistics", region="south", description="The charger caught fire"))
    assert outcome.values == {"team": "safety", "sla_hours": 1, "escalation_level": 3}


def test_acknowledgement_renders_escaped_html() -> None:
    outcome = run(created(contact_email="a@b.c", serial_no="TS-9", customer="<script>", title="t", team="x"))
    [mail] = [e for e in outcome.effects if isinstance(e, Notify) and e.channels == ("email",)]
    assert mail.recipients == (Recipient("email", "a@b.c"),)
    assert mail.subject == "我们已收到您的投诉 TS-9"
    assert "&lt;script&gt;" in mail.body and "<script>" not in mail.body


def test_aggregates_are_asked_only_when_the_cheap_part_holds() -> None:
    class Counting(NullEnv):
        calls: ClassVar[list[str]] = []

        def aggregates(self, rule: Any, record: Any) -> Any:
            self.calls.append(rule.key)
            return {"recent": 3}

    env = Counting()
    rules = compiled()
    run_rules(rules, created(customer=None), {"customer": None}, env=env, ctx=CTX)
    assert env.calls == []  # ISBLANK(customer) made the condition false before any query
    outcome = run_rules(rules, created(customer="ACME", escalation_level=0),
                        {"customer": "ACME", "escalation_level": 0}, env=env, ctx=CTX)
    assert env.calls == ["repeat_customer"] and outcome.values["escalation_level"] == 1


def test_batch_rule_creates_with_a_dedupe_key_and_updates_the_count() -> None:
    outcome = run(created(category="quality", batch_no="B7", region="north"), aggregates={"batch_defect": {"batch": 5}})
    creates = [e for e in outcome.effects if isinstance(e, CreateRecord)]
    assert creates == [CreateRecord("defect", {"opened_by_rule": "batch_defect", "title": "批次 B7 缺陷分析",
                                               "batch_no": "B7"}, "B7", "defect")]
    assert [e for e in outcome.effects if isinstance(e, UpdateRecords)] == [
        UpdateRecords("defect", {"batch_no": "B7"}, {"complaints": 5}, 100)]
    assert "batch_defect" not in run(created(category="quality", batch_no="B7"),
                                     aggregates={"batch_defect": {"batch": 4}}).fired


def test_field_changed_with_from_and_to_and_old_new_changed_in_conditions() -> None:
    rules = compiled([rule(on=[{"event": "field_changed", "field": "status", "from": ["new", "processing"],
                                "to": "resolved"}],
                           when="AND(changed.status, NOT(changed.team), old.status <> new.status)")])
    def update(old: str, new: str, **more: Any) -> Signal:
        return Signal("updated", "complaint", old={"status": old}, new={"status": new, **more},
                      changed=frozenset({"status", *more}))

    assert run(update("new", "resolved"), rules=rules).fired == ["r"]
    assert run(update("closed", "resolved"), rules=rules).fired == []
    assert run(update("new", "resolved", team="y"), rules=rules).fired == []


def test_once_per_event_and_a_failed_rule_leaves_no_trace() -> None:
    rules = compiled([
        rule(key="a", priority=1, actions=[{"kind": "set", "values": {"team": "a"}}]),
        rule(key="b", priority=2, actions=[{"kind": "set", "values": {"team": "b"}},
                                           {"kind": "set", "formulas": {"sla_hours": "1 / 0 + 1"}},
                                           {"kind": "notify", "to": [{"user": 1}],
                                            "subject": "{{ record.team + 1 }}"}]),
        rule(key="c", priority=3, when='team = "a"', actions=[{"kind": "escalate", "by": 2}]),
    ])
    outcome = run(created(), rules=rules)
    assert [(r.rule, r.fired, r.error is not None) for r in outcome.runs] == [("a", True, False), ("b", False, True),
                                                                              ("c", True, False)]
    assert outcome.values == {"team": "a", "escalation_level": 2}  # b's write vanished, c saw a's value
    assert "template failed" in (outcome.runs[1].error or "")


def test_explain_says_why_rules_did_not_fire() -> None:
    outcome = run(Signal("updated", "complaint", old={"amount": 1}, new={"amount": Decimal(10)},
                         changed=frozenset({"amount"})), explain=True)
    reasons = {r.rule: r.reason for r in outcome.runs}
    assert reasons["large_amount"] == "condition is false"
    assert reasons["stamp_resolved"] == "none of the watched fields changed"


def test_timed_signals_run_only_their_rule() -> None:
    rules = compiled()
    signal = Signal("time", "complaint", new={"status": "resolved", "contact_email": "x@y.z", "serial_no": "S"},
                    rule="survey", trigger=0)
    outcome = run(signal, rules=rules)
    assert outcome.fired == ["survey"] and outcome.values == {"survey_sent": True}
    other = Signal("time", "complaint", new={"status": "resolved"}, rule="another")
    assert run(other, rules=rules).fired == []


def test_decision_inputs_can_be_expressions() -> None:
    rules = compiled([
        {"key": "sla", "kind": "decision_table", "inputs": [{"key": "big", "type": "boolean"}],
         "outputs": [{"key": "sla_hours", "type": "integer"}],
         "rows": [{"when": {"big": True}, "then": {"sla_hours": 4}},
                  {"when": {"big": False}, "then": {"sla_hours": 24}}]},
        rule(actions=[{"kind": "decide", "table": "sla", "inputs": {"big": "amount > 1000"}}]),
    ])
    assert run(created(amount=Decimal(5000)), rules=rules).values == {"sla_hours": 4}
    assert run(created(amount=Decimal(5)), rules=rules).values == {"sla_hours": 24}


def test_due_times() -> None:
    resolved = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)  # Friday 16:00 in Shanghai
    assert due_at(TimeTrigger(event="time", field="resolved_at", offset=Offset(hours=24)), resolved,
                  timezone="Asia/Shanghai") == datetime(2026, 3, 7, 8, 0, tzinfo=UTC)
    before = TimeTrigger(event="time", field="due", offset=Offset(days=-2, working=True))
    assert due_at(before, datetime(2026, 3, 9, 2, 0, tzinfo=UTC), timezone="Asia/Shanghai") == \
        datetime(2026, 3, 5, 2, 0, tzinfo=UTC)  # Monday 10:00 → Thursday 10:00
    assert due_at(before, date(2026, 3, 9), timezone="Asia/Shanghai") == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
    assert next_cron("0 9 * * 1", NOW, timezone="Asia/Shanghai") == datetime(2026, 3, 9, 1, 0, tzinfo=UTC)


def test_the_rule_program_and_the_rule_by_rule_walk_agree() -> None:
    rules = compiled()
    aggregates = {"repeat_customer": {"recent": 3}, "batch_defect": {"batch": 6}}
    signals = [created(category=c, region=r, vip=v, customer="A", batch_no="B", amount=Decimal(a),
                       description=d, contact_email="x@y.z")
               for c in ("quality", "logistics", "price") for r in ("east", "south") for v in (True, False)
               for a in (10, 9000) for d in ("", "fire")]
    signals += [Signal("updated", "complaint", old={"score": 5, "status": "new"}, new={"score": s, "status": st},
                       changed=frozenset({"score", "status"})) for s in (1, 4) for st in ("resolved", "new")]
    for signal in signals:
        fast = run(signal, aggregates=aggregates, rules=rules)
        walk = run(signal, aggregates=aggregates, rules=rules, explain=True)
        assert fast.values == walk.values and fast.fired == walk.fired and fast.effects == walk.effects
