"""Run a report for a reader: the one permission check, then one statement, then shaping.

The reader's row scope (``permissions.authorize`` -> ``visible``) is part of the statement's WHERE
clause, joined forms are limited to the rows the reader may read, and a report touching a field the
reader may not read is refused (403) naming the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, select

from dajian.engines.expr import EvalContext, context_params
from dajian.engines.report import ReportError, ReportPlan, ReportResult, RowScope, bind_params, build_statement, shape
from dajian.engines.report.plan import Join
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Forbidden, Invalid
from dajian.platform.filters import row_condition
from dajian.platform.models import departments, users
from dajian.platform.permissions import Grant, authorize, visible
from dajian.platform.principal import Principal
from dajian.platform.records import form_context
from dajian.platform.reports.params import local_today, resolve_params
from dajian.platform.reports.plans import plan_for


def run_report(conn: Connection, principal: Principal, runtime: RuntimeApp, key: str,
               params: Mapping[str, Any], *, action: str = "read") -> ReportResult:
    return run_plan(conn, principal, runtime, plan_for(runtime, key, conn.dialect.name), params, action=action)


def _check_reads(plan: ReportPlan, grants: Mapping[str, Grant]) -> None:
    denied = [(form, key) for form, keys in plan.reads.items() for key in sorted(keys)
              if form in grants and key in _fields(plan, form) and not grants[form].can_read(key)]
    if denied:
        raise Forbidden("this report uses fields you may not read", reason="report_fields_not_readable",
                        params={"fields": ", ".join(k for _, k in denied)},
                        errors=[{"path": "/report", "message": f"field '{k}' of form '{f}' is not readable for you"}
                                for f, k in denied])


def _fields(plan: ReportPlan, form: str) -> set[str]:
    """Field keys of ``form`` that permissions name (standard columns are readable by anyone who reads)."""
    tables = [plan.row_table] + [j.alias for j in plan.joins if j.form == form]
    return {c.key for t in tables for c in t.columns} - {"id", "created_at", "updated_at", "created_by",
                                                          "owner_id", "dept_id", "row_version", "deleted_at"}


def row_scope(conn: Connection, principal: Principal, runtime: RuntimeApp, plan: ReportPlan,
              grant: Grant) -> RowScope:
    grants = {plan.form: grant}
    joins = {}
    for join in plan.joins:
        if join.inner:  # a sub-table's parent: the row scope applies in WHERE
            continue
        target = runtime.form(join.form)
        join_grant = authorize(conn, principal, app=runtime.definition, app_id=runtime.app_id, form_key=join.form,
                               action="read", table=target.table, condition=row_condition(target, runtime, principal))
        grants.setdefault(join.form, join_grant)
        joins[join.name] = visible(join_grant, target.table)
    _check_reads(plan, grants)
    for title in plan.titles:
        joins[title.name] = _title_scope(conn, principal, runtime, title, plan)
    return RowScope(where=visible(grant, plan.row_table), joins=joins)


def _title_scope(conn: Connection, principal: Principal, runtime: RuntimeApp, title: Join,
                 plan: ReportPlan) -> ColumnElement[bool]:
    """The target rows whose display name the reader may see: their row scope, nothing when the reader
    may not read the target form or its display field (the dimension then shows bare ids)."""
    target = runtime.form(title.form)
    column = next(d.title for d in plan.titled if d.title is not None and d.title.table is title.alias)
    try:
        grant = authorize(conn, principal, app=runtime.definition, app_id=runtime.app_id, form_key=title.form,
                          action="read", table=target.table, condition=row_condition(target, runtime, principal))
    except Forbidden:
        return false()
    return visible(grant, target.table) if grant.can_read(str(column.key)) else false()


def run_plan(conn: Connection, principal: Principal, runtime: RuntimeApp, plan: ReportPlan,
             params: Mapping[str, Any], *, action: str = "read") -> ReportResult:
    ctx = form_context(conn, principal, runtime, plan.form, action)
    scope = row_scope(conn, principal, runtime, plan, ctx.grant)
    today = local_today(plan.timezone)
    try:
        bound = bind_params(plan, resolve_params(conn, principal, plan, params), today=today)
        stmt = build_statement(plan, scope, bound)
        context = EvalContext(now=utcnow(), today=today, user_id=principal.user_id, dept_id=principal.dept_id)
        rows = conn.execute(stmt, {**context_params(context), **bound.binds}).all()
        result = shape(plan, rows, bound)
    except ReportError as exc:
        raise Invalid(exc.message, errors=exc.issues) from None
    name_people(conn, principal, result)
    return result


def name_people(conn: Connection, principal: Principal, result: ReportResult) -> None:
    """Label department and user dimension values with their names (one query per kind)."""
    rows = result.rows + result.subtotals
    for dim in result.plan.dims:
        if dim.type not in ("department", "user"):
            continue
        ids = {r.dims.get(dim.key) for r in rows} - {None}
        ids = {i for i in ids if isinstance(i, int)}
        if not ids:
            continue
        table = departments if dim.type == "department" else users
        name = table.c.name if dim.type == "department" else table.c.display_name
        found = conn.execute(select(table.c.id, name).where(table.c.org_id == principal.org_id, table.c.id.in_(ids)))
        labels = result.labels.setdefault(dim.key, {})
        for ident, text in found:
            labels[str(ident)] = {"zh-CN": text, "en": text}
