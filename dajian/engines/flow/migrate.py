"""Move a running instance's state onto another version of its flow (an administrator's action).

Nodes keep their id unless ``node_map`` says otherwise (``{"triage": "sorting"}``); every node the
run stands on (tokens, open tasks, approval votes, join counters, timers) must exist in the new
plan. The run's history (``path``) is left as it happened::

    state, moved = migrate_state(state, new_plan, {"triage": "sorting"})
    moved == {"triage": "sorting"}        # only the nodes that changed id
"""

from __future__ import annotations

from collections.abc import Mapping

from .effects import FlowError
from .plan import FlowPlan
from .state import RunState


class MigrationError(FlowError):
    """The new version lacks nodes the run stands on; ``missing`` names each of them."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("the new version lacks nodes this instance stands on", path="/node_map")
        self.missing = missing


def active_nodes(state: RunState) -> set[str]:
    """Every node the run stands on now."""
    active = set(state.tokens.values()) | set(state.timers.values()) | set(state.joins)
    return active | {t.node for t in state.tasks.values()} | {w.node for w in state.work.values()}


def migrate_state(state: RunState, plan: FlowPlan, node_map: Mapping[str, str]) -> tuple[RunState, dict[str, str]]:
    """The state moved onto ``plan`` (a copy) and ``{old: new}`` for the nodes that changed id."""
    mapping = {n: node_map.get(n, n) for n in active_nodes(state)}
    missing = sorted(n for n, m in mapping.items() if m not in plan.nodes)
    if missing:
        raise MigrationError(missing)
    moved = state.model_copy(deep=True)
    moved.tokens = {t: mapping[n] for t, n in state.tokens.items()}
    moved.timers = {t: mapping[n] for t, n in state.timers.items()}
    moved.joins = {mapping[n]: j for n, j in moved.joins.items()}
    for task in moved.tasks.values():
        task.node = mapping[task.node]
    for work in moved.work.values():
        work.node = mapping[work.node]
    return moved, {old: new for old, new in mapping.items() if old != new}
