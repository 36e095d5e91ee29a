"""Graph checks of a flow (networkx): one start, everything reachable, every node can finish,
edge counts per kind, exclusive gateways total, splits balanced by their matching joins."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import networkx as nx

from .model import EdgeDef, FlowDef
from .nodes import NODE_KINDS, NodeKind
from .plan import Branch, FlowIssue


def build_graph(flow: FlowDef) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(n.id for n in flow.nodes)
    for i, edge in enumerate(flow.edges):
        graph.add_edge(edge.source, edge.target, index=i)
    return graph


def graph_issues(flow: FlowDef, graph: nx.MultiDiGraph, paths: Mapping[str, str]) -> Iterator[FlowIssue]:
    """Every structural problem; ``paths`` maps node ids to their JSON paths."""
    kinds = {n.id: NODE_KINDS[n.kind] for n in flow.nodes if n.kind in NODE_KINDS}
    starts = [n.id for n in flow.nodes if n.kind == "start"]
    if len(starts) != 1:
        yield FlowIssue("/nodes", f"a flow needs exactly one start node, found {len(starts)}")
    ends = [n.id for n in flow.nodes if n.kind == "end"]
    if not ends:
        yield FlowIssue("/nodes", "a flow needs at least one end node")
    yield from _degree_issues(graph, kinds, paths)
    if len(starts) == 1:
        reachable = nx.descendants(graph, starts[0]) | {starts[0]}
        for node in flow.nodes:
            if node.id not in reachable:
                yield FlowIssue(paths[node.id], f"node '{node.id}' cannot be reached from the start", node.id)
    finishing = set(ends).union(*(nx.ancestors(graph, e) for e in ends)) if ends else set()
    for node in flow.nodes:
        if node.id not in finishing and node.kind != "end":
            yield FlowIssue(paths[node.id], f"node '{node.id}' can never reach an end node", node.id)


def _degree_issues(graph: nx.MultiDiGraph, kinds: Mapping[str, NodeKind], paths: Mapping[str, str]) -> Iterator[
        FlowIssue]:
    for node_id, kind in kinds.items():
        for label, count, (low, high) in (("outgoing", graph.out_degree(node_id), kind.outgoing),
                                           ("incoming", graph.in_degree(node_id), kind.incoming)):
            if count < low or (high is not None and count > high):
                want = f"{low}" if low == high else f"{low} or more" if high is None else f"{low}..{high}"
                yield FlowIssue(paths[node_id], f"a {kind.name} node needs {want} {label} edges, has {count}",
                                node_id)


def exclusive_issues(flow: FlowDef, paths: Mapping[str, str]) -> Iterator[FlowIssue]:
    """Gateways with conditions: at most one default edge, and exclusive ones must be total."""
    for node in flow.nodes:
        kind = NODE_KINDS.get(node.kind)
        out = [e for e in flow.edges if e.source == node.id]
        conditional = kind is not None and kind.gateway == "split" and kind.family != "parallel"
        defaults = [e for e in out if e.default]
        if len(defaults) > 1:
            yield FlowIssue(paths[node.id], f"gateway '{node.id}' has {len(defaults)} default edges", node.id)
        if conditional and kind is not None and kind.family == "exclusive" and not defaults and not _total(out):
            yield FlowIssue(paths[node.id], f"exclusive gateway '{node.id}' needs a default edge "
                            "(its conditions are not provably total)", node.id)
    for i, edge in enumerate(flow.edges):
        kind = NODE_KINDS.get(_kind_of(flow, edge.source))
        if (edge.condition is not None or edge.default) and not (kind and kind.gateway == "split"
                                                                 and kind.family != "parallel"):
            yield FlowIssue(f"/edges/{i}", "only edges leaving an exclusive or inclusive gateway carry "
                            "a condition or default", edge.source)


def _kind_of(flow: FlowDef, node_id: str) -> str:
    node = flow.node(node_id)
    return node.kind if node else ""


def _total(edges: list[EdgeDef]) -> bool:
    """Trivially total only: an unconditional edge, a literal ``true``, or a condition and its negation."""
    conditions = [e.condition for e in edges]
    if any(c is None or c == {"==": [True, True]} for c in conditions):
        return True
    return any({"!": c} in conditions or {"!": [c]} in conditions for c in conditions)


def match_joins(flow: FlowDef, graph: nx.MultiDiGraph, paths: Mapping[str, str]) -> tuple[
        dict[str, str], list[FlowIssue]]:
    """Pair each parallel/inclusive split with the one join all its branches meet at (nesting counted)."""
    matches: dict[str, str] = {}
    issues: list[FlowIssue] = []
    for node in flow.nodes:
        kind = NODE_KINDS.get(node.kind)
        if kind is None or kind.gateway != "split" or kind.family == "exclusive":
            continue
        found, problems = _walk_to_join(flow, graph, node.id, kind.family or "")
        if problems or len(found) != 1:
            reason = "; ".join(problems) or (
                f"branches meet at {sorted(found)}" if found else "its branches never meet at a join")
            issues.append(FlowIssue(paths[node.id], f"{kind.family} split '{node.id}' is unbalanced: {reason}",
                                    node.id))
            continue
        matches[node.id] = found.pop()
    for node in flow.nodes:
        kind = NODE_KINDS.get(node.kind)
        if kind and kind.gateway == "join" and node.id not in matches.values():
            issues.append(FlowIssue(paths[node.id], f"join '{node.id}' has no matching {kind.family} split",
                                    node.id))
    return matches, issues


def _walk_to_join(flow: FlowDef, graph: nx.MultiDiGraph, split: str, family: str) -> tuple[set[str], list[str]]:
    found: set[str] = set()
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    stack = [(target, 1) for _, target in graph.out_edges(split)]
    while stack:
        node_id, depth = stack.pop()
        if (node_id, depth) in seen or depth > len(flow.nodes):
            continue
        seen.add((node_id, depth))
        kind = NODE_KINDS.get(_kind_of(flow, node_id))
        if kind is None:
            continue
        if kind.gateway == "join" and kind.family in ("parallel", "inclusive"):
            depth -= 1
            if depth == 0:
                if kind.family != family:
                    problems.append(f"a branch meets at {kind.family} join '{node_id}'")
                found.add(node_id)
                continue
        elif kind.gateway == "split" and kind.family in ("parallel", "inclusive"):
            depth += 1
        if kind.name == "end":
            problems.append(f"a branch reaches end '{node_id}' before joining")
            continue
        stack.extend((target, depth) for _, target in graph.out_edges(node_id))
    return found, sorted(set(problems))


def branch_chains(flow: FlowDef, graph: nx.MultiDiGraph, joins: Mapping[str, str]) -> dict[str, Branch]:
    """Where each node stands among the parallel / inclusive regions: ``(split, outgoing edge)`` pairs from the
    outermost region in. ``start → s ⇉ (a | b) ⇉ j → end`` gives ``a: (("s", 0),)``, ``b: (("s", 1),)`` and
    ``()`` for the rest. Sending a run back may only withdraw the branch it is in: a step whose chain is not
    a prefix of the current one's (a sibling branch, or a branch already joined) is not a place to go back to."""
    closing = {join: split for split, join in joins.items()}
    starts = [n.id for n in flow.nodes if n.kind == "start"]
    chains: dict[str, Branch] = {}
    queue: list[tuple[str, Branch]] = [(s, ()) for s in starts]
    while queue:
        node_id, chain = queue.pop(0)
        if node_id in chains:
            continue  # balanced regions give one chain per node; a loop back keeps the first
        if node_id in closing and chain and chain[-1][0] == closing[node_id]:
            chain = chain[:-1]
        chains[node_id] = chain
        targets = [target for _, target in graph.out_edges(node_id)]
        if node_id in joins:
            queue.extend((target, (*chain, (node_id, i))) for i, target in enumerate(targets))
        else:
            queue.extend((target, chain) for target in targets)
    return chains

