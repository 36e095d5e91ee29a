"""Run the rules a signal concerns: pure, no storage — the platform applies the ``Outcome``.

``run_rules(ruleset, Signal("updated", "complaint", old=..., new=..., changed=frozenset({"amount"})),
record, env=env, ctx=EvalContext())`` → ``Outcome(runs=[RuleRun("big_amount", fired=True, ...)],
values={"escalation_level": 2}, effects=[Notify(...)])``.

Record events run the generated rule program of (form, kind) (``program.py``); dry runs (``explain``)
and timer, cron and button signals, which name one rule, walk the rules one by one and say why each
did or did not fire.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dajian.engines.expr import EvalContext

from .compile import RULE_ERRORS, RulePlan, RuleSet
from .effects import ChangedView, Env, Firing, Outcome, RuleRun
from .registry import Signal


def working_record(ruleset: RuleSet, signal: Signal, record: Mapping[str, Any]) -> dict[str, Any]:
    """The values conditions and actions read: the record plus ``old``, ``new`` and ``changed``."""
    view = dict(record)
    extras = ruleset.extras.get(signal.form, frozenset())
    if "old" in extras:
        view["old"] = signal.old
    if "new" in extras:
        view["new"] = signal.new  # read only: conditions and templates never write it
    if "changed" in extras:
        view["changed"] = ChangedView(signal.changed)
    return view


Inspect = Callable[[RulePlan, Mapping[str, Any]], None]


def run_rules(ruleset: RuleSet, signal: Signal, record: Mapping[str, Any], *, env: Env, ctx: EvalContext,
              explain: bool = False, inspect: Inspect | None = None) -> Outcome:
    """Rules in order (priority, then key); each sees the values earlier ones set; each fires at most once.

    ``explain`` also reports the rules that did not fire and why (dry runs); ``inspect(rule, view)`` then
    sees each rule's working record as the rule saw it (its ``agg`` only when this rule's were computed).
    """
    outcome = Outcome()
    view = working_record(ruleset, signal, record)
    program = ruleset.programs.get((signal.form, signal.kind))
    if program is not None and not explain and signal.rule is None:
        _run_program(program.rules, program.run, signal, view, env, ctx, outcome)
        return outcome
    own_agg = explain and "agg" in ruleset.extras.get(signal.form, frozenset())
    for rule in ruleset.for_signal(signal.form, signal.kind):
        if own_agg:
            view.pop("agg", None)  # an earlier rule's aggregates are not this one's
        why = _blocked(rule, signal, view, env, ctx)
        if inspect is not None:
            inspect(rule, view)
        if why is None:
            outcome.log().append(_fire(rule, view, env, ctx, _reason(signal)))
        elif explain:
            outcome.log().append(RuleRun(rule.key, False, why))
    return outcome


def _run_program(plans: tuple[RulePlan, ...], program: Any, signal: Signal, view: dict[str, Any], env: Env,
                 ctx: EvalContext, outcome: Outcome) -> None:
    reason, log = _reason(signal), outcome.log()

    def fire(rule: RulePlan) -> None:  # the hot path: ``_fire`` inlined, the log entry made later
        if rule.aggregates:
            if _aggregates_block(rule, view, env, ctx) is None:
                log.append(_fire(rule, view, env, ctx, reason))
            return
        firing = Firing(rule.key, view, env, ctx)
        try:
            for run in rule.actions:
                run(firing)
        except RULE_ERRORS as exc:
            firing.undo()
            log.append(RuleRun(rule.key, False, reason + rule.because, error=f"{type(exc).__name__}: {exc}"))
            return
        log.append((rule, firing.values, firing.effects, reason))

    def fail(rule: RulePlan, exc: BaseException) -> None:
        log.append(RuleRun(rule.key, False, reason, error=f"condition failed: {exc}"))

    program(view, ctx, signal, signal.changed, fire, fail, log.append, reason)


def _blocked(rule: RulePlan, signal: Signal, view: dict[str, Any], env: Env, ctx: EvalContext) -> str | None:
    """Why ``rule`` does not fire (None: it fires); cheap tests first, the aggregate query last."""
    if signal.rule is not None and signal.rule != rule.key:
        return "another rule's timer"
    if not rule.enabled:
        return "disabled"
    if signal.kind == "updated" and rule.watch is not None and rule.watch.isdisjoint(signal.changed):
        return "none of the watched fields changed"
    if not any(kind.matches(t, signal) for n, (kind, t) in enumerate(rule.triggers)
               if signal.trigger is None or n == signal.trigger):
        return "no trigger matches"
    try:
        if rule.pre is not None and not rule.pre(view, ctx):
            return "condition is false"
    except RULE_ERRORS as exc:
        return f"condition failed: {exc}"
    return _aggregates_block(rule, view, env, ctx) if rule.aggregates else None


def _aggregates_block(rule: RulePlan, view: dict[str, Any], env: Env, ctx: EvalContext) -> str | None:
    try:
        view["agg"] = env.aggregates(rule, view)
        if rule.post is not None and not rule.post(view, ctx):
            return f"condition on aggregates is false ({_shown(view.get('agg'))})"
    except RULE_ERRORS as exc:
        return f"condition failed: {exc}"
    return None


def _shown(values: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in (values or {}).items())


def _fire(rule: RulePlan, view: dict[str, Any], env: Env, ctx: EvalContext, reason: str) -> RuleRun:
    firing = Firing(rule.key, view, env, ctx)
    if rule.aggregates:
        reason += f"{rule.because} ({_shown(view.get('agg'))})"
    elif rule.because:
        reason += rule.because
    try:
        for run in rule.actions:
            run(firing)
    except RULE_ERRORS as exc:
        firing.undo()  # a failed rule leaves no trace for the rules after it
        return RuleRun(rule.key, False, reason, error=f"{type(exc).__name__}: {exc}")
    return RuleRun(rule.key, True, reason, firing.values, firing.effects)


def _reason(signal: Signal) -> str:
    return _REASONS.get(signal.kind) or f"on {signal.kind}"


_REASONS = {k: f"on {k}" for k in ("created", "updated", "deleted", "restored", "flow", "time", "cron", "manual")}
