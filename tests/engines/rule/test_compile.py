"""Compiling rule definitions: plans, ordering, indexes, and every problem reported with its path."""

from __future__ import annotations

import pytest

from dajian.engines.rule import RuleDefinitionError
from tests.engines.rule.support import compiled, issues, rule


def test_the_seed_rules_compile_into_an_ordered_index() -> None:
    rules = compiled()
    created = [r.key for r in rules.for_signal("complaint", "created")]
    assert created == ["route", "keyword_safety", "assign_quality", "acknowledge", "repeat_customer", "large_amount",
                       "batch_defect"]
    assert [r.key for r in rules.for_signal("complaint", "updated")] == ["large_amount", "stamp_resolved",
                                                                         "low_score_reopens"]
    assert rules.rules["large_amount"].watch == frozenset({"amount"})
    assert [(r.key, n) for r, n, _ in rules.timed("complaint")] == [("survey", 0)]
    assert set(rules.tables) == {"routing"}
    assert {e.kind for e in rules.elements.values()} == {"webhook", "notify_channel", "public_form",  # type: ignore[attr-defined]
                                                         "inbound_webhook", "inbound_email"}


def test_conditions_split_so_aggregates_run_last() -> None:
    plan = compiled().rules["batch_defect"]
    assert plan.pre is not None and plan.post is not None
    [agg] = plan.aggregates
    assert (agg.form, agg.fn, agg.within, list(agg.match)) == ("complaint", "count", ("created_at", 24), ["batch_no"])


def test_unknown_kinds_and_fields_are_located() -> None:
    found = issues([
        rule(on=[{"event": "sometime"}]),
        rule(key="r2", when="nope > 1", actions=[{"kind": "teleport"}]),
        rule(key="r3", form="ghost"),
        {"key": "x", "kind": "robot"},
    ])
    assert found == [
        ("/rules/3/kind", "unknown kind 'robot'; known: decision_table, inbound_email, inbound_webhook, "
                          "notify_channel, public_form, rule, webhook"),
        ("/rules/0/on/0/event", "unknown trigger 'sometime'; known: created, cron, deleted, field_changed, flow, "
                                "inbound, manual, restored, time, updated"),
        ("/rules/1/when/>/0", "unknown field 'nope'"),
        ("/rules/1/actions/0/kind", "unknown action 'teleport'; known: assign, create, decide, escalate, notify, set, "
                                    "start_flow, update, webhook"),
        ("/rules/2/form", "no form 'ghost'"),
    ]


@pytest.mark.parametrize(("action", "path", "message"), [
    ({"kind": "set", "values": {"nope": 1}}, "/values/nope", "no field 'nope' in form 'complaint'"),
    ({"kind": "set", "formulas": {"team": "amount +"}}, "/formulas/team", "the formula ends too early"),
    ({"kind": "assign", "field": "title", "to": {"role": "x"}}, "/field", "field 'title' is text; expected user"),
    ({"kind": "assign", "field": "handler", "to": {}}, "/to", "name exactly one of 'user', 'role' or 'field'"),
    ({"kind": "create", "form": "defect", "values": {"zzz": 1}}, "/values/zzz", "no field 'zzz' in form 'defect'"),
    ({"kind": "start_flow", "flow": "handle"}, "/flow", "no flow 'handle'"),
    ({"kind": "escalate", "field": "title"}, "/field", "field 'title' is text; expected integer"),
    ({"kind": "notify", "to": [{"user": 1}], "channels": ["pager"], "subject": "x"}, "/channels/0",
     "unknown channel 'pager'"),
    ({"kind": "notify", "to": [{"user": 1, "role": "x"}], "subject": "x"}, "/to/0", "name exactly one of"),
    ({"kind": "webhook"}, "", "name either a 'subscription' or a 'url'"),
    ({"kind": "webhook", "subscription": "nope"}, "/subscription", "no webhook subscription 'nope'"),
    ({"kind": "decide", "table": "nope"}, "/table", "no decision table 'nope'"),
    ({"kind": "set", "colour": "red"}, "/colour", "unknown property"),
])
def test_action_checks(action: dict[str, object], path: str, message: str) -> None:
    found = issues([rule(actions=[action])])
    assert any(p == f"/rules/0/actions/0{path}" and message in m for p, m in found), found


