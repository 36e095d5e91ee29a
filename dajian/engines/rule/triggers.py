"""The built-in trigger kinds (see ``model.py`` for their JSON)."""

from __future__ import annotations

from typing import Any

from croniter import croniter

from .model import (
    CronTrigger,
    FieldChangedTrigger,
    FlowTrigger,
    InboundTrigger,
    ManualTrigger,
    RecordTrigger,
    TimeTrigger,
)
from .registry import Scope, Signal, TriggerKind, register_trigger


def same(value: Any, expected: Any) -> bool:
    """``expected`` as written in a definition (a list: any of them) against a stored value."""
    if isinstance(expected, list):
        return any(same(value, e) for e in expected)
    if value == expected:
        return True
    return value is not None and expected is not None and str(value) == str(expected)


def _record_matches(t: RecordTrigger, s: Signal) -> bool:
    if s.kind != t.event:
        return False
    if t.fields is not None and t.event == "updated" and not s.changed.intersection(t.fields):
        return False
    return t.channel is None or s.channel == t.channel


def _record_check(t: RecordTrigger, scope: Scope) -> None:
    for i, key in enumerate(t.fields or []):
        scope.field(key, f"/fields/{i}")
    if t.channel is not None and t.channel not in scope.channels:
        scope.fail("/channel", f"no inbound channel '{t.channel}'")


def _changed_matches(t: FieldChangedTrigger, s: Signal) -> bool:
    if s.kind != "updated" or t.field not in s.changed:
        return False
    before, after = (s.old or {}).get(t.field), (s.new or {}).get(t.field)
    return (t.from_ is None or same(before, t.from_)) and (t.to is None or same(after, t.to))


def _changed_check(t: FieldChangedTrigger, scope: Scope) -> None:
    scope.field(t.field, "/field")


def _flow_matches(t: FlowTrigger, s: Signal) -> bool:
    info = s.flow or {}
    if s.kind != "flow" or info.get("on") != t.on:
        return False
    if t.flow is not None and info.get("flow") != t.flow:
        return False
    if t.node is not None and info.get("node") != t.node:
        return False
    return t.action is None or info.get("action") == t.action


def _flow_check(t: FlowTrigger, scope: Scope) -> None:
    if t.flow is not None and t.flow not in scope.flows:
        scope.fail("/flow", f"no flow '{t.flow}'")


def _time_check(t: TimeTrigger, scope: Scope) -> None:
    scope.field(t.field, "/field", types=("date", "datetime"))
    if t.calendar is not None and t.calendar not in scope.calendars:
        scope.fail("/calendar", f"no calendar '{t.calendar}' in settings.calendars")
    if t.offset.working and (t.offset.minutes or (t.offset.days and t.offset.hours)):
        scope.fail("/offset", "working offsets are whole working days or working hours, not both")
    if t.offset.working and t.offset.hours < 0:
        scope.fail("/offset/hours", "count back in working days, not working hours")


def _cron_check(t: CronTrigger, scope: Scope) -> None:
    if not croniter.is_valid(t.cron) or len(t.cron.split()) != 5:
        scope.fail("/cron", f"'{t.cron}' is not a five-field cron expression (minute hour day month weekday)")


def _inbound_matches(t: InboundTrigger, s: Signal) -> bool:
    return s.kind == "created" and s.channel is not None and (t.channel is None or s.channel == t.channel)


def _inbound_check(t: InboundTrigger, scope: Scope) -> None:
    if t.channel is not None and t.channel not in scope.channels:
        scope.fail("/channel", f"no inbound channel '{t.channel}'")


def _own(kind: str) -> Any:
    return lambda t, s: s.kind == kind


for _kind in (
    TriggerKind("created", RecordTrigger, lambda t: ("created",), _record_matches, _record_check),
    TriggerKind("updated", RecordTrigger, lambda t: ("updated",), _record_matches, _record_check,
                lambda t: frozenset(t.fields) if t.fields else None),
    TriggerKind("deleted", RecordTrigger, lambda t: ("deleted",), _record_matches, _record_check),
    TriggerKind("restored", RecordTrigger, lambda t: ("restored",), _record_matches, _record_check),
    TriggerKind("field_changed", FieldChangedTrigger, lambda t: ("updated",), _changed_matches,
                _changed_check, lambda t: frozenset({t.field})),
    TriggerKind("flow", FlowTrigger, lambda t: ("flow",), _flow_matches, _flow_check),
    TriggerKind("time", TimeTrigger, lambda t: ("time",), _own("time"), _time_check),
    TriggerKind("cron", CronTrigger, lambda t: ("cron",), _own("cron"), _cron_check),
    TriggerKind("inbound", InboundTrigger, lambda t: ("created",), _inbound_matches, _inbound_check),
    TriggerKind("manual", ManualTrigger, lambda t: ("manual",), _own("manual")),
):
    register_trigger(_kind)
