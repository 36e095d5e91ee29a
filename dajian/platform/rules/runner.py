"""Run the rules of one signal on one record inside the caller's transaction, apply what they decided
and write the execution log (``rule_runs``). Chains are cut at the rule set's ``max_depth``."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from dajian.engines.expr import EvalContext
from dajian.engines.rule import Outcome, RuleRun, RuleSet, Signal, run_rules
from dajian.platform import reactions
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.db import insert_rows
from dajian.platform.record_parts import read_children

from .apply import Applier, describe
from .env import RuleEnv
from .tables import rule_runs

log = logging.getLogger(__name__)


def eval_context(runtime: RuntimeApp, actor: int | None) -> EvalContext:
    now = utcnow()
    today = now.astimezone(ZoneInfo(runtime.definition.settings.timezone)).date()
    return EvalContext(now=now, today=today, user_id=actor or None)


def read_record(conn: Connection, runtime: RuntimeApp, form_key: str, record_id: int) -> dict[str, Any] | None:
    """A live record's stored values (with sub-table rows), or None when it is gone or deleted.

    Within a change (``dajian.platform.reactions``) a record it wrote is known and not read again."""
    known = reactions.known_record(runtime.app_id, form_key, record_id)
    if known is not None:
        return known
    form = runtime.form(form_key)
    row = conn.execute(select(form.table).where(form.table.c.id == record_id, form.table.c.deleted_at.is_(None)))
    found = row.mappings().first()
    if found is None:
        return None
    record = dict(found)
    if form.children:
        record.update({k: rows[record_id] for k, rows in read_children(conn, form, [record_id]).items()})
    return record


def run_signal(conn: Connection, runtime: RuntimeApp, rules: RuleSet, signal: Signal, *, record_id: int,
               depth: int, actor: int | None, key_base: str | None = None) -> Outcome:
    """Decide and apply; returns the outcome (``runs`` carry errors found while applying too)."""
    if depth >= rules.max_depth:
        cut(conn, runtime, signal, record_id=record_id, depth=depth)
        return Outcome()
    record = dict(signal.new if signal.new is not None else signal.old or {})
    ctx = eval_context(runtime, actor)
    outcome = run_rules(rules, signal, record, env=RuleEnv(conn, runtime, ctx), ctx=ctx)
    if not outcome.runs:
        return outcome
    applier = Applier(conn, runtime, signal.form, record_id, depth=depth, actor=actor, key_base=key_base,
                      deleted=signal.kind == "deleted")
    errors = applier.apply(outcome)
    outcome.runs = [RuleRun(r.rule, r.fired and r.rule not in errors, r.reason, r.values, r.effects,
                            r.error or errors.get(r.rule)) for r in outcome.runs]
    write_runs(conn, runtime, signal, outcome.runs, record_id=record_id, depth=depth)
    return outcome


def cut(conn: Connection, runtime: RuntimeApp, signal: Signal, *, record_id: int, depth: int) -> None:
    message = (f"rule chain cut at depth {depth}: rules changing records that trigger each other again "
               f"(the limit is {depth}); the rules of this change did not run")
    log.error("app %s, %s %s: %s", runtime.key, signal.form, record_id, message)
    write_runs(conn, runtime, signal, [RuleRun("*", False, f"on {signal.kind}", error=message)],
               record_id=record_id, depth=depth, status="cut")


def write_runs(conn: Connection, runtime: RuntimeApp, signal: Signal, runs: Sequence[RuleRun], *,
               record_id: int | None, depth: int, status: str | None = None) -> None:
    rows = [{
        "org_id": runtime.org_id, "app_id": runtime.app_id, "version_id": runtime.version_id, "rule_key": r.rule,
        "form_key": signal.form, "record_id": record_id, "event": signal.kind, "depth": depth,
        "status": status or ("fired" if r.fired else "error"), "reason": r.reason, "error": r.error,
        "changes": {"values": jsonable(dict(r.values)), "effects": [describe(e) for e in r.effects]}, "at": utcnow(),
    } for r in runs if r.fired or r.error]  # fmt: skip
    insert_rows(conn, rule_runs, rows)


def run_view(run: RuleRun) -> dict[str, Any]:
    """A run as the dry-run API shows it."""
    return {"rule": run.rule, "fires": run.fired, "reason": run.reason, "error": run.error,
            "values": jsonable(dict(run.values)), "effects": [describe(e) for e in run.effects]}


def outcome_view(outcome: Outcome) -> Mapping[str, Any]:
    return {"runs": [run_view(r) for r in outcome.runs], "values": jsonable(outcome.values)}
