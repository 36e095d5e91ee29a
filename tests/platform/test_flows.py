"""The complaint-handling flow through the HTTP API, on SQLite and PostgreSQL: round-robin
triage, a return for information, parallel investigation, countersign review, compensation
routed by amount, a timer, SLA warning and breach with escalation, idempotent actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.flows.tables import flow_events, flow_instances
from dajian.platform.jobs import Worker
from dajian.platform.models import jobs
from tests.engines.flow.test_execute import complaint_flow
from tests.platform.conftest import Org, publish

MONDAY_9 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
PEOPLE = {"agent": ["agent1", "agent2"], "tech": ["tech1"], "logistics": ["logi1"], "reviewer": ["rev1", "rev2"],
          "supervisor": ["sup1"], "committee": ["com1", "com2", "com3"], "staff": ["alice"]}


def _field(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"en": key}, **extra}


def complaint_app() -> dict[str, Any]:
    options = [{"value": p, "label": {"en": p}} for p in ("P1", "P2", "P3", "P4")]
    fields = [_field("title", "text"), _field("priority", "single_select", options=options),
              _field("amount", "decimal", scale=2), _field("handler", "user"), _field("escalation_level", "integer"),
              _field("sla_due", "datetime"), _field("handling_minutes", "decimal", scale=2),
              _field("sla_state", "text"), _field("outcome", "text"), _field("status", "text")]
    staff = {"complaint": {"actions": ["create", "read", "update"], "row_scope": "all"}}
    roles = [{"key": k, "label": {"en": k}, "permissions": staff if k == "staff" else {}} for k in PEOPLE]
    return {"schema_version": 1, "key": "complaints", "label": {"zh-CN": "客诉", "en": "Complaints"},
            "forms": [{"key": "complaint", "label": {"en": "Complaint"}, "fields": fields}],
            "roles": roles, "flows": [complaint_flow()]}


class Desk:
    """An organisation with the complaint app published and everyone in place."""

    def __init__(self, org: Org) -> None:
        self.org = org
        org.add_dept("hq")
        org.add_dept("service", parent="hq")
        self.ids = {"director": org.add_user("director", dept="hq"), "mgr": org.add_user("mgr", dept="hq")}
        for names in PEOPLE.values():
            self.ids.update({n: org.add_user(n, dept="service") for n in names})
        self.admin = org.client()
        assert publish(self.admin, complaint_app()).status_code == 200
        depts = "/api/v1/admin/departments"
        self.admin.put(f"{depts}/{org.depts['hq']}/manager", json={"manager_id": self.ids["director"]})
        self.admin.put(f"{depts}/{org.depts['service']}/manager", json={"manager_id": self.ids["mgr"]})
        for role, names in PEOPLE.items():
            for name in names:
                r = self.admin.post("/api/v1/admin/memberships",
                                    json={"user_id": self.ids[name], "app": "complaints", "role": role})
                assert r.status_code == 201, r.text
        self.clients: dict[str, TestClient] = {}

    def as_(self, name: str) -> TestClient:
        if name not in self.clients:
            self.clients[name] = self.org.client(name)
        return self.clients[name]

    def new_complaint(self, **values: Any) -> int:
        body = {"title": "屏幕碎裂", "priority": "P2", "amount": "800", **values}
        r = self.as_("alice").post("/api/v1/apps/complaints/forms/complaint/records", json=body)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def start(self, record_id: int) -> dict[str, Any]:
        r = self.as_("alice").post("/api/v1/apps/complaints/flows/handle/start", json={"record_id": record_id})
        assert r.status_code == 201, r.text
        return dict(r.json())

    def pending(self, name: str) -> list[dict[str, Any]]:
        r = self.as_(name).get("/api/v1/flows/inbox/pending")
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def act(self, name: str, action: str = "approve", **body: Any) -> dict[str, Any]:
        task = self.pending(name)[0]
        r = self.as_(name).post(f"/api/v1/flows/tasks/{task['task_id']}/act", json={"action": action, **body})
        assert r.status_code == 200, r.text
        return dict(r.json())

    def record(self, record_id: int) -> dict[str, Any]:
        return dict(self.admin.get(f"/api/v1/apps/complaints/forms/complaint/records/{record_id}").json())


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(MONDAY_9)
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


def open_nodes(view: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((t["node_id"], t["assignee_id"]) for t in view["tasks"] if t["status"] == "pending")


def test_a_complaint_is_handled_end_to_end(org: Org, clock: ManualClock) -> None:
    desk = Desk(org)
    ids = desk.ids
    first = desk.start(desk.new_complaint())
    second = desk.start(desk.new_complaint())
    assert open_nodes(first) == [("triage", ids["agent1"])]  # round robin within the agent role
    assert open_nodes(second) == [("triage", ids["agent2"])]
    assert desk.as_("agent1").get("/api/v1/flows/inbox/pending").json()["counts"] == {"complaints": 1}

    view = desk.act("agent1", "return", comment="请补充订单号")
    assert open_nodes(view) == [("triage", ids["alice"])]  # back to the initiator for information
    view = desk.act("alice", comment="订单号 A-1001")
    assert open_nodes(view) == [("triage", ids["agent1"])]
    view = desk.act("agent1")
    assert open_nodes(view) == [("logistics", ids["logi1"]), ("tech", ids["tech1"])]  # in parallel

    [task] = desk.pending("tech1")
    body = {"action": "approve", "client_request_id": "tech-ok-1"}
    once = desk.as_("tech1").post(f"/api/v1/flows/tasks/{task['task_id']}/act", json=body)
    twice = desk.as_("tech1").post(f"/api/v1/flows/tasks/{task['task_id']}/act", json=body)
    assert once.json()["replayed"] is False and twice.json()["replayed"] is True
    with org.engine.connect() as conn:
        logged = conn.execute(select(flow_events.c.id).where(flow_events.c.client_request_id == "tech-ok-1")).all()
    assert len(logged) == 1

    desk.clients.clear()  # a fresh set of sessions: everything the run needs is in the database
    view = desk.act("logi1")
    assert open_nodes(view) == [("review", ids["rev1"]), ("review", ids["rev2"])]
    view = desk.act("rev1")
    assert open_nodes(view) == [("review", ids["rev2"])]  # countersign: both must approve
    view = desk.act("rev2")
    assert open_nodes(view) == [("manager", ids["director"])]  # 800 > 500: the manager above the initiator
    view = desk.act("director")
    assert open_nodes(view) == [] and view["path"][-1] == "callback_wait"
    assert desk.record(first["record_id"])["status"] == "compensated"

    worker = Worker(org.engine, kinds=["flow.timer"])
    worker.run_once()
    assert desk.pending("director") == []  # the timer waits 4 working hours
    clock.advance(timedelta(hours=5))
    assert worker.run_once() >= 1
    view = desk.act("director")  # the previous actor calls the customer back
    assert view["state"] == "completed" and view["outcome"] == "resolved"
    record = desk.record(first["record_id"])
    assert record["outcome"] == "resolved" and record["sla_due"] is not None
    assert float(record["handling_minutes"]) == 4 * 60  # working minutes from start to finish
    actions = [e["action"] for e in view["timeline"]]
    assert actions[:3] == ["start", "return", "approve"] and actions[-1] == "approve"
    done = desk.as_("rev1").get("/api/v1/flows/inbox/done").json()["items"]
    assert [d["node_id"] for d in done] == ["review"]
    started = desk.as_("alice").get("/api/v1/flows/inbox/started").json()["items"]
    assert {s["instance_id"] for s in started} == {first["id"], second["id"]}


def test_sla_warning_breach_and_escalation(org: Org, clock: ManualClock) -> None:
    desk = Desk(org)
    record_id = desk.new_complaint(priority="P1")  # P1: triage within 2 working hours, warning at 75 %
    view = desk.start(record_id)
    worker = Worker(org.engine, kinds=["flow.sla_warning", "flow.sla_breach"])

    def triage() -> dict[str, Any]:
        return next(t for t in desk.admin.get(f"/api/v1/flows/instances/{view['id']}").json()["tasks"]
                    if t["node_id"] == "triage" and t["status"] == "pending")

    clock.advance(timedelta(minutes=80))
    worker.run_once()
    assert triage()["sla_state"] == "ok"
    clock.advance(timedelta(minutes=15))  # 95 min: past 90 min
    worker.run_once()
    assert triage()["sla_state"] == "warning"
    clock.advance(timedelta(minutes=30))  # 125 min: past 2 working hours
    worker.run_once()
    assert triage()["sla_state"] == "breached"
    assert desk.record(record_id)["escalation_level"] == 1
    with org.engine.connect() as conn:
        notified = conn.execute(select(jobs.c.payload).where(jobs.c.kind == "notify")).scalars().all()
    assert any(p.get("instance") == view["id"] and p.get("users") == [desk.ids["mgr"]] for p in notified)

    clock.advance(timedelta(hours=3))  # 2 more working hours (lunch included): the supervisor takes over
    worker.run_once()
    assert triage()["assignee_id"] == desk.ids["sup1"]
    assert desk.record(record_id)["escalation_level"] == 2
    assert [t["node_id"] for t in desk.pending("sup1")] == ["triage"]


def test_preview_routes_compensation_by_amount(org: Org, clock: ManualClock) -> None:
    desk = Desk(org)
    url = "/api/v1/apps/complaints/flows/handle/preview"
    paths = {amount: desk.admin.post(url, json={"priority": "P3", "amount": amount}).json()["path"]
             for amount in ("500", "500.01", "5000.01")}
    assert [p[p.index("amount_gate") + 1] for p in paths.values()] == ["supervisor", "manager", "committee"]
    assert desk.admin.post(url, json={"amount": "abc"}).status_code == 422
    with org.engine.connect() as conn:  # a preview writes nothing
        assert conn.execute(select(flow_instances.c.id).where(flow_instances.c.org_id == org.id)).first() is None


def test_invalid_flows_are_reported_with_node_ids(org: Org) -> None:
    desk = Desk(org)
    flow = complaint_flow()
    flow["edges"] = [e for e in flow["edges"] if not e.get("default") or e["source"] != "amount_gate"]
    r = desk.admin.post("/api/v1/apps/complaints/flows/validate", json=flow)
    assert r.status_code == 200 and r.json()["valid"] is False
    assert any(e["node"] == "amount_gate" and "default edge" in e["message"] for e in r.json()["errors"])


def test_only_assignees_act_and_instances_stay_on_their_version(org: Org, clock: ManualClock) -> None:
    desk = Desk(org)
    view = desk.start(desk.new_complaint())
    task = view["tasks"][0]["id"]
    r = desk.as_("tech1").post(f"/api/v1/flows/tasks/{task}/act", json={"action": "approve"})
    assert r.status_code == 403
    changed = complaint_app()
    changed["flows"][0]["nodes"][1]["assignee"] = {"strategy": "initiator"}
    assert publish(desk.admin, changed).status_code == 200
    assert open_nodes(desk.act("agent1")) == [("logistics", desk.ids["logi1"]), ("tech", desk.ids["tech1"])]
    newer = desk.start(desk.new_complaint())
    assert open_nodes(newer) == [("triage", desk.ids["alice"])] and newer["version_id"] != view["version_id"]
    r = desk.as_("alice").post(f"/api/v1/flows/instances/{view['id']}/act", json={"action": "withdraw"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
