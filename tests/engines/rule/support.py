"""Helpers for pure rule-engine tests: the complaint app's forms as ``FormInfo`` and a compiled rule set."""

from __future__ import annotations

from typing import Any

from dajian.engines.form.logic import form_schema
from dajian.engines.form.model import FormDef
from dajian.engines.rule import FormInfo, RuleSet, compile_rules, rule_issues
from tests.engines.rule.complaint_rules import complaint_form, complaint_rules, defect_form


def forms() -> dict[str, FormInfo]:
    found = {}
    for raw in (complaint_form(), defect_form()):
        form = FormDef.model_validate(raw)
        serial = next((f.key for f in form.fields if f.kind == "serial"), None)
        found[form.key] = FormInfo(form_schema(form), serial=serial)
    return found


def compiled(rules: list[dict[str, Any]] | None = None, **kwargs: Any) -> RuleSet:
    return compile_rules(complaint_rules() if rules is None else rules, forms=forms(), **kwargs)


def issues(rules: list[dict[str, Any]], **kwargs: Any) -> list[tuple[str, str]]:
    return rule_issues(rules, forms=forms(), **kwargs)


def rule(**overrides: Any) -> dict[str, Any]:
    """A minimal valid rule on the complaint form."""
    return {"key": "r", "form": "complaint", "on": [{"event": "created"}],
            "actions": [{"kind": "set", "values": {"team": "x"}}], **overrides}
