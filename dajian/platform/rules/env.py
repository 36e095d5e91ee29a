"""The platform side of the rule engine's ``Env``: role members for assignments and messages, and
aggregate conditions — all aggregates of a rule in ONE SQL query, compiled once per (version, rule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from threading import Lock
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, func, select, type_coerce

from dajian.engines.expr import EvalContext, compile_sql, context_params
from dajian.engines.rule import AggregatePlan, RulePlan
from dajian.engines.rule.model import UserSpec
from dajian.platform.apps import RuntimeApp
from dajian.platform.filters import form_scope
from dajian.platform.models import memberships, roles, users

from .tables import rule_runs

_QUERIES: dict[tuple[int, str, int], Select[Any]] = {}
_LOCK = Lock()


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


def aggregate_query(runtime: RuntimeApp, rule: RulePlan) -> Select[Any]:
    """``SELECT (SELECT count(*) FROM f3_complaint WHERE ... customer = :recent__m_customer ...) AS recent``."""
    key = (runtime.version_id, rule.key, runtime.app_id)  # version ids repeat across databases; table names differ
    found = _QUERIES.get(key)
    if found is None:
        columns = []
        for a in rule.aggregates:
            columns += [_value(a, runtime, "sum"), _value(a, runtime, "")] if a.fn == "avg" else [_value(a, runtime)]
        found = select(*columns)
        with _LOCK:
            _QUERIES[key] = found
    return found


@dataclass
class RuleEnv:
    conn: Connection
    runtime: RuntimeApp
    ctx: EvalContext

    def aggregates(self, rule: RulePlan, record: Mapping[str, Any]) -> Mapping[str, Any]:
        params: dict[str, Any] = dict(context_params(self.ctx))
        for a in rule.aggregates:
            params.update({f"{a.key}__m_{k}": fn(record, self.ctx) for k, fn in a.match.items()})
            if a.within is not None:
                params[f"{a.key}__since"] = self.ctx.now - timedelta(hours=a.within[1])
        row = self.conn.execute(aggregate_query(self.runtime, rule), params).one()._mapping
        out: dict[str, Any] = {}
        for a in rule.aggregates:
            if a.fn == "avg":
                total, count = row[f"{a.key}sum"], row[a.key]
                out[a.key] = (Decimal(total) / count) if count and total is not None else None
            else:
                out[a.key] = row[a.key]
        return out

    def users(self, spec: UserSpec, record: Mapping[str, Any]) -> list[int]:
        if spec.user is not None:
            return self._active([spec.user])
        if spec.field is not None:
            value = record.get(spec.field)
            return self._active([int(value)]) if value is not None else []
        members = self._members(spec.role or "")
        if not members or spec.pick == "first":
            return members
        if spec.pick == "round_robin":
            turn = self._turns() % len(members)
            return members[turn:] + members[:turn]
        return self._by_load(members)

    def _active(self, ids: list[int]) -> list[int]:
        query = select(users.c.id).where(users.c.id.in_(ids), users.c.org_id == self.runtime.org_id, users.c.is_active)
        found = set(self.conn.execute(query).scalars())
        return [i for i in ids if i in found]

    def _members(self, role: str) -> list[int]:
        query = (select(memberships.c.user_id).join(roles, roles.c.id == memberships.c.role_id)
                 .join(users, users.c.id == memberships.c.user_id)
                 .where(roles.c.app_id == self.runtime.app_id, roles.c.key == role, ~roles.c.archived,
                        users.c.is_active)
                 .order_by(memberships.c.user_id))  # fmt: skip
        return list(dict.fromkeys(self.conn.execute(query).scalars()))

    def _turns(self) -> int:
        query = select(func.count()).select_from(rule_runs).where(rule_runs.c.app_id == self.runtime.app_id,
                                                                   rule_runs.c.status == "fired")
        return int(self.conn.execute(query).scalar_one())

    def _by_load(self, members: list[int]) -> list[int]:
        from dajian.platform.flows.tables import flow_tasks

        query = (select(flow_tasks.c.assignee_id, func.count()).where(flow_tasks.c.assignee_id.in_(members),
                                                                      flow_tasks.c.status == "pending")
                 .group_by(flow_tasks.c.assignee_id))  # fmt: skip
        load: dict[int, int] = {row[0]: row[1] for row in self.conn.execute(query)}
        return sorted(members, key=lambda u: (load.get(u, 0), u))
