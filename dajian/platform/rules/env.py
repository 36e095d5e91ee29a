"""The platform side of the rule engine's ``Env``: role members for assignments and messages (the flows'
resolver, ``dajian.platform.assignees``), and
aggregate conditions — all aggregates of a rule in ONE SQL query, compiled once per (version, rule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, func, select, type_coerce

from dajian.engines.expr import EvalContext, compile_sql, context_params
from dajian.engines.rule import AggregatePlan, RulePlan, RuleSet
from dajian.engines.rule.model import UserSpec
from dajian.platform.apps import RuntimeApp
from dajian.platform.assignees import active_users, in_turn, least_loaded, role_members
from dajian.platform.filters import form_scope
from dajian.platform.version_cache import VersionCache

_QUERIES: VersionCache[Select[Any]] = VersionCache("aggregate query")


def _value(a: AggregatePlan, runtime: RuntimeApp, suffix: str = "") -> ColumnElement[Any]:
    table = runtime.form(a.form).table
    conditions: list[ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
    conditions += [table.c[k] == bindparam(f"{a.key}__m_{k}") for k in a.match]
    if a.within is not None:
        conditions.append(table.c[a.within[0]] >= bindparam(f"{a.key}__since"))
    if a.where is not None:
        conditions.append(compile_sql(a.where, form_scope(runtime.form(a.form))))
    fn = "sum" if a.fn == "avg" and suffix == "sum" else ("count" if a.fn == "avg" else a.fn)
    if fn == "count":
        column: ColumnElement[Any] = func.count()
    else:
        target = table.c[a.field or "id"]
        column = type_coerce(getattr(func, fn)(target), target.type)
    return select(column).where(and_(*conditions)).scalar_subquery().label(f"{a.key}{suffix}")


def build_aggregate_query(runtime: RuntimeApp, rule: RulePlan) -> Select[Any]:
    """``SELECT (SELECT count(*) FROM f3_complaint WHERE ... customer = :recent__m_customer ...) AS recent``."""
    columns = []
    for a in rule.aggregates:
        columns += [_value(a, runtime, "sum"), _value(a, runtime, "")] if a.fn == "avg" else [_value(a, runtime)]
    return select(*columns)


def aggregate_query(runtime: RuntimeApp, rule: RulePlan) -> Select[Any]:
    """The rule's aggregate query, built once per (version, rule)."""
    return _QUERIES.get(runtime.database, runtime.version_id, rule.key, lambda: build_aggregate_query(runtime, rule))


def _matches_nothing(a: AggregatePlan, params: Mapping[str, Any]) -> bool:
    """An aggregate that matches a field of the other form to a value this record does not have (None):
    SQL's ``=`` with NULL is never true, so it counts no rows."""
    return any(params[f"{a.key}__m_{k}"] is None for k in a.match)


@dataclass
class RuleEnv:
    """``draft``: the rules are a draft's (a dry run in the designer), not the version's: nothing is cached
    under the version's name and ``survey_link`` looks the rule up in them."""

    conn: Connection
    runtime: RuntimeApp
    ctx: EvalContext
    draft: RuleSet | None = None

    def aggregates(self, rule: RulePlan, record: Mapping[str, Any]) -> Mapping[str, Any]:
        params: dict[str, Any] = dict(context_params(self.ctx))
        for a in rule.aggregates:
            params.update({f"{a.key}__m_{k}": fn(record, self.ctx) for k, fn in a.match.items()})
            if a.within is not None:
                params[f"{a.key}__since"] = self.ctx.now - timedelta(hours=a.within[1])
        if all(_matches_nothing(a, params) for a in rule.aggregates):
            # "other.customer = NULL" holds for no row: every aggregate is over no rows, known without a query
            return {a.key: 0 if a.fn == "count" else None for a in rule.aggregates}
        fresh = self.draft is not None  # a draft's rule is not the version's rule of the same key
        query = build_aggregate_query(self.runtime, rule) if fresh else aggregate_query(self.runtime, rule)
        row = self.conn.execute(query, params).one()._mapping
        out: dict[str, Any] = {}
        for a in rule.aggregates:
            if a.fn == "avg":
                total, count = row[f"{a.key}sum"], row[a.key]
                out[a.key] = (Decimal(total) / count) if count and total is not None else None
            else:
                out[a.key] = row[a.key]
        return out

    def survey_link(self, form: str, rule: str, record: Mapping[str, Any], days: int) -> str:
        """A signed link to answer ``form`` about ``record`` (``dajian.platform.surveys``)."""
        from dajian.platform.rules.plans import ruleset_for
        from dajian.platform.surveys import survey_url

        rules = self.draft if self.draft is not None else ruleset_for(self.runtime)
        fired = rules.rules.get(rule) if rules is not None else None
        if fired is None:
            raise ValueError(f"survey_link: unknown rule '{rule}'")
        return survey_url(self.conn, self.runtime, form=form, ref_form=fired.form, record=record, days=days)

    def users(self, spec: UserSpec, record: Mapping[str, Any]) -> list[int]:
        """The flows' resolver (``dajian.platform.assignees``): the same pools and the same turns."""
        org, app = self.runtime.org_id, self.runtime.app_id
        if spec.user is not None:
            return active_users(self.conn, org, [spec.user])
        if spec.field is not None:
            value = record.get(spec.field)
            return active_users(self.conn, org, [int(value)]) if value is not None else []
        members = role_members(self.conn, app, spec.role or "")
        if spec.pick == "round_robin":
            return in_turn(self.conn, app, members)
        return least_loaded(self.conn, members) if spec.pick == "least_loaded" else members
