"""Demo flow runs (``flows`` in a demo spec): records made at their backdated time start their flow
then, and each run is worked by its assignees up to a drawn stage. First on the complaint
template, as a user of the demo sees it; then on a tiny app of its own, which no rule starts."""

from __future__ import annotations

import copy
import re
import secrets
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from dajian.platform import apps as app_service
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.clock import utcnow
from dajian.platform.demo import DemoGenerator, People, install_seed
from dajian.platform.demo_flows import depths
from dajian.platform.directory import grant_role
from dajian.platform.flows.tables import flow_instances, flow_tasks
from dajian.platform.models import audit_log
from dajian.platform.templates import load_template
from tests.platform.conftest import PASSWORD, Org, publish
from tests.platform.test_template import APP, RECORDS, TEMPLATE, admin_of

# What the complaint's status says while its flow waits at a node.
STATUS_AT = {"triage": "new", "inv_tech": "investigating", "inv_quality": "investigating",
             "inv_logistics": "investigating", "inv_finance": "investigating", "inv_owner": "investigating",
             "propose": "investigating", "approve_supervisor": "awaiting_approval",
             "approve_manager": "awaiting_approval", "approve_committee": "awaiting_approval",
             "confirm": "awaiting_customer", "execute": "executing", "follow_up": "follow_up"}
RUNS = 36


def complaint_spec(seed_demo: dict[str, Any] | None) -> dict[str, Any]:
    """The template's spec, small: 70 complaints of which 36 run the flow, every stage as likely, and
    compensation asked for often enough that runs meet the approvals."""
    assert seed_demo is not None
    spec = copy.deepcopy(seed_demo)
    spec["forms"]["customer"]["count"] = 30
    spec["forms"]["complaint"]["count"] = 70
    for key in ("compensation_request", "survey", "capa"):
        spec["forms"][key]["count"] = 0
    [runs] = spec["flows"]
    runs.pop("share")
    runs["count"] = RUNS
    runs["stop_at"] = dict.fromkeys(runs["stop_at"], 1)
    runs["fields"]["expectation"] = {"weights": {"compensation": 3, "refund": 1}, "pick": [1, 2]}
    return spec


@pytest.fixture(scope="module")
def demo(api: FastAPI, engine: Engine) -> dict[str, Any]:
    """The complaint demo in an organisation of its own, made once per database for the tests that
    only look at it."""
    key = f"org_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=key)
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    org = Org(api=api, engine=engine, key=key, id=org_id, admin_id=admin_id)
    _, doc, seed = load_template(TEMPLATE)
    principal = admin_of(org)
    with org.engine.begin() as conn:
        app_service.import_definition(conn, principal, doc)
    people = install_seed(org.engine, principal, APP, seed, password=PASSWORD)
    progress: list[tuple[str, int, int]] = []
    # seed 7: one of the seeds whose 36 runs rest at every stage (the quality countersign takes both
    # quality members since task steps honour ``mode: all``, which moves every later draw)
    made = DemoGenerator(org.engine, principal, APP, complaint_spec(seed.demo), people=people, seed=7).run(
        on_progress=lambda form, done, total: progress.append((form, done, total)))
    with org.engine.connect() as conn:
        runtime = app_service.load_runtime(conn, principal, APP)
        table = runtime.form("complaint").table
        complaints = {r["id"]: dict(r) for r in conn.execute(select(table)).mappings()}
        instances = [dict(r) for r in conn.execute(select(flow_instances).where(
            flow_instances.c.org_id == org.id)).mappings()]
        tasks = [dict(r) for r in conn.execute(select(flow_tasks).where(
            flow_tasks.c.org_id == org.id, flow_tasks.c.status == "pending")).mappings()]
    return {"made": made, "progress": progress, "complaints": complaints, "instances": instances,
            "tasks": tasks, "people": people, "org": org}


