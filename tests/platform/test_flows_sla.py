"""The flow SLA clock pauses, on SQLite and PostgreSQL: in a customer-confirmation node
(``pause_in``) and while the record says it waits for the customer (``pause_when``). The due
and warning times move out by the paused working time, their jobs fire then, and the measured
working minutes leave the pause out; the pauses are read back from the event log."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from dajian.engines.flow.calendar import BusinessCalendar
from dajian.platform.clock import ManualClock
from dajian.platform.jobs import Worker
from dajian.platform.models import jobs
from tests.engines.flow.test_execute import CALENDAR
from tests.platform.conftest import Org, publish
from tests.platform.test_flows import MONDAY_9, Desk, clock, complaint_app, open_nodes

__all__ = ["clock"]  # the fixture

BUSINESS = BusinessCalendar.from_definition(CALENDAR)
AWAITING = {"==": [{"var": "status"}, "awaiting_customer"]}


def resolution_flow() -> dict[str, Any]:
    """Triage, then the customer confirms (the clock stops), then tech resolves; P2 within 8 working hours."""
    priority_hours = {"if": [{"==": [{"var": "priority"}, "P1"]}, 4,
                             {"if": [{"==": [{"var": "priority"}, "P2"]}, 8, 16]}]}  # fmt: skip
    nodes = [
        {"id": "start", "kind": "start"},
        {"id": "triage", "kind": "task", "assignee": {"strategy": "round_robin", "role": "agent"}},
        {"id": "confirm", "kind": "task", "label": {"zh-CN": "客户确认", "en": "Customer confirmation"},
         "assignee": {"strategy": "initiator"}},
        {"id": "resolve", "kind": "task", "assignee": {"strategy": "role", "role": "tech"}},
        {"id": "done", "kind": "end", "outcome": "resolved"},
    ]
    ids = [n["id"] for n in nodes]
    return {"key": "resolve", "label": {"en": "Resolution"}, "form": "complaint", "nodes": nodes,
            "edges": [{"source": s, "target": t} for s, t in itertools.pairwise(ids)],
            "calendar": CALENDAR,
            "sla": {"target": {"working_hours": priority_hours}, "warn_at": 0.5, "pause_in": ["confirm"],
                    "pause_when": AWAITING, "on_breach": [{"set_fields": {"escalation_level": 1}}]},
            "record_fields": {"due_at": "sla_due", "working_minutes": "handling_minutes", "sla_state": "sla_state"}}


def resolution_desk(org: Org) -> Desk:
    desk = Desk(org)
    app = complaint_app()
    app["flows"].append(resolution_flow())
    assert publish(desk.admin, app).status_code == 200
    return desk


def start(desk: Desk, **values: Any) -> dict[str, Any]:
    record_id = desk.new_complaint(**values)
    r = desk.as_("alice").post("/api/v1/apps/complaints/flows/resolve/start", json={"record_id": record_id})
    assert r.status_code == 201, r.text
    return dict(r.json())


def view(desk: Desk, instance_id: int) -> dict[str, Any]:
    r = desk.admin.get(f"/api/v1/flows/instances/{instance_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def breach_due(org: Org, instance_id: int) -> datetime:
    """Due time of the instance's pending first-breach job (the one its clock now counts on)."""
    with org.engine.connect() as conn:
        query = select(jobs.c.due_at).where(jobs.c.kind == "flow.sla_breach", jobs.c.status == "pending",
                                            jobs.c.payload["instance"].as_integer() == instance_id)
        return datetime.fromisoformat(conn.execute(query).scalar_one().isoformat())


def set_status(desk: Desk, record_id: int, status: str) -> None:
    record = desk.record(record_id)
    r = desk.admin.patch(f"/api/v1/apps/complaints/forms/complaint/records/{record_id}",
                         json={"status": status, "row_version": record["row_version"]})
    assert r.status_code == 200, r.text


