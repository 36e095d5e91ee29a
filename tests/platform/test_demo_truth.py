"""The demo tells the truth: generated history is what the engines would have produced. A small
complaint demo is made once per database (at a fixed moment, so its figures are the same every
day), its due SLA jobs are run as ``dajian serve``'s worker would, and each test checks one
invariant a manager would notice."""

from __future__ import annotations

import copy
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from dajian.engines.flow.calendar import BusinessCalendar
from dajian.platform import apps as app_service
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.demo import DemoGenerator, install_seed
from dajian.platform.flows.tables import flow_instances, flow_tasks
from dajian.platform.jobs import Worker
from dajian.platform.templates import load_template
from tests.platform.conftest import PASSWORD, Org
from tests.platform.test_demo_flows import STATUS_AT
from tests.platform.test_template import APP, TEMPLATE, admin_of

NOW = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Shanghai
TARGET = {"P1": 450, "P2": 900, "P3": 2250, "P4": 4500}  # the handling flow's SLA, in working minutes
COUNTS = {"customer": 60, "capa": 6, "complaint": 400, "compensation_request": 20, "survey": 60}
SLA_JOBS = ["flow.sla_warning", "flow.sla_breach"]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def truth(api: FastAPI, engine: Engine) -> dict[str, Any]:
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
    assert seed.demo is not None
    spec = copy.deepcopy(seed.demo)
    for form_key, count in COUNTS.items():
        spec["forms"][form_key]["count"] = count
    [runs] = spec["flows"]
    runs.pop("share", None)
    runs["count"] = 14
    DemoGenerator(org.engine, principal, APP, spec, people=people, seed=11, now=NOW).run()
    worker = Worker(org.engine, kinds=SLA_JOBS)  # as the server's worker does after the demo
    while worker.run_once():
        pass
    with org.engine.connect() as conn:
        runtime = app_service.load_runtime(conn, principal, APP)
        rows = {form_key: {r["id"]: dict(r) for r in conn.execute(select(runtime.form(form_key).table)).mappings()}
                for form_key in COUNTS}
        instances = [dict(r) for r in conn.execute(select(flow_instances).where(
            flow_instances.c.org_id == org.id)).mappings()]
        tasks = [dict(r) for r in conn.execute(select(flow_tasks).where(
            flow_tasks.c.org_id == org.id, flow_tasks.c.status == "pending")).mappings()]
    settings = runtime.definition.settings
    calendar = BusinessCalendar.from_definition({"timezone": settings.timezone, **settings.calendars["cn_workdays"]})
    flowed = {i["record_id"] for i in instances}
    history = [r for rid, r in rows["complaint"].items() if rid not in flowed]
    return {"rows": rows, "calendar": calendar, "instances": instances, "tasks": tasks, "history": history,
            "org": org, "people": people}


def test_working_minutes_to_first_response_are_the_calendars_and_never_exceed_wall_clock(
        truth: dict[str, Any]) -> None:
    answered = [r for r in truth["rows"]["complaint"].values() if r["first_response_at"] is not None]
    assert len(answered) > 300
    for r in answered:
        received, responded = _utc(r["received_at"]), _utc(r["first_response_at"])
        wall = (responded - received).total_seconds() / 60
        assert r["first_response_minutes"] is not None, r["id"]
        minutes = float(r["first_response_minutes"])
        assert minutes <= wall + 0.01, (r["id"], minutes, wall)
        assert minutes == pytest.approx(truth["calendar"].working_minutes_between(received, responded), abs=0.01)


def test_history_happened_in_order_and_before_now(truth: dict[str, Any]) -> None:
    history = truth["history"]
    assert len(history) > 350 and {r["status"] for r in history} == {"closed"}
    for r in history:
        times = [_utc(r[k]) for k in ("received_at", "first_response_at", "resolved_at", "closed_at")]
        assert times == sorted(times) and times[-1] < NOW, r["id"]
        assert _utc(r["created_at"]) == times[0]
        # closed after the flow's day of waiting for the survey
        assert times[3] - times[2] >= timedelta(hours=24), r["id"]


def test_sla_state_and_due_time_are_derived_from_the_calendar_not_drawn(truth: dict[str, Any]) -> None:
    calendar: BusinessCalendar = truth["calendar"]
    states = Counter[str]()
    for r in truth["history"]:
        received, resolved = _utc(r["received_at"]), _utc(r["resolved_at"])
        target = TARGET[r["priority"]]
        assert _utc(r["sla_due"]) == calendar.add_working(received, timedelta(minutes=target)), r["id"]
        minutes = calendar.working_minutes_between(received, resolved)
        assert float(r["handling_minutes"]) == pytest.approx(minutes, abs=0.01)
        expected = "breached" if resolved > _utc(r["sla_due"]) else "warning" if minutes > 0.8 * target else "ok"
        assert r["sla_state"] == expected, (r["id"], r["priority"], minutes)
        if expected == "breached":
            assert r["escalation_level"] >= 2, r["id"]  # the breach escalated it
        states[expected] += 1
    assert set(states) == {"ok", "warning", "breached"}, states