def test_runs_rest_at_every_stage_with_the_status_the_flow_gave(demo: dict[str, Any]) -> None:
    assert demo["made"]["complaint"] == 70
    complaint_progress = [(done, total) for form, done, total in demo["progress"] if form == "complaint"]
    assert complaint_progress[-1] == (70, 70)  # the flow runs count in the form's progress
    instances, complaints = demo["instances"], demo["complaints"]
    assert len(instances) == RUNS and len({i["record_id"] for i in instances}) == RUNS
    open_at: dict[int, set[str]] = {}
    for task in demo["tasks"]:
        open_at.setdefault(task["instance_id"], set()).add(task["node_id"])
    stages = Counter[str]()
    for instance in instances:
        record = complaints[instance["record_id"]]
        nodes = open_at.get(instance["id"], set())
        if instance["state"] == "completed":
            assert not nodes and record["status"] == "closed" and record["closed_at"] is not None
            stages["end"] += 1
            continue
        assert instance["state"] == "running"
        if not nodes:  # waiting for the follow-up timer
            assert record["status"] == "resolved" and record["resolved_at"] is not None
            assert set(instance["data"]["timers"].values()) == {"survey_wait"}
            stages["survey_wait"] += 1
            continue
        assert {STATUS_AT[n] for n in nodes} == {record["status"]}, (nodes, record["status"])
        assert record["sla_due"] is not None and record["sla_state"] == "ok"
        stages.update(nodes)
    assert {"triage", "confirm", "execute", "follow_up", "survey_wait", "end"} <= set(stages), stages
    assert any(n.startswith("inv_") for n in stages) and any(n.startswith("approve_") for n in stages), stages


def test_runs_start_when_their_complaint_came_in_and_history_has_none(demo: dict[str, Any]) -> None:
    instances, complaints = demo["instances"], demo["complaints"]
    now = utcnow()
    for instance in instances:
        record = complaints[instance["record_id"]]
        assert instance["started_at"] == record["created_at"] == record["received_at"]
        assert now - timedelta(days=14) <= record["created_at"] <= now
        day = record["created_at"].astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
        assert record["ticket_no"].startswith(f"TS{day}-")  # numbered on the day it came in
    with_flow = {i["record_id"] for i in instances}
    history = [r for rid, r in complaints.items() if rid not in with_flow]
    assert len(history) == 70 - RUNS
    assert all(r["status"] != "new" for r in history)  # imported history starts no flow
    handled = [complaints[i["record_id"]] for i in instances]
    assert all(r["assignee"] is not None for r in handled if r["status"] != "new")  # set at triage
    assert all(r["solution"] for r in handled if r["status"] in ("awaiting_customer", "executing", "closed"))


def test_an_assignee_finds_the_task_in_the_inbox(demo: dict[str, Any]) -> None:
    org: Org = demo["org"]
    people: People = demo["people"]
    confirm = next(t for t in demo["tasks"] if t["node_id"] == "confirm")
    username = next(name for name, uid in people.users.items() if uid == confirm["assignee_id"])
    client = org.client(username)
    inbox = client.get("/api/v1/flows/inbox/pending").json()
    assert confirm["id"] in {t["task_id"] for t in inbox["items"]}
    instance = next(i for i in demo["instances"] if i["id"] == confirm["instance_id"])
    record = client.get(f"{RECORDS}/{instance['record_id']}").json()
    assert record["status"] == "awaiting_customer" and record["assignee"] == confirm["assignee_id"]
    view = org.client().get(f"/api/v1/flows/instances/{instance['id']}").json()
    actions = [e["action"] for e in view["timeline"]]
    assert actions[0] == "start" and "approve" in actions
    times = [e["at"] for e in view["timeline"]]
    assert times == sorted(times) and times[-1] <= utcnow().isoformat()  # worked in order, never ahead of now
    assert view["path"][:3] == ["start", "triage", "mark_investigating"]


# -- the generic mechanism on a tiny app ----------------------------------------------------


def _field(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"en": key}, **extra}


