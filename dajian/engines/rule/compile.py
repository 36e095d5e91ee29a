"""The ``rules`` section of an app → an immutable ``RuleSet`` (all checks happen here).

``compile_rules([{"key": "vip", "form": "complaint", "on": [{"event": "created"}], "when": "vip = TRUE",
"actions": [{"kind": "escalate", "to": 2}]}], forms={"complaint": FormInfo(schema)})`` gives a ``RuleSet``
whose ``for_signal("complaint", "created")`` is ``(RulePlan("vip", ...),)``; a broken definition raises
``RuleDefinitionError`` with every issue as ``(path, message)``, paths like ``/rules/3/actions/0/to``.
The plan depends only on the definition, so the platform caches it by app version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from dajian.engines.expr import ExprError, Schema, check
from dajian.engines.form.logic import as_ast

from . import actions as _actions  # noqa: F401 - registers the built-in actions
from . import triggers as _triggers  # noqa: F401 - registers the built-in triggers
from .dtable import DecisionError, DecisionPlan, compile_table
from .model import CHANNEL_KINDS, ELEMENT_MODELS, AggregateDef, RuleDef
from .program import Program, build_program
from .registry import ACTIONS, TRIGGERS, FormInfo, Run, Scope, TriggerKind
from .templates import TemplateRefused
from .validate import channel_issues, pydantic_issues

Issues = list[tuple[str, str]]
EXTRAS = ("old", "new", "changed", "agg")
DEFAULT_MAX_DEPTH = 10
# what a rule's condition or actions may raise at run time: the rule is logged as failed, the others run
RULE_ERRORS = (ExprError, DecisionError, TemplateRefused, ValueError, TypeError, ArithmeticError, LookupError)


class RuleDefinitionError(ValueError):
    def __init__(self, issues: Issues) -> None:
        super().__init__("; ".join(f"{p}: {m}" for p, m in issues[:5]))
        self.issues = issues


@dataclass(frozen=True)
class AggregatePlan:
    key: str
    form: str
    fn: str
    field: str | None
    match: Mapping[str, Any]  # other form's field → compiled expression over this record
    within: tuple[str, int] | None  # (date field of the other form, window in hours)
    where: Any  # checked JSON AST over the other form (the platform compiles it to SQL)


@dataclass(frozen=True)
class RulePlan:
    key: str
    form: str
    priority: int
    enabled: bool
    triggers: tuple[tuple[TriggerKind, BaseModel], ...]
    watch: frozenset[str] | None  # on updates: changed fields that can matter (None: any)
    pre: Any  # compiled condition without aggregates (None: true)
    post: Any  # the part of the condition that reads ``agg.*``
    pre_ast: Any  # the JSON AST of ``pre`` (the rule program inlines it)
    aggregates: tuple[AggregatePlan, ...]
    actions: tuple[Run, ...]
    definition: RuleDef
    because: str = ""  # "; condition true" for rules with a condition (the log's reason)


@dataclass(frozen=True)
class RuleSet:
    rules: Mapping[str, RulePlan] = field(default_factory=dict)
    index: Mapping[tuple[str, str], tuple[RulePlan, ...]] = field(default_factory=dict)
    tables: Mapping[str, DecisionPlan] = field(default_factory=dict)
    elements: Mapping[str, BaseModel] = field(default_factory=dict)  # webhooks, notify channels, inbound channels
    extras: Mapping[str, frozenset[str]] = field(default_factory=dict)  # per form: old/new/changed/agg available
    max_depth: int = DEFAULT_MAX_DEPTH
    programs: Mapping[tuple[str, str], Program] = field(default_factory=dict)

    def for_signal(self, form: str, kind: str) -> tuple[RulePlan, ...]:
        return self.index.get((form, kind), ())

    def of_kind(self, kind: str) -> list[BaseModel]:
        return [e for e in self.elements.values() if getattr(e, "kind", None) == kind]

    def timed(self, form: str) -> list[tuple[RulePlan, int, Any]]:
        """``(rule, trigger index, TimeTrigger)`` for every time-relative trigger on ``form``."""
        return [(r, i, t) for r in self.for_signal(form, "time") for i, (k, t) in enumerate(r.triggers)
                if k.event == "time"]


def rule_issues(elements: Sequence[Any], **kwargs: Any) -> Issues:
    try:
        compile_rules(elements, **kwargs)
    except RuleDefinitionError as exc:
        return exc.issues
    return []


def compile_rules(elements: Sequence[Any], *, forms: Mapping[str, FormInfo], flows: frozenset[str] = frozenset(),
                  calendars: frozenset[str] = frozenset(), max_depth: int = DEFAULT_MAX_DEPTH,
                  base: str = "/rules") -> RuleSet:
    issues: Issues = []
    tables, others, rules = {}, {}, []
    for i, raw in enumerate(elements):
        path = f"{base}/{i}"
        kind = raw.get("kind", "rule") if isinstance(raw, Mapping) else None
        if kind == "decision_table":
            try:
                tables[raw["key"]] = compile_table(raw, path=path)
            except DecisionError as exc:
                issues += exc.issues
        elif kind in ELEMENT_MODELS:
            model = _validated(ELEMENT_MODELS[kind], raw, path, issues)
            if isinstance(model, RuleDef):
                rules.append((path, model))
            elif model is not None:
                others[model.key] = model  # type: ignore[attr-defined]
        else:
            known = ", ".join(sorted([*ELEMENT_MODELS, "decision_table"]))
            issues.append((f"{path}/kind", f"unknown kind {kind!r}; known: {known}"))
    issues += channel_issues(elements, others, forms, base=base)
    names = {k: frozenset(n for n, e in others.items() if getattr(e, "kind", None) in kinds)
             for k, kinds in (("webhooks", ("webhook",)), ("notify", ("notify_channel",)), ("channels", CHANNEL_KINDS))}
    plans = [plan for path, rule in rules
             if (plan := _rule(rule, path, issues, forms=forms, flows=flows, calendars=calendars, tables=tables,
                               names=names)) is not None]
    if issues:
        raise RuleDefinitionError(issues)
    return _assemble(plans, tables, others, forms, max_depth)


def _validated(model: type[BaseModel], raw: Any, path: str, issues: Issues) -> BaseModel | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        issues += pydantic_issues(exc, path)
        return None


def condition_schema(info: FormInfo, aggregates: Mapping[str, str] | None = None) -> Schema:
    """The record's fields plus ``old.x``, ``new.x``, ``changed.x`` (boolean) and ``agg.<key>``."""
    base = info.schema
    flat = Schema(fields=dict(base.fields))
    extra = {"old": flat, "new": flat, "changed": Schema(fields={k: "boolean" for k in base.fields}),
             "agg": Schema(fields=dict(aggregates or {}))}
    relations = dict(base.relations)
    relations.update({k: s for k, s in extra.items() if k not in base.fields and k not in base.collections})
    return Schema(base.fields, base.collections, relations)


