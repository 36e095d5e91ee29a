"""The approval vocabulary through the HTTP API, on SQLite and PostgreSQL: a step's ``allow`` switches
decide the actions its holder sees and may take; 前加签 and 后加签; 退回 to a chosen earlier step;
抄送 by a step's cc list gives read access to the record (and copying others needs a part in the flow);
a decision table chooses the approver."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.platform.conftest import Org, publish

FORM = "claim"
BASE = "/api/v1/apps/claims"


def _flow(key: str, review: dict[str, Any]) -> dict[str, Any]:
    nodes = [{"id": "start", "kind": "start"},
             {"id": "check", "kind": "task", "label": {"zh-CN": "核对", "en": "Check"},
              "assignee": {"strategy": "role", "role": "clerks"}},
             {"id": "review", "kind": "approval", "label": {"zh-CN": "审批", "en": "Review"}, **review},
             {"id": "done", "kind": "end", "outcome": "approved"}]
    edges = [{"source": "start", "target": "check"}, {"source": "check", "target": "review"},
             {"source": "review", "target": "done"}]
    return {"key": key, "label": {"en": key}, "form": FORM, "nodes": nodes, "edges": edges}


ROUTING = {"key": "routing", "kind": "decision_table", "label": {"en": "Who approves"},
           "inputs": [{"key": "amount", "type": "decimal"}], "outputs": [{"key": "approver"}],
           "rows": [{"when": {"amount": "> 1000"}, "then": {"approver": "seniors"}}],
           "default": {"approver": "leads"}}


def claims_app(*, tables: list[dict[str, Any]] | None = None, table: str = "routing") -> dict[str, Any]:
    fields = [{"key": "title", "kind": "text", "label": {"en": "Title"}},
              {"key": "amount", "kind": "decimal", "label": {"en": "Amount"}, "scale": 2}]
    own = {FORM: {"actions": ["create", "read", "update"], "row_scope": "own"}}
    roles = [{"key": k, "label": {"en": k}, "permissions": own} for k in ("staff", "clerks", "leads", "seniors")]
    leads = {"strategy": "role", "role": "leads"}
    flows = [
        _flow("review", {"assignee": leads, "mode": "all", "allow": {"transfer": False},
                         "cc": [{"strategy": "role", "role": "staff"}]}),
        _flow("open", {"assignee": leads, "mode": "any"}),
        _flow("routed", {"assignee": {"strategy": "decision_table", "table": table, "output": "approver"}}),
    ]
    return {"schema_version": 2, "key": "claims", "label": {"en": "Claims"},
            "forms": [{"key": FORM, "label": {"en": "Claim"}, "fields": fields}], "roles": roles, "flows": flows,
            "rules": [ROUTING] if tables is None else tables}


PEOPLE = {"alice": "staff", "viewer": "staff", "clerk": "clerks", "lead1": "leads", "lead2": "leads",
          "senior": "seniors"}


class Claims:
    def __init__(self, org: Org) -> None:
        self.org, self.admin = org, org.client()
        self.ids = {name: org.add_user(name) for name in (*PEOPLE, "outsider")}
        r = publish(self.admin, claims_app())
        assert r.status_code == 200, r.text
        for name, role in PEOPLE.items():
            r = self.admin.post("/api/v1/admin/memberships", json={"user_id": self.ids[name], "app": "claims",
                                                                   "role": role})
            assert r.status_code == 201, r.text
        self.clients: dict[str, TestClient] = {}

    def as_(self, name: str) -> TestClient:
        return self.clients.setdefault(name, self.org.client(name))

    def claim(self, flow: str, amount: str = "300") -> int:
        r = self.as_("alice").post(f"{BASE}/forms/{FORM}/records", json={"title": "报销", "amount": amount})
        assert r.status_code == 201, r.text
        record = int(r.json()["id"])
        r = self.as_("alice").post(f"{BASE}/flows/{flow}/start", json={"record_id": record})
        assert r.status_code == 201, r.text
        return record

    def open_tasks(self, name: str, record: int) -> list[dict[str, Any]]:
        r = self.as_(name).get(f"{BASE}/forms/{FORM}/records/{record}/flows")
        assert r.status_code == 200, r.text
        return [t for t in r.json()["items"][0]["open_tasks"]]

    def my_task(self, name: str, record: int) -> dict[str, Any]:
        return next(t for t in self.open_tasks("alice", record) if t["assignee_id"] == self.ids[name])

    def act(self, name: str, record: int, action: str = "approve", **body: Any) -> Any:
        task = self.my_task(name, record)
        return self.as_(name).post(f"/api/v1/flows/tasks/{task['id']}/act", json={"action": action, **body})

    def holders(self, record: int) -> list[tuple[str, str]]:
        names = {v: k for k, v in self.ids.items()}
        return sorted((t["node_id"], names[t["assignee_id"]]) for t in self.open_tasks("alice", record))


def test_a_switched_off_transfer_is_neither_offered_nor_taken(org: Org) -> None:
    claims = Claims(org)
    record = claims.claim("review")
    assert claims.act("clerk", record).status_code == 200
    task = claims.my_task("lead1", record)
    assert "transfer" not in task["actions"]
    assert task["actions"][:3] == ["approve", "reject", "send_back"] and "add_signer_before" in task["actions"]
    assert [c["id"] for c in task["send_back_to"]] == ["start", "check"]
    refused = claims.act("lead1", record, "transfer", users=[claims.ids["outsider"]])
    assert refused.status_code == 403 and "not allowed at this step" in refused.text
    other = claims.claim("open")
    claims.act("clerk", other)
    assert "transfer" in claims.my_task("lead1", other)["actions"]  # a node without allow: as before


def test_a_signer_added_before_acts_first_then_it_comes_back(org: Org) -> None:
    claims = Claims(org)
    record = claims.claim("open")
    claims.act("clerk", record)
    r = claims.act("lead1", record, "add_signer_before", users=[claims.ids["senior"]], comment="请先看")
    assert r.status_code == 200, r.text
    assert claims.holders(record) == [("review", "lead2"), ("review", "senior")]
    added = claims.my_task("senior", record)
    assert "add_signer_before" not in added["actions"] and "approve" in added["actions"]
    claims.act("senior", record)
    assert claims.holders(record) == [("review", "lead1"), ("review", "lead2")]  # back to lead1
    claims.act("lead1", record)
    r = claims.as_("alice").get(f"{BASE}/forms/{FORM}/records/{record}/flows")
    assert r.json()["items"][0]["state"] == "completed"


def test_a_signer_added_after_must_approve_too(org: Org) -> None:
    claims = Claims(org)
    record = claims.claim("open")
    claims.act("clerk", record)
    assert claims.act("lead1", record, "add_signer_after", users=[claims.ids["senior"]]).status_code == 200
    assert ("review", "lead1") not in claims.holders(record)  # lead1's approval stands
    assert ("review", "senior") in claims.holders(record)
    claims.act("senior", record)
    r = claims.as_("alice").get(f"{BASE}/forms/{FORM}/records/{record}/flows")
    assert r.json()["items"][0]["state"] == "completed"


def test_send_back_to_a_chosen_earlier_step(org: Org) -> None:
    claims = Claims(org)
    record = claims.claim("review")
    claims.act("clerk", record)
    bad = claims.act("lead1", record, "send_back", target="done")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "/target"
    assert claims.act("lead2", record, "send_back", target="check").status_code == 200
    assert claims.holders(record) == [("check", "clerk")]


def test_a_steps_cc_list_may_read_the_record_and_outsiders_may_not_copy(org: Org) -> None:
    claims = Claims(org)
    record = claims.claim("review")
    url = f"{BASE}/forms/{FORM}/records/{record}"
    assert claims.as_("viewer").get(url).status_code == 404  # row scope "own": not hers
    claims.act("clerk", record)  # the review step opens and copies the staff role
    seen = claims.as_("viewer").get(url)
    assert seen.status_code == 200 and seen.json()["title"] == "报销"
    change = {"title": "改", "row_version": seen.json()["row_version"]}
    assert claims.as_("viewer").patch(url, json=change).status_code == 404  # reading only
    cc = claims.as_("viewer").get("/api/v1/flows/inbox/cc").json()["items"]
    assert [i["record_id"] for i in cc] == [record]
    instance = cc[0]["instance_id"]
    copy = {"action": "cc", "users": [claims.ids["outsider"]]}
    refused = claims.as_("senior").post(f"/api/v1/flows/instances/{instance}/act", json=copy)
    assert refused.status_code == 403
    assert claims.as_("lead1").post(f"/api/v1/flows/instances/{instance}/act", json=copy).status_code == 200


def test_a_step_that_forbids_cc_refuses_its_holder(org: Org) -> None:
    claims = Claims(org)
    doc = claims_app()
    doc["flows"][1]["nodes"][2]["allow"] = {"cc": False}
    assert publish(claims.admin, doc).status_code == 200
    record = claims.claim("open")
    claims.act("clerk", record)
    assert "cc" not in claims.my_task("lead1", record)["actions"]
    flows = claims.as_("alice").get(f"{BASE}/forms/{FORM}/records/{record}/flows").json()["items"]
    r = claims.as_("lead1").post(f"/api/v1/flows/instances/{flows[0]['id']}/act",
                                 json={"action": "cc", "users": [claims.ids["outsider"]]})
    assert r.status_code == 403 and "does not allow" in r.text


def test_a_decision_table_chooses_the_approver(org: Org) -> None:
    claims = Claims(org)
    small, big = claims.claim("routed", "300"), claims.claim("routed", "5000")
    claims.act("clerk", small)
    claims.act("clerk", big)
    assert claims.holders(small) == [("review", "lead1"), ("review", "lead2")]
    assert claims.holders(big) == [("review", "senior")]


def test_publishing_refuses_an_unknown_table_or_output(org: Org) -> None:
    admin = org.client()
    r = publish(admin, claims_app(table="nope"))
    assert r.status_code == 422
    assert any(e["path"] == "/flows/2/nodes/2/assignee/table" for e in r.json()["errors"]), r.text
    doc = claims_app()
    doc["flows"][2]["nodes"][2]["assignee"]["output"] = "team"
    r = publish(admin, doc)
    assert r.status_code == 422 and "has no output 'team'" in r.text


def test_publish_counts_running_instances_per_node_and_moves_them_with_a_node_map(org: Org) -> None:
    claims = Claims(org)
    waiting, reviewed = claims.claim("open"), claims.claim("open")
    claims.act("clerk", reviewed)
    doc = claims_app()
    flow = doc["flows"][1]
    flow["nodes"][1]["id"] = "verify"  # the check step is renamed in the new version
    flow["edges"] = [{"source": "start", "target": "verify"}, {"source": "verify", "target": "review"},
                     {"source": "review", "target": "done"}]
    assert claims.admin.put("/api/v1/apps/claims/draft", json=doc).status_code == 200
    dry = claims.admin.post("/api/v1/apps/claims/publish", params={"dry_run": True})
    assert dry.status_code == 200, dry.text
    [running] = [f for f in dry.json()["instances"] if f["flow"] == "open"]
    assert running["running"] == 2
    assert running["nodes"] == [{"node": "check", "running": 1, "maps_to": None},
                                {"node": "review", "running": 1, "maps_to": "review"}]
    assert "verify" in running["new_nodes"]
    refused = claims.admin.post("/api/v1/apps/claims/publish", json={"migrate": {"open": {}}})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "/migrate/open/check"
    done = claims.admin.post("/api/v1/apps/claims/publish", json={"migrate": {"open": {"check": "verify"}}})
    assert done.status_code == 200, done.text
    assert done.json()["migrated"] == {"open": 2}
    assert claims.holders(waiting) == [("verify", "clerk")]
    assert claims.act("clerk", waiting).status_code == 200  # the moved task goes on in the new version
    assert claims.holders(waiting) == [("review", "lead1"), ("review", "lead2")]
