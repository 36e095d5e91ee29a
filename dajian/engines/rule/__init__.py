"""The rule engine: definition model → compile (checks, immutable plan) → execute (pure decisions).

Public API::

    compile_rules(elements, forms={key: FormInfo(schema, serial)}, flows=..., calendars=...) -> RuleSet
    rule_issues(elements, forms=...) -> [(path, message)]          # every problem, for publish-time checks
    run_rules(ruleset, Signal(...), record, env=env, ctx=EvalContext(...)) -> Outcome(runs, values, effects)
    compile_table(raw) -> DecisionPlan; plan({"category": "quality"}) -> {"team": "qa"}   # dtable.py
    compile_template(text) / render(template, values)                                    # templates.py
    due_at(trigger, value, timezone=...), next_cron(expr, after, timezone=...)         # schedule.py
    register_trigger(TriggerKind(...)), register_action(kind, model, compile)           # registry.py

Execution semantics
    * **Order.** The rules a signal concerns run by ``priority`` (ascending), then ``key``.
    * **Visibility.** Field writes (``set``, ``assign``, ``escalate``, ``decide``) update the working record at
      once, so later rules of the same event see them; the platform then writes them all with one update.
    * **Once.** Each rule fires at most once per record per event. The platform's single update is a new
      event one level deeper (``depth + 1``), on which rules may fire again.
    * **Chains.** ``RuleSet.max_depth`` (default 10) cuts a chain: at that depth no rule runs, and the cut is
      logged as an error (two rules updating each other stop there instead of looping).
    * **Transactions.** Record changes made by rules (the update, created and updated records, started
      flows) commit or roll back with the change that triggered them: the platform applies them inside the
      same transaction. A failing rule is logged and leaves no writes; the other rules still run.
    * **Outbox.** External effects (messages, webhooks) are jobs enqueued in that transaction and sent by a
      worker after commit, once per idempotency key, retried with backoff, then dead-lettered.
    * **Conditions** (``when``) are the expression language over the record, ``old.x``, ``new.x``,
      ``changed.x`` (boolean) and ``agg.<key>`` — aggregates over other records, one SQL query per rule,
      run only when the rest of the condition holds.
"""

from __future__ import annotations

from .compile import AggregatePlan, RuleDefinitionError, RulePlan, RuleSet, compile_rules, condition_schema, rule_issues
from .dtable import DecisionError, DecisionPlan, compile_table, table_issues
from .effects import (
    CallWebhook,
    CreateRecord,
    Effect,
    Env,
    Firing,
    Notify,
    NullEnv,
    Outcome,
    Recipient,
    RuleRun,
    StartFlow,
    UpdateRecords,
)
from .execute import run_rules, working_record
from .registry import FormInfo, Scope, Signal, TriggerKind, register_action, register_trigger
from .schedule import due_at, next_cron
from .templates import TemplateRefused, compile_template, render, template_issues

__all__ = [
    "AggregatePlan", "CallWebhook", "CreateRecord", "DecisionError", "DecisionPlan", "Effect", "Env", "Firing",
    "FormInfo", "Notify", "NullEnv", "Outcome", "Recipient", "RuleDefinitionError", "RulePlan", "RuleRun",
    "RuleSet", "Scope", "Signal", "StartFlow", "TemplateRefused", "TriggerKind", "UpdateRecords", "compile_rules",
    "compile_table", "compile_template", "condition_schema", "due_at", "next_cron", "register_action",
    "register_trigger", "render", "rule_issues", "run_rules", "table_issues", "template_issues", "working_record",
]
