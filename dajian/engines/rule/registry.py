"""The tables of trigger and action kinds, extended by ``register_trigger`` / ``register_action``.

A trigger kind says which signals it listens to and whether one matches; an action kind compiles its
definition once (all checks here, issues located under the action's path) into a function
``run(firing)`` that sets fields on the firing or appends effects to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from dajian.engines.expr import ExprError, Schema, compile_python
from dajian.engines.form.logic import as_ast

from .dtable import DecisionPlan
from .effects import Firing

Run = Callable[[Firing], None]
Issues = list[tuple[str, str]]


@dataclass(frozen=True)
class FormInfo:
    """What rules need to know of a form: its expression schema and its serial-number field."""

    schema: Schema
    serial: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Signal:
    """Something that happened to a record of ``form`` (record event, flow event, timer, cron, button)."""

    kind: str  # created | updated | deleted | restored | flow | time | cron | inbound | manual
    form: str
    old: Mapping[str, Any] | None = None
    new: Mapping[str, Any] | None = None
    changed: frozenset[str] = frozenset()
    rule: str | None = None  # time / cron / manual signals are for one rule
    trigger: int | None = None
    flow: Mapping[str, Any] | None = None  # {"flow", "on", "node", "action"}
    channel: str | None = None


@dataclass
class Scope:
    """What an action or trigger compiler may look at, and where it reports problems."""

    rule: str
    form: str
    forms: Mapping[str, FormInfo]
    schema: Schema  # the condition schema: the record plus old/new/changed/agg
    path: str
    issues: Issues
    flows: frozenset[str] = frozenset()
    tables: Mapping[str, DecisionPlan] = field(default_factory=dict)
    notify_channels: frozenset[str] = frozenset()
    webhooks: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    calendars: frozenset[str] = frozenset()

    def fail(self, where: str, message: str) -> None:
        self.issues.append((self.path + where, message))

    def expr(self, raw: Any, where: str, schema: Schema | None = None) -> Any:
        """Check and compile an expression (JSON AST or formula text); None after reporting issues."""
        try:
            return compile_python(as_ast(raw), schema or self.schema)
        except ExprError as exc:
            for issue in exc.issues:
                self.fail(where + issue.path, issue.message)
            return None

    def field(self, key: str, where: str, *, form: str | None = None, types: tuple[str, ...] = ()) -> bool:
        info = self.forms.get(form or self.form)
        kind = info.schema.fields.get(key) if info else None
        if kind is None:
            self.fail(where, f"no field '{key}' in form '{form or self.form}'")
            return False
        if types and kind not in types:
            self.fail(where, f"field '{key}' is {kind}; expected {' or '.join(types)}")
            return False
        return True


@dataclass(frozen=True)
class TriggerKind:
    event: str
    model: type[BaseModel]
    signals: Callable[[Any], tuple[str, ...]]
    matches: Callable[[Any, Signal], bool]
    check: Callable[[Any, Scope], None] = lambda trigger, scope: None
    watch: Callable[[Any], frozenset[str] | None] = lambda trigger: None  # updates: fields that matter


@dataclass(frozen=True)
class ActionKind:
    kind: str
    model: type[BaseModel]
    compile: Callable[[Any, Scope], Run | None]


TRIGGERS: dict[str, TriggerKind] = {}
ACTIONS: dict[str, ActionKind] = {}


def register_trigger(kind: TriggerKind) -> None:
    TRIGGERS[kind.event] = kind


def register_action(kind: str, model: type[BaseModel], compile: Callable[[Any, Scope], Run | None]) -> None:
    """``compile(model_instance, scope) -> run(firing)``; report problems with ``scope.fail``."""
    ACTIONS[kind] = ActionKind(kind, model, compile)
