"""Human steps: approval voting (any, all, n of m, percentage, sequential) on approval and task
nodes alike, and what an assignee may do with a task, each switched on or off per node by its
``allow`` block: approve, reject (驳回, by ``on_reject``), send back to an earlier step (退回), return
for information, transfer (转交), delegate, add a signer before (前加签) or after (后加签) oneself.
``add_signer`` (co-signers beside oneself, the first engine's one way) stays for old clients."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .effects import CopyTo, FlowError
from .model import NodeAllow, NodeDef, RejectRule
from .plan import FlowPlan, NodePlan, can_go_back
from .run import Run
from .state import Handback, OpenTask, RunState, TaskRole, Work

HUMAN_KINDS = frozenset({"approval", "task"})
ACTION_ORDER = ("approve", "reject", "send_back", "return", "transfer", "delegate", "add_signer_before",
                "add_signer_after")
TASK_ACTIONS = frozenset({*ACTION_ORDER, "add_signer"})
SWITCHES = {  # action -> the NodeAllow switch it needs (approve needs none)
    "reject": "reject", "send_back": "send_back", "return": "return_", "transfer": "transfer",
    "delegate": "delegate", "add_signer_before": "add_signer_before", "add_signer_after": "add_signer_after",
    "add_signer": "add_signer_after", "cc": "cc",
}  # fmt: skip
_ALL_ON = NodeAllow()


def allows(node: NodeDef, action: str) -> bool:
    """Whether the node's ``allow`` block lets an assignee take ``action`` (absent switches are on)."""
    switch = SWITCHES.get(action)
    return switch is None or bool(getattr(node.allow or _ALL_ON, switch))


def task_actions(node: NodeDef, role: str, *, added_before: bool = False) -> list[str]:
    """What the assignee of a task may do, in button order: a review with ``allow: {"transfer": false}``
    gives ``["approve", "reject", "send_back", "return", "delegate", "add_signer_before", ...]``; an
    answer to a question or a resubmission has only ``approve``; a signer added before someone cannot
    add further signers."""
    if role not in HUMAN_KINDS:
        return ["approve"]
    skip = {"add_signer_before", "add_signer_after"} if added_before else set()
    if role != "approval":
        skip.add("reject")
    return [a for a in ACTION_ORDER if a not in skip and allows(node, a)]


def earlier_steps(state: RunState, plan: FlowPlan, node_id: str) -> list[str]:
    """The steps a task at ``node_id`` may be sent back to: the start and the human steps the run
    visited before it (each once, in visiting order), leaving out steps of a parallel branch it is not in
    (a sibling branch, or a branch already joined): going back may only withdraw the branch it stands in."""
    path = state.path
    last = max((i for i, n in enumerate(path) if n == node_id), default=len(path))
    here = plan.node(node_id).branch
    seen: list[str] = []
    for candidate in path[:last]:
        node = plan.nodes.get(candidate)
        if (node is not None and candidate != node_id and candidate not in seen
                and node.kind in (*HUMAN_KINDS, "start") and can_go_back(node.branch, here)):
            seen.append(candidate)
    return seen


def _earlier(run: Run, node_id: str) -> list[str]:
    return earlier_steps(run.state, run.plan, node_id)


@dataclass(frozen=True)
class Act:
    """An assignee acts on a task; ``target`` names a node (reject), ``users`` the new people."""

    task: str
    actor: int
    action: str
    target: str | None = None
    users: tuple[int, ...] = ()


def needed(mode: str, total: int, *, n: int | None, percentage: float | None) -> int:
    """Approvals a node needs: ``needed("percentage", 3, n=None, percentage=50) == 2``."""
    if mode == "any":
        return 1
    if mode == "n_of_m":
        return min(n or 1, total)
    if mode == "percentage":
        return max(1, math.ceil(total * (percentage or 100) / 100))
    return total


def enter_human(run: Run, node: NodePlan, token: str, reentry: bool) -> None:
    """Open the node's work: every approver at once, or the first of a sequential queue."""
    d = node.definition
    users = run.resolve(node)
    mode = d.mode or "any"
    role: TaskRole = "approval" if node.kind == "approval" else "task"
    queue = users[1:] if mode == "sequential" else []
    run.state.work[token] = Work(node=node.id, mode=mode, total=len(users), role=role, queue=queue,
                                 needed=needed(mode, len(users), n=d.n, percentage=d.percentage))
    for user in users[:1] if mode == "sequential" else users:
        run.open_task(token, node, user, role)
    copied = [u for spec in d.cc or [] for u in run.env.resolve(spec, node=node.id, state=run.state)]
    if copied:
        run.emit(CopyTo(tuple(dict.fromkeys(copied)), node.id))