def test_urgent_complaints_meet_their_tighter_target_less_often(truth: dict[str, Any]) -> None:
    def attainment(priorities: tuple[str, ...]) -> float:
        rows = [r for r in truth["history"] if r["priority"] in priorities]
        return sum(r["sla_state"] != "breached" for r in rows) / len(rows)

    urgent, routine = attainment(("P1", "P2")), attainment(("P3", "P4"))
    assert 0.6 < urgent < routine < 0.98, (urgent, routine)


def test_every_open_complaint_waits_in_a_running_flow_at_the_stage_its_status_says(truth: dict[str, Any]) -> None:
    complaints = truth["rows"]["complaint"]
    running = {i["record_id"]: i for i in truth["instances"] if i["state"] == "running"}
    open_ = [r for r in complaints.values() if r["status"] != "closed"]
    assert len(open_) >= 8
    pending: dict[int, set[str]] = {}
    for task in truth["tasks"]:
        pending.setdefault(task["instance_id"], set()).add(task["node_id"])
        assert task["assignee_id"] is not None  # someone can act on it in their inbox
    for r in open_:
        instance = running.get(r["id"])
        assert instance is not None, (r["id"], r["status"])
        nodes = pending.get(instance["id"], set())
        if nodes:
            assert {STATUS_AT[n] for n in nodes} == {r["status"]}, (nodes, r["status"])
        else:  # waiting a day after resolution before the follow-up
            assert r["status"] == "resolved" and set(instance["data"]["timers"].values()) == {"survey_wait"}
        if r["sla_state"] == "breached":
            assert _utc(r["sla_due"]) <= datetime.now(UTC)


def test_surveys_are_dated_when_the_customer_answered_not_when_the_demo_was_made(truth: dict[str, Any]) -> None:
    surveys = list(truth["rows"]["survey"].values())
    complaints = truth["rows"]["complaint"]
    assert len(surveys) == COUNTS["survey"]
    assert len({s["complaint"] for s in surveys}) == len(surveys)  # one survey per complaint
    for s in surveys:
        complaint = complaints[s["complaint"]]
        assert _utc(s["created_at"]) == _utc(s["responded_at"]) < NOW
        assert _utc(s["responded_at"]) >= _utc(complaint["resolved_at"]) + timedelta(hours=24)
        assert (s["csat"], s["nps"]) == (complaint["csat"], complaint["nps"])
    assert sum(_utc(s["created_at"]) < NOW - timedelta(days=31) for s in surveys) > len(surveys) // 3


def test_compensation_requests_happen_while_their_complaint_is_handled(truth: dict[str, Any]) -> None:
    requests = list(truth["rows"]["compensation_request"].values())
    complaints = truth["rows"]["complaint"]
    assert len(requests) == COUNTS["compensation_request"]
    assert len({r["complaint"] for r in requests}) == len(requests)
    for r in requests:
        complaint = complaints[r["complaint"]]
        assert _utc(complaint["first_response_at"]) <= _utc(r["created_at"]) < NOW
        assert r["amount"] == complaint["compensation_amount"]
        if r["approved_at"] is not None:
            assert _utc(r["created_at"]) <= _utc(r["approved_at"]) < NOW
        if r["status"] == "paid":
            assert _utc(r["approved_at"]) <= _utc(r["paid_at"]) < NOW


def test_customers_were_customers_before_they_complained(truth: dict[str, Any]) -> None:
    customers = truth["rows"]["customer"]
    assert sum(_utc(c["created_at"]) < NOW - timedelta(days=31) for c in customers.values()) > len(customers) // 2
    for r in truth["rows"]["complaint"].values():
        if r["customer"] is not None:
            assert _utc(customers[r["customer"]]["created_at"]) <= _utc(r["received_at"]), r["id"]


def test_capas_have_their_own_times_and_a_few_severe_complaints_link_to_one(truth: dict[str, Any]) -> None:
    capas = truth["rows"]["capa"]
    opened = [_utc(c["created_at"]) for c in capas.values()]
    assert len(set(opened)) == len(opened) and all(NOW - timedelta(days=200) < t < NOW for t in opened)
    for c in capas.values():
        if c["closed_on"] is not None:
            assert _utc(c["created_at"]).date() <= c["closed_on"] <= NOW.date()
    complaints = list(truth["rows"]["complaint"].values())
    linked = [r for r in complaints if r["capa"] is not None]
    for r in linked:
        capa = capas[r["capa"]]
        assert _utc(capa["created_at"]) <= _utc(r["received_at"]) and capa["product"] == r["product"], r["id"]
    assert len(linked) < 0.05 * len(complaints)  # a share a quality team could work, not half of all


def test_the_repeat_complainants_report_names_the_customers(truth: dict[str, Any]) -> None:
    org: Org = truth["org"]
    response = org.client().post(f"/api/v1/apps/{APP}/reports/repeat_customers/run", json={})
    assert response.status_code == 200, response.text
    result = response.json()
    customers = truth["rows"]["customer"]
    assert result["rows"]
    for row in result["rows"]:
        customer = row["dims"]["customer"]
        assert result["labels"]["customer"][str(customer)]["zh-CN"] == customers[customer]["name"]
