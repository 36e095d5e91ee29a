"""Installing template packages through the admin API (SQLite and PostgreSQL): trusted keys, preview, install,
upgrade with a three-way merge that keeps local designer changes, conflicts, unsigned and tampered packages,
uninstall (archive) and reinstall."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dajian.platform import apps as app_service
from dajian.platform import job_progress
from dajian.platform.clock import utcnow
from dajian.platform.flows.tables import flow_instances
from dajian.platform.jobs import Worker, enqueue
from dajian.platform.market.install import INSTALL_DEMO_RECORDS
from dajian.platform.market.install_jobs import KIND
from dajian.platform.market.package import new_key, pack_folder, sign_package
from dajian.platform.market.tables import market_installs
from dajian.platform.models import audit_log, departments, users
from tests.platform.conftest import Org, ticket_app
from tests.platform.market_jobs import JOBS, finish
from tests.platform.test_template import admin_of

BASE = "/api/v1/admin/market"
KEY_PEM, PUBLIC_KEY = new_key()


def template(tmp: Path, doc: dict[str, Any], version: str, seed: dict[str, Any] | None = None) -> Path:
    """A template folder for ``doc``: manifest, app.json, one file per form and the ``seed`` (demo data) if any;
    its ``records`` name a form and hold the rows (written to a file of their own)."""
    root = tmp / f"{doc['key']}-{version}"
    (root / "forms").mkdir(parents=True)
    forms = doc["forms"]
    (root / "app.json").write_text(json.dumps({k: v for k, v in doc.items() if k != "forms"}), encoding="utf-8")
    for form in forms:
        (root / "forms" / f"{form['key']}.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    manifest = {"key": doc["key"], "name": doc["label"], "version": version, "min_platform_version": "0.1.0",
                "publisher": "Acme Partners", "licence": "Apache-2.0", "category": "service", "tags": ["工单"],
                "changelog": [{"version": version, "notes": {"en": "release"}}],
                "files": {"app": "app.json", "forms": [f"forms/{f['key']}.json" for f in forms]}}
    if seed is not None:
        (root / "data").mkdir()
        records = []
        for part in seed.get("records", []):
            name = f"data/{part['form']}.json"
            (root / name).write_text(json.dumps(part["rows"], ensure_ascii=False), encoding="utf-8")
            records.append({"form": part["form"], "file": name})
        spec = {**seed, "records": records}
        (root / "data" / "seed.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        manifest["seed"] = "data/seed.json"
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return root


def package(tmp: Path, doc: dict[str, Any], version: str, *, signed: bool = True,
            seed: dict[str, Any] | None = None) -> bytes:
    data = pack_folder(template(tmp, doc, version, seed))
    return sign_package(data, KEY_PEM) if signed else data


def v110() -> dict[str, Any]:
    """1.1.0 adds a field and relabels another one upstream."""
    doc = ticket_app()
    fields = doc["forms"][0]["fields"]
    fields.append({"key": "channel", "kind": "text", "label": {"zh-CN": "渠道", "en": "Channel"}})
    next(f for f in fields if f["key"] == "qty")["label"] = {"en": "Quantity"}
    return doc


def upload(client: TestClient, data: bytes) -> Any:
    return client.post(BASE + "/packages", content=data, headers={"Content-Type": "application/zip"})


def trust(client: TestClient) -> None:
    made = client.post(BASE + "/keys", json={"label": "Acme Partners", "public_key": PUBLIC_KEY})
    assert made.status_code == 201, made.text


def relabel_locally(client: TestClient, field: str, label: dict[str, str]) -> None:
    """What an admin does in the designer: change a label in the draft and publish it."""
    draft = client.get("/api/v1/apps/tickets").json()["draft"]
    next(f for f in draft["forms"][0]["fields"] if f["key"] == field)["label"] = label
    assert client.put("/api/v1/apps/tickets/draft", json=draft).status_code == 200
    assert client.post("/api/v1/apps/tickets/publish").status_code == 200


def install(client: TestClient, data: bytes, **options: Any) -> Any:
    """The install request: 202 with its job, or the refusal checked before queueing it."""
    digest = upload(client, data).json()["id"]
    return client.post(f"{BASE}/packages/{digest}/install", json=options)


def installed(org: Org, client: TestClient, data: bytes, **options: Any) -> dict[str, Any]:
    """The install run to its end: the job as its page shows it."""
    return finish(client, org.engine, install(client, data, **options))


def labels(client: TestClient) -> dict[str, dict[str, str]]:
    doc = client.get("/api/v1/apps/tickets/export").json()
    return {f["key"]: f["label"] for f in doc["forms"][0]["fields"]}


def test_preview_install_upgrade_keeps_the_local_change_and_adds_the_field(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    uploaded = upload(admin, package(tmp_path, ticket_app(), "1.0.0"))
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["signature"]["status"] == "trusted" and body["package"]["publisher"] == "Acme Partners"
    assert body["installed"] is None and not body["app_exists"]
    preview = admin.post(f"{BASE}/packages/{body['id']}/install-preview")
    assert preview.status_code == 200, preview.text
    assert [f["key"] for f in preview.json()["creates"]["forms"]] == ["ticket"]
    assert preview.json()["plan"]["dry_run"] and admin.get("/api/v1/apps/tickets").status_code == 404

    job = finish(admin, org.engine, admin.post(f"{BASE}/packages/{body['id']}/install", json={}))
    assert job["state"] == "succeeded" and job["action"] == "install" and job["error"] is None, job
    assert job["result"]["warning"] is None and job["result"]["result"]["version"] == 1
    assert job["progress"]["done"] == job["progress"]["total"] and job["progress"]["step"] is None
    [row] = admin.get(BASE + "/installs").json()
    assert row["version"] == "1.0.0" and row["signature"] == "trusted" and row["status"] == "installed"
    made = admin.post("/api/v1/apps/tickets/forms/ticket/records", json={"title": "打印机卡纸"})
    assert made.status_code == 201, made.text

    relabel_locally(admin, "title", {"zh-CN": "问题", "en": "Issue"})
    newer = upload(admin, package(tmp_path, v110(), "1.1.0")).json()
    plan = admin.post(f"{BASE}/installs/tickets/upgrade-preview/{newer['id']}", json={})
    assert plan.status_code == 200, plan.text
    p = plan.json()
    assert p["from_version"] == "1.0.0" and p["to_version"] == "1.1.0" and p["bump"] == "minor"
    assert p["conflicts"] == [] and "/forms/ticket/fields/title" in p["kept_local"]
    steps = {(f["form"], s["op"], s.get("field")) for f in p["plan"]["plan"] for s in f["steps"]}
    assert ("ticket", "add_field", "channel") in steps

    applied = finish(admin, org.engine, admin.post(f"{BASE}/installs/tickets/upgrade/{newer['id']}",
                                                   json={"expected_version": p["expected_version"]}))
    assert applied["state"] == "succeeded" and applied["action"] == "upgrade", applied
    assert "/forms/ticket/fields/title" in applied["result"]["kept_local"]
    now = labels(admin)
    assert now["title"] == {"zh-CN": "问题", "en": "Issue"}  # the local change is kept
    assert now["qty"] == {"en": "Quantity"} and "channel" in now  # and the new version's changes arrive
    records = admin.get("/api/v1/apps/tickets/forms/ticket/records").json()["items"]
    assert [r["title"] for r in records] == ["打印机卡纸"]  # no record lost
    assert admin.get(BASE + "/installs").json()[0]["version"] == "1.1.0"


def test_a_conflict_must_be_resolved_before_the_upgrade(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    assert installed(org, admin, package(tmp_path, ticket_app(), "1.0.0"))["state"] == "succeeded"
    relabel_locally(admin, "qty", {"en": "Pieces"})  # 1.1.0 relabels qty too: a conflict
    newer = upload(admin, package(tmp_path, v110(), "1.1.0")).json()["id"]
    p = admin.post(f"{BASE}/installs/tickets/upgrade-preview/{newer}", json={}).json()
    [conflict] = p["conflicts"]
    assert conflict["path"] == "/forms/ticket/fields/qty/label/en"
    assert (conflict["base"], conflict["local"], conflict["new"]) == ("Qty", "Pieces", "Quantity")
    assert p["unresolved"] == [conflict["path"]]
    refused = admin.post(f"{BASE}/installs/tickets/upgrade/{newer}", json={})
    assert refused.status_code == 409 and "need a choice" in refused.json()["detail"]
    assert labels(admin)["qty"] == {"en": "Pieces"}  # nothing changed
    chosen = finish(admin, org.engine, admin.post(f"{BASE}/installs/tickets/upgrade/{newer}",
                                                  json={"resolutions": {conflict["path"]: "local"}}))
    assert chosen["state"] == "succeeded", chosen
    assert labels(admin)["qty"] == {"en": "Pieces"} and "channel" in labels(admin)


def test_unsigned_and_untrusted_need_allow_unsigned_and_are_audited(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    unsigned = package(tmp_path, ticket_app(), "1.0.0", signed=False)
    refused = install(admin, unsigned)
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "/allow_unsigned"
    assert "not signed" in refused.json()["detail"]
    untrusted = install(admin, sign_package(unsigned, KEY_PEM))  # no key trusted yet
    assert untrusted.status_code == 422 and "not a trusted publisher" in untrusted.json()["detail"]
    allowed = installed(org, admin, unsigned, allow_unsigned=True)
    assert allowed["state"] == "succeeded", allowed
    assert "without a trusted signature (unsigned)" in allowed["result"]["warning"]
    with org.engine.connect() as conn:
        entry = conn.execute(select(audit_log.c.changes).where(
            audit_log.c.org_id == org.id, audit_log.c.entity == "template", audit_log.c.action == "install")).scalar()
    assert entry["signature"] == "unsigned" and "without a trusted signature" in entry["warning"]


def _rewrite(data: bytes, name: str, change: Any) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def test_a_tampered_or_broken_package_is_refused_naming_the_file(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    signed = package(tmp_path, ticket_app(), "1.0.0")
    tampered = _rewrite(signed, "forms/ticket.json", lambda b: b.replace(b'"Qty"', b'"Qtx"'))
    refused = upload(admin, tampered)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "/hashes/forms/ticket.json"
    assert "forms/ticket.json was changed after the package was made" in refused.json()["detail"]
    assert upload(admin, b"not a zip").status_code == 422
    assert admin.post(f"{BASE}/packages/{'0' * 64}/install", json={}).status_code == 404


def test_uninstall_archives_and_reinstall_brings_the_data_back(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    data = package(tmp_path, ticket_app(), "1.0.0")
    assert installed(org, admin, data)["state"] == "succeeded"
    assert admin.post("/api/v1/apps/tickets/forms/ticket/records", json={"title": "kept"}).status_code == 201
    gone = admin.post(f"{BASE}/installs/tickets/uninstall")
    assert gone.status_code == 200 and gone.json()["status"] == "archived"
    assert admin.get("/api/v1/apps/tickets/forms/ticket/records").status_code == 404  # offline
    assert admin.post(f"{BASE}/installs/tickets/uninstall").status_code == 409
    back = installed(org, admin, data)
    assert back["state"] == "succeeded" and back["result"]["reinstalled"], back
    records = admin.get("/api/v1/apps/tickets/forms/ticket/records").json()["items"]
    assert [r["title"] for r in records] == ["kept"]


def test_reinstall_refuses_demo_data_naming_demo(org: Org, tmp_path: Path) -> None:
    """The archived app comes back with its own records: demo data asked of it is refused before anything is
    queued, the app stays archived, and without demo it comes back with its records only."""
    admin = org.client()
    trust(admin)
    data = package(tmp_path, ticket_app(roles=[AGENT]), "1.0.0", seed=with_demo())
    assert installed(org, admin, data)["state"] == "succeeded"
    assert admin.post("/api/v1/apps/tickets/forms/ticket/records", json={"title": "kept"}).status_code == 201
    assert admin.post(f"{BASE}/installs/tickets/uninstall").status_code == 200
    refused = install(admin, data, demo=True)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [{"path": "/demo", "message": "not with a reinstall"}]
    assert "without demo data" in refused.json()["detail"]
    assert admin.get("/api/v1/admin/market/installs").json()[0]["status"] == "archived"
    back = installed(org, admin, data)
    assert back["state"] == "succeeded" and back["result"]["reinstalled"], back
    assert tickets_made(org) == ["kept"] and demo_people(org) == (0, 0)


def test_a_forged_signature_is_bad_and_refused_without_allow_unsigned(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    signed = package(tmp_path, ticket_app(), "1.0.0")

    def forge(content: bytes) -> bytes:
        block = json.loads(content)
        block["signature"] = block["signature"][::-1]
        return json.dumps(block).encode()

    forged = _rewrite(signed, "signature.json", forge)
    assert upload(admin, forged).json()["signature"]["status"] == "bad"
    refused = install(admin, forged)
    assert refused.status_code == 422 and "does not match the manifest" in refused.json()["detail"]


AGENT = {"key": "agent", "label": {"zh-CN": "客服", "en": "Agent"},
         "permissions": {"ticket": {"actions": ["create", "read", "update"], "row_scope": "all"}}}


def with_demo(*, qty: Any = 2) -> dict[str, Any]:
    """Demo data: a department, a user in the agent role and two tickets (the second one's ``qty`` as given)."""
    return {"departments": [{"key": "service", "name": "客服部"}],
            "users": [{"username": "demo_agent", "display_name": "演示客服", "dept": "service", "roles": ["agent"]}],
            "records": [{"form": "ticket", "rows": [{"title": "打印机卡纸", "qty": 1},
                                                    {"title": "屏幕闪烁", "qty": qty}]}]}


def tickets_made(org: Org) -> list[str]:
    admin = org.client()
    listed = admin.get("/api/v1/apps/tickets/forms/ticket/records")
    assert listed.status_code == 200, listed.text
    return sorted(r["title"] for r in listed.json()["items"])


def demo_people(org: Org) -> tuple[int, int]:
    with org.engine.connect() as conn:
        depts = conn.execute(select(func.count()).select_from(departments).where(
            departments.c.org_id == org.id, departments.c.key == "service")).scalar_one()
        people = conn.execute(select(func.count()).select_from(users).where(
            users.c.org_id == org.id, users.c.username == "demo_agent")).scalar_one()
    return int(depts), int(people)


def test_demo_data_is_optional(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    data = package(tmp_path, ticket_app(roles=[AGENT]), "1.0.0", seed=with_demo())
    described = upload(admin, data).json()
    assert described["demo_data"] == {"departments": 1, "users": 1, "records": [{"form": "ticket", "count": 2}],
                                      "generated": []}
    plain = package(tmp_path / "plain", ticket_app(), "1.0.0")
    assert upload(admin, plain).json()["demo_data"] is None
    refused = install(admin, plain, demo=True)  # nothing to install: said before anything is queued
    assert refused.status_code == 422 and refused.json()["errors"] == [{"path": "/demo", "message": "no demo data"}]

    without = installed(org, admin, data)
    assert without["state"] == "succeeded" and not without["demo"] and not without["result"]["demo_data"]
    assert tickets_made(org) == [] and demo_people(org) == (0, 0)


def test_demo_data_goes_in_through_the_record_path_with_its_people(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    job = installed(org, admin, package(tmp_path, ticket_app(roles=[AGENT]), "1.0.0", seed=with_demo()), demo=True)
    assert job["state"] == "succeeded" and job["demo"] and job["result"]["demo_data"], job
    assert [s["step"] for s in job["progress"]["plan"]] == [
        "check", "table", "roles", "flows_rules", "record", "seed_people", "seed_records"]
    assert job["progress"]["done"] == job["progress"]["total"] == 7
    assert tickets_made(org) == ["屏幕闪烁", "打印机卡纸"]
    assert demo_people(org) == (1, 1)
    memberships = admin.get("/api/v1/admin/memberships", params={"app": "tickets"}).json()
    with org.engine.connect() as conn:
        agent = conn.execute(select(users.c.id).where(users.c.org_id == org.id,
                                                      users.c.username == "demo_agent")).scalar_one()
    assert [(m["user_id"], m["role"]) for m in memberships] == [(agent, "agent")]
    records = admin.get("/api/v1/apps/tickets/forms/ticket/records").json()["items"]
    assert all(r["status"] == "new" for r in records)  # the form's default: made as a person's create is
    with org.engine.connect() as conn:
        entry = conn.execute(select(audit_log.c.changes).where(
            audit_log.c.org_id == org.id, audit_log.c.entity == "template", audit_log.c.action == "install")).scalar()
    assert entry["demo_data"] is True


def test_a_failed_install_leaves_nothing_and_reports_the_path(org: Org, tmp_path: Path) -> None:
    """The second demo record cannot be stored: the job fails with the record's error and its path, and the
    tables, roles, install row, department and user it had made by then are all gone."""
    admin = org.client()
    trust(admin)
    job = installed(org, admin, package(tmp_path, ticket_app(roles=[AGENT]), "1.0.0", seed=with_demo(qty="many")),
                    demo=True)
    assert job["state"] == "failed" and job["result"] is None and job["status_code"] == 422, job
    assert job["error"]["errors"] == [{"path": "/records/1/qty", "message": "expected an integer"}], job["error"]
    assert job["progress"]["step"] == "seed_records" and job["progress"]["params"] == {"form": "ticket", "count": 2}
    assert job["progress"]["done"] < job["progress"]["total"]
    assert admin.get("/api/v1/apps/tickets").status_code == 404
    assert admin.get(BASE + "/installs").json() == []
    assert demo_people(org) == (0, 0)
    with org.engine.connect() as conn:
        assert conn.execute(select(market_installs.c.id).where(market_installs.c.org_id == org.id)).first() is None
        audited = conn.execute(select(audit_log.c.id).where(audit_log.c.org_id == org.id,
                                                            audit_log.c.action == "install")).first()
    assert audited is None


def test_progress_is_visible_to_another_request_while_the_install_runs(org: Org, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker is held when it starts on the roles (its tables made, nothing committed): another request sees
    the job running at that step, and no app yet; let go, it finishes."""
    admin = org.client()
    trust(admin)
    digest = upload(admin, package(tmp_path, ticket_app(roles=[AGENT]), "1.0.0")).json()["id"]
    queued = admin.post(f"{BASE}/packages/{digest}/install", json={})
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["id"]
    reached, release = threading.Event(), threading.Event()
    written = job_progress.write

    def held(engine: Any, job: int, progress: job_progress.Progress) -> None:
        written(engine, job, progress)
        if job == job_id and progress.step == "roles":
            reached.set()
            assert release.wait(60)

    monkeypatch.setattr(job_progress, "write", held)
    worker = threading.Thread(target=lambda: [Worker(org.engine, kinds=[KIND]).run_once() for _ in range(3)])
    worker.start()
    try:
        assert reached.wait(60)
        shown = admin.get(f"{JOBS}/{job_id}").json()
        assert shown["state"] == "running" and shown["result"] is None, shown
        ticket = {"form": "ticket", "label": {"zh-CN": "工单", "en": "Ticket"}}
        plan = [{"step": "check", "params": {}}, {"step": "table", "params": ticket},
                {"step": "roles", "params": {}}, {"step": "flows_rules", "params": {}},
                {"step": "record", "params": {}}]
        assert shown["progress"] == {"done": 2, "total": 5, "step": "roles", "params": {}, "plan": plan}
        assert admin.get("/api/v1/apps/tickets").status_code == 404  # all or nothing: not there yet
    finally:
        release.set()
        worker.join(60)
    shown = admin.get(f"{JOBS}/{job_id}").json()
    assert shown["state"] == "succeeded"
    assert shown["progress"] == {"done": 5, "total": 5, "step": None, "params": {}, "plan": plan}
    assert admin.get("/api/v1/apps/tickets").status_code == 200


def test_the_job_is_the_organisations_own(org: Org, tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    queued = install(admin, package(tmp_path, ticket_app(), "1.0.0"))
    job_id = queued.json()["id"]
    org.add_user("clerk")
    assert org.client("clerk").get(f"{JOBS}/{job_id}").status_code == 403
    assert admin.get(f"{JOBS}/{job_id + 1000000}").status_code == 404
    with org.engine.begin() as conn:  # another kind of job of this organisation is no install job
        other = enqueue(conn, "notify", {}, org_id=org.id, due_at=utcnow() + timedelta(days=1))
    assert admin.get(f"{JOBS}/{other}").status_code == 404


def test_the_repair_template_installs_with_its_demo_data_and_its_rules_react(org: Org) -> None:
    """The repair template's demo orders come in as new orders do: its rule starts the repair flow on each."""
    admin = org.client()
    trust(admin)
    repair = Path(__file__).resolve().parents[2] / "app_templates" / "repair_orders"
    job = installed(org, admin, sign_package(pack_folder(repair), KEY_PEM), demo=True)
    assert job["state"] == "succeeded", job
    orders = admin.get("/api/v1/apps/repair_orders/forms/repair_order/records").json()["items"]
    assert sorted(o["title"] for o in orders) == ["冰箱不制冷", "洗衣机脱水时异响", "空调遥控失灵"]
    with org.engine.connect() as conn:
        running = conn.execute(select(func.count()).select_from(flow_instances).where(
            flow_instances.c.org_id == org.id, flow_instances.c.flow_key == "repair",
            flow_instances.c.state == "running", flow_instances.c.record_id.in_([o["id"] for o in orders])
        )).scalar_one()
    assert running == 3


def test_the_complaint_template_installs_with_invented_history_in_running_flows(org: Org) -> None:
    """Demo data of a template with a demo spec: besides its people and fixed records, complaints invented with
    their history, every open one in a running flow at its stage, all in the install's one job."""
    admin = org.client()
    trust(admin)
    complaints = Path(__file__).resolve().parents[2] / "app_templates" / "complaint_management"
    data = sign_package(pack_folder(complaints), KEY_PEM)
    generated = {g["form"]: g["count"] for g in upload(admin, data).json()["demo_data"]["generated"]}
    assert generated["complaint"] == INSTALL_DEMO_RECORDS and generated["survey"] > 0, generated
    job = installed(org, admin, data, demo=True)
    assert job["state"] == "succeeded", job
    steps = [(s["step"], s["params"].get("form")) for s in job["progress"]["plan"]]
    assert ("demo_records", "complaint") in steps and steps[-1][0] == "demo_records", steps
    assert job["progress"]["done"] == job["progress"]["total"]
    listed = admin.get("/api/v1/apps/complaint_management/forms/complaint/records", params={"count": "exact"}).json()
    assert listed["total"] == INSTALL_DEMO_RECORDS
    with org.engine.connect() as conn:
        table = app_service.load_runtime(conn, admin_of(org), "complaint_management").form("complaint").table
        stages = dict(conn.execute(select(table.c.status, func.count()).group_by(table.c.status)).all())
        open_ids = [int(i) for i in conn.execute(select(table.c.id).where(table.c.status.notin_(["closed"])))
                    .scalars()]
        running = set(conn.execute(select(flow_instances.c.record_id).where(
            flow_instances.c.org_id == org.id, flow_instances.c.state == "running",
            flow_instances.c.record_id.in_(open_ids))).scalars())
        newest = conn.execute(select(func.max(table.c.created_at))).scalar_one()
    assert stages.get("closed", 0) > 0 and len(stages) > 2, stages  # ended history and open work at its stages
    assert open_ids and set(open_ids) == running  # nobody is left with a complaint no flow holds
    assert newest is not None and newest.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)  # never in the future


def test_an_upgrade_whose_app_moved_on_while_queued_fails_in_its_job_and_changes_nothing(org: Org,
                                                                                       tmp_path: Path) -> None:
    admin = org.client()
    trust(admin)
    assert installed(org, admin, package(tmp_path, ticket_app(), "1.0.0"))["state"] == "succeeded"
    newer = upload(admin, package(tmp_path, v110(), "1.1.0")).json()["id"]
    p = admin.post(f"{BASE}/installs/tickets/upgrade-preview/{newer}", json={}).json()
    queued = admin.post(f"{BASE}/installs/tickets/upgrade/{newer}", json={"expected_version": p["expected_version"]})
    relabel_locally(admin, "title", {"en": "Subject"})  # published before a worker takes the upgrade
    job = finish(admin, org.engine, queued)
    assert job["state"] == "failed" and job["status_code"] == 409, job
    assert job["error"]["errors"] == [{"path": "/expected_version", "message": "the live version is 2"}]
    assert job["progress"]["step"] == "check"
    assert "channel" not in labels(admin) and admin.get(BASE + "/installs").json()[0]["version"] == "1.0.0"
