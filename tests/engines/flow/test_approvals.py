"""The approval vocabulary, each item on its own: 会签 / 或签 / 依次审批 on approval and task steps,
前加签 and 后加签, 退回 to a chosen earlier step versus 驳回, 转交 and the other switches of a node's
``allow`` block, and 抄送 when a step opens. Each walk saves and reloads the state between steps."""

from __future__ import annotations

from typing import Any

import pytest

from dajian.engines.flow import CloseTask, CopyTo, FlowDefinitionError, FlowError, compile_flow, task_actions
from dajian.engines.flow.model import NodeDef

from .test_execute import FIELDS, FakeEnv, Walk

ROLES = {"leads": [31, 32, 33, 34]}


def two_steps(review: dict[str, Any], *, kind: str = "approval") -> dict[str, Any]:
    """start → triage (task, the initiator's) → review (``kind``, role ``leads``) → done."""
    nodes = [{"id": "start", "kind": "start"},
             {"id": "triage", "kind": "task", "assignee": {"strategy": "initiator"}},
             {"id": "review", "kind": kind, "assignee": {"strategy": "role", "role": "leads"}, **review},
             {"id": "done", "kind": "end", "outcome": "approved"}]
    edges = [{"source": "start", "target": "triage"}, {"source": "triage", "target": "review"},
             {"source": "review", "target": "done"}]
    return {"key": "f", "label": {"en": "F"}, "form": "complaint", "nodes": nodes, "edges": edges}


class LeadsEnv(FakeEnv):
    def resolve(self, spec: Any, *, node: str, state: Any) -> list[int]:
        return ROLES[spec.role] if spec.strategy == "role" else super().resolve(spec, node=node, state=state)


def walk_to_review(review: dict[str, Any], *, kind: str = "approval") -> Walk:
    walk = Walk(compile_flow(two_steps(review, kind=kind), fields=FIELDS), LeadsEnv())
    walk.act("triage")
    return walk


def review_tasks(walk: Walk) -> list[int]:
    return sorted(walk.tasks("review").values())


def done(walk: Walk) -> bool:
    return walk.state.status == "completed" and walk.state.outcome == "approved"


# -- 会签, 或签, 依次审批 -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["approval", "task"])
def test_all_must_act_on_approval_and_task_steps_alike(kind: str) -> None:
    walk = walk_to_review({"mode": "all"}, kind=kind)
    assert review_tasks(walk) == [31, 32, 33, 34]
    for user in (31, 32, 33):
        walk.act("review", user=user)
        assert not done(walk)
    walk.act("review", user=34)
    assert done(walk)


def test_a_task_step_without_a_mode_is_done_by_any_one() -> None:
    walk = walk_to_review({}, kind="task")
    walk.act("review", user=32)
    assert done(walk)
    assert sorted(c.status for c in walk.step.of(CloseTask)) == ["cancelled"] * 3 + ["done"]


def test_any_one_approves() -> None:
    walk = walk_to_review({"mode": "any"})
    walk.act("review", user=33)
    assert done(walk)


def test_a_ratio_of_them_approves() -> None:
    walk = walk_to_review({"mode": "percentage", "percentage": 50})
    walk.act("review", user=31)
    assert not done(walk)
    walk.act("review", user=34)
    assert done(walk) and walk.state.tasks == {}


def test_n_of_m_approve_and_too_many_refusals_reject() -> None:
    walk = walk_to_review({"mode": "n_of_m", "n": 3, "on_reject": {"to": "end", "outcome": "refused"}})
    walk.act("review", "reject", user=31)
    assert review_tasks(walk) == [32, 33, 34]
    walk.act("review", "reject", user=32)  # now three of the four can no longer approve
    assert walk.state.status == "completed" and walk.state.outcome == "refused"


def test_one_after_another_in_order() -> None:
    walk = walk_to_review({"mode": "sequential"})
    for user in (31, 32, 33):
        assert review_tasks(walk) == [user]
        walk.act("review")
    assert review_tasks(walk) == [34]
    walk.act("review")
    assert done(walk)


# -- 前加签 and 后加签 ----------------------------------------------------------------------------


def test_a_signer_added_before_me_acts_first_then_the_task_comes_back() -> None:
    walk = walk_to_review({"mode": "any"})
    walk.act("review", "add_signer_before", user=31, users=(50, 51))
    assert review_tasks(walk) == [32, 33, 34, 50]  # 31 waits; 50 goes first, then 51
    walk.act("review", user=50)
    assert review_tasks(walk) == [32, 33, 34, 51] and not done(walk)
    walk.act("review", user=51)
    assert review_tasks(walk) == [31, 32, 33, 34]  # back to me
    walk.act("review", user=31)
    assert done(walk)


def test_a_refusal_by_a_signer_added_before_counts_as_mine() -> None:
    walk = walk_to_review({"mode": "all", "on_reject": {"to": "end", "outcome": "refused"}})
    walk.act("review", "add_signer_before", user=31, users=(50,))
    walk.act("review", "reject", user=50)
    assert walk.state.outcome == "refused"


