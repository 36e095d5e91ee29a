"""Conditions of the demo spec (a value spec's ``when``, a ``ref``'s ``where``) in the expression
language, as rules and permissions write them: formula text or the JSON AST, type-checked against
the form and compiled once::

    "when": "received_at < NOW() - 30"                    # older than 30 days
    "when": "IN(status, \"resolved\", \"closed\")"
    "when": {"!": [{"is_empty": [{"var": "csat"}]}]}     # the same language as JSON

``NOW()`` (``$now``) is the generator's now, so a spec for "records older than a week" means the same
at any hour of the run. Fields not generated yet are null.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from dajian.engines.expr import EvalContext, ExprError, check, compile_python
from dajian.engines.form.logic import as_ast, form_schema
from dajian.platform.apps import RuntimeApp

Condition = Callable[[Mapping[str, Any], EvalContext], Any]
_LEGACY = ("in", "not_in", "contains", "not_null", "older_than_days", "within_days")


class Conditions:
    """Compiled conditions by (form, condition), for one generator run."""

    def __init__(self, runtime: RuntimeApp, now: datetime) -> None:
        self.runtime, self.context = runtime, EvalContext(now=now)
        self._compiled: dict[tuple[str, str], Condition] = {}

    def holds(self, form_key: str, condition: Any, row: Mapping[str, Any], *, where: str = "") -> bool:
        return bool(self.compiled(form_key, condition, where=where)(row, self.context))

    def compiled(self, form_key: str, condition: Any, *, where: str = "") -> Condition:
        key = (form_key, json.dumps(condition, sort_keys=True, default=str))
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = self._compile(form_key, condition, where or f"form '{form_key}'")
        return found

    def _compile(self, form_key: str, condition: Any, where: str) -> Condition:
        if isinstance(condition, Mapping) and "field" in condition:
            raise ValueError(f"demo spec {where}: write the condition in the expression language, e.g. "
                             f"{_suggestion(condition)!r}, not {{field, {'|'.join(_LEGACY)}}}")
        schema = form_schema(self.runtime.form(form_key).form)
        try:
            ast = as_ast(condition)
            issues = check(ast, schema)
        except ExprError as exc:
            raise ValueError(f"demo spec {where}: {exc}") from None
        if issues:
            problems = "; ".join(f"{i.path or '/'}: {i.message}" for i in issues)
            raise ValueError(f"demo spec {where}: condition {condition!r}: {problems}")
        return compile_python(ast, schema)


def spec_conditions(spec: Mapping[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """Every condition of a demo spec as ``(form it reads, condition, where it is written)``."""
    for form_key, body in spec.get("forms", {}).items():
        yield from _field_conditions(form_key, body.get("fields", {}), f"forms '{form_key}'")
        if body.get("require") is not None:
            yield form_key, body["require"], f"forms '{form_key}' require"
    for n, runs in enumerate(spec.get("flows", [])):
        form_key = str(runs.get("form"))
        yield from _field_conditions(form_key, runs.get("fields", {}), f"flows {n} fields")
        for node, values in runs.get("fill", {}).items():
            yield from _field_conditions(form_key, values, f"flows {n} fill '{node}'")


def _field_conditions(form_key: str, fields: Mapping[str, Any], where: str) -> Iterator[tuple[str, Any, str]]:
    for key, spec in fields.items():
        cases: Sequence[Any] = spec if isinstance(spec, list) else [spec]
        for i, case in enumerate(cases):
            at = f"{where} field '{key}'" + (f" case {i}" if isinstance(spec, list) else "")
            if isinstance(case, Mapping) and "when" in case:
                yield form_key, case["when"], f"{at} when"
            if isinstance(case, Mapping) and "where" in case and "ref" in case:
                yield str(case["ref"]), case["where"], f"{at} where"


def _suggestion(old: Mapping[str, Any]) -> str:
    """The formula an old ``{field, in | ...}`` condition means, for the error message."""
    name = str(old.get("field"))
    texts = ", ".join(json.dumps(v, ensure_ascii=False) for v in old.get("in", old.get("not_in", [])))
    for key, formula in (("in", f"IN({name}, {texts})"), ("not_in", f"NOT(IN({name}, {texts}))"),
                         ("contains", f"CONTAINS({name}, {json.dumps(old.get('contains'), ensure_ascii=False)})"),
                         ("not_null", f"NOT(ISBLANK({name}))"),
                         ("older_than_days", f"{name} < NOW() - {old.get('older_than_days')}"),
                         ("within_days", f"{name} >= NOW() - {old.get('within_days')}")):
        if key in old:
            return formula
    return f"NOT(ISBLANK({name}))"
