"""The complaint-management template package: assembled from its split files, published, used
through the API, upgraded in place, filled by the generic demo generator; and the platform
package stays generic (no module under ``dajian/`` knows the template's vocabulary)."""

from __future__ import annotations

import ast
import copy
import json
import re
import shutil
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dajian.engines.flow.calendar import BusinessCalendar
from dajian.platform import apps as app_service
from dajian.platform.clock import utcnow
from dajian.platform.definition import validate_definition
from dajian.platform.demo import DemoGenerator, install_seed
from dajian.platform.errors import Invalid
from dajian.platform.models import jobs
from dajian.platform.principal import Principal
from dajian.platform.templates import load_template, manifest_issues
from tests.platform.conftest import Org
from tests.platform.test_rules import Mailbox, drain, smtp

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["smtp"]  # the SMTP fixture, re-exported for pytest

TEMPLATE = ROOT / "app_templates" / "complaint_management"
APP = "complaint_management"
RECORDS = f"/api/v1/apps/{APP}/forms/complaint/records"


def admin_of(org: Org) -> Principal:
    return Principal(user_id=org.admin_id, org_id=org.id, dept_id=None, is_org_admin=True, via="system")


def install(org: Org, doc: dict[str, Any]) -> dict[str, Any]:
    """Publish the assembled template as ``dajian app import`` does (the test API caps bodies at 64 KiB,
    smaller than the full template with its rules and reports)."""
    with org.engine.begin() as conn:
        return dict(app_service.import_definition(conn, admin_of(org), doc))


def complaint_body(**values: Any) -> dict[str, Any]:
    return {"subject": "智能手表无法开机", "channel": "phone", "contact_name": "王先生",
            "contact_phone": "13800138000", "category": ["product_quality", "function_failure", "wont_power_on"],
            "description": "购买的智能手表无法开机，充电一晚也无反应，要求换货。", "expectation": ["exchange"],
            **values}


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_the_manifest_is_checked() -> None:
    manifest, doc, seed = load_template(TEMPLATE)
    assert manifest["key"] == doc["key"] == APP
    assert [f["key"] for f in doc["forms"]][:3] == ["customer", "product", "product_batch"]
    assert {"complaint", "survey", "capa", "review_meeting", "knowledge_article"} <= {f["key"] for f in doc["forms"]}
    assert doc["trees"]["complaint_category"] and doc["flows"][0]["key"] == "handle_complaint"
    assert manifest_issues(manifest) == []
    assert manifest_issues({**manifest, "version": "1.0"})[0]["path"] == "/version"
    too_new = manifest_issues({**manifest, "min_platform_version": "99.0.0"})
    assert too_new[0]["path"] == "/min_platform_version" and "99.0.0" in too_new[0]["message"]
    assert seed.users and seed.departments and seed.demo
    assert validate_definition(doc) == []


def test_the_business_calendar_has_the_2026_holidays_and_make_up_days() -> None:
    _, doc, _ = load_template(TEMPLATE)
    calendar = BusinessCalendar.from_definition(doc["settings"]["calendars"]["cn_workdays"])
    working = {d: calendar.is_working_day(date.fromisoformat(d)) for d in (
        "2026-01-01", "2026-01-04", "2026-02-14", "2026-02-16", "2026-02-23", "2026-02-28", "2026-04-06",
        "2026-05-05", "2026-05-09", "2026-06-19", "2026-09-20", "2026-10-07", "2026-10-10", "2026-10-12")}
    assert [d for d, works in working.items() if works] == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10", "2026-10-12"]


def test_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    copy_dir = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, copy_dir)
    manifest = json.loads((copy_dir / "manifest.json").read_text())
    manifest["files"]["forms"].append("../../etc/passwd")
    (copy_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Invalid, match="outside the template folder"):
        load_template(copy_dir)


