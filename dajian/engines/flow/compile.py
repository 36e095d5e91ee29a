"""Flow definition -> immutable ``FlowPlan``, with every problem reported at once.

``validate_flow`` yields every issue (bad JSON shape, unknown node kinds, graph structure,
conditions type-checked against the form, assignee and field references); ``compile_flow``
raises ``FlowDefinitionError`` with all of them or returns the plan. Plans depend only on
the definition, the form's field types and the calendars, so callers cache them by
(app version, flow key).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from dajian.engines.expr import Schema, analyze, compile_python

from .calendar import BusinessCalendar, CalendarError
from .graph import branch_chains, build_graph, exclusive_issues, graph_issues, match_joins
from .model import Duration, Escalation, FlowDef, NodeDef, Sla
from .nodes import NODE_KINDS, CheckContext, check_assignee
from .plan import (
    Branch,
    DurationPlan,
    EdgePlan,
    EscalationPlan,
    FlowDefinitionError,
    FlowIssue,
    FlowPlan,
    NodePlan,
    SlaPlan,
    can_go_back,
)

ALWAYS = frozenset({"id", "kind", "label"})
ALWAYS_OPEN = {"timezone": "UTC", "week": {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri",
                                                                          "sat", "sun")}}
NUMERIC = frozenset({"integer", "decimal"})


def parse_flow(doc: Any, path: str = "") -> tuple[FlowDef | None, list[FlowIssue]]:
    """``{"key": "f", "nodes": [{"id": 1}]}`` → ``(None, [FlowIssue("/label", "Field required"), ...])``."""
    if isinstance(doc, FlowDef):
        return doc, []
    try:
        return FlowDef.model_validate(doc), []
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            node = None
            if len(loc) > 1 and loc[0] == "nodes" and isinstance(doc, Mapping):
                node = _node_id_at(doc, int(loc[1]))
            issues.append(FlowIssue(path + "".join(f"/{p}" for p in loc), err["msg"], node))
        return None, issues


def _node_id_at(doc: Mapping[str, Any], index: int) -> str | None:
    nodes = doc.get("nodes")
    if isinstance(nodes, list) and index < len(nodes) and isinstance(nodes[index], Mapping):
        value = nodes[index].get("id")
        return value if isinstance(value, str) else None
    return None


def validate_flow(
    doc: Any, *, fields: Mapping[str, str], calendars: Mapping[str, Any] | None = None, path: str = ""
) -> list[FlowIssue]:
    """Every problem of a flow; ``fields`` maps the form's field keys to expression types.

    A flow whose exclusive gateway ``g`` has only conditional edges gives
    ``[FlowIssue("/nodes/2", "exclusive gateway 'g' needs a default edge ...", "g")]``.
    """
    flow, issues = parse_flow(doc, path)
    if flow is None:
        return issues
    return [FlowIssue(path + i.path, i.message, i.node) for i in _issues(flow, fields, calendars or {})]


def is_valid(doc: Any, *, fields: Mapping[str, str], calendars: Mapping[str, Any] | None = None) -> bool:
    return not validate_flow(doc, fields=fields, calendars=calendars)


def _issues(flow: FlowDef, fields: Mapping[str, str], calendars: Mapping[str, Any]) -> Iterator[FlowIssue]:
    paths = {n.id: f"/nodes/{i}" for i, n in enumerate(flow.nodes)}
    yield from _node_issues(flow, fields, paths)
    for i, edge in enumerate(flow.edges):
        for end in ("source", "target"):
            if getattr(edge, end) not in paths:
                yield FlowIssue(f"/edges/{i}/{end}", f"no node '{getattr(edge, end)}'", getattr(edge, end))
        if edge.condition is not None:
            yield from _expr_issues(edge.condition, fields, f"/edges/{i}/condition", edge.source, want="boolean")
    if any(edge.source not in paths or edge.target not in paths for edge in flow.edges):
        return
    graph = build_graph(flow)
    yield from graph_issues(flow, graph, paths)
    yield from exclusive_issues(flow, paths)
    joins, join_issues = match_joins(flow, graph, paths)
    yield from join_issues
    if not join_issues:
        yield from _rejection_branch_issues(flow, branch_chains(flow, graph, joins), paths)
    if flow.sla is not None:
        yield from _sla_issues(flow.sla, fields, "/sla", None)
        yield from _pause_issues(flow, fields)
    yield from _calendar_issues(flow.calendar, calendars)
    for key, value in (flow.record_fields.model_dump(exclude_none=True) if flow.record_fields else {}).items():
        if value not in fields:
            yield FlowIssue(f"/record_fields/{key}", f"no field '{value}' in the form")


def _rejection_branch_issues(flow: FlowDef, chains: Mapping[str, Branch], paths: Mapping[str, str]) -> Iterator[
        FlowIssue]:
    """A rejection may send the run back inside the parallel branch it is in, or before the split, never into
    a sibling branch (the join would wait for a branch that is not running) nor into a branch already joined."""
    for node in flow.nodes:
        rule = node.on_reject
        if rule is None:
            continue
        named = [("/on_reject/to", rule.to)] if rule.to not in ("previous", "choose", "end", "start", None) else []
        named += [(f"/on_reject/choices/{i}", c) for i, c in enumerate(rule.choices or [])]
        for where, target in named:
            if target in chains and node.id in chains and not can_go_back(chains[target], chains[node.id]):
                yield FlowIssue(paths[node.id] + where, f"'{target}' is in a parallel branch beside "
                                f"'{node.id}', which may still be running: a rejection goes back inside its own "
                                "branch, before the split or, after the join, into one of its branches",
                                node.id)


def _node_issues(flow: FlowDef, fields: Mapping[str, str], paths: Mapping[str, str]) -> Iterator[FlowIssue]:
    ctx = CheckContext(fields=fields, node_ids=frozenset(paths))
    seen: set[str] = set()
    for i, node in enumerate(flow.nodes):
        path = f"/nodes/{i}"
        if node.id in seen:
            yield FlowIssue(f"{path}/id", f"duplicate node id '{node.id}'", node.id)
        seen.add(node.id)
        kind = NODE_KINDS.get(node.kind)
        if kind is None:
            known = ", ".join(sorted(NODE_KINDS))
            yield FlowIssue(f"{path}/kind", f"unknown node kind '{node.kind}'; known: {known}", node.id)
            continue
        for attr in sorted(node.model_fields_set - ALWAYS - kind.attributes):
            yield FlowIssue(f"{path}/{attr}", f"a {node.kind} node does not use '{attr}'", node.id)
        for suffix, message in kind.check(node, ctx):
            yield FlowIssue(path + suffix, message, node.id)
        yield from _node_expr_issues(node, fields, path)


def _node_expr_issues(node: NodeDef, fields: Mapping[str, str], path: str) -> Iterator[FlowIssue]:
    if node.duration is not None:
        yield from _duration_issues(node.duration, fields, f"{path}/duration", node.id)
    if node.sla is not None:
        yield from _sla_issues(node.sla, fields, f"{path}/sla", node.id)
    for i, action in enumerate(node.actions or []):
        for key, value in (action.set_fields or {}).items():
            if _is_expr(value):
                yield from _expr_issues(value["expr"], fields, f"{path}/actions/{i}/set_fields/{key}", node.id,
                                        want=fields.get(key))


def _is_expr(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"expr"}


def _expr_issues(ast: Any, fields: Mapping[str, str], path: str, node: str | None, *,
                 want: str | None) -> Iterator[FlowIssue]:
    typed, issues = analyze(ast, Schema(fields=dict(fields)))
    for issue in issues:
        yield FlowIssue(path + issue.path, issue.message, node)
    if typed is not None and want is not None and not _fits(typed.type, want):
        yield FlowIssue(path, f"the expression gives {typed.type}, expected {want}", node)


def _fits(got: str, want: str) -> bool:
    return got == want or "null" in (got, want) or "any" in (got, want) or {got, want} <= NUMERIC


def _duration_issues(duration: Duration, fields: Mapping[str, str], path: str, node: str | None) -> Iterator[
        FlowIssue]:
    for unit in ("working_minutes", "working_hours"):
        value = getattr(duration, unit)
        if isinstance(value, Mapping):
            yield from _expr_issues(value, fields, f"{path}/{unit}", node, want="decimal")
    if duration.until_field is not None and fields.get(duration.until_field) not in ("datetime", "date"):
        yield FlowIssue(f"{path}/until_field", f"'{duration.until_field}' is not a date or datetime field "
                        "of the form", node)


def _sla_issues(sla: Sla, fields: Mapping[str, str], path: str, node: str | None) -> Iterator[FlowIssue]:
    yield from _duration_issues(sla.target, fields, f"{path}/target", node)
    for attr in ("pause_in", "pause_when") if node is not None else ():
        if attr in sla.model_fields_set:
            yield FlowIssue(f"{path}/{attr}", f"{attr} applies only to the flow's SLA (the resolution clock)", node)
    ctx = CheckContext(fields=fields, node_ids=frozenset())
    for name in ("on_warning", "on_breach"):
        for i, step in enumerate(getattr(sla, name)):
            yield from _escalation_issues(step, ctx, f"{path}/{name}/{i}", node)


def _pause_issues(flow: FlowDef, fields: Mapping[str, str]) -> Iterator[FlowIssue]:
    """``pause_in`` names nodes that wait (tasks, approvals, timers, sub-flows); ``pause_when`` is a
    condition on the record."""
    assert flow.sla is not None
    for i, node_id in enumerate(flow.sla.pause_in):
        node = flow.node(node_id)
        kind = NODE_KINDS.get(node.kind) if node else None
        if node is None:
            yield FlowIssue(f"/sla/pause_in/{i}", f"no node '{node_id}'", node_id)
        elif kind is not None and not kind.waits:
            yield FlowIssue(f"/sla/pause_in/{i}", f"a {node.kind} node never waits, so the clock cannot pause "
                            "in it: name a task, approval, timer or sub-flow", node_id)
    if flow.sla.pause_when is not None:
        yield from _expr_issues(flow.sla.pause_when, fields, "/sla/pause_when", None, want="boolean")


def _escalation_issues(step: Escalation, ctx: CheckContext, path: str, node: str | None) -> Iterator[FlowIssue]:
    for attr in ("notify", "reassign"):
        spec = getattr(step, attr)
        if spec is not None:
            yield from (FlowIssue(p, m, node) for p, m in check_assignee(spec, ctx, f"{path}/{attr}"))
    for key in step.set_fields or {}:
        if key not in ctx.fields:
            yield FlowIssue(f"{path}/set_fields/{key}", f"no field '{key}' in the form", node)
    if step.after is not None:
        yield from _duration_issues(step.after, ctx.fields, f"{path}/after", node)


def _calendar_issues(calendar: str | dict[str, Any] | None, calendars: Mapping[str, Any]) -> Iterator[FlowIssue]:
    if isinstance(calendar, str) and calendar not in calendars:
        yield FlowIssue("/calendar", f"no calendar '{calendar}' in the app's settings")
    elif isinstance(calendar, dict):
        try:
            BusinessCalendar.from_definition(calendar)
        except CalendarError as exc:
            yield from (FlowIssue("/calendar", message) for message in exc.errors)


# -- building the plan ------------------------------------------------------------------------


def compile_flow(
    doc: Any, *, fields: Mapping[str, str], calendars: Mapping[str, Any] | None = None
) -> FlowPlan:
    """Check ``doc`` and build its plan; raises ``FlowDefinitionError`` with every issue.

    ``{"key": "f", "form": "ticket", "nodes": [start, review, end], "edges": [...]}`` with
    ``fields={"amount": "decimal"}`` gives ``FlowPlan(start="start", nodes={"start": NodePlan(
    outgoing=(EdgePlan("review", None, False),), ...), ...})``.
    """
    calendars = calendars or {}
    issues = validate_flow(doc, fields=fields, calendars=calendars)
    if issues:
        raise FlowDefinitionError(issues)
    flow, _ = parse_flow(doc)
    assert flow is not None
    schema = Schema(fields=dict(fields))
    graph = build_graph(flow)
    joins = match_joins(flow, graph, {n.id: "" for n in flow.nodes})[0]
    chains = branch_chains(flow, graph, joins)
    nodes = {n.id: _node_plan(flow, n, schema, joins.get(n.id), chains.get(n.id, ())) for n in flow.nodes}
    calendar_def = calendars[flow.calendar] if isinstance(flow.calendar, str) else flow.calendar or ALWAYS_OPEN
    return FlowPlan(definition=flow, nodes=MappingProxyType(nodes), start=next(n.id for n in flow.nodes
                    if n.kind == "start"), calendar=BusinessCalendar.from_definition(calendar_def),
                    sla=_sla_plan(flow.sla, schema))  # fmt: skip


def _node_plan(flow: FlowDef, node: NodeDef, schema: Schema, join: str | None, branch: Branch) -> NodePlan:
    edges = [e for e in flow.edges if e.source == node.id]
    edges.sort(key=lambda e: e.default)  # the default edge is tried last
    outgoing = tuple(EdgePlan(e.target, compile_python(e.condition, schema) if e.condition is not None else None,
                              e.default) for e in edges)  # fmt: skip
    computed = {f"{i}.{key}": compile_python(value["expr"], schema)
                for i, action in enumerate(node.actions or [])
                for key, value in (action.set_fields or {}).items() if _is_expr(value)}  # fmt: skip
    return NodePlan(definition=node, outgoing=outgoing, incoming=sum(1 for e in flow.edges if e.target == node.id),
                    sla=_sla_plan(node.sla, schema), duration=_duration_plan(node.duration, schema),
                    computed=MappingProxyType(computed), join=join, branch=branch)  # fmt: skip


def _duration_plan(duration: Duration | None, schema: Schema) -> DurationPlan | None:
    """``Duration(working_hours=4)`` → ``DurationPlan("working_minutes", 240.0)``."""
    if duration is None:
        return None
    if duration.until_field is not None:
        return DurationPlan("until_field", field=duration.until_field)
    if duration.working_days is not None:
        return DurationPlan("working_days", float(duration.working_days))
    if duration.hours is not None:
        return DurationPlan("wall_minutes", duration.hours * 60)
    value, scale = ((duration.working_hours, 60.0) if duration.working_hours is not None
                    else (duration.working_minutes, 1.0))  # fmt: skip
    if isinstance(value, Mapping):
        return DurationPlan("working_minutes", scale, compute=compile_python(value, schema))
    return DurationPlan("working_minutes", float(value or 0) * scale)


def _sla_plan(sla: Sla | None, schema: Schema) -> SlaPlan | None:
    if sla is None:
        return None
    target = _duration_plan(sla.target, schema)
    assert target is not None

    def steps(items: list[Escalation]) -> tuple[EscalationPlan, ...]:
        return tuple(EscalationPlan(_duration_plan(s.after, schema), s) for s in items)

    pause_when = compile_python(sla.pause_when, schema) if sla.pause_when is not None else None
    return SlaPlan(target, sla.warn_at, steps(sla.on_warning), steps(sla.on_breach),
                   pause_in=frozenset(sla.pause_in), pause_when=pause_when)