def act(run: Run, event: Act) -> None:
    task = run.state.tasks.get(event.task)
    if task is None:
        raise FlowError(f"task '{event.task}' is not open", code="conflict")
    if task.assignee != event.actor:
        raise FlowError("this task is not assigned to you", code="forbidden")
    if event.action not in TASK_ACTIONS:
        raise FlowError(f"unknown action '{event.action}'", path="/action")
    if task.role in HUMAN_KINDS and not allows(run.plan.node(task.node).definition, event.action):
        raise FlowError(f"'{event.action}' is not allowed at this step", code="forbidden", path="/action")
    run.state.last_actor = event.actor
    _ACTIONS[event.action](run, event, task)


def _approve(run: Run, event: Act, task: OpenTask) -> None:
    role, token = task.role, task.token
    if role == "resubmit":
        run.close_task(event.task, "done", decision="resubmit", actor=event.actor)
        run.advance(token)
    elif role == "info":
        run.close_task(event.task, "done", decision="answered", actor=event.actor)
        back = task.back
        assert back is not None
        run.open_task(token, run.plan.node(task.node), back.assignee, back.role, for_=back.for_)
    elif task.back is not None:  # a signer added before someone: the task goes on to them
        run.close_task(event.task, "done", decision="approve", actor=event.actor)
        _hand_back(run, task)
    else:
        _check_required(run, run.plan.node(task.node))
        run.close_task(event.task, "done", decision="approve", actor=event.actor)
        _vote(run, token, approve=True)


def _hand_back(run: Run, task: OpenTask) -> None:
    """After a signer added before someone approved: the next added signer, else the one who added them."""
    back = task.back
    assert back is not None
    node = run.plan.node(task.node)
    if back.queue:
        rest = back.model_copy(update={"queue": back.queue[1:]})
        run.open_task(task.token, node, back.queue[0], task.role, back=rest)
    else:
        run.open_task(task.token, node, back.assignee, back.role, for_=back.for_)


def _check_required(run: Run, node: NodePlan) -> None:
    d = node.definition
    required = [*(d.required_fields or []), *(d.fields.required if d.fields else [])]
    missing = [k for k in required if run.record.get(k) in (None, "", [])]
    if missing:
        raise FlowError(f"fill in {', '.join(missing)} before completing this step", path=node.id)


def _vote(run: Run, token: str, *, approve: bool) -> None:
    work = run.state.work[token]
    if approve:
        work.approve += 1
    else:
        work.reject += 1
    node = run.plan.node(work.node)
    if approve and work.queue:
        run.open_task(token, node, work.queue.pop(0), work.role)
    elif approve and work.approve >= work.needed:
        _close_open(run, token)
        run.advance(token)
    elif not approve and (work.mode == "any" or work.reject > work.total - work.needed):
        _close_open(run, token)
        _route_rejection(run, node, None)


def _close_open(run: Run, token: str) -> None:
    for key in run.open_tasks(token):
        run.close_task(key, "cancelled")


def _reject(run: Run, event: Act, task: OpenTask) -> None:
    if task.role != "approval":
        raise FlowError("only approval steps can be rejected")
    node = run.plan.node(task.node)
    rule = node.definition.on_reject or RejectRule()
    choices = rule.choices or _earlier(run, node.id)
    if rule.to == "choose" and event.target not in choices:
        raise FlowError(f"choose where to send it back: one of {', '.join(choices)}", path="/target")
    run.close_task(event.task, "done", decision="reject", actor=event.actor)
    run.state.chosen = event.target
    _vote(run, task.token, approve=False)


def _route_rejection(run: Run, node: NodePlan, _: None) -> None:
    rule = node.definition.on_reject or RejectRule()
    target = run.state.chosen if rule.to == "choose" else rule.to
    run.state.chosen = None
    if target == "previous":
        target = _previous_human(run, node.id)
    if target == "end":
        run.finish(rule.outcome)
    elif target in (None, "start", run.plan.start):
        run.clear()
        run.place(run.plan.start, reentry=True)
    else:
        run.withdraw_for(str(target), node.id)
        run.place(str(target))


def _previous_human(run: Run, node_id: str) -> str:
    path, here = run.state.path, run.plan.node(node_id).branch
    last = max(i for i, n in enumerate(path) if n == node_id)
    for candidate in reversed(path[:last]):
        node = run.plan.node(candidate)
        if candidate != node_id and node.kind in HUMAN_KINDS and can_go_back(node.branch, here):
            return str(candidate)
    return "start"