def test_the_template_publishes_and_a_complaint_runs_its_flow(org: Org) -> None:
    _, doc, _ = load_template(TEMPLATE)
    admin = org.client()
    published = install(org, doc)
    assert {p["form"] for p in published["plan"]} >= {"complaint", "customer", "capa", "survey"}
    org.add_dept("service")
    agents = [org.add_user(name, dept="service") for name in ("agent1", "agent2")]
    for user_id in agents:
        r = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": APP, "role": "agent"})
        assert r.status_code == 201, r.text
    agent = org.client("agent1")
    created = agent.post(RECORDS, json=complaint_body(channel="weibo"))
    assert created.status_code == 201, created.text
    record = created.json()
    assert re.fullmatch(r"TS\d{8}-0001", record["ticket_no"])
    assert record["status"] == "new" and record["priority"] == "P2"  # social media defaults to P2
    assert record["receiver"] == agents[0] and record["escalation_level"] == 1
    bad = agent.post(RECORDS, json=complaint_body(escalation_level=3))
    assert bad.status_code in (400, 403, 422)  # a system field: agents may not write it
    second = agent.post(RECORDS, json=complaint_body())
    assert second.json()["ticket_no"].endswith("-0002") and second.json()["priority"] == "P3"
    again = agent.post(f"/api/v1/apps/{APP}/flows/handle_complaint/start", json={"record_id": record["id"]})
    assert again.status_code == 409  # the start_handling rule started it; a second run is refused
    [run] = agent.get(f"{RECORDS}/{record['id']}/flows").json()["items"]
    assert run["flow_key"] == "handle_complaint" and run["state"] == "running"
    tasks = admin.get(f"/api/v1/flows/instances/{run['id']}").json()["tasks"]
    assert [t["node_id"] for t in tasks] == ["triage"] and tasks[0]["assignee_id"] in agents
    mirrored = admin.get(f"{RECORDS}/{record['id']}").json()
    assert mirrored["sla_state"] == "ok" and mirrored["sla_due"]  # the flow's SLA mirrored on the record

    handlers = {name: org.add_user(name, dept="service") for name in ("tech1", "qa1", "qa2")}
    for name, role in (("tech1", "tech_support"), ("qa1", "quality"), ("qa2", "quality")):
        admin.post("/api/v1/admin/memberships", json={"user_id": handlers[name], "app": APP, "role": role})
    triager = org.client("agent1" if tasks[0]["assignee_id"] == agents[0] else "agent2")
    patched = triager.patch(f"{RECORDS}/{record['id']}", json={"assignee": agents[0], "row_version":
                                                               mirrored["row_version"]})
    assert patched.status_code == 200, patched.text
    task_id = triager.get("/api/v1/flows/inbox/pending").json()["items"][0]["task_id"]
    acted = triager.post(f"/api/v1/flows/tasks/{task_id}/act", json={"action": "approve"})
    assert acted.status_code == 200, acted.text
    pending = sorted((t["node_id"], t["assignee_id"]) for t in acted.json()["tasks"] if t["status"] == "pending")
    # product quality: technical support investigates while every quality handler countersigns
    assert pending == sorted([("inv_tech", handlers["tech1"]), ("inv_quality", handlers["qa1"]),
                              ("inv_quality", handlers["qa2"])])
    after = admin.get(f"{RECORDS}/{record['id']}").json()
    assert after["status"] == "investigating" and after["first_response_at"]