def test_trigger_checks() -> None:
    found = issues([rule(on=[{"event": "time", "field": "title"}, {"event": "cron", "cron": "every day at 9"},
                             {"event": "field_changed", "field": "zz"}, {"event": "flow", "on": "entered",
                                                                          "flow": "nope"},
                             {"event": "inbound", "channel": "fax"}, {"event": "time", "field": "resolved_at",
                                                                       "offset": {"hours": -4, "working": True}}])])
    assert found == [
        ("/rules/0/on/0/field", "field 'title' is text; expected date or datetime"),
        ("/rules/0/on/1/cron", "'every day at 9' is not a five-field cron expression (minute hour day month weekday)"),
        ("/rules/0/on/2/field", "no field 'zz' in form 'complaint'"),
        ("/rules/0/on/3/flow", "no flow 'nope'"),
        ("/rules/0/on/4/channel", "no inbound channel 'fax'"),
        ("/rules/0/on/5/offset/hours", "count back in working days, not working hours"),
    ]


def test_sandbox_escapes_are_refused_at_publish_time() -> None:
    found = issues([rule(actions=[{"kind": "notify", "to": [{"user": 1}], "subject": "{{ ''.__class__.__mro__ }}",
                                   "body": "{{ cycler.__init__.__globals__ }}{{ record['__dict__'] }}"}])])
    messages = [m for _, m in found]
    assert "a template may not read '__class__': Python internals are off limits" in messages
    assert "a template may not read '__mro__': Python internals are off limits" in messages
    assert any(m.startswith("unknown name 'cycler' in template") for m in messages)
    assert "a template may not read '__dict__': Python internals are off limits" in messages


def test_templates_too_large_to_render_are_refused_at_publish_time_with_their_path() -> None:
    found = issues([rule(actions=[{"kind": "notify", "to": [{"user": 1}], "subject": "{{ record.title * 2000000 }}",
                                   "body": "{{ record.title "}])])
    assert found == [
        ("/rules/0/actions/0/subject", "a template may repeat a value at most 100000 times"),
        ("/rules/0/actions/0/body", "template syntax error on line 1: unexpected end of template, expected 'end of "
                                    "print statement'."),
    ]


def test_channel_definitions_are_checked() -> None:
    found = issues([
        {"key": "web", "kind": "public_form", "form": "defect", "fields": ["title", "nope"], "honeypot": "title"},
        {"key": "hook", "kind": "webhook", "url": "ftp://x.example", "events": ["ghost.created"]},
        {"key": "sms", "kind": "notify_channel", "url": "http://sms.example", "template": {"t": "{{ secret }}"}},
    ])
    assert found == [
        ("/rules/0/form", "form 'defect' needs a text field 'channel': every channel records itself there"),
        ("/rules/0/honeypot", "the honeypot 'title' must not be a field of the form"),
        ("/rules/0/status_lookup", "a status lookup needs a serial-number field and a contact_field"),
        ("/rules/0/fields/1", "no field 'nope' in form 'defect'"),
        ("/rules/1/url", "the URL must start with http:// or https://"),
        ("/rules/1/events/0", "no form 'ghost'"),
        ("/rules/2/template/t", "unknown name 'secret' in template (known: html, now, recipient, subject, text)"),
    ]


def test_compile_raises_with_every_issue() -> None:
    with pytest.raises(RuleDefinitionError) as caught:
        compiled([rule(when="zz"), rule(key="b", form="ghost")])
    assert [p for p, _ in caught.value.issues] == ["/rules/0/when", "/rules/1/form"]