def test_a_customer_confirmation_pauses_the_resolution_clock(org: Org, clock: ManualClock) -> None:
    desk = resolution_desk(org)
    paused, plain = start(desk, priority="P2"), start(desk, priority="P2")
    assert at(paused["due_at"]) == at(plain["due_at"]) == MONDAY_9 + timedelta(hours=9)  # 8 working h: 18:00
    assert open_nodes(desk.act("agent1")) == [("confirm", desk.ids["alice"])]  # waits for the customer
    assert view(desk, paused["id"])["sla_clock"] == {"paused": True, "paused_minutes": 0.0}

    clock.advance(timedelta(hours=3))  # 09:00-12:00: three working hours waiting
    assert view(desk, paused["id"])["sla_clock"] == {"paused": True, "paused_minutes": 180.0}
    after = desk.act("alice")  # the customer confirms
    assert open_nodes(after) == [("resolve", desk.ids["tech1"])]
    assert after["sla_clock"] == {"paused": False, "paused_minutes": 180.0}
    due, plain_due = at(after["due_at"]), at(plain["due_at"])
    assert BUSINESS.working_minutes_between(plain_due, due) == 180  # three working hours later
    assert breach_due(org, paused["id"]) == due and breach_due(org, plain["id"]) == plain_due
    assert at(desk.record(paused["record_id"])["sla_due"]) == due
    actions = [e["action"] for e in after["timeline"]]
    assert actions == ["start", "approve", "sla_pause", "approve", "sla_resume"]

    worker = Worker(org.engine, kinds=["flow.sla_warning", "flow.sla_breach"])
    clock.set(plain_due + timedelta(minutes=1))
    worker.run_once()
    assert view(desk, plain["id"])["sla_state"] == "breached"
    assert view(desk, paused["id"])["sla_state"] == "warning"  # its warning moved from 14:00 to 17:00
    assert desk.record(paused["record_id"])["escalation_level"] is None
    clock.set(due - timedelta(minutes=1))
    worker.run_once()
    assert view(desk, paused["id"])["sla_state"] == "warning"
    clock.set(due + timedelta(minutes=1))
    worker.run_once()
    assert view(desk, paused["id"])["sla_state"] == "breached"
    assert desk.record(paused["record_id"])["escalation_level"] == 1

    clock.set(due + timedelta(hours=2))  # Tuesday 14:00: 12 working hours since the start, 3 of them paused
    done = desk.act("tech1")
    assert done["state"] == "completed" and done["working_minutes"] == 9 * 60
    assert float(desk.record(paused["record_id"])["handling_minutes"]) == 9 * 60
    assert done["sla_clock"] == {"paused": False, "paused_minutes": 180.0}


def test_a_record_awaiting_the_customer_pauses_the_clock(org: Org, clock: ManualClock) -> None:
    desk = resolution_desk(org)
    instance = start(desk, priority="P2")
    record_id = instance["record_id"]
    original = at(instance["due_at"])
    clock.advance(timedelta(hours=1))
    set_status(desk, record_id, "awaiting_customer")  # someone records that the customer must answer
    assert view(desk, instance["id"])["sla_clock"] == {"paused": True, "paused_minutes": 0.0}
    clock.advance(timedelta(hours=3))  # 10:00-13:00: two working hours (lunch is not working time)
    set_status(desk, record_id, "awaiting_customer")  # no change of state: nothing logged
    set_status(desk, record_id, "in_progress")
    moved = view(desk, instance["id"])
    assert moved["sla_clock"] == {"paused": False, "paused_minutes": 120.0}
    assert BUSINESS.working_minutes_between(original, at(moved["due_at"])) == 120
    assert breach_due(org, instance["id"]) == at(moved["due_at"])
    assert [e["action"] for e in moved["timeline"]] == ["start", "sla_pause", "sla_resume"]
    resumed = moved["timeline"][-1]["payload"]
    assert resumed["paused_minutes"] == 120 and at(resumed["due_at"]) == at(moved["due_at"])

    set_status(desk, record_id, "awaiting_customer")  # a task done while paused keeps the clock stopped
    after = desk.act("agent1")
    assert open_nodes(after) == [("confirm", desk.ids["alice"])] and after["sla_clock"]["paused"] is True
    assert [e["action"] for e in after["timeline"]][-2:] == ["sla_pause", "approve"]