def _rule(rule: RuleDef, path: str, issues: Issues, *, forms: Mapping[str, FormInfo], names: Mapping[str, Any],
          **known: Any) -> RulePlan | None:
    info = forms.get(rule.form)
    if info is None:
        issues.append((f"{path}/form", f"no form '{rule.form}'"))
        return None
    agg_types = {a.key: agg_type(a, forms.get(a.form or rule.form)) for a in rule.aggregates}
    scope = Scope(rule.key, rule.form, forms, condition_schema(info, agg_types), path, issues, flows=known["flows"],
                  tables=known["tables"], notify_channels=names["notify"], webhooks=names["webhooks"],
                  channels=names["channels"], calendars=known["calendars"])
    triggers = _triggers_of(rule, scope)
    aggregates = tuple(a for n, raw in enumerate(rule.aggregates) if (a := _aggregate(raw, n, scope)) is not None)
    pre, post, pre_ast = _condition(rule.when, scope)
    runs = []
    for n, raw in enumerate(rule.actions):
        scope.path = f"{path}/actions/{n}"
        run = _action(raw, scope)
        if run is not None:
            runs.append(run)
    watch = _watch(triggers)
    return RulePlan(rule.key, rule.form, rule.priority, rule.enabled, tuple(triggers), watch, pre, post, pre_ast,
                    aggregates, tuple(runs), rule, "; condition true" if rule.when is not None else "")


def _triggers_of(rule: RuleDef, scope: Scope) -> list[tuple[TriggerKind, BaseModel]]:
    found = []
    base = scope.path
    for n, raw in enumerate(rule.on):
        where = f"{base}/on/{n}"
        kind = TRIGGERS.get(str(raw.get("event")))
        if kind is None:
            scope.issues.append((f"{where}/event", f"unknown trigger {raw.get('event')!r}; known: "
                                                   f"{', '.join(sorted(TRIGGERS))}"))
            continue
        model = _validated(kind.model, raw, where, scope.issues)
        if model is not None:
            scope.path = where
            kind.check(model, scope)
            found.append((kind, model))
    scope.path = base
    return found


