"""Timed rules as jobs: "24 h after ``resolved_at``", "2 working days before ``due_at``" and cron schedules.

A time-relative trigger arms one job per (rule, trigger, record) whose idempotency key contains the field's
value: when the value changes the old job is cancelled and a new one armed; when the record is deleted the
job is cancelled; a job that finds the value changed anyway does nothing. Cron rules keep one pending job
each (key: rule and due time) that runs the rule on every matching record and arms the next occurrence;
``sync_schedules`` arms them after a publish.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from dajian.engines.expr import ExprError, compile_sql
from dajian.engines.flow.calendar import BusinessCalendar
from dajian.engines.form.logic import as_ast
from dajian.engines.rule import RuleSet, Signal, due_at, next_cron
from dajian.engines.rule.model import CronTrigger, TimeTrigger
from dajian.platform import jobs
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import jsonable
from dajian.platform.clock import utcnow
from dajian.platform.events import RecordEvent
from dajian.platform.filters import form_scope
from dajian.platform.models import jobs as job_table

from .plans import ruleset_for, runtime_by_id
from .runner import read_record, run_signal

log = logging.getLogger(__name__)


def _stamp(value: Any) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def timer_key(app_id: int, rule: str, trigger: int, record_id: int, value: Any) -> str:
    return f"rt:{app_id}:{rule}:{trigger}:{record_id}:{_stamp(value)}"[:200]


def _calendar(runtime: RuntimeApp, trigger: TimeTrigger) -> BusinessCalendar | None:
    if trigger.calendar is None:
        return None
    definition = runtime.definition.settings.calendars[trigger.calendar]
    return BusinessCalendar.from_definition({"timezone": runtime.definition.settings.timezone, **definition})


def arm(conn: Connection, runtime: RuntimeApp, rule: str, n: int, trigger: TimeTrigger, record_id: int,
        value: Any) -> None:
    due = due_at(trigger, value, timezone=runtime.definition.settings.timezone, calendar=_calendar(runtime, trigger))
    key = timer_key(runtime.app_id, rule, n, record_id, value)
    payload = {"app": runtime.app_id, "rule": rule, "trigger": n, "record": record_id, "value": _stamp(value)}
    jobs.enqueue(conn, "rules.timer", payload, due_at=due, org_id=runtime.org_id, idempotency_key=key)
    # the same value again (changed away and back, or restored): arm the old row once more
    conn.execute(update(job_table).where(job_table.c.idempotency_key == key, job_table.c.status.in_(("cancelled",
                                                                                                      "done")))
                 .values(status="pending", due_at=due, available_at=due, attempts=0, finished_at=None))


def rearm(conn: Connection, runtime: RuntimeApp, rules: RuleSet, event: RecordEvent) -> None:
    for rule, n, trigger in rules.timed(event.form_key):
        before = (event.old or {}).get(trigger.field)
        after = (event.new or {}).get(trigger.field)
        if event.kind == "updated" and before == after:
            continue
        if before is not None and event.kind in ("updated", "deleted"):
            jobs.cancel(conn, idempotency_key=timer_key(runtime.app_id, rule.key, n, event.record_id, before))
        if after is not None and event.kind != "deleted":
            arm(conn, runtime, rule.key, n, trigger, event.record_id, after)


def on_timer(conn: Connection, payload: dict[str, Any], job: jobs.Job) -> str:
    runtime = runtime_by_id(conn, payload["app"])
    rules = ruleset_for(runtime) if runtime is not None else None
    plan = rules.rules.get(payload["rule"]) if rules is not None else None
    if runtime is None or rules is None or plan is None:
        return "the rule is gone"
    trigger = plan.triggers[payload["trigger"]][1] if payload["trigger"] < len(plan.triggers) else None
    record = read_record(conn, runtime, plan.form, payload["record"])
    if not isinstance(trigger, TimeTrigger) or record is None:
        return "the record or trigger is gone"
    if _stamp(record.get(trigger.field)) != payload["value"]:
        return "the date changed: re-armed elsewhere"
    signal = Signal("time", plan.form, new=record, rule=plan.key, trigger=payload["trigger"])
    outcome = run_signal(conn, runtime, rules, signal, record_id=payload["record"], depth=0, actor=None,
                         key_base=f"job{job.id}")
    return "fired" if outcome.fired else "condition false"


def cron_key(app_id: int, rule: str, n: int, due: datetime) -> str:
    return f"cron:{app_id}:{rule}:{n}:{due.isoformat()}"[:200]


def sync_schedules(conn: Connection, runtime: RuntimeApp) -> list[dict[str, Any]]:
    """Arm the next occurrence of every cron trigger of the app's current version (idempotent)."""
    rules = ruleset_for(runtime)
    armed = []
    for plan in (rules.rules.values() if rules is not None else []):
        for n, (_kind, trigger) in enumerate(plan.triggers):
            if isinstance(trigger, CronTrigger) and plan.enabled:
                due = next_cron(trigger.cron, utcnow(), timezone=runtime.definition.settings.timezone)
                payload = {"app": runtime.app_id, "rule": plan.key, "trigger": n, "cron": trigger.cron}
                jobs.enqueue(conn, "rules.cron", payload, due_at=due, org_id=runtime.org_id,
                             idempotency_key=cron_key(runtime.app_id, plan.key, n, due))
                armed.append({"rule": plan.key, "next_at": due.isoformat()})
    return armed


def on_cron(conn: Connection, payload: dict[str, Any], job: jobs.Job) -> dict[str, Any]:
    runtime = runtime_by_id(conn, payload["app"])
    rules = ruleset_for(runtime) if runtime is not None else None
    plan = rules.rules.get(payload["rule"]) if rules is not None else None
    n = payload["trigger"]
    trigger = plan.triggers[n][1] if plan is not None and n < len(plan.triggers) else None
    if runtime is None or rules is None or plan is None or not isinstance(trigger, CronTrigger) \
            or trigger.cron != payload["cron"] or not plan.enabled:
        return {"stopped": "the schedule is gone or changed"}
    table = runtime.form(plan.form).table
    query = select(table.c.id).where(table.c.deleted_at.is_(None))
    try:
        if plan.definition.when is not None:
            query = query.where(compile_sql(as_ast(plan.definition.when), form_scope(runtime.form(plan.form)),
                                            context=None))
    except ExprError:
        pass  # reads old/changed/agg: every record is checked in Python instead
    ran = 0
    for record_id in conn.execute(query.order_by(table.c.id).limit(trigger.limit), _context(runtime)).scalars():
        record = read_record(conn, runtime, plan.form, record_id)
        signal = Signal("cron", plan.form, new=record, rule=plan.key, trigger=n)
        ran += len(run_signal(conn, runtime, rules, signal, record_id=record_id, depth=0, actor=None,
                              key_base=f"job{job.id}:{record_id}").fired)
    due = next_cron(trigger.cron, max(utcnow(), job.due_at), timezone=runtime.definition.settings.timezone)
    jobs.enqueue(conn, "rules.cron", payload, due_at=due, org_id=runtime.org_id,
                 idempotency_key=cron_key(runtime.app_id, plan.key, n, due))
    return {"fired": ran, "next_at": jsonable(due)}


def _context(runtime: RuntimeApp) -> dict[str, Any]:
    from dajian.engines.expr import context_params

    from .runner import eval_context

    return context_params(eval_context(runtime, None))