def test_upgrade_in_place_keeps_records(org: Org, tmp_path: Path) -> None:
    _, doc, _ = load_template(TEMPLATE)
    principal = admin_of(org)
    with org.engine.begin() as conn:
        app_service.import_definition(conn, principal, doc)
    admin = org.client()
    ids = [admin.post(RECORDS, json=complaint_body(subject=f"第{i}件")).json()["id"] for i in range(3)]
    newer_dir = tmp_path / "complaint_management"  # version 1.1.0: one field added, one role changed
    shutil.copytree(TEMPLATE, newer_dir)
    edit(newer_dir / "manifest.json", lambda m: m.update(version="1.1.0"))
    edit(newer_dir / "forms" / "complaint.json", lambda f: f["fields"].append(
        {"key": "wechat_openid", "kind": "text", "label": {"zh-CN": "微信 OpenID", "en": "WeChat OpenID"}}))
    edit(newer_dir / "roles.json", lambda roles: next(r for r in roles if r["key"] == "agent")["permissions"]
         .update(capa={"actions": ["create", "read"], "row_scope": "dept"}))
    manifest, newer, _ = load_template(newer_dir)
    assert manifest["version"] == "1.1.0"
    with org.engine.begin() as conn:
        result = app_service.import_definition(conn, principal, newer)
    assert result["version"] == 2
    steps = [s for p in result["plan"] if p["form"] == "complaint" for s in p["steps"]]
    assert any("wechat_openid" in json.dumps(s) for s in steps)
    listed = admin.get(RECORDS, params={"sort": "id"}).json()["items"]
    assert [r["id"] for r in listed] == ids and [r["subject"] for r in listed] == ["第0件", "第1件", "第2件"]
    assert all(r["wechat_openid"] is None and re.fullmatch(r"TS\d{8}-\d{4}", r["ticket_no"]) for r in listed)
    body = {"wechat_openid": "o-123", "row_version": listed[0]["row_version"]}
    updated = admin.patch(f"{RECORDS}/{ids[0]}", json=body)
    assert updated.status_code == 200, updated.text
    with org.engine.begin() as conn:
        runtime = app_service.load_runtime(conn, principal, APP)
    assert runtime.definition.role("agent").permissions["capa"].actions == ["create", "read"]  # type: ignore[union-attr]


def test_the_demo_generator_follows_the_spec(org: Org) -> None:
    _, doc, seed = load_template(TEMPLATE)
    principal = admin_of(org)
    with org.engine.begin() as conn:
        app_service.import_definition(conn, principal, doc)
    people = install_seed(org.engine, principal, APP, seed, password="correct horse battery")
    assert {"agent", "supervisor", "manager", "quality_committee"} <= set(people.roles)
    assert len(people.users) == len(seed.users)
    spec = copy.deepcopy(seed.demo)
    assert spec is not None
    spec["forms"]["complaint"]["count"] = 200
    spec["forms"]["customer"]["count"] = 40
    for key in ("compensation_request", "survey"):
        spec["forms"][key]["count"] = 20
    progress: list[tuple[str, int]] = []
    counts = DemoGenerator(org.engine, principal, APP, spec, people=people, seed=3).run(
        on_progress=lambda form, done, total: progress.append((form, done)))
    assert counts["complaint"] == 200 and progress[-1][1] > 0
    admin = org.client()
    rows = admin.get(RECORDS, params={"limit": 200, "fields": "channel,status,priority,received_at,customer,ticket_no"})
    items = rows.json()["items"]
    assert len(items) == 200
    shanghai = ZoneInfo("Asia/Shanghai")  # each ticket number carries the day its complaint came in
    assert all(r["ticket_no"][2:10] == datetime.fromisoformat(r["received_at"]).astimezone(shanghai).strftime("%Y%m%d")
               for r in items)
    channels = Counter(r["channel"] for r in items)
    weights = spec["forms"]["complaint"]["fields"]["channel"]["weights"]
    top = max(weights, key=lambda k: weights[k])
    assert channels[top] == max(channels.values()) and channels[top] > 200 * 0.15
    closed = sum(r["status"] == "closed" for r in items)
    assert 200 * 0.8 < closed < 200  # history has ended; the open work came in lately
    month_ago = utcnow() - timedelta(days=30)
    old = [r["status"] for r in items if datetime.fromisoformat(r["received_at"]) < month_ago]
    assert len(old) > 100 and set(old) == {"closed"}
    assert all(r["customer"] for r in items)
    with org.engine.connect() as conn:
        runtime = app_service.load_runtime(conn, principal, APP)
        table = runtime.form("customer").table
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() >= 40
        messages = select(func.count()).select_from(jobs).where(jobs.c.kind == "notify", jobs.c.status == "pending",
                                                                jobs.c.org_id == org.id)
        assert conn.execute(messages).scalar_one() == 0  # the invented history sends nothing


