"""Node kinds: a table of ``NodeKind`` entries, one signature each, extended by ``register_node_kind``.

``enter(run, node, token, reentry)`` acts when a token arrives; ``check(node, ctx)`` yields
``(json_path_suffix, message)`` for kind-specific definition problems at compile time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dajian.engines.expr import EvalContext

from .approvals import enter_human
from .effects import CallWebhook, CreateRecord, FlowError, Notify, ScheduleTimer, SetFields, StartSubflow
from .model import Action, Assignee, NodeDef
from .plan import NodePlan
from .run import Run
from .state import Join, Work

Enter = Callable[[Run, NodePlan, str, bool], None]
Problems = Iterator[tuple[str, str]]


@dataclass(frozen=True)
class CheckContext:
    fields: Mapping[str, str]  # field key -> expression type
    node_ids: frozenset[str]


Check = Callable[[NodeDef, CheckContext], Problems]


def _no_check(node: NodeDef, ctx: CheckContext) -> Problems:
    return iter(())


@dataclass(frozen=True)
class NodeKind:
    name: str
    enter: Enter
    check: Check = _no_check
    outgoing: tuple[int, int | None] = (1, 1)  # allowed number of outgoing edges (min, max)
    incoming: tuple[int, int | None] = (1, None)
    gateway: str | None = None  # "split" or "join"
    family: str | None = None  # "parallel" | "inclusive" | "exclusive"
    human: bool = False
    waits: bool = False  # a token stays here until something happens (a person, a timer, a sub-flow)
    attributes: frozenset[str] = field(default_factory=frozenset)  # node attributes the kind uses


NODE_KINDS: dict[str, NodeKind] = {}


def register_node_kind(kind: NodeKind, *, replace: bool = False) -> None:
    if kind.name in NODE_KINDS and not replace:
        raise ValueError(f"node kind {kind.name!r} is already registered")
    NODE_KINDS[kind.name] = kind


def node_kind(name: str) -> NodeKind:
    return NODE_KINDS[name]


# -- enter handlers -------------------------------------------------------------------------


def _enter_start(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    if reentry:  # sent back: the initiator revises and resubmits
        run.state.work[token] = Work(node=node.id, role="resubmit")
        run.open_task(token, node, run.state.initiator, "resubmit")
    else:
        run.advance(token)


def _enter_end(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    run.finish(node.definition.outcome)


def _enter_exclusive(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    chosen = run.matching(node)[:1] or [e for e in node.outgoing if e.default]
    if not chosen:
        raise FlowError(f"gateway '{node.id}': no branch matches this record", code="no_branch", path=node.id)
    run.take(token, chosen)


def _split(inclusive: bool) -> Enter:
    def enter(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
        edges = list(node.outgoing)
        if inclusive:
            edges = run.matching(node) or [e for e in node.outgoing if e.default]
        if not edges:
            raise FlowError(f"gateway '{node.id}': no branch matches this record", code="no_branch", path=node.id)
        if node.join is not None:
            run.state.joins[node.join] = Join(expected=len(edges))
        run.take(token, edges)

    return enter


def _enter_join(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    join = run.state.joins.setdefault(node.id, Join(expected=node.incoming))
    join.arrived += 1
    if join.arrived < join.expected:
        run.drop(token)
        return
    run.state.joins.pop(node.id)
    run.advance(token)


def _enter_timer(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    assert node.duration is not None
    due = node.duration.due(run.now, run.record, run.plan.calendar)
    if due is None:  # e.g. the record's date field is empty: nothing to wait for
        run.advance(token)
        return
    run.state.timers[token] = node.id
    run.emit(ScheduleTimer(token, node.id, due))


def _enter_action(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    for i, action in enumerate(node.definition.actions or []):
        run_action(run, action, node=node, computed_prefix=f"{i}.")
    run.advance(token)


def run_action(run: Run, action: Action, *, node: NodePlan | None, computed_prefix: str = "") -> None:
    """Emit the effects of one automated action (also used by escalations)."""
    if action.set_fields is not None:
        values = computed_values(run, action.set_fields, node, computed_prefix)
        run.record.update(values)
        run.emit(SetFields(values))
    elif action.create_record is not None:
        run.emit(CreateRecord(action.create_record.form, dict(action.create_record.values)))
    elif action.notify is not None:
        users = run.env.resolve(action.notify.to, node=node.id if node else "", state=run.state)
        run.emit(Notify(tuple(users), action.notify.message, node.id if node else None))
    elif action.webhook is not None:
        run.emit(CallWebhook(action.webhook.url, dict(action.webhook.payload)))


def computed_values(run: Run, values: Mapping[str, Any], node: NodePlan | None, prefix: str) -> dict[str, Any]:
    computed = node.computed if node and node.computed else {}
    ctx = EvalContext(now=run.now, user_id=run.state.initiator)
    return {k: computed[prefix + k](run.record, ctx) if prefix + k in computed else v for k, v in values.items()}


def _enter_subflow(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    assert node.definition.flow is not None
    run.state.subflows[token] = node.definition.flow
    run.emit(StartSubflow(token, node.definition.flow))


# -- checks ---------------------------------------------------------------------------------


def _check_human(node: NodeDef, ctx: CheckContext) -> Problems:
    if node.assignee is None:
        yield "/assignee", "an assignee rule is required"
    else:
        yield from check_assignee(node.assignee, ctx, "/assignee")
    if node.mode == "n_of_m" and node.n is None:
        yield "/n", "mode n_of_m needs n"
    if node.mode == "percentage" and node.percentage is None:
        yield "/percentage", "mode percentage needs percentage"
    for key in node.required_fields or []:
        if key not in ctx.fields:
            yield "/required_fields", f"no field '{key}' in the form"
    access = node.fields
    for attr, keys in (("visible", access.visible), ("editable", access.editable),
                       ("required", access.required)) if access else ():  # fmt: skip
        for key in keys:
            if key not in ctx.fields:
                yield f"/fields/{attr}", f"no field '{key}' in the form"
    for attr, key in (node.record_fields.model_dump(exclude_none=True) if node.record_fields else {}).items():
        if key not in ctx.fields:
            yield f"/record_fields/{attr}", f"no field '{key}' in the form"
    for i, spec in enumerate(node.cc or []):
        yield from check_assignee(spec, ctx, f"/cc/{i}")
    rule = node.on_reject
    if rule is not None:
        targets = [*rule.choices, *([] if rule.to in ("start", "previous", "end", "choose") else [rule.to])]
        for target in targets:
            if target not in ctx.node_ids:
                yield "/on_reject", f"no node '{target}' to send a rejection to"


def check_assignee(spec: Assignee, ctx: CheckContext, path: str) -> Problems:
    needs = {"users": "users", "role": "role", "user_field": "field"}.get(spec.strategy)
    if needs and not getattr(spec, needs):
        yield path, f"strategy {spec.strategy} needs '{needs}'"
    if spec.strategy in ("round_robin", "least_open") and not (spec.role or spec.dept):
        yield path, f"strategy {spec.strategy} needs a role or a dept"
    if spec.strategy == "user_field" and spec.field:
        kind = ctx.fields.get(spec.field)
        if kind is None:
            yield f"{path}/field", f"no field '{spec.field}' in the form"
        elif kind != "user":
            yield f"{path}/field", f"field '{spec.field}' is a {kind} field, not a user field"
    if spec.strategy == "decision_table" and not spec.table:
        yield f"{path}/table", "strategy decision_table needs the key of a decision table"


def _check_end(node: NodeDef, ctx: CheckContext) -> Problems:
    return iter(())


def _check_timer(node: NodeDef, ctx: CheckContext) -> Problems:
    if node.duration is None:
        yield "/duration", "a timer needs a duration"


def _check_action(node: NodeDef, ctx: CheckContext) -> Problems:
    if not node.actions:
        yield "/actions", "an automated action needs at least one action"
    for i, action in enumerate(node.actions or []):
        for key in action.set_fields or {}:
            if key not in ctx.fields:
                yield f"/actions/{i}/set_fields/{key}", f"no field '{key}' in the form"
        if action.notify is not None:
            yield from check_assignee(action.notify.to, ctx, f"/actions/{i}/notify/to")


def _check_subflow(node: NodeDef, ctx: CheckContext) -> Problems:
    if node.flow is None:
        yield "/flow", "a sub-flow node names the flow to run"


_HUMAN = frozenset({"assignee", "mode", "n", "percentage", "on_reject", "required_fields", "fields", "sla", "cc",
                    "record_fields", "allow"})


def _register_builtin() -> None:
    many = (2, None)
    kinds = [
        NodeKind("start", _enter_start, incoming=(0, 0), attributes=frozenset({"fields"})),
        NodeKind("end", _enter_end, _check_end, outgoing=(0, 0), attributes=frozenset({"outcome"})),
        NodeKind("approval", enter_human, _check_human, human=True, waits=True, attributes=_HUMAN),
        NodeKind("task", enter_human, _check_human, human=True, waits=True, attributes=_HUMAN),
        NodeKind("exclusive", _enter_exclusive, outgoing=many, gateway="split", family="exclusive"),
        NodeKind("parallel_split", _split(False), outgoing=many, gateway="split", family="parallel"),
        NodeKind("parallel_join", _enter_join, incoming=many, gateway="join", family="parallel"),
        NodeKind("inclusive_split", _split(True), outgoing=many, gateway="split", family="inclusive"),
        NodeKind("inclusive_join", _enter_join, incoming=many, gateway="join", family="inclusive"),
        NodeKind("timer", _enter_timer, _check_timer, waits=True, attributes=frozenset({"duration"})),
        NodeKind("action", _enter_action, _check_action, attributes=frozenset({"actions"})),
        NodeKind("subflow", _enter_subflow, _check_subflow, waits=True, attributes=frozenset({"flow", "sla"})),
    ]
    for kind in kinds:
        register_node_kind(kind)


_register_builtin()
