"""While a record is in a flow, only the current step's assignees may change it,
and only the fields that step makes editable."""

from __future__ import annotations

from typing import Any

from dajian.platform.clock import ManualClock
from tests.platform.conftest import Org, publish
from tests.platform.test_flows import Desk, clock, complaint_app  # noqa: F401 - the clock fixture

RECORDS = "/api/v1/apps/complaints/forms/complaint/records"


def editable_by_agents() -> dict[str, Any]:
    doc = complaint_app()
    for role in doc["roles"]:
        if role["key"] == "agent":
            role["permissions"] = {"complaint": {"actions": ["read", "update"], "row_scope": "all"}}
    return doc


def test_node_field_permissions_bind_the_record_api(org: Org, clock: ManualClock) -> None:  # noqa: F811
    desk = Desk(org)
    assert publish(desk.admin, editable_by_agents()).status_code == 200
    record_id = desk.new_complaint()
    before = desk.record(record_id)
    early = {"title": "ok before the flow", "row_version": before["row_version"]}
    assert desk.as_("alice").patch(f"{RECORDS}/{record_id}", json=early).status_code == 200
    desk.start(record_id)
    version = desk.record(record_id)["row_version"]
    outsider = desk.as_("alice").patch(f"{RECORDS}/{record_id}", json={"title": "x", "row_version": version})
    assert outsider.status_code == 403 and "running flow" in outsider.json()["detail"]
    agent = next(name for name in ("agent1", "agent2") if desk.pending(name))
    other = "agent2" if agent == "agent1" else "agent1"
    assert desk.as_(other).patch(f"{RECORDS}/{record_id}", json={"priority": "P1", "row_version": version}) \
        .status_code == 403
    wrong_field = desk.as_(agent).patch(f"{RECORDS}/{record_id}", json={"title": "x", "row_version": version})
    assert wrong_field.status_code == 403
    assert wrong_field.json()["errors"] == [{"path": "/title", "message": "not editable at this step"}]
    allowed = desk.as_(agent).patch(f"{RECORDS}/{record_id}", json={"priority": "P1", "row_version": version})
    assert allowed.status_code == 200 and allowed.json()["priority"] == "P1"
    admin = desk.admin.patch(f"{RECORDS}/{record_id}", json={"title": "admin fix", "row_version": version + 1})
    assert admin.status_code == 200


def test_the_record_page_learns_the_fields_the_step_lets_each_person_change(org: Org, clock: ManualClock) -> None:  # noqa: F811
    desk = Desk(org)
    assert publish(desk.admin, editable_by_agents()).status_code == 200
    record_id = desk.new_complaint()
    flows = f"{RECORDS}/{record_id}/flows"
    assert desk.as_("alice").get(flows).json()["step_editable"] is None  # no flow yet: the role decides
    desk.start(record_id)
    agent = next(name for name in ("agent1", "agent2") if desk.pending(name))
    other = "agent2" if agent == "agent1" else "agent1"
    holder = desk.as_(agent).get(flows).json()["step_editable"]
    assert "priority" in holder and "title" not in holder  # exactly what the record API then takes
    version = desk.record(record_id)["row_version"]
    for key in ("priority", "title"):
        wrote = desk.as_(agent).patch(f"{RECORDS}/{record_id}", json={key: "P1" if key == "priority" else "x",
                                                                       "row_version": version})
        assert (wrote.status_code == 200) == (key in holder)
        version = desk.record(record_id)["row_version"]
    assert desk.as_(other).get(flows).json()["step_editable"] == []
    assert desk.admin.get(flows).json()["step_editable"] is None