# Words only the template may know: the platform package must stay generic.
TEMPLATE_WORDS = re.compile(r"complaint|客诉|投诉|csat|\bnps\b|\bcapa\b|ticket_no|handle_complaint"
                            r"|knowledge_article|product_batch|reopen_count", re.IGNORECASE)


def _code_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Identifiers and string literals, leaving out docstrings (examples in prose are fine)."""
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append((node.lineno, node.name))
        elif isinstance(node, ast.arg):
            found.append((node.lineno, node.arg))
    return found


def test_no_platform_module_knows_the_template() -> None:
    hits = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
            for path in sorted((ROOT / "dajian").rglob("*.py"))
            for line, text in _code_strings(ast.parse(path.read_text(encoding="utf-8")))
            if TEMPLATE_WORDS.search(text)]
    assert hits == []


# -- rules, reports and the cockpit of the assembled template ----------------------------------


def create(client: Any, form: str, **values: Any) -> dict[str, Any]:
    r = client.post(f"/api/v1/apps/{APP}/forms/{form}/records", json=values)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_the_template_carries_rules_reports_and_a_cockpit() -> None:
    _, doc, _ = load_template(TEMPLATE)
    kinds = Counter(r.get("kind", "rule") for r in doc["rules"])
    assert kinds["decision_table"] == 1 and kinds["rule"] >= 10
    assert {"public_form", "inbound_email", "inbound_webhook"} <= set(kinds)
    channels = {r["key"] for r in doc["rules"] if r.get("kind") in ("public_form", "inbound_email", "inbound_webhook")}
    options = {o["value"] for f in doc["forms"] if f["key"] == "complaint" for x in f["fields"]
               if x["key"] == "channel" for o in x["options"]}
    assert channels <= options  # every channel writes its key into the channel field
    [cockpit] = doc["dashboards"]
    assert {w["report"] for w in cockpit["widgets"]} == {r["key"] for r in doc["reports"]}
    assert set(cockpit["filters"][0]["targets"]) == {w["key"] for w in cockpit["widgets"]}


def test_rules_route_acknowledge_escalate_and_the_cockpit_counts_them(org: Org, smtp: Mailbox) -> None:
    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    admin = org.client()
    vip = create(admin, "customer", name="张总", level="vip", region="guangdong")
    plain = create(admin, "customer", name="李女士", level="normal", region="xinjiang")
    watch = create(admin, "product", sku="W-1", name="智能手表", product_line="wearables")
    fridge = create(admin, "product", sku="F-1", name="冰箱", product_line="home_appliance")

    routed = create(admin, "complaint", **complaint_body(customer=vip["id"], product=watch["id"],
                                                         contact_email="vip@example.com"))
    assert (routed["team"], routed["priority"], routed["escalation_level"]) == ("tech_support", "P2", 1)
    large = create(admin, "complaint", **complaint_body(
        customer=plain["id"], product=fridge["id"], amount_involved="6000",
        category=["logistics", "parcel", "parcel_lost"]))
    assert (large["team"], large["escalation_level"]) == ("logistics_remote", 3)
    quality = create(admin, "complaint", **complaint_body(product=fridge["id"]))
    assert (quality["team"], quality["priority"]) == ("quality", "P3")
    fire = create(admin, "complaint", **complaint_body(description="冰箱插头起火冒烟", product=fridge["id"]))
    assert (fire["team"], fire["priority"], fire["escalation_level"]) == ("safety", "P1", 3)
    small = admin.patch(f"{RECORDS}/{quality['id']}", json={"amount_involved": "5200",
                                                           "row_version": quality["row_version"]})
    assert small.status_code == 200 and small.json()["escalation_level"] == 3  # a changed amount escalates too

    assert smtp.messages == []  # e-mail goes out after commit, through the worker
    drain(org.engine)
    [ack] = smtp.to("vip@example.com")
    assert ack["Subject"] == (f"我们已收到您的投诉 {routed['ticket_no']} / "
                              f"We have received your complaint {routed['ticket_no']}")
    assert routed["ticket_no"] in ack.get_body(preferencelist=("html",)).get_content()

    survey = create(admin, "survey", complaint=large["id"], csat=2, nps=5, ces=4)
    assert survey["id"]
    reopened = admin.get(f"{RECORDS}/{large['id']}").json()
    assert (reopened["status"], reopened["reopen_count"], reopened["csat"]) == ("reopened", 1, 2)

    today = utcnow().date()
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    r = admin.post(f"/api/v1/apps/{APP}/dashboards/cockpit/run", json={"filters": {"period": period}})
    assert r.status_code == 200, r.text
    widgets = {w["key"]: w for w in r.json()["widgets"]}
    assert all(w.get("status", 200) == 200 for w in widgets.values()), widgets

    def values(key: str) -> dict[str, Any]:
        data = widgets[key]["data"]
        return dict(data["total"]["values"] if data.get("total") else data["rows"][0]["values"])

    kpis = values("kpis")
    assert (kpis["n"], kpis["open"], kpis["resolved"], kpis["reopened"], kpis["csat"]) == (4, 4, 0, 1, 2)
    assert sum(row["values"]["n"] for row in widgets["volume_weekly"]["data"]["rows"]) == 4
    assert sum(row["values"]["n"] for row in widgets["volume_monthly"]["data"]["rows"]) == 4
    cats = {row["dims"]["category"]: row["values"]["n"] for row in widgets["top_categories"]["data"]["rows"]}
    assert sum(cats.values()) == 4 and cats.get("function_failure") == 3
    satisfaction = values("satisfaction")
    assert [satisfaction[k] for k in ("responses", "csat", "nps", "ces")] == [1, 2, -100, 4]
    heat = {(row["dims"]["region"], row["dims"]["line"]): row["values"]["n"]
            for row in widgets["region_product"]["data"]["rows"]}
    assert heat[("guangdong", "wearables")] == 1 and heat[("xinjiang", "home_appliance")] == 1
    assert widgets["capa_status"]["data"]["rows"] == []


def test_five_complaints_on_a_batch_open_one_linked_capa(org: Org) -> None:
    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    admin = org.client()
    watch = create(admin, "product", sku="W-1", name="智能手表", product_line="wearables")
    batch = create(admin, "product_batch", batch_no="B2026-05", product=watch["id"], produced_on="2026-05-01")
    other = create(admin, "product_batch", batch_no="B2026-06", product=watch["id"], produced_on="2026-06-01")
    made = [create(admin, "complaint", **complaint_body(product=watch["id"], batch=batch["id"])) for _ in range(6)]
    create(admin, "complaint", **complaint_body(product=watch["id"], batch=other["id"]))
    capas = admin.get(f"/api/v1/apps/{APP}/forms/capa/records").json()["items"]
    assert len(capas) == 1 and capas[0]["status"] == "open" and capas[0]["product"] == watch["id"]
    linked = [admin.get(f"{RECORDS}/{m['id']}").json()["capa"] for m in made]
    assert linked == [capas[0]["id"]] * 6  # the fifth opened it and linked the four before it


def test_a_visitor_files_a_complaint_through_the_public_form_and_looks_it_up(org: Org) -> None:
    from fastapi.testclient import TestClient

    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    anonymous = TestClient(org.api)
    url = f"/api/v1/public/{org.key}/{doc['key']}/forms/complaint"
    body = {k: v for k, v in complaint_body().items() if k != "channel"}
    filed = anonymous.post(url, json=body)
    assert filed.status_code == 201, filed.text
    serial = filed.json()["serial"]
    assert re.fullmatch(r"TS\d{8}-\d{4}", serial)
    [record] = org.client().get(f"/api/v1/apps/{doc['key']}/forms/complaint/records").json()["items"]
    assert (record["ticket_no"], record["channel"], record["receiver"]) == (serial, "web", None)
    status = anonymous.get(f"/api/v1/public/{org.key}/{doc['key']}/status",
                           params={"serial": serial, "contact": "13800138000"})
    assert status.status_code == 200 and status.json()["serial"] == serial
    assert anonymous.get(f"/api/v1/public/{org.key}/{doc['key']}/status",
                         params={"serial": serial, "contact": "139"}).status_code == 404
