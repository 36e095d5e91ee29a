"""What a form computes and decides on each save, compiled once per form version.

``prepare`` runs the pipeline the server applies before validating a record:
defaults → formulas (in dependency order) → linkage (visible / required /
read-only) → required checks → custom validations. Hidden fields are not
required and not written; clients cannot write formulas or read-only fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dajian.engines.expr import EvalContext, ExprError, Schema, check, compile_python, parse_formula
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef, FormDef

Evaluator = Callable[[Mapping[str, Any], EvalContext], Any]
Issue = dict[str, str]
STANDARD_TYPES = {"id": "integer", "created_at": "datetime", "updated_at": "datetime", "created_by": "user",
                  "owner_id": "user", "dept_id": "department", "row_version": "integer"}
EXPRESSION_ATTRS = ("visible_if", "required_if", "readonly_if", "default_formula", "formula")


def as_ast(expression: Any) -> Any:
    """Formulas may be written as Excel-like text; the stored form is the JSON AST."""
    return parse_formula(expression) if isinstance(expression, str) else expression


def expr_type(fdef: FieldDef) -> str:
    if fdef.kind == "formula":
        from dajian.engines.form.kinds_structure import result_field

        return FIELD_KINDS[result_field(fdef).kind].expr_type
    return FIELD_KINDS[fdef.kind].expr_type if fdef.kind in FIELD_KINDS else "any"


def form_schema(form: FormDef) -> Schema:
    fields = dict(STANDARD_TYPES)
    collections: dict[str, Schema] = {}
    for fdef in form.fields:
        if fdef.kind == "subtable":
            collections[fdef.key] = Schema(fields={c.key: expr_type(c) for c in fdef.fields or []})
        else:
            fields[fdef.key] = expr_type(fdef)
    return Schema(fields=fields, collections=collections)


def check_expressions(form: FormDef, path: str) -> Iterator[Issue]:
    """Every expression of the form, type-checked against its fields, with definition paths."""
    schema = form_schema(form)
    for i, fdef in enumerate(form.fields):
        for attr in EXPRESSION_ATTRS:
            expression = getattr(fdef, attr)
            if expression is not None:
                yield from _issues(expression, schema, f"{path}/fields/{i}/{attr}")
        if fdef.kind == "formula" and fdef.formula is None:
            yield {"path": f"{path}/fields/{i}/formula", "message": "a formula field needs a formula"}
    for i, rule in enumerate(form.validations):
        yield from _issues(rule.condition, schema, f"{path}/validations/{i}/condition")
    yield from _cycles(form, path)


def _issues(expression: Any, schema: Schema, path: str) -> Iterator[Issue]:
    try:
        ast = as_ast(expression)
    except ExprError as exc:
        yield {"path": path, "message": str(exc)}
        return
    for issue in check(ast, schema):
        yield {"path": path + issue.path, "message": issue.message}


def referenced(ast: Any) -> set[str]:
    if isinstance(ast, dict):
        found: set[str] = set()
        for op, arg in ast.items():
            if op == "var" and isinstance(arg, str):
                found.add(arg.split(".")[0])
            else:
                found |= referenced(arg)
        return found
    if isinstance(ast, list):
        return set().union(*(referenced(a) for a in ast)) if ast else set()
    return set()


def formula_order(form: FormDef) -> list[str]:
    """Formula keys so that each comes after the formulas it reads; raises on a cycle."""
    deps = {f.key: referenced(_safe_ast(f.formula)) for f in form.fields if f.kind == "formula"}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(key: str) -> None:
        if key in order:
            return
        if key in visiting:
            raise ValueError(f"formula '{key}' depends on itself")
        visiting.add(key)
        for dep in sorted(deps[key] & deps.keys()):
            visit(dep)
        visiting.discard(key)
        order.append(key)

    for key in deps:
        visit(key)
    return order


def _safe_ast(expression: Any) -> Any:
    try:
        return as_ast(expression)
    except ExprError:
        return None


def _cycles(form: FormDef, path: str) -> Iterator[Issue]:
    try:
        formula_order(form)
    except ValueError as exc:
        yield {"path": f"{path}/fields", "message": str(exc)}


@dataclass(frozen=True)
class FormLogic:
    formulas: list[tuple[str, Evaluator]] = field(default_factory=list)
    defaults: dict[str, Evaluator] = field(default_factory=dict)
    visible_if: dict[str, Evaluator] = field(default_factory=dict)
    required_if: dict[str, Evaluator] = field(default_factory=dict)
    readonly_if: dict[str, Evaluator] = field(default_factory=dict)
    validations: list[tuple[Any, Evaluator]] = field(default_factory=list)
    always_required: frozenset[str] = frozenset()
    always_readonly: frozenset[str] = frozenset()


def compile_logic(form: FormDef) -> FormLogic:
    """Compile every expression of a checked form once.

    A field ``{"key": "total", "kind": "formula", "formula": "SUM(items.price)"}``
    becomes ``formulas == [("total", <function>)]``.
    """
    schema = form_schema(form)

    def compiled(expression: Any) -> Evaluator:
        return compile_python(as_ast(expression), schema)

    by_key = {f.key: f for f in form.fields}
    return FormLogic(
        formulas=[(k, compiled(by_key[k].formula)) for k in formula_order(form)],
        defaults={f.key: compiled(f.default_formula) for f in form.fields if f.default_formula is not None},
        visible_if={f.key: compiled(f.visible_if) for f in form.fields if f.visible_if is not None},
        required_if={f.key: compiled(f.required_if) for f in form.fields if f.required_if is not None},
        readonly_if={f.key: compiled(f.readonly_if) for f in form.fields if f.readonly_if is not None},
        validations=[(rule, compiled(rule.condition)) for rule in form.validations],
        always_required=frozenset(f.key for f in form.fields if f.required),
        always_readonly=frozenset(f.key for f in form.fields if f.readonly or not FIELD_KINDS[f.kind].client_writable),
    )


@dataclass(frozen=True)
class FieldStates:
    """The linkage result the UI shows: which fields are hidden, required, read-only."""

    hidden: frozenset[str]
    required: frozenset[str]
    readonly: frozenset[str]

    def as_dict(self) -> dict[str, list[str]]:
        return {"hidden": sorted(self.hidden), "required": sorted(self.required), "readonly": sorted(self.readonly)}


def field_states(form: FormDef, logic: FormLogic, record: Mapping[str, Any], ctx: EvalContext) -> FieldStates:
    hidden = {k for k, f in logic.visible_if.items() if not f(record, ctx)}
    required = logic.always_required | {k for k, f in logic.required_if.items() if f(record, ctx)}
    readonly = logic.always_readonly | {k for k, f in logic.readonly_if.items() if f(record, ctx)}
    return FieldStates(frozenset(hidden), frozenset(required - hidden), frozenset(readonly))