def _action(raw: Mapping[str, Any], scope: Scope) -> Run | None:
    kind = ACTIONS.get(str(raw.get("kind")))
    if kind is None:
        scope.fail("/kind", f"unknown action {raw.get('kind')!r}; known: {', '.join(sorted(ACTIONS))}")
        return None
    model = _validated(kind.model, raw, scope.path, scope.issues)
    return kind.compile(model, scope) if model is not None else None


def _watch(triggers: list[tuple[TriggerKind, BaseModel]]) -> frozenset[str] | None:
    fields: set[str] = set()
    for kind, model in triggers:
        if "updated" in kind.signals(model):
            watched = kind.watch(model)
            if watched is None:
                return None
            fields |= watched
    return frozenset(fields)


def refs_agg(ast: Any) -> bool:
    if isinstance(ast, dict):
        for op, arg in ast.items():
            if op == "var":
                name = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(name, str) and name.startswith("agg."):
                    return True
            elif refs_agg(arg):
                return True
    return isinstance(ast, list) and any(refs_agg(a) for a in ast)


def _condition(when: Any, scope: Scope) -> tuple[Any, Any, Any]:
    """Split ``when`` into the part evaluated first and the part needing aggregates (one query, only if needed)."""
    if when is None:
        return None, None, None
    try:
        ast = as_ast(when)
    except ExprError as exc:
        scope.fail("/when", str(exc))
        return None, None, None
    parts = ast["and"] if isinstance(ast, dict) and list(ast) == ["and"] and isinstance(ast["and"], list) else [ast]
    cheap = [p for p in parts if not refs_agg(p)]
    costly = [p for p in parts if refs_agg(p)]
    before = len(scope.issues)
    scope.expr(ast, "/when")  # one check of the whole condition, so issue paths match what was written
    if len(scope.issues) > before:
        return None, None, None
    pre_ast = _joined(cheap) if cheap else None
    return (scope.expr(pre_ast, "/when") if cheap else None,
            scope.expr(_joined(costly), "/when") if costly else None, pre_ast)


def _joined(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else {"and": parts}


def agg_type(a: AggregateDef | AggregatePlan, info: FormInfo | None) -> str:
    """The expression type of ``agg.<key>``."""
    if a.fn == "count":
        return "integer"
    if a.fn == "avg":
        return "decimal"
    return info.schema.fields.get(a.field or "", "decimal") if info else "decimal"


def _aggregate(a: AggregateDef, n: int, scope: Scope) -> AggregatePlan | None:
    where = f"/aggregates/{n}"
    form = a.form or scope.form
    info = scope.forms.get(form)
    if info is None:
        scope.fail(f"{where}/form", f"no form '{form}'")
        return None
    if a.fn != "count" and a.field is None:
        scope.fail(f"{where}/field", f"'{a.fn}' needs a field")
    elif a.field is not None:
        numeric = ("integer", "decimal") if a.fn in ("sum", "avg") else ()
        scope.field(a.field, f"{where}/field", form=form, types=numeric)
    own = condition_schema(scope.forms[scope.form])
    match = {k: fn for k, raw in a.match.items()
             if scope.field(k, f"{where}/match/{k}", form=form) and (fn := scope.expr(raw, f"{where}/match/{k}", own))}
    within = None
    if a.within is not None:
        scope.field(a.within.field, f"{where}/within/field", form=form, types=("date", "datetime"))
        within = (a.within.field, a.within.days * 24 + a.within.hours)
    condition = None
    if a.where is not None:
        try:
            condition = as_ast(a.where)
            for issue in check(condition, info.schema):
                scope.fail(f"{where}/where{issue.path}", issue.message)
        except ExprError as exc:
            scope.fail(f"{where}/where", str(exc))
    return AggregatePlan(a.key, form, a.fn, a.field, match, within, condition)


def _assemble(plans: list[RulePlan], tables: Mapping[str, DecisionPlan], others: Mapping[str, BaseModel],
              forms: Mapping[str, FormInfo], max_depth: int) -> RuleSet:
    ordered = sorted(plans, key=lambda p: (p.priority, p.key))
    index: dict[tuple[str, str], list[RulePlan]] = {}
    for plan in ordered:
        for signal in dict.fromkeys(s for k, t in plan.triggers for s in k.signals(t)):
            index.setdefault((plan.form, signal), []).append(plan)
    extras = {k: frozenset(n for n in EXTRAS if n not in info.schema.fields and n not in info.schema.collections)
              for k, info in forms.items()}
    programs = {(form, kind): build_program(kind, rules, condition_schema(forms[form]), RULE_ERRORS)
                for (form, kind), rules in index.items()}
    return RuleSet({p.key: p for p in ordered}, {k: tuple(v) for k, v in index.items()}, dict(tables), dict(others),
                   extras, max_depth, programs)
