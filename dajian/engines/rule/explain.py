"""Why a rule's condition held or not, part by part, for the designer's dry run.

A condition's top-level ``AND`` (or ``OR``) is split into its parts, each evaluated on the working record
the rule saw: ``AND(amount > 5000, status = "new")`` on ``{"amount": 8000, "status": "closed"}`` gives
``[Check("amount > 5000", True), Check('status = "new"', False)]``. A part reading ``agg.*`` before the
rule's aggregates were computed (an earlier part was false) is ``held=None``: not evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dajian.engines.expr import EvalContext, ExprError, compile_python, to_formula
from dajian.engines.form.logic import as_ast

from .compile import RULE_ERRORS, RulePlan, agg_type, condition_schema, refs_agg
from .registry import FormInfo


@dataclass(frozen=True)
class Check:
    expression: str
    held: bool | None  # None: not evaluated (its aggregates were not computed) or it failed
    error: str | None = None


def condition_checks(rule: RulePlan, view: Mapping[str, Any], ctx: EvalContext, *,
                     forms: Mapping[str, FormInfo]) -> tuple[str | None, list[Check]]:
    """``(joiner, checks)``: ``"and"`` / ``"or"`` (None: one part) and each part's value on ``view``."""
    if rule.definition.when is None:
        return None, []
    ast = as_ast(rule.definition.when)
    joiner = next(iter(ast)) if isinstance(ast, dict) and list(ast) in (["and"], ["or"]) else None
    parts = ast[joiner] if joiner is not None and isinstance(ast[joiner], list) else [ast]
    info = forms[rule.form]
    aggregates = {a.key: agg_type(a, forms.get(a.form)) for a in rule.aggregates}
    schema = condition_schema(info, aggregates)
    return (joiner if len(parts) > 1 else None), [_check(p, view, ctx, schema) for p in parts]


def _check(part: Any, view: Mapping[str, Any], ctx: EvalContext, schema: Any) -> Check:
    try:
        text = to_formula(part)
    except ExprError:
        text = str(part)
    if refs_agg(part) and "agg" not in view:
        return Check(text, None)
    try:
        return Check(text, bool(compile_python(part, schema)(view, ctx)))
    except RULE_ERRORS as exc:
        return Check(text, None, f"{type(exc).__name__}: {exc}")