def permit_app() -> dict[str, Any]:
    """Permit requests: a clerk checks (must give a verdict), two hours' wait, the boss signs."""
    statuses = [{"value": v, "label": {"en": v}} for v in ("open", "checked", "signed")]
    fields = [_field("title", "text"), _field("status", "single_select", options=statuses),
              _field("verdict", "text"), _field("note", "text"), _field("asked_at", "datetime")]
    everything = {"permit": {"actions": ["create", "read", "update"], "row_scope": "all"}}
    roles = [{"key": k, "label": {"en": k}, "permissions": everything} for k in ("clerk", "boss")]
    node_fields = {"visible": [], "editable": ["verdict"], "required": ["verdict"]}
    nodes: list[dict[str, Any]] = [{"id": "start", "kind": "start", "label": {"en": "start"}},
             {"id": "check", "kind": "task", "label": {"en": "check"}, "fields": node_fields,
              "assignee": {"strategy": "round_robin", "role": "clerk"}},
             {"id": "mark", "kind": "action", "label": {"en": "mark"},
              "actions": [{"set_fields": {"status": "checked"}}]},
             {"id": "wait", "kind": "timer", "label": {"en": "wait"}, "duration": {"hours": 2}},
             {"id": "sign", "kind": "approval", "label": {"en": "sign"},
              "assignee": {"strategy": "role", "role": "boss"}},
             {"id": "signed", "kind": "action", "label": {"en": "signed"},
              "actions": [{"set_fields": {"status": "signed"}}]},
             {"id": "end", "kind": "end", "label": {"en": "end"}, "outcome": "granted"}]
    order = [n["id"] for n in nodes]
    flow = {"key": "review", "label": {"en": "Review"}, "form": "permit", "nodes": nodes,
            "edges": [{"source": a, "target": b} for a, b in pairwise(order)]}
    return {"schema_version": 1, "key": "permits", "label": {"zh-CN": "许可", "en": "Permits"},
            "forms": [{"key": "permit", "label": {"en": "Permit"}, "fields": fields}],
            "roles": roles, "flows": [flow]}


def permit_spec(**flow: Any) -> dict[str, Any]:
    runs = {"form": "permit", "flow": "review", "count": 16, "stop_at": {"check": 1, "wait": 1, "sign": 1, "end": 1},
            "fields": {"status": {"value": "open"}},
            "fill": {"check": {"verdict": {"weights": {"fine": 3, "needs a look": 1}}}},
            "step_minutes": [10, 90], **flow}
    return {"forms": {"permit": {"count": 20, "backdate": "asked_at", "fields": {
        "title": {"template": "permit {seq}"}, "status": {"value": "signed"},
        "asked_at": {"date": {"within_days": 4}}}}}, "flows": [runs]}


@pytest.fixture
def office(org: Org) -> tuple[Org, People]:
    assert publish(org.client(), permit_app()).status_code == 200
    people = People()
    for name, role in (("clerk1", "clerk"), ("clerk2", "clerk"), ("boss1", "boss")):
        uid = org.add_user(name)
        with org.engine.begin() as conn:
            grant_role(conn, admin_of(org), user_id=uid, app_key="permits", role_key=role)
        people.users[name], people.user_depts[uid] = uid, None
        people.roles.setdefault(role, []).append(uid)
    return org, people


def test_depths_count_edges_from_the_start_the_short_way() -> None:
    doc = {"nodes": [{"id": "s", "kind": "start"}, {"id": "a"}, {"id": "b"}, {"id": "e"}],
           "edges": [{"source": "s", "target": "a"}, {"source": "a", "target": "b"}, {"source": "b", "target": "a"},
                     {"source": "b", "target": "e"}]}
    assert depths(doc) == {"s": 0, "a": 1, "b": 2, "e": 3}


def test_runs_without_a_starting_rule_are_started_and_worked_by_their_assignees(office: tuple[Org, People]) -> None:
    org, people = office
    made = DemoGenerator(org.engine, admin_of(org), "permits", permit_spec(), people=people, seed=2).run()
    assert made == {"permit": 20}
    with org.engine.connect() as conn:
        runtime = app_service.load_runtime(conn, admin_of(org), "permits")
        table = runtime.form("permit").table
        records = {r["id"]: dict(r) for r in conn.execute(select(table)).mappings()}
        instances = [dict(r) for r in conn.execute(select(flow_instances).where(flow_instances.c.org_id == org.id))
                     .mappings()]
        tasks = [dict(r) for r in conn.execute(select(flow_tasks).where(flow_tasks.c.org_id == org.id)).mappings()]
        edits = conn.execute(select(audit_log.c.actor_id, audit_log.c.changes).where(
            audit_log.c.org_id == org.id, audit_log.c.entity == "record", audit_log.c.action == "update")).all()
    assert len(instances) == 16 and sum(r["status"] == "signed" for r in records.values()) >= 4
    clerks, boss = set(people.roles["clerk"]), people.roles["boss"][0]
    stages = Counter[str]()
    for instance in instances:
        record = records[instance["record_id"]]
        assert instance["started_at"] == record["created_at"] == record["asked_at"]
        pending = {t["node_id"] for t in tasks if t["instance_id"] == instance["id"] and t["status"] == "pending"}
        stage = "end" if instance["state"] == "completed" else next(iter(pending), "wait")
        stages[stage] += 1
        assert record["status"] == {"check": "open", "wait": "checked", "sign": "checked", "end": "signed"}[stage]
        assert (record["verdict"] is not None) == (stage != "check")
    assert set(stages) == {"check", "wait", "sign", "end"}, stages
    done = [t for t in tasks if t["status"] == "done"]
    assert done and all(t["acted_by"] == t["assignee_id"] for t in done)
    assert {t["acted_by"] for t in done if t["node_id"] == "check"} <= clerks
    assert {t["acted_by"] for t in done if t["node_id"] == "sign"} == {boss}
    assert any(actor in clerks and "verdict" in changes for actor, changes in edits)  # the clerk wrote it


