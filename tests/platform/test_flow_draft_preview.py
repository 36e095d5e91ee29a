"""The flow designer's path preview over the draft (``POST …/draft/flows/{flow}/preview``), on SQLite and
PostgreSQL: it walks the draft's flow, not the published one, with a real record's values or typed ones;
a draft flow with problems, a record the caller cannot see and bad sample values are refused, and nothing
is written."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from dajian.platform.clock import ManualClock
from dajian.platform.flows.tables import flow_instances
from tests.platform.conftest import Org
from tests.platform.test_flows import Desk, clock, complaint_app  # noqa: F401 - the clock fixture

URL = "/api/v1/apps/complaints/draft/flows/handle/preview"


def _put_draft(desk: Desk, app: dict[str, Any]) -> None:
    r = desk.admin.put("/api/v1/apps/complaints/draft", json=app)
    assert r.status_code == 200, r.text


def _gate_target(path: list[str]) -> str:
    return path[path.index("amount_gate") + 1]


def test_the_preview_walks_the_draft_with_a_real_record(org: Org, clock: ManualClock) -> None:  # noqa: F811
    desk = Desk(org)
    record_id = desk.new_complaint(amount="800")
    draft = complaint_app()
    for edge in draft["flows"][0]["edges"]:  # the draft raises the supervisor's limit to 1 000
        if edge["source"] == "amount_gate" and edge["target"] == "supervisor":
            edge["condition"] = {"<=": [{"var": "amount"}, 1000]}
    _put_draft(desk, draft)

    sample = {"priority": "P3", "amount": "800"}
    published = desk.admin.post("/api/v1/apps/complaints/flows/handle/preview", json=sample)
    assert _gate_target(published.json()["path"]) == "manager"
    from_record = desk.admin.post(URL, json={"record_id": record_id})
    assert from_record.status_code == 200, from_record.text
    assert from_record.json()["completed"] is True and _gate_target(from_record.json()["path"]) == "supervisor"
    typed_over = desk.admin.post(URL, json={"record_id": record_id, "values": {"amount": "6000"}})
    assert _gate_target(typed_over.json()["path"]) == "committee"
    with org.engine.connect() as conn:  # a preview writes nothing
        assert conn.execute(select(flow_instances.c.id).where(flow_instances.c.org_id == org.id)).first() is None


def test_refusals_name_what_is_wrong(org: Org, clock: ManualClock) -> None:  # noqa: F811
    desk = Desk(org)
    bad = desk.admin.post(URL, json={"values": {"amount": "abc"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "/values/amount"
    assert desk.admin.post(URL, json={"record_id": 999_999}).status_code == 404
    assert desk.admin.post("/api/v1/apps/complaints/draft/flows/nope/preview", json={}).status_code == 404
    assert desk.as_("alice").post(URL, json={}).status_code == 403  # staff, not an app manager

    broken = copy.deepcopy(complaint_app())
    broken["flows"][0]["edges"] = [e for e in broken["flows"][0]["edges"]
                                   if not (e["source"] == "amount_gate" and e.get("default"))]
    _put_draft(desk, broken)
    refused = desk.admin.post(URL, json={"values": {"priority": "P3", "amount": "800"}})
    assert refused.status_code == 422
    assert any(e.get("node") == "amount_gate" and "default edge" in e["message"] for e in refused.json()["errors"])