def test_a_signer_added_before_cannot_add_more() -> None:
    walk = walk_to_review({"mode": "any"})
    walk.act("review", "add_signer_before", user=31, users=(50,))
    with pytest.raises(FlowError, match="by its own assignee"):
        walk.act("review", "add_signer_before", user=50, users=(51,))


@pytest.mark.parametrize("mode", ["any", "all", "sequential"])
def test_a_signer_added_after_me_must_approve_too(mode: str) -> None:
    walk = walk_to_review({"mode": mode})
    walk.act("review", "add_signer_after", user=31, users=(50,))
    assert 31 not in review_tasks(walk)  # my approval stands
    if mode == "all":
        for user in (32, 33, 34):
            walk.act("review", user=user)
    assert not done(walk)
    assert 50 in review_tasks(walk)
    walk.act("review", user=50)
    if mode == "sequential":
        for user in (32, 33, 34):
            walk.act("review", user=user)
    assert done(walk)


def test_naming_nobody_or_oneself_is_refused() -> None:
    walk = walk_to_review({})
    with pytest.raises(FlowError, match="other person"):
        walk.act("review", "add_signer_after", user=31, users=(31,))
    with pytest.raises(FlowError, match="other person"):
        walk.act("review", "add_signer_before", user=31)


# -- 退回 versus 驳回 ----------------------------------------------------------------------------


def test_send_back_to_an_earlier_step_of_ones_choosing() -> None:
    walk = walk_to_review({"mode": "all"})
    with pytest.raises(FlowError, match="one of start, triage"):
        walk.act("review", "send_back", user=31, target="done")
    walk.act("review", "send_back", user=31, target="triage")
    assert walk.tasks() and set(walk.tasks().values()) == {7}  # the triage step again, every vote withdrawn
    assert {t.node for t in walk.state.tasks.values()} == {"triage"}


def test_send_back_to_the_start_asks_the_initiator_to_resubmit() -> None:
    walk = walk_to_review({})
    walk.act("review", "send_back", user=32, target="start")
    [task] = walk.state.tasks.values()
    assert (task.node, task.role, task.assignee) == ("start", "resubmit", 7)


def test_reject_ends_the_flow_when_the_node_says_so() -> None:
    walk = walk_to_review({"on_reject": {"to": "end", "outcome": "rejected"}})
    walk.act("review", "reject", user=31)
    assert walk.state.status == "completed" and walk.state.outcome == "rejected"


def test_choosing_without_a_list_offers_every_earlier_step() -> None:
    walk = walk_to_review({"on_reject": {"to": "choose"}})
    with pytest.raises(FlowError, match="one of start, triage"):
        walk.act("review", "reject", user=31, target="review")
    walk.act("review", "reject", user=31, target="triage")
    assert {t.node for t in walk.state.tasks.values()} == {"triage"}


# -- allowed or not, per node -------------------------------------------------------------------


def test_switched_off_actions_are_refused_and_hidden() -> None:
    allow = {"transfer": False, "add_signer_before": False, "send_back": False, "reject": False}
    walk = walk_to_review({"allow": allow})
    for action, kw in (("transfer", {"users": (50,)}), ("add_signer_before", {"users": (50,)}),
                       ("send_back", {"target": "triage"}), ("reject", {})):
        with pytest.raises(FlowError, match="not allowed at this step") as refused:
            walk.act("review", action, user=31, **kw)
        assert refused.value.code == "forbidden"
    walk.act("review", "delegate", user=31, users=(50,))  # still on
    node = NodeDef.model_validate({"id": "review", "kind": "approval", "allow": allow})
    assert task_actions(node, "approval") == ["approve", "return", "delegate", "add_signer_after"]


def test_without_an_allow_block_everything_is_on_as_before() -> None:
    node = NodeDef.model_validate({"id": "review", "kind": "approval"})
    assert task_actions(node, "approval") == ["approve", "reject", "send_back", "return", "transfer", "delegate",
                                              "add_signer_before", "add_signer_after"]
    assert "reject" not in task_actions(node, "task")
    assert task_actions(node, "info") == ["approve"]
    assert task_actions(node, "approval", added_before=True)[-1] == "delegate"


def test_the_old_add_signer_follows_the_after_switch() -> None:
    walk = walk_to_review({"allow": {"add_signer_after": False}})
    with pytest.raises(FlowError, match="not allowed"):
        walk.act("review", "add_signer", user=31, users=(50,))


# -- 抄送 ---------------------------------------------------------------------------------------


def test_a_step_copies_its_cc_list_when_it_opens() -> None:
    walk = Walk(compile_flow(two_steps({"cc": [{"strategy": "role", "role": "leads"},
                                               {"strategy": "initiator"}]}), fields=FIELDS), LeadsEnv())
    assert walk.step.of(CopyTo) == []
    walk.act("triage")
    [copied] = walk.step.of(CopyTo)
    assert copied == CopyTo((31, 32, 33, 34, 7), "review")


