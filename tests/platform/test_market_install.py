"""Installing template packages through the admin API (SQLite and PostgreSQL): trusted keys, preview, install,
upgrade with a three-way merge that keeps local designer changes, conflicts, unsigned and tampered packages,
uninstall (archive) and reinstall."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from dajian.platform.market.package import new_key, pack_folder, sign_package
from dajian.platform.models import audit_log
from tests.platform.conftest import Org, ticket_app
from tests.platform.market_jobs import finish

BASE = "/api/v1/admin/market"
KEY_PEM, PUBLIC_KEY = new_key()


def template(tmp: Path, doc: dict[str, Any], version: str) -> Path:
    """A template folder for ``doc``: manifest, app.json and one file per form."""
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
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return root


def package(tmp: Path, doc: dict[str, Any], version: str, *, signed: bool = True) -> bytes:
    data = pack_folder(template(tmp, doc, version))
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
