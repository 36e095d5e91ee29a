"""The built-in action kinds: each compiles once (checks located under the action's path) to ``run(firing)``.

Field writes (``set``, ``assign``, ``escalate``, ``decide``) go through ``firing.set`` so later actions
and later rules of the same event see them; the rest append effects for the platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .cells import coerce
from .effects import MISSING, CallWebhook, CreateRecord, Firing, Notify, Recipient, StartFlow, UpdateRecords
from .model import (
    AssignAction,
    CreateAction,
    DecideAction,
    EscalateAction,
    NotifyAction,
    SetAction,
    StartFlowAction,
    UpdateAction,
    UserSpec,
    WebhookAction,
)
from .registry import Run, Scope, register_action
from .templates import (
    RECORD_NAMES,
    TemplateRefused,
    compile_json_template,
    compile_template,
    json_template_issues,
    render,
    render_json,
    template_issues,
)

Values = Callable[[Firing], dict[str, Any]]
BUILT_IN_CHANNELS = ("in_app", "email")


def _typed(value: Any, kind: str) -> Any:
    try:
        return coerce(value, kind) if kind in ("integer", "decimal", "date", "datetime", "boolean") else value
    except ValueError:
        return value  # the record service reports it with the field's own message


def field_values(scope: Scope, form: str, literals: Mapping[str, Any], formulas: Mapping[str, Any]) -> Values:
    """Literal values (typed by the target form) and formulas over the triggering record."""
    types = scope.forms[form].schema.fields if form in scope.forms else {}
    fixed = {k: _typed(v, types.get(k, "any")) for k, v in literals.items()
             if scope.field(k, f"/values/{k}", form=form)}
    computed = {k: fn for k, raw in formulas.items()
                if scope.field(k, f"/formulas/{k}", form=form) and (fn := scope.expr(raw, f"/formulas/{k}"))}

    def values(f: Firing) -> dict[str, Any]:
        out = dict(fixed)
        out.update({k: fn(f.record, f.ctx) for k, fn in computed.items()})
        return out

    return values


def template_values(f: Firing) -> dict[str, Any]:
    changed = f.record.get("changed")
    def survey_link(form: str, days: int = 14) -> str:
        return f.env.survey_link(str(form), f.rule, f.record, int(days))

    return {"record": f.record, "old": f.record.get("old") or {}, "rule": f.rule, "now": f.ctx.now,
            "changed": sorted(getattr(changed, "keys", ())), "survey_link": survey_link}


def _set(a: SetAction, scope: Scope) -> Run:
    types = scope.forms[scope.form].schema.fields
    fixed = tuple((k, _typed(v, types.get(k, "any"))) for k, v in a.values.items() if scope.field(k, f"/values/{k}"))
    computed = tuple((k, fn) for k, raw in a.formulas.items()
                     if scope.field(k, f"/formulas/{k}") and (fn := scope.expr(raw, f"/formulas/{k}")))

    def run(f: Firing) -> None:
        record, values = f.record, f.values
        before = f.before if f.before is not None else f.remember()
        for key, value in fixed:  # ``f.set`` inlined: the hottest action
            if key not in before:
                before[key] = record.get(key, MISSING)
            values[key] = record[key] = value
        for key, fn in computed:
            f.set(key, fn(record, f.ctx))

    if not computed:
        run.inline = ("set", fixed)  # type: ignore[attr-defined]  # the rule program writes these inline
    return run


def _user_spec_check(spec: UserSpec, scope: Scope, where: str) -> None:
    given = [x for x in (spec.user, spec.role, spec.field) if x is not None]
    if len(given) != 1:
        scope.fail(where, "name exactly one of 'user', 'role' or 'field'")
    if spec.field is not None:
        scope.field(spec.field, f"{where}/field", types=("user",))


def _assign(a: AssignAction, scope: Scope) -> Run:
    scope.field(a.field, "/field", types=("user",))
    _user_spec_check(a.to, scope, "/to")

    def run(f: Firing) -> None:
        found = f.env.users(a.to, f.record)
        if found:
            f.set(a.field, found[0])

    return run


def _create(a: CreateAction, scope: Scope) -> Run | None:
    if a.form not in scope.forms:
        scope.fail("/form", f"no form '{a.form}'")
        return None
    values = field_values(scope, a.form, a.values, a.formulas)
    dedupe = scope.expr(a.dedupe, "/dedupe") if a.dedupe is not None else None
    if a.link_back is not None:
        scope.field(a.link_back, "/link_back", types=("integer", "any"))

    def run(f: Firing) -> None:
        key = dedupe(f.record, f.ctx) if dedupe is not None else None
        if dedupe is not None and key in (None, ""):
            return  # nothing to group by (e.g. no batch number): no record
        f.effects.append(CreateRecord(a.form, values(f), None if key is None else str(key), a.link_back))

    return run


def _update(a: UpdateAction, scope: Scope) -> Run | None:
    if a.form not in scope.forms:
        scope.fail("/form", f"no form '{a.form}'")
        return None
    values = field_values(scope, a.form, a.values, a.formulas)
    match = {k: fn for k, raw in a.match.items()
             if scope.field(k, f"/match/{k}", form=a.form) and (fn := scope.expr(raw, f"/match/{k}"))}

    def run(f: Firing) -> None:
        f.effects.append(UpdateRecords(a.form, {k: fn(f.record, f.ctx) for k, fn in match.items()}, values(f),
                                       a.limit))

    return run


def _start_flow(a: StartFlowAction, scope: Scope) -> Run:
    if a.flow not in scope.flows:
        scope.fail("/flow", f"no flow '{a.flow}'")
    return lambda f: f.effects.append(StartFlow(a.flow))


def _escalate(a: EscalateAction, scope: Scope) -> Run:
    scope.field(a.field, "/field", types=("integer",))

    def run(f: Firing) -> None:
        current = f.record.get(a.field) or 0
        f.set(a.field, max(current, a.to) if a.to is not None else current + a.by)

    run.inline = ("escalate", a.field, a.to, a.by)  # type: ignore[attr-defined]
    return run


def _recipients(a: NotifyAction, scope: Scope) -> None:
    for i, spec in enumerate(a.to):
        given = [k for k, v in spec.model_dump().items() if v is not None]
        if len(given) != 1:
            scope.fail(f"/to/{i}", "name exactly one of user, role, user_field, email_field, phone_field, email")
        kinds = {"user_field": ("user",), "email_field": ("text",), "phone_field": ("text",)}
        for attr, types in kinds.items():
            if getattr(spec, attr) is not None:
                scope.field(getattr(spec, attr), f"/to/{i}/{attr}", types=types)


def resolve(spec: Any, f: Firing) -> list[Recipient]:
    if spec.user is not None:
        return [Recipient("user", spec.user)]
    if spec.role is not None:
        return [Recipient("user", u) for u in f.env.users(UserSpec(role=spec.role), f.record)]
    if spec.email is not None:
        return [Recipient("email", spec.email)]
    for attr, kind in (("user_field", "user"), ("email_field", "email"), ("phone_field", "phone")):
        key = getattr(spec, attr)
        if key is not None and f.record.get(key) not in (None, ""):
            return [Recipient(kind, f.record[key])]
    return []


def _notify(a: NotifyAction, scope: Scope) -> Run | None:
    _recipients(a, scope)
    for i, channel in enumerate(a.channels):
        if channel not in BUILT_IN_CHANNELS and channel not in scope.notify_channels:
            scope.fail(f"/channels/{i}", f"unknown channel '{channel}' (in_app, email or a notify_channel)")
    before = len(scope.issues)
    for attr, html in (("subject", False), ("body", True)):
        for message in template_issues(getattr(a, attr), names=RECORD_NAMES, html=html):
            scope.fail(f"/{attr}", message)
    if len(scope.issues) > before:
        return None
    subject = compile_template(a.subject, html=False)
    body = compile_template(a.body)
    limit = (a.rate_limit.max, a.rate_limit.per_minutes) if a.rate_limit else None

    def run(f: Firing) -> None:
        people = tuple(dict.fromkeys(r for spec in a.to for r in resolve(spec, f)))
        if people:
            values = template_values(f)
            f.effects.append(Notify(people, tuple(a.channels), render(subject, values), render(body, values), limit,
                                    a.digest))

    return run


def _webhook(a: WebhookAction, scope: Scope) -> Run | None:
    if (a.subscription is None) == (a.url is None):
        scope.fail("", "name either a 'subscription' or a 'url'")
    if a.subscription is not None and a.subscription not in scope.webhooks:
        scope.fail("/subscription", f"no webhook subscription '{a.subscription}'")
    if a.url is not None and not a.url.startswith(("http://", "https://")):
        scope.fail("/url", "the URL must start with http:// or https://")
    problems = json_template_issues(a.payload, names=RECORD_NAMES, path="/payload") if a.payload else []
    for where, message in problems:
        scope.fail(where, message)
    if problems:
        return None
    payload = compile_json_template(a.payload, names=RECORD_NAMES) if a.payload is not None else None

    def run(f: Firing) -> None:
        body = render_json(payload, template_values(f)) if payload is not None else None
        f.effects.append(CallWebhook(a.subscription, a.url, body))

    return run


def _decide(a: DecideAction, scope: Scope) -> Run | None:
    table = scope.tables.get(a.table)
    if table is None:
        scope.fail("/table", f"no decision table '{a.table}'")
        return None
    if table.hit_policy == "collect":
        scope.fail("/table", "a 'collect' table gives a list: give it an aggregate to write its outputs to fields")
    inputs = {}
    for key in table.inputs:
        raw = a.inputs.get(key, {"var": key})
        inputs[key] = scope.expr(raw, f"/inputs/{key}")
    for key in a.inputs:
        if key not in table.inputs:
            scope.fail(f"/inputs/{key}", f"table '{a.table}' has no input '{key}'")
    outputs = {o: a.outputs.get(o, o) for o in table.outputs if o in a.outputs or not a.outputs}
    for out, target in outputs.items():
        scope.field(target, f"/outputs/{out}")
    for key in a.outputs:
        if key not in table.outputs:
            scope.fail(f"/outputs/{key}", f"table '{a.table}' has no output '{key}'")

    def run(f: Firing) -> None:
        result = table({k: fn(f.record, f.ctx) for k, fn in inputs.items() if fn is not None})
        for out, target in outputs.items():
            if result is not None and out in result:
                f.set(target, result[out])

    return run


for _name, _model, _compiler in (
    ("set", SetAction, _set), ("assign", AssignAction, _assign), ("create", CreateAction, _create),
    ("update", UpdateAction, _update), ("start_flow", StartFlowAction, _start_flow),
    ("escalate", EscalateAction, _escalate), ("notify", NotifyAction, _notify), ("webhook", WebhookAction, _webhook),
    ("decide", DecideAction, _decide),
):
    register_action(_name, _model, _compiler)

__all__ = ["BUILT_IN_CHANNELS", "TemplateRefused", "field_values", "resolve", "template_values"]
