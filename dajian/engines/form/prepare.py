"""The save pipeline: client values + the stored record -> the values to write.

Order: coerce what the client sent → defaults (on create) → sub-table rows
(each row through its own pipeline) → formulas → linkage → required →
custom validations. Every problem is reported with its path (``/items/2/price``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dajian.engines.expr import EvalContext, ExprError
from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.logic import FieldStates, field_states

Issue = dict[str, str]
EMPTY: tuple[Any, ...] = (None, "", [])


@dataclass
class Prepared:
    values: dict[str, Any]  # columns of the main row to write
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # sub-table rows to replace
    issues: list[Issue] = field(default_factory=list)
    states: FieldStates | None = None
    record: dict[str, Any] = field(default_factory=dict)  # the whole record as the expressions saw it


def prepare(
    form: CompiledForm, incoming: Mapping[str, Any], *, existing: Mapping[str, Any] | None, ctx: EvalContext,
    locale: str = "zh-CN",
) -> Prepared:
    """``prepare(form, {"qty": 2, "price": "3.50"}, existing=None, ctx=...)`` gives values
    ``{"qty": 2, "price": Decimal("3.50"), "total": Decimal("7.00"), ...}`` when ``total`` is a formula."""
    out = Prepared(values={})
    _reject_computed(form, incoming, out)
    scalars = {k: v for k, v in incoming.items() if k in form.fields and form.fields[k].kind != "subtable"}
    clean, issues = form.coerce(scalars, partial=True)
    out.issues += [i for i in issues if i["message"] != "is required"]
    record: dict[str, Any] = dict(existing or {})
    record.update(clean)
    if existing is None:
        _defaults(form, record, clean, ctx, out)
    for key, child in form.children.items():
        if key in incoming:
            out.rows[key] = _child_rows(child, incoming[key], key, ctx, out, locale)
            record[key] = out.rows[key]
        elif record.get(key):  # stored rows as read back (decimals as text): typed again for the formulas
            record[key] = [{**row, **child.coerce(row, partial=True)[0]} for row in record[key]]
        record.setdefault(key, [])
    _formulas(form, record, ctx, out)
    out.states = _states(form, record, ctx, out)
    _linkage(form, incoming, existing, out.states, record, out)
    if not out.issues:
        _validations(form, record, ctx, out, locale)
    out.values = {k: record.get(k) for k in _written(form, clean, existing, out.states)}
    out.record = record
    return out


def _reject_computed(form: CompiledForm, incoming: Mapping[str, Any], out: Prepared) -> None:
    for key in incoming:
        kind = form.kinds.get(key)
        if kind is None:
            out.issues.append({"path": f"/{key}", "message": f"unknown field '{key}'"})
        elif not kind.client_writable:
            out.issues.append({"path": f"/{key}", "message": "is computed by the server and cannot be written"})


def _defaults(form: CompiledForm, record: dict[str, Any], clean: dict[str, Any], ctx: EvalContext,
              out: Prepared) -> None:
    dynamic = {"current_user": ctx.user_id, "current_dept": ctx.dept_id, "now": ctx.now, "today": ctx.today}
    for key, fdef in form.fields.items():
        if key in clean or not form.kinds[key].has_column or not form.kinds[key].client_writable:
            continue
        value: Any = None
        if fdef.default is not None:
            value = form.kinds[key].coerce(fdef, fdef.default)
        elif fdef.default_from is not None:
            value = dynamic[fdef.default_from]
        elif key in form.logic.defaults:
            value = _evaluate(form.logic.defaults[key], record, ctx, f"/{key}", out)
            value = _coerced(form, key, value, out)
        record[key] = value
        clean[key] = value


def _child_rows(child: CompiledForm, raw: Any, key: str, ctx: EvalContext, out: Prepared,
                locale: str) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        out.issues.append({"path": f"/{key}", "message": "expected a list of rows (objects)"})
        return []
    rows = []
    for i, item in enumerate(raw):
        row_in = {k: v for k, v in item.items() if k != "id"}
        done = prepare(child, row_in, existing=None, ctx=ctx, locale=locale)
        out.issues += [{**e, "path": f"/{key}/{i}{e['path']}"} for e in done.issues]
        rows.append({k: done.record.get(k) for k in child.stored_keys})
    return rows


def _formulas(form: CompiledForm, record: dict[str, Any], ctx: EvalContext, out: Prepared) -> None:
    for key, evaluate in form.logic.formulas:
        record[key] = _coerced(form, key, _evaluate(evaluate, record, ctx, f"/{key}", out), out)


def _evaluate(evaluate: Any, record: Mapping[str, Any], ctx: EvalContext, path: str, out: Prepared) -> Any:
    try:
        return evaluate(record, ctx)
    except ExprError as exc:
        out.issues.append({"path": path, "message": f"cannot be computed: {exc}"})
        return None


def _coerced(form: CompiledForm, key: str, value: Any, out: Prepared) -> Any:
    if value is None:
        return None
    try:
        return form.kinds[key].coerce(form.fields[key], value)
    except ValueError as exc:
        out.issues.append({"path": f"/{key}", "message": f"computed value: {exc}"})
        return None


def _states(form: CompiledForm, record: Mapping[str, Any], ctx: EvalContext, out: Prepared) -> FieldStates | None:
    try:
        return field_states(form.form, form.logic, record, ctx)
    except ExprError as exc:
        out.issues.append({"path": "", "message": f"a linkage condition failed: {exc}"})
        return None


def _linkage(form: CompiledForm, incoming: Mapping[str, Any], existing: Mapping[str, Any] | None,
             states: FieldStates | None, record: dict[str, Any], out: Prepared) -> None:
    if states is None:
        return
    for key in incoming:
        writable_kind = key in form.fields and form.kinds[key].client_writable
        changed = existing is None or existing.get(key) != record.get(key)
        if key in states.readonly and writable_kind and changed:
            out.issues.append({"path": f"/{key}", "message": "is read-only"})
    for key in states.required:
        if record.get(key) in EMPTY and not any(i["path"] == f"/{key}" for i in out.issues):
            out.issues.append({"path": f"/{key}", "message": "is required"})
    for key in states.hidden:
        if existing is None:
            record[key] = None  # hidden fields are not written


def _validations(form: CompiledForm, record: Mapping[str, Any], ctx: EvalContext, out: Prepared,
                 locale: str) -> None:
    for rule, evaluate in form.logic.validations:
        if not _evaluate(evaluate, record, ctx, "", out):
            message = rule.message.get(locale) or next(iter(rule.message.values()))
            paths = [f"/{k}" for k in rule.fields] or [""]
            out.issues += [{"path": p, "message": message, "rule": rule.key} for p in paths]


def _written(form: CompiledForm, clean: Mapping[str, Any], existing: Mapping[str, Any] | None,
             states: FieldStates | None) -> list[str]:
    hidden = states.hidden if states else frozenset()
    stored = form.stored_keys
    if existing is None:
        return form.created_keys
    computed = form.formula_keys
    return [k for k in stored if (k in clean and k not in hidden) or k in computed]
