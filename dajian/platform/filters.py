"""List filters: the expression language (DESIGN §3) compiled to a WHERE clause.

A filter is a JSON AST such as ``{"and": [{">": [{"var": "amount"}, 5000]},
{"in": [{"var": "status"}, ["new", "open"]]}]}``. It is type-checked against
the form first, so an unknown field or a wrong operand is a 422 with the
path inside the filter, and a field the user may not read cannot be used
to probe its values. ``$user.id``, ``$user.dept_id``, ``$now`` and
``$today`` are available ("my open tickets"). In a query string the filter may
also be formula text, ``amount > 5000 AND status = "open"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement

from dajian.engines.expr import EvalContext, ExprError, Link, TableScope, check, compile_sql, parse_formula
from dajian.engines.form.compile import CompiledForm
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Forbidden, Invalid
from dajian.platform.local_days import localise_days
from dajian.platform.principal import Principal

STANDARD_TYPES = {
    "id": "integer", "created_at": "datetime", "updated_at": "datetime", "created_by": "user",
    "owner_id": "user", "dept_id": "department", "row_version": "integer",
}


def form_scope(form: CompiledForm, runtime: RuntimeApp | None = None) -> TableScope:
    """The form's columns for expressions; with ``runtime``, relation fields reach their target
    form (``customer.level``) — one level, deleted targets excluded by the caller's row filter."""
    types = dict(STANDARD_TYPES)
    types.update({k: kind.expr_type for k, kind in form.kinds.items() if kind.filterable})
    relations: dict[str, Link] = {}
    for key, fdef in form.fields.items():
        if fdef.kind == "relation" and runtime is not None:
            target = runtime.forms.get(str((fdef.config or {}).get("form")))
            if target is not None:
                relations[key] = Link(form_scope(target), key, "id")
    return TableScope(form.table, types=types, hidden=frozenset({"deleted_at"}), relations=relations)


def referenced_vars(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for op, arg in node.items():
            if op == "var":
                name = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(name, str):
                    yield name.split(".")[0]
            else:
                yield from referenced_vars(arg)
    elif isinstance(node, list):
        for item in node:
            yield from referenced_vars(item)


def parse_filter_param(raw: str | None, path: str = "/filter") -> Any:
    """A filter from a query string: a JSON AST (``{...}``) or formula text."""
    if raw is None or not raw.strip():
        return None
    if raw.lstrip().startswith("{"):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise Invalid(f"{path[1:]} is not valid JSON", errors=[{"path": path, "message": exc.msg}]) from None
    try:
        return parse_formula(raw)
    except ExprError as exc:
        raise Invalid(f"{path[1:]} is not a valid formula", errors=[{"path": path, "message": str(exc)}]) from None


def row_condition(form: CompiledForm, runtime: RuntimeApp, principal: Principal) -> Callable[[Any], Any]:
    """Compiles a role's ``also_where`` for ``form`` (checked at publish, so errors here are bugs)."""
    def compile_one(expression: Any) -> ColumnElement[bool]:
        node = parse_formula(expression) if isinstance(expression, str) else expression
        context = EvalContext(now=utcnow(), user_id=principal.user_id, dept_id=principal.dept_id)
        return compile_sql(node, form_scope(form, runtime), context=context)

    return compile_one


def compile_filter(
    node: Any, form: CompiledForm, *, readable: Callable[[str], bool], principal: Principal,
    runtime: RuntimeApp | None = None,
) -> ColumnElement[bool]:
    denied = sorted({v for v in referenced_vars(node) if v in form.fields and not readable(v)})
    if denied:
        raise Forbidden("you may not filter on these fields", reason="filter_fields_not_readable",
                        params={"fields": ", ".join(denied)},
                        errors=[{"path": "/filter", "message": f"field '{k}' is not readable for you"}
                                for k in denied])
    scope = form_scope(form, runtime)
    issues = check(node, scope.schema, sql=True)
    if issues:
        raise Invalid("the filter is invalid",
                      errors=[{"path": "/filter" + i.path, "message": i.message} for i in issues])
    now = utcnow()  # "today" is the app's, as on its records and dashboards, not UTC's
    tz = ZoneInfo(runtime.definition.settings.timezone) if runtime is not None else None
    today = now.astimezone(tz).date() if tz is not None else None
    context = EvalContext(now=now, today=today, user_id=principal.user_id, dept_id=principal.dept_id)
    if tz is not None:  # and its days begin at its midnight on date-time fields
        stamped = {k for k, t in scope.schema.fields.items() if t == "datetime"}
        node = localise_days(node, datetime_fields=stamped, context=context, tz=tz)
    try:
        return compile_sql(node, scope, context=context)
    except ExprError as exc:
        raise Invalid("the filter is invalid", errors=[{"path": "/filter", "message": str(exc)}]) from None
