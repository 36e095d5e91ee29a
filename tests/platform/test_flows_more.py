"""Sub-flows and inclusive gateways through the API, on SQLite and PostgreSQL: a parent waits
for its sub-flow and routes on the outcome it returns; an inclusive split starts only the
branches whose conditions hold and its join waits for exactly those."""

from __future__ import annotations

import itertools
from typing import Any

from tests.platform.conftest import Org, publish
from tests.platform.test_flows import Desk, clock, complaint_app, open_nodes

__all__ = ["clock"]  # the fixture


def task(node_id: str, assignee: dict[str, Any], kind: str = "task", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": kind, "assignee": assignee, **extra}


def role(key: str) -> dict[str, Any]:
    return {"strategy": "role", "role": key}


def chain(*ids: str) -> list[dict[str, Any]]:
    return [{"source": s, "target": t} for s, t in itertools.pairwise(ids)]


def legal_flow() -> dict[str, Any]:
    """The sub-flow: counsel approves (outcome approved) or refuses (outcome refused)."""
    nodes = [{"id": "start", "kind": "start"},
             task("counsel", role("reviewer"), "approval", on_reject={"to": "end", "outcome": "refused"}),
             {"id": "end", "kind": "end", "outcome": "approved"}]  # fmt: skip
    return {"key": "legal", "label": {"en": "Legal review"}, "form": "complaint", "nodes": nodes,
            "edges": chain("start", "counsel", "end"), "record_fields": {"outcome": "outcome"}}


def escalation_flow() -> dict[str, Any]:
    """The parent: prepare, run the legal sub-flow, then pay only if it came back approved."""
    nodes = [{"id": "start", "kind": "start"}, task("prepare", {"strategy": "initiator"}),
             {"id": "legal", "kind": "subflow", "flow": "legal"}, {"id": "decide", "kind": "exclusive"},
             task("pay", role("supervisor")), {"id": "paid", "kind": "end", "outcome": "paid"},
             {"id": "refused", "kind": "end", "outcome": "refused"}]
    edges = [*chain("start", "prepare", "legal", "decide"), *chain("pay", "paid"),
             {"source": "decide", "target": "pay", "condition": {"==": [{"var": "outcome"}, "approved"]}},
             {"source": "decide", "target": "refused", "default": True}]
    return {"key": "escalate", "label": {"en": "Escalation"}, "form": "complaint", "nodes": nodes, "edges": edges}


def inspection_flow() -> dict[str, Any]:
    """Finance checks large amounts, quality checks P1s, legal checks disputed ones; all that apply, together."""
    nodes = [{"id": "start", "kind": "start"}, {"id": "split", "kind": "inclusive_split"},
             task("finance", role("supervisor")), task("quality", role("tech")), task("legal", role("logistics")),
             {"id": "join", "kind": "inclusive_join"}, task("wrap_up", {"strategy": "initiator"}),
             {"id": "end", "kind": "end", "outcome": "inspected"}]
    conditions = {"finance": {">": [{"var": "amount"}, 100]}, "quality": {"==": [{"var": "priority"}, "P1"]},
                  "legal": {"==": [{"var": "status"}, "disputed"]}}
    edges = [*chain("start", "split"), *chain("join", "wrap_up", "end")]
    edges += [{"source": "split", "target": k, "condition": c} for k, c in conditions.items()]
    edges += [{"source": k, "target": "join"} for k in conditions]
    return {"key": "inspect", "label": {"en": "Inspection"}, "form": "complaint", "nodes": nodes, "edges": edges}


def more_desk(org: Org) -> Desk:
    desk = Desk(org)
    app = complaint_app()
    app["flows"] += [legal_flow(), escalation_flow(), inspection_flow()]
    r = publish(desk.admin, app)
    assert r.status_code == 200, r.text
    return desk


def start(desk: Desk, flow: str, **values: Any) -> dict[str, Any]:
    record_id = desk.new_complaint(**values)
    r = desk.as_("alice").post(f"/api/v1/apps/complaints/flows/{flow}/start", json={"record_id": record_id})
    assert r.status_code == 201, r.text
    return dict(r.json())


def view(desk: Desk, instance_id: int) -> dict[str, Any]:
    r = desk.admin.get(f"/api/v1/flows/instances/{instance_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def instance_of_task(desk: Desk, name: str) -> dict[str, Any]:
    [item] = desk.pending(name)
    return view(desk, item["instance_id"])


def test_the_parent_waits_for_its_sub_flow_and_routes_on_its_outcome(org: Org, clock: Any) -> None:
    desk = more_desk(org)
    ids = desk.ids
    for decision, expected in (("approve", "paid"), ("reject", "refused")):
        parent = start(desk, "escalate")
        waiting = desk.act("alice")  # prepared: the legal review starts as a sub-flow
        assert waiting["id"] == parent["id"] and open_nodes(waiting) == []  # the parent has no task of its own
        assert waiting["state"] == "running" and waiting["path"][-1] == "legal"
        child = instance_of_task(desk, "rev1")
        assert child["flow_key"] == "legal" and child["record_id"] == parent["record_id"]
        assert open_nodes(child) == [("counsel", ids["rev1"]), ("counsel", ids["rev2"])]

        done = desk.act("rev1", decision)
        assert done["id"] == child["id"] and done["state"] == "completed"
        back = view(desk, parent["id"])
        returned = [e for e in back["timeline"] if e["action"] == "subflow_done"]
        assert [(e["payload"]["child"], e["payload"]["outcome"]) for e in returned] == [(child["id"], done["outcome"])]
        if expected == "paid":
            assert done["outcome"] == "approved" and open_nodes(back) == [("pay", ids["sup1"])]
            back = desk.act("sup1")
        else:
            assert done["outcome"] == "refused" and desk.pending("sup1") == []
        assert back["state"] == "completed" and back["outcome"] == expected
        tail = ["decide", "pay", "paid"] if expected == "paid" else ["legal", "decide", "refused"]
        assert back["path"][-3:] == tail
        assert desk.pending("rev2") == []  # the other counsel's task was withdrawn with the sub-flow


def test_an_inclusive_split_runs_the_branches_that_hold_and_the_join_waits_for_them(org: Org, clock: Any) -> None:
    desk = more_desk(org)
    ids = desk.ids
    instance = start(desk, "inspect", amount="800", priority="P1", status="open")  # finance and quality, not legal
    assert open_nodes(instance) == [("finance", ids["sup1"]), ("quality", ids["tech1"])]
    after_one = desk.act("sup1")
    assert open_nodes(after_one) == [("quality", ids["tech1"])]  # the join waits for the second branch
    after_both = desk.act("tech1")
    assert open_nodes(after_both) == [("wrap_up", ids["alice"])]  # and only for it: legal never started
    assert "legal" not in after_both["path"] and after_both["path"].count("join") == 2
    done = desk.act("alice")
    assert done["state"] == "completed" and done["outcome"] == "inspected"

    single = start(desk, "inspect", amount="50", priority="P3", status="disputed")  # only legal holds
    assert open_nodes(single) == [("legal", ids["logi1"])]
    assert open_nodes(desk.act("logi1")) == [("wrap_up", ids["alice"])]


def test_admin_moves_a_running_instance_to_a_new_version(org: Org, clock: Any) -> None:
    import json as _json

    desk = Desk(org)
    record_id = desk.new_complaint()
    view = desk.start(record_id)
    renamed = _json.loads(_json.dumps(complaint_app()).replace('"triage"', '"sorting"'))
    assert publish(desk.admin, renamed).status_code == 200
    outsider = desk.as_("alice").post(f"/api/v1/flows/instances/{view['id']}/migrate", json={"node_map": {}})
    assert outsider.status_code == 403
    missing = desk.admin.post(f"/api/v1/flows/instances/{view['id']}/migrate", json={"node_map": {}})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "/node_map/triage"
    moved = desk.admin.post(f"/api/v1/flows/instances/{view['id']}/migrate", json={"node_map": {"triage": "sorting"}})
    assert moved.status_code == 200, moved.text
    assert moved.json()["node_map"] == {"triage": "sorting"} and moved.json()["to_version"] != view.get("version_id")
    after = desk.admin.get(f"/api/v1/flows/instances/{view['id']}").json()
    assert any(e["action"] == "migrate" for e in after["timeline"])
    agent = next(name for name in ("agent1", "agent2") if desk.pending(name))
    assert desk.pending(agent)[0]["node_id"] == "sorting"
    desk.act(agent, "approve", comment="triaged on the new version")


def test_an_instance_saved_by_the_first_engine_continues(org: Org, clock: Any) -> None:
    """A run stored before the typed state (version 1: no ``state_version``) is upgraded as it is
    read; its next step stores the current version; a state no version can read is a 409, not a 500."""
    from sqlalchemy import select, update

    from dajian.engines.flow import STATE_VERSION
    from dajian.platform.flows.tables import flow_instances

    desk = Desk(org)
    view = desk.start(desk.new_complaint())
    where = flow_instances.c.id == view["id"]
    with org.engine.begin() as conn:
        data = conn.execute(select(flow_instances.c.data).where(where)).scalar_one()
        old = {k: v for k, v in data.items() if k != "state_version"}
        old["tasks"] = {k: {**t, "status": "pending"} for k, t in data["tasks"].items()}  # as v1 kept them
        old["sla"] = {**data["sla"], "pauses": []}
        conn.execute(update(flow_instances).where(where).values(data=old))
    agent = next(name for name in ("agent1", "agent2") if desk.pending(name))
    assert open_nodes(desk.act(agent)) == [("logistics", desk.ids["logi1"]), ("tech", desk.ids["tech1"])]
    with org.engine.begin() as conn:
        assert conn.execute(select(flow_instances.c.data).where(where)).scalar_one()["state_version"] == STATE_VERSION
        conn.execute(update(flow_instances).where(where).values(data={"state_version": 99}))
    task_id = desk.pending("tech1")[0]["task_id"]
    r = desk.as_("tech1").post(f"/api/flows/tasks/{task_id}/act", json={"action": "approve"})
    assert r.status_code == 409 and r.json()["errors"][0]["path"] == "/state_version", r.text