@pytest.mark.parametrize(("change", "message"), [
    ({"stop_at": {"nowhere": 1}}, "has no node 'nowhere'"),
    ({"fill": {"check": {"note": {"value": "x"}}}}, "not editable at node 'check'"),
    ({"fill": {"check": {}}}, "cannot complete 'check'"),
])
def test_a_spec_the_flow_cannot_follow_is_refused(office: tuple[Org, People], change: dict[str, Any],
                                                  message: str) -> None:
    org, people = office
    spec = permit_spec(**{"stop_at": {"end": 1}, **change})
    with pytest.raises(ValueError, match=message):
        DemoGenerator(org.engine, admin_of(org), "permits", spec, people=people).run()



def test_conditions_are_the_expression_language(office: tuple[Org, People]) -> None:
    """``when`` as formula text or JSON AST, on the fields made before it; NOW() is the generator's now."""
    org, people = office
    now = utcnow()
    spec = {"forms": {"permit": {"count": 40, "fields": {
        "asked_at": {"date": {"within_days": 6}},
        "status": {"weights": {"open": 1, "checked": 1, "signed": 1}},
        "note": [{"value": "stale", "when": "AND(asked_at < NOW() - 3, status <> \"signed\")"},
                 {"value": "fresh", "when": {">=": [{"var": "asked_at"}, {"-": [{"now": []}, 3]}]}}],
        "verdict": {"value": "ok", "when": "IN(status, \"checked\", \"signed\")"}}}}}
    assert DemoGenerator(org.engine, admin_of(org), "permits", spec, people=people, seed=4, now=now).run() == {
        "permit": 40}
    with org.engine.connect() as conn:
        table = app_service.load_runtime(conn, admin_of(org), "permits").form("permit").table
        rows = [dict(r) for r in conn.execute(select(table)).mappings()]
    for row in rows:
        old = row["asked_at"] < now - timedelta(days=3)
        assert row["note"] == ("stale" if old and row["status"] != "signed" else None if old else "fresh")
        assert (row["verdict"] == "ok") == (row["status"] in ("checked", "signed"))
    assert {r["note"] for r in rows} == {"stale", "fresh", None}


@pytest.mark.parametrize(("when", "message"), [
    ({"field": "status", "in": ["open"]}, re.escape("e.g. 'IN(status, \"open\")'")),
    ("IN(stauts, \"open\")", "field 'note'.*unknown field 'stauts'"),
    ("asked_at >", "field 'note'"),
])
def test_a_condition_outside_the_language_is_refused_before_anything_is_made(
        office: tuple[Org, People], when: Any, message: str) -> None:
    org, people = office
    spec = {"forms": {"permit": {"count": 5, "fields": {"status": {"value": "open"},
                                                          "note": {"value": "x", "when": when}}}}}
    with pytest.raises(ValueError, match=message):
        DemoGenerator(org.engine, admin_of(org), "permits", spec, people=people)
    with org.engine.connect() as conn:
        table = app_service.load_runtime(conn, admin_of(org), "permits").form("permit").table
        assert conn.execute(select(table.c.id)).first() is None


def test_history_names_a_flow_of_its_form_that_mirrors_itself_on_the_record(office: tuple[Org, People]) -> None:
    org, people = office
    spec = permit_spec()
    spec["forms"]["permit"]["history"] = {"flow": "review", "start": "asked_at"}
    with pytest.raises(ValueError, match="flow 'review' writes no record fields"):
        DemoGenerator(org.engine, admin_of(org), "permits", spec, people=people)
