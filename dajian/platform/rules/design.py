"""The rule designer's rehearsals: dry runs of the published or the draft rules on a real record (which
triggers matched, which parts of each condition held, what each rule would set and send), a decision
table's matching rows, a message template rendered in the sandbox against a record, and a webhook's
test delivery through the same SSRF guard as real deliveries. Only the test delivery sends anything;
the dry runs run inside a transaction that is rolled back (``RehearsalConn``)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError
from sqlalchemy import Connection

from dajian.engines.form.prepare import prepare
from dajian.engines.rule import FormInfo, RuleDefinitionError, RulePlan, RuleSet, Signal, compile_rules, run_rules
from dajian.engines.rule.actions import template_values
from dajian.engines.rule.dtable import DecisionError, matching_rows, typed_inputs
from dajian.engines.rule.effects import Firing, NullEnv
from dajian.engines.rule.explain import condition_checks
from dajian.engines.rule.model import WebhookDef
from dajian.engines.rule.templates import (
    RECORD_NAMES,
    TemplateRefused,
    compile_json_template,
    compile_template,
    json_template_issues,
    render,
    render_json,
    template_issues,
)
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import jsonable, write_audit
from dajian.platform.clock import utcnow
from dajian.platform.definition import AppDefinition, parse_definition
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.principal import Principal
from dajian.platform.records import eval_context, form_context

from . import outbound, webhooks
from .env import RuleEnv
from .plans import compile_args, elements, form_infos
from .runner import eval_context as runner_context
from .runner import read_record, run_view

TEST_TIMEOUT = 5.0
SHOWN_RESPONSE = 2000  # characters of the receiver's answer shown to the designer


@dataclass(frozen=True)
class Rules:
    """A compiled ``rules`` section and what it was compiled against."""

    ruleset: RuleSet
    forms: Mapping[str, FormInfo]
    raw: list[dict[str, Any]]
    draft: bool


def published_rules(runtime: RuntimeApp, ruleset: RuleSet) -> Rules:
    return Rules(ruleset, form_infos(runtime.definition), elements(runtime.definition), draft=False)


def draft_rules(doc: Any) -> Rules:
    """The draft's rules compiled as publishing would; 422 with every problem (paths like
    ``/rules/3/actions/0/subject``) when the draft or its rules do not compile."""
    definition = _definition(doc)
    try:
        ruleset = compile_rules(elements(definition), **compile_args(definition))
    except RuleDefinitionError as exc:
        raise Invalid("the draft's rules have problems; fix them first",
                      errors=[{"path": p, "message": m} for p, m in exc.issues[:50]]) from None
    return Rules(ruleset, form_infos(definition), elements(definition), draft=True)


def _definition(doc: Any) -> AppDefinition:
    if not isinstance(doc, dict):
        raise Invalid("the draft is not an app definition")
    try:
        return parse_definition(doc)
    except ValidationError as exc:
        raise Invalid("the draft does not match the app schema; fix its problems first",
                      errors=[{"path": "/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
                              for e in exc.errors()[:50]]) from None


# -- dry runs -------------------------------------------------------------------------------


def signal_for(rule: RulePlan | None, *, form: str, event: str | None, old: Mapping[str, Any] | None,
               new: Mapping[str, Any], changed: frozenset[str]) -> Signal:
    """The signal a dry run sends: the record event asked for, else the one ``rule``'s first trigger
    listens to (a timer, schedule or button names the rule; a flow event takes the trigger's details)."""
    if event is None and rule is not None and rule.triggers:
        trigger_kind, trigger = rule.triggers[0]
        listens = trigger_kind.signals(trigger)[0]
        if listens in ("time", "cron", "manual"):
            return Signal(listens, form, new=new, rule=rule.key, trigger=0)
        if listens == "flow":
            info = {k: getattr(trigger, k, None) for k in ("flow", "on", "node", "action")}
            return Signal("flow", form, old=old, new=new, flow=info)
        channel = getattr(trigger, "channel", None)
        event = listens if listens != "updated" or old is not None else "created"
        return Signal(event, form, old=old if event != "created" else None, new=new, changed=changed,
                      channel=channel)
    kind = event or ("updated" if old is not None else "created")
    return Signal(kind, form, old=old if kind != "created" else None, new=new, changed=changed)


def rehearse(conn: Connection, principal: Principal, runtime: RuntimeApp, rules: Rules, *, form: str,
             record_id: int | None, values: Mapping[str, Any], event: str | None,
             rule: str | None = None) -> dict[str, Any]:
    """Which rules would fire for this record (and change), why, and what they would do; with ``rule``
    that rule's own trigger is sent. The caller's transaction is rolled back."""
    plan = rules.ruleset.rules.get(rule) if rule is not None else None
    if rule is not None and plan is None:
        raise NotFound(f"no rule '{rule}'" + (" in the draft" if rules.draft else ""))
    if plan is not None and plan.form != form:
        raise Invalid(f"rule '{rule}' runs on form '{plan.form}'", errors=[{"path": "/form", "message": plan.form}])
    ctx = form_context(conn, principal, runtime, form, "read")
    old = read_record(conn, runtime, form, record_id) if record_id is not None else None
    if record_id is not None and old is None:
        raise NotFound(f"no record {record_id} in form '{form}'")
    evaluation = eval_context(ctx)
    prepared = prepare(ctx.form, dict(values), existing=old, ctx=evaluation)
    if prepared.issues:
        raise Invalid("the values are invalid", errors=[{**i, "path": "/values" + i["path"]} for i in prepared.issues])
    new = {**(old or {}), **prepared.values}
    changed = frozenset(k for k in new if old is not None and old.get(k) != new.get(k))
    signal = signal_for(plan, form=form, event=event, old=old, new=new, changed=changed)
    checks: dict[str, dict[str, Any]] = {}

    def inspect(seen: RulePlan, view: Mapping[str, Any]) -> None:
        joiner, parts = condition_checks(seen, view, evaluation, forms=rules.forms)
        checks[seen.key] = {"joiner": joiner, "checks": [vars(p) for p in parts]}

    env = RuleEnv(conn, runtime, evaluation, draft=rules.ruleset if rules.draft else None)
    outcome = run_rules(rules.ruleset, signal, new, env=env, ctx=evaluation, explain=True, inspect=inspect)
    runs = [{**run_view(r), **checks.get(r.rule, {"joiner": None, "checks": []})} for r in outcome.runs]
    return {"event": signal.kind, "changed": sorted(changed), "runs": runs, "values": jsonable(outcome.values)}


def explain_table(conn: Connection, principal: Principal, runtime: RuntimeApp, rules: Rules, table_key: str, *,
                  form: str | None, record_id: int | None, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A decision table on a record's fields (inputs named like fields) and typed inputs over them: the
    inputs used, every matching row and the table's answer under its hit policy."""
    found = [(n, e) for n, e in enumerate(rules.raw) if e.get("kind") == "decision_table" and e.get("key") == table_key]
    plan = rules.ruleset.tables.get(table_key)
    if not found or plan is None:
        raise NotFound(f"no decision table '{table_key}'")
    index, raw = found[0]
    used: dict[str, Any] = {}
    if record_id is not None:
        if form is None:
            raise Invalid("a record needs its form", errors=[{"path": "/form", "message": "name the record's form"}])
        record = _record(conn, principal, runtime, form, record_id)
        used.update({k: record.get(k) for k in plan.inputs if k in record})
    unknown = [k for k in inputs if k not in plan.inputs]
    if unknown:
        raise Invalid("unknown inputs", errors=[{"path": f"/inputs/{k}", "message": f"table '{table_key}' has no "
                                                 f"input '{k}'"} for k in unknown])
    used.update(inputs)
    try:
        used = typed_inputs(raw, used)
        rows = matching_rows(raw, used, path=f"/rules/{index}")
    except ValueError as exc:
        raise Invalid("an input has the wrong type", errors=[{"path": "/inputs", "message": str(exc)}]) from None
    try:
        result = plan(used)
    except DecisionError as exc:  # a 'unique' table with two matching rows
        return {"inputs": jsonable(used), "rows": rows, "result": None, "error": str(exc)}
    return {"inputs": jsonable(used), "rows": rows, "result": jsonable(result), "error": None}


# -- message templates ----------------------------------------------------------------------


class _PreviewEnv(NullEnv):
    """``survey_link`` in a preview: a real signed link, made in the rolled-back transaction."""

    def __init__(self, conn: Connection, runtime: RuntimeApp, form: str) -> None:
        super().__init__()
        self.conn, self.runtime, self.form = conn, runtime, form

    def survey_link(self, form: str, rule: str, record: Mapping[str, Any], days: int) -> str:
        from dajian.platform.surveys import survey_url

        return survey_url(self.conn, self.runtime, form=form, ref_form=self.form, record=record, days=days)


def preview_message(conn: Connection, principal: Principal, runtime: RuntimeApp, *, form: str, record_id: int,
                    subject: str, body: str) -> dict[str, str]:
    """``subject`` (text) and ``body`` (HTML, autoescaped) rendered in the sandbox on a real record, as a
    notify action would; 422 naming ``/subject`` or ``/body`` when a template is refused or fails."""
    record = _record(conn, principal, runtime, form, record_id)
    issues = [{"path": f"/{name}", "message": m} for name, text, html in (("subject", subject, False),
                                                                          ("body", body, True))
              for m in template_issues(text, names=RECORD_NAMES, html=html)]
    if issues:
        raise Invalid("the template is refused", errors=issues)
    values = _template_values(conn, runtime, form, record)
    out: dict[str, str] = {}
    for name, text, html in (("subject", subject, False), ("body", body, True)):
        try:
            out[name] = render(compile_template(text, html=html), values)
        except TemplateRefused as exc:
            raise Invalid("the template failed on this record", errors=[{"path": f"/{name}", "message": str(exc)}]) \
                from None
    return out


def _record(conn: Connection, principal: Principal, runtime: RuntimeApp, form: str, record_id: int) -> dict[str, Any]:
    form_context(conn, principal, runtime, form, "read")
    record = read_record(conn, runtime, form, record_id)
    if record is None:
        raise NotFound(f"no record {record_id} in form '{form}'")
    return record


def _template_values(conn: Connection, runtime: RuntimeApp, form: str, record: dict[str, Any]) -> dict[str, Any]:
    firing = Firing("preview", record, _PreviewEnv(conn, runtime, form), runner_context(runtime, None))
    return template_values(firing)


# -- webhook test delivery ------------------------------------------------------------------


def test_webhook(conn: Connection, principal: Principal, runtime: RuntimeApp, rules: Rules | None, *,
                 subscription: str | None, url: str | None, payload: Any, form: str | None,
                 record_id: int | None) -> dict[str, Any]:
    """POST once to a subscription of the rules or a URL, now, with the payload a rule would send (its
    templates rendered on the record) or a sample event; signed for a subscription. The destination
    passes the deliveries' guard first (403 for a private address the organisation did not allow).
    The receiver's answer is reported, not retried; the attempt is audited."""
    target, secret_key = _target(rules, subscription, url)
    record = _record(conn, principal, runtime, form, record_id) if form and record_id is not None else None
    body = _test_body(conn, runtime, payload, form=form, record=record)
    result: dict[str, Any] = {"url": target, "payload": jsonable(body), "signed": secret_key is not None,
                              "status": None, "ok": False, "response": None, "elapsed_ms": 0}
    try:
        destination = webhooks.check_destination(conn, runtime.org_id, target)
    except webhooks.DeliveryFailed as exc:  # the name does not resolve: a real delivery would retry
        return {**result, "error": str(exc)}
    content = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "Dajian-Webhook/1", "X-Dajian-Timestamp": stamp,
               "X-Dajian-Event": "test", "X-Dajian-Test": "1"}
    if secret_key is not None:
        _, secret = webhooks.channel_secret(conn, org_id=runtime.org_id, app_id=runtime.app_id, key=secret_key)
        headers["X-Dajian-Signature"] = webhooks.sign(secret, stamp, content)
    started = time.monotonic()
    try:
        response = outbound.post(destination, content=content, headers=headers, timeout=TEST_TIMEOUT)
        result.update(status=response.status_code, ok=200 <= response.status_code < 300, error=None,
                      response=response.text[:SHOWN_RESPONSE])
    except httpx.HTTPError as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    result["elapsed_ms"] = round((time.monotonic() - started) * 1000)
    write_audit(conn, org_id=runtime.org_id, actor_id=principal.user_id, entity="webhook", action="test",
                app_id=runtime.app_id, changes={"url": target, "status": result["status"], "error": result["error"]})
    return result


def _target(rules: Rules | None, subscription: str | None, url: str | None) -> tuple[str, str | None]:
    if (subscription is None) == (url is None):
        raise Invalid("name either a subscription or a URL",
                      errors=[{"path": "/url", "message": "give exactly one of 'subscription' and 'url'"}])
    if url is not None:
        return _checked_url(url), None
    sub = rules.ruleset.elements.get(subscription or "") if rules is not None else None
    if not isinstance(sub, WebhookDef):
        raise NotFound(f"no webhook subscription '{subscription}'")
    return sub.url, sub.key


def _checked_url(url: str) -> str:
    """An http(s) URL that parses (its host and port too): 422 naming ``/url`` otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError as exc:
        raise Invalid("the URL does not parse", errors=[{"path": "/url", "message": str(exc)}]) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("not an http(s) URL", errors=[{"path": "/url", "message": "give an http:// or https:// URL"}])
    return url


def _test_body(conn: Connection, runtime: RuntimeApp, payload: Any, *, form: str | None,
               record: dict[str, Any] | None) -> Any:
    if payload is None:
        return {"event": f"{form or '*'}.test", "app": runtime.key, "form": form,
                "record_id": record.get("id") if record else None, "record": jsonable(record or {}), "changed": [],
                "at": utcnow().isoformat(), "test": True}
    issues = json_template_issues(payload, names=RECORD_NAMES, path="/payload")
    if issues:
        raise Invalid("the payload's templates are refused", errors=[{"path": p, "message": m} for p, m in issues])
    values = _template_values(conn, runtime, form or "", record or {}) if record is not None else \
        {"record": {}, "old": {}, "rule": "preview", "now": utcnow(), "changed": []}
    try:
        return render_json(compile_json_template(payload, names=RECORD_NAMES), values)
    except TemplateRefused as exc:
        raise Invalid("the payload failed on this record", errors=[{"path": "/payload", "message": str(exc)}]) \
            from None

