"""Who may open a record in a flow, one run per record, and timers met again in a loop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dajian.platform.clock import ManualClock
from dajian.platform.jobs import Worker
from tests.platform.conftest import Org, publish
from tests.platform.test_flows import Desk, clock, complaint_app

__all__ = ["clock"]  # the fixture

RECORDS = "/api/v1/apps/complaints/forms/complaint/records"


def narrow_desk(org: Org, **flow: Any) -> Desk:
    """The complaint app where agents and the director see only their own records."""
    desk = Desk(org)
    app = complaint_app()
    own = {"complaint": {"actions": ["read", "update"], "row_scope": "own"}}
    for role in app["roles"]:
        if role["key"] in ("agent", "tech"):
            role["permissions"] = own
    if flow:
        app["flows"] = [flow]
    assert publish(desk.admin, app).status_code == 200
    return desk


def test_an_open_task_lets_its_assignee_open_the_record_until_it_is_done(org: Org, clock: ManualClock) -> None:
    desk = narrow_desk(org)
    record_id = desk.new_complaint()
    view = desk.start(record_id)
    [triage] = [t for t in view["tasks"] if t["status"] == "pending"]
    assignee = "agent1" if triage["assignee_id"] == desk.ids["agent1"] else "agent2"
    other = "agent2" if assignee == "agent1" else "agent1"
    mine = desk.as_(assignee)
    assert mine.get(f"{RECORDS}/{record_id}").status_code == 200
    assert [r["id"] for r in mine.get(RECORDS).json()["items"]] == [record_id]
    assert desk.as_(other).get(f"{RECORDS}/{record_id}").status_code == 404  # outside their scope, no task
    assert desk.as_(other).get(RECORDS).json()["items"] == []
    flows = mine.get(f"{RECORDS}/{record_id}/flows").json()["items"]
    assert [(f["state"], [t["node_id"] for t in f["open_tasks"]]) for f in flows] == [("running", ["triage"])]
    assert desk.as_("mgr").get(f"{RECORDS}/{record_id}").status_code == 403  # no role on the form: a task is not enough

    desk.act(assignee)
    assert mine.get(f"{RECORDS}/{record_id}").status_code == 404  # done with it: back to their own scope
    assert mine.get(RECORDS).json()["items"] == []


def test_a_record_runs_one_instance_of_a_flow_at_a_time(org: Org, clock: ManualClock) -> None:
    desk = Desk(org)
    record_id = desk.new_complaint()
    desk.start(record_id)
    again = desk.as_("alice").post("/api/v1/apps/complaints/flows/handle/start", json={"record_id": record_id})
    assert again.status_code == 409 and again.json()["errors"][0]["path"] == "/record_id"


def looping_flow() -> dict[str, Any]:
    """Wait an hour, then staff check; "again" sends the record back to the wait."""
    nodes = [{"id": "start", "kind": "start"},
             {"id": "wait", "kind": "timer", "duration": {"hours": 1}},
             {"id": "check", "kind": "task", "assignee": {"strategy": "initiator"}},
             {"id": "again", "kind": "exclusive"},
             {"id": "done", "kind": "end", "outcome": "resolved"}]
    edges = [{"source": "start", "target": "wait"}, {"source": "wait", "target": "check"},
             {"source": "check", "target": "again"},
             {"source": "again", "target": "wait", "condition": {"==": [{"var": "status"}, "again"]}},
             {"source": "again", "target": "done", "default": True}]
    return {"key": "handle", "label": {"en": "Loop"}, "form": "complaint", "nodes": nodes, "edges": edges}


def test_a_timer_met_again_in_a_loop_fires_again(org: Org, clock: ManualClock) -> None:
    desk = Desk(org)
    app = complaint_app()
    app["flows"] = [looping_flow()]
    assert publish(desk.admin, app).status_code == 200
    record_id = desk.new_complaint(status="again")
    desk.start(record_id)
    worker = Worker(org.engine, kinds=["flow.timer"])
    for _ in range(2):
        assert desk.pending("alice") == []
        clock.advance(timedelta(minutes=61))
        assert worker.run_once() == 1
        [task] = desk.pending("alice")
        assert task["node_id"] == "check"
        desk.act("alice")  # status is still "again": back to the timer
    row_version = desk.record(record_id)["row_version"]
    clock.advance(timedelta(minutes=61))
    worker.run_once()
    patched = desk.as_("alice").patch(f"{RECORDS}/{record_id}", json={"status": "done", "row_version": row_version})
    assert patched.status_code == 200, patched.text
    view = desk.act("alice")
    assert view["state"] == "completed" and view["path"].count("wait") == 3