def _send_back(run: Run, event: Act, task: OpenTask) -> None:
    """退回: the whole step is withdrawn and the run goes back to an earlier step the assignee names."""
    if task.role not in HUMAN_KINDS:
        raise FlowError("only approval and task steps can be sent back")
    choices = _earlier(run, task.node)
    if event.target not in choices:
        raise FlowError(f"choose the step to send it back to: one of {', '.join(choices) or 'none'}",
                        path="/target")
    run.close_task(event.task, "done", decision="send_back", actor=event.actor)
    run.withdraw_for(event.target, task.node)
    run.place(event.target, reentry=event.target == run.plan.start)


def _return(run: Run, event: Act, task: OpenTask) -> None:
    """Ask someone (the initiator by default) for more information; their answer reopens the task."""
    if task.role not in ("approval", "task"):
        raise FlowError("only approval and task steps can be returned for information")
    to = event.users[0] if event.users else run.state.initiator
    run.close_task(event.task, "returned", decision="return", actor=event.actor)
    back = Handback(assignee=task.assignee, role=task.role, for_=task.for_)
    run.open_task(task.token, run.plan.node(task.node), to, "info", back=back)


def _transfer(run: Run, event: Act, task: OpenTask, *, delegate: bool = False) -> None:
    if len(event.users) != 1:
        raise FlowError("name exactly one user to hand the task to", path="/users")
    run.close_task(event.task, "delegated" if delegate else "transferred", decision=event.action, actor=event.actor)
    for_ = (task.for_ or task.assignee) if delegate else None
    run.open_task(task.token, run.plan.node(task.node), event.users[0], task.role, for_=for_, back=task.back)


def _delegate(run: Run, event: Act, task: OpenTask) -> None:
    _transfer(run, event, task, delegate=True)


def _add_signer(run: Run, event: Act, task: OpenTask) -> None:
    if task.role != "approval" or not event.users:
        raise FlowError("add signers to an approval step, naming at least one user", path="/users")
    token = task.token
    work = run.state.work[token]
    work.total += len(event.users)
    if work.mode in ("all", "sequential"):
        work.needed += len(event.users)
    if work.mode == "sequential":
        work.queue = [*event.users, *work.queue]
        return
    for user in event.users:
        run.open_task(token, run.plan.node(work.node), user, "approval")


def _added_signers(run: Run, event: Act, task: OpenTask) -> list[int]:
    if task.role not in HUMAN_KINDS or task.back is not None:
        raise FlowError("signers are added to an approval or task step by its own assignee")
    users = list(dict.fromkeys(event.users))
    if not users or event.actor in users or task.assignee in users:
        raise FlowError("name at least one other person to add", path="/users")
    return users


def _add_signer_before(run: Run, event: Act, task: OpenTask) -> None:
    """前加签: the added signers act first (one after another); then the task comes back to me."""
    users = _added_signers(run, event, task)
    run.close_task(event.task, "signer_added", decision="add_signer_before", actor=event.actor)
    back = Handback(assignee=task.assignee, role=task.role, for_=task.for_, queue=users[1:])
    run.open_task(task.token, run.plan.node(task.node), users[0], task.role, back=back)


def _add_signer_after(run: Run, event: Act, task: OpenTask) -> None:
    """后加签: my approval stands, and the step needs the added signers' approvals too."""
    users = _added_signers(run, event, task)
    node = run.plan.node(task.node)
    _check_required(run, node)
    work = run.state.work[task.token]
    work.total += len(users)
    work.needed += len(users)
    if work.mode == "sequential":
        work.queue = [*users, *work.queue]
    else:
        for user in users:
            run.open_task(task.token, node, user, task.role)
    run.close_task(event.task, "done", decision="add_signer_after", actor=event.actor)
    _vote(run, task.token, approve=True)


def reassign(run: Run, task_key: str, user: int) -> str | None:
    """Hand an open task to ``user`` (an escalation), keeping its place in the vote; the new task's key."""
    task = run.state.tasks.get(task_key)
    if task is None or task.assignee == user:
        return None
    run.close_task(task_key, "transferred", decision="escalated")
    return run.open_task(task.token, run.plan.node(task.node), user, task.role, for_=task.for_, back=task.back)


_ACTIONS = {
    "approve": _approve, "reject": _reject, "return": _return, "transfer": _transfer,
    "delegate": _delegate, "add_signer": _add_signer, "send_back": _send_back,
    "add_signer_before": _add_signer_before, "add_signer_after": _add_signer_after,
}  # fmt: skip
