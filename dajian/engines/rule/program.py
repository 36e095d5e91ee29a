"""One generated Python function per (form, signal kind): every rule's trigger test and condition inline,
in rule order — the if-chain a developer would write by hand, compiled once per app version.

For rules ``a`` (on a change of ``amount``, when ``amount > 5000``, send a message) and ``b`` (on any
update, set ``team`` to "x") the body is::

    def _run(r, ctx, s, ch, fire, fail, log, rs):
        g = r.get
        try:
            if ((c0 in ch)) and ((not ((t1 := g(c0)) is None) and t1 > c1)): fire(c2)
        except E as e: fail(c2, e)
        try:
            if (True) and (True): v = {}; r[c3] = v[c3] = c4; log((c5, v, (), rs))
        except E as e: fail(c5, e)

Rules that only set constants or raise a level are written inline (they cannot fail); the others go
through ``fire(rule)``, which runs their actions on ``r`` itself — so later conditions read the values
earlier rules wrote (``g`` is ``r.get``).

Why ``exec`` is safe here: as in ``dajian.engines.expr.compile_py`` (whose emitter writes the conditions),
the source holds only fixed fragments and invented names; field keys, literals, trigger models and
matcher functions are constants passed in by index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dajian.engines.expr import DEFAULT_LIMITS, Schema
from dajian.engines.expr.check import checked
from dajian.engines.expr.compile_py import Emitter

from .model import FieldChangedTrigger, RecordTrigger

Runner = Callable[..., None]


@dataclass(frozen=True)
class Program:
    kind: str
    rules: tuple[Any, ...]  # the RulePlans it runs, in order
    run: Runner


def _trigger_source(kind_name: str, trigger_kind: Any, trigger: Any, em: Emitter) -> str | None:
    if kind_name not in trigger_kind.signals(trigger):
        return None
    if isinstance(trigger, FieldChangedTrigger) and trigger.from_ is None and trigger.to is None:
        return f"({em.key(trigger.field)} in ch)"
    if isinstance(trigger, RecordTrigger) and trigger.event == kind_name and trigger.channel is None:
        if trigger.fields and kind_name == "updated":
            return f"(not {em.const(frozenset(trigger.fields))}.isdisjoint(ch))"
        return "True"
    return f"{em.const(trigger_kind.matches)}({em.const(trigger)}, s)"


def _inline(rule: Any, em: Emitter) -> str | None:
    """Rules that only set constants or raise a level cannot fail: their writes go inline, then
    ``log((rule, values, effects, reason))``."""
    if rule.aggregates or not rule.actions:
        return None
    parts = ["v = {}"]
    for run in rule.actions:
        spec = getattr(run, "inline", None)
        if spec is None:
            return None
        if spec[0] == "set":
            parts += [f"r[{em.key(k)}] = v[{em.key(k)}] = {em.const(value)}" for k, value in spec[1]]
        else:
            _, field, to, by = spec
            key = em.key(field)
            step = f"{em.const(max)}(w, {em.const(to)})" if to is not None else f"w + {em.const(by)}"
            parts += [f"w = g({key}) or 0", f"r[{key}] = v[{key}] = {step}"]
    return "; ".join([*parts, f"log(({em.const(rule)}, v, (), rs))"])


def build_program(kind: str, rules: Sequence[Any], schema: Schema, errors: tuple[type[BaseException], ...]) -> Program:
    """``rules`` are ``RulePlan``s in order; ``schema`` types their conditions (``pre_ast``)."""
    em = Emitter(DEFAULT_LIMITS)
    lines = ["    def _run(r, ctx, s, ch, fire, fail, log, rs):", "        g = r.get"]
    kept: list[Any] = []
    for rule in rules:
        if not rule.enabled:
            continue
        tests = [t for k, trig in rule.triggers if (t := _trigger_source(kind, k, trig, em)) is not None]
        if not tests:
            continue
        trigger = "True" if "True" in tests else " or ".join(tests)
        condition = em.emit(checked(rule.pre_ast, schema)) if rule.pre_ast is not None else "True"
        kept.append(rule)
        action = _inline(rule, em) or f"fire({em.const(rule)})"
        lines += ["        try:", f"            if ({trigger}) and ({condition}): {action}",
                  f"        except E as e: fail({em.const(rule)}, e)"]
    names = ", ".join(f"c{i}" for i in range(len(em.consts)))
    head = ["def _factory(K, E):"] + ([f"    {names}, = K"] if em.consts else [])
    source = "\n".join([*head, *lines, "        return None", "    return _run"]) + "\n"
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, f"<dajian-rules {kind}>", "exec"), namespace)
    return Program(kind, tuple(kept), namespace["_factory"](tuple(em.consts), errors))