# -- 退回 / 驳回 inside parallel branches ----------------------------------------------------------


def parallel_branches(second_a: dict[str, Any] | None = None) -> dict[str, Any]:
    """start → triage → split ⇉ (a1 → a2 | b1) ⇉ join → review → done; each step the initiator's (7) but
    b1 (31) and review (32), so a test can tell the branches' tasks apart."""
    mine = {"strategy": "initiator"}
    nodes = [{"id": "start", "kind": "start"},
             {"id": "triage", "kind": "task", "assignee": mine},
             {"id": "split", "kind": "parallel_split"},
             {"id": "a1", "kind": "task", "assignee": mine},
             {"id": "a2", "kind": "approval", "assignee": mine, **(second_a or {})},
             {"id": "b1", "kind": "task", "assignee": {"strategy": "role", "role": "b"}},
             {"id": "join", "kind": "parallel_join"},
             {"id": "review", "kind": "approval", "assignee": {"strategy": "role", "role": "r"}},
             {"id": "done", "kind": "end", "outcome": "approved"}]
    pairs = [("start", "triage"), ("triage", "split"), ("split", "a1"), ("a1", "a2"), ("a2", "join"),
             ("split", "b1"), ("b1", "join"), ("join", "review"), ("review", "done")]
    return {"key": "f", "label": {"en": "F"}, "form": "complaint", "nodes": nodes,
            "edges": [{"source": s, "target": t} for s, t in pairs]}


class BranchEnv(FakeEnv):
    def resolve(self, spec: Any, *, node: str, state: Any) -> list[int]:
        if spec.strategy == "role":
            return {"b": [31], "r": [32]}[spec.role]
        return super().resolve(spec, node=node, state=state)


def walk_into_branches(second_a: dict[str, Any] | None = None) -> Walk:
    walk = Walk(compile_flow(parallel_branches(second_a), fields=FIELDS), BranchEnv())
    walk.act("triage")
    walk.act("a1")
    return walk


def open_nodes(walk: Walk) -> list[str]:
    return sorted(t.node for t in walk.state.tasks.values())


def test_send_back_inside_a_branch_keeps_the_other_branch_running() -> None:
    walk = walk_into_branches()
    assert open_nodes(walk) == ["a2", "b1"]
    walk.act("a2", "send_back", target="a1")
    assert open_nodes(walk) == ["a1", "b1"]  # b1's task was not withdrawn
    walk.act("a1")
    walk.act("a2")
    walk.act("b1")
    assert open_nodes(walk) == ["review"]  # the join saw both branches arrive


def test_send_back_inside_a_branch_after_the_other_branch_arrived_at_the_join() -> None:
    walk = walk_into_branches()
    walk.act("b1")
    walk.act("a2", "send_back", target="a1")
    walk.act("a1")
    walk.act("a2")
    assert open_nodes(walk) == ["review"]  # b1's arrival was kept


def test_a_step_in_the_other_branch_is_not_offered() -> None:
    walk = walk_into_branches()
    with pytest.raises(FlowError, match=r"one of start, triage$"):
        walk.act("b1", "send_back", target="a1")


def test_after_the_join_a_branch_is_redone_alone() -> None:
    walk = walk_into_branches()
    walk.act("a2")
    walk.act("b1")
    walk.act("review", "send_back", target="a1")
    assert open_nodes(walk) == ["a1"]  # b1's work stands
    walk.act("a1")
    walk.act("a2")
    assert open_nodes(walk) == ["review"]  # the join waited for the redone branch only


def test_after_the_join_going_back_before_the_split_runs_both_branches_again() -> None:
    walk = walk_into_branches()
    walk.act("a2")
    walk.act("b1")
    walk.act("review", "send_back", target="triage")
    assert open_nodes(walk) == ["triage"]
    walk.act("triage")
    walk.act("a1")
    walk.act("a2")
    assert open_nodes(walk) == ["b1"]
    walk.act("b1")
    assert open_nodes(walk) == ["review"]


def test_a_rejection_into_a_branch_beside_its_own_is_refused_when_the_flow_is_saved() -> None:
    doc = parallel_branches({"on_reject": {"to": "b1"}})
    with pytest.raises(FlowDefinitionError, match="'b1' is in a parallel branch beside 'a2'"):
        compile_flow(doc, fields=FIELDS)
    compile_flow(parallel_branches({"on_reject": {"to": "a1"}}), fields=FIELDS)  # its own branch is fine


def test_reject_inside_a_branch_goes_back_inside_it() -> None:
    walk = walk_into_branches({"on_reject": {"to": "previous"}})
    walk.act("a2", "reject")
    assert open_nodes(walk) == ["a1", "b1"]
    walk.act("b1")
    walk.act("a1")
    walk.act("a2")
    assert open_nodes(walk) == ["review"]
