"""Templates uploaded to the admin console (SQLite and PostgreSQL): install from a .zip of the folder with the
plan first, upgrade, export and re-import; and hostile archives refused with 4xx before anything is read."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dajian.platform import template_archive
from tests.platform.conftest import Org

TEMPLATE = Path(__file__).resolve().parents[2] / "app_templates" / "complaint_management"
URL = "/api/v1/admin/templates/import"


def folder_zip(root: Path, *, change: Any = None, prefix: str = "complaint_management/") -> bytes:
    """The template folder zipped as a person would; ``change(name, text)`` may rewrite a file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            text = path.read_text("utf-8")
            archive.writestr(prefix + name, change(name, text) if change else text)
    return out.getvalue()


def upload(client: TestClient, data: bytes, **params: Any) -> Any:
    return client.post(URL, content=data, params=params, headers={"Content-Type": "application/zip"})


def _with_field(name: str, text: str) -> str:
    """Version 1.1.0: the customer form gains a WeChat id."""
    if name == "manifest.json":
        return text.replace('"version": "1.0.0"', '"version": "1.1.0"')
    if name == "forms/customer.json":
        form = json.loads(text)
        form["fields"].append({"key": "wechat", "kind": "text", "label": {"zh-CN": "微信号", "en": "WeChat"}})
        return json.dumps(form, ensure_ascii=False)
    return text


def test_install_shows_the_plan_first_then_upgrades(org: Org) -> None:
    admin = org.client()
    data = folder_zip(TEMPLATE)
    plan = upload(admin, data, dry_run=True)
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert body["app"] == "complaint_management" and body["installed_version"] is None
    assert body["template"]["version"] == "1.0.0" and body["template"]["name"]["en"] == "Complaint management"
    assert body["result"]["dry_run"] and body["result"]["version"] == 1
    assert {"complaint", "customer"} <= {p["form"] for p in body["result"]["plan"]}
    assert admin.get("/api/v1/apps/complaint_management").status_code == 404  # the dry run made nothing

    applied = upload(admin, data, expected_version=0)
    assert applied.status_code == 200, applied.text
    assert applied.json()["result"]["version"] == 1 and not applied.json()["result"]["dry_run"]
    assert upload(admin, data, expected_version=0).status_code == 409  # version 1 is installed now

    newer = folder_zip(TEMPLATE, change=_with_field)
    plan = upload(admin, newer, dry_run=True).json()
    assert plan["installed_version"] == 1 and plan["installed_template"] == "1.0.0"
    steps = {(p["form"], s["op"], s.get("field")) for p in plan["result"]["plan"] for s in p["steps"]}
    assert ("customer", "add_field", "wechat") in steps
    done = upload(admin, newer, dry_run=False, expected_version=1)
    assert done.status_code == 200 and done.json()["result"]["version"] == 2
    created = admin.post("/api/v1/apps/complaint_management/forms/customer/records",
                         json={"name": "王芳", "phone": "13800000000", "wechat": "wf2026"})
    assert created.status_code == 201, created.text

    exported = admin.get("/api/v1/admin/apps/complaint_management/template.zip")
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        manifest = json.loads(archive.read("complaint_management/manifest.json"))
        assert "complaint_management/forms/customer.json" in archive.namelist()
    assert manifest["version"] == "1.1.0" and manifest["name"]["zh-CN"] == "客诉管理"
    again = upload(admin, exported.content, dry_run=True).json()
    assert again["result"]["unchanged"] is True
    entries = admin.get("/api/v1/admin/audit", params={"entity": "definition", "action": "publish"}).json()
    assert [e["changes"]["version"] for e in entries] == [2, 1]


def test_a_json_app_document_imports_the_same_way(org: Org) -> None:
    admin = org.client()
    doc = {"schema_version": 2, "key": "visits", "label": {"zh-CN": "来访", "en": "Visits"},
           "forms": [{"key": "visit", "label": {"en": "Visit"},
                      "fields": [{"key": "who", "kind": "text", "label": {"en": "Who"}}]}]}
    plan = upload(admin, json.dumps(doc).encode(), dry_run=True)
    assert plan.status_code == 200, plan.text
    assert plan.json()["template"] is None and plan.json()["result"]["version"] == 1
    assert upload(admin, json.dumps(doc).encode()).json()["result"]["version"] == 1
    broken = upload(admin, json.dumps({**doc, "forms": [{"key": "Bad"}]}).encode(), dry_run=True)
    assert broken.status_code == 422 and broken.json()["errors"][0]["path"].startswith("/forms/0")
    assert admin.get("/api/v1/admin/apps/visits/template.zip", params={"version": "one"}).status_code == 422
    assert admin.get("/api/v1/admin/apps/nothing/template.zip").status_code == 404


def _zip(entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return out.getvalue()


MANIFEST = json.dumps({"name": {"en": "x"}, "version": "1.0.0", "min_platform_version": "0.1.0",
                       "files": {"app": "app.json"}}).encode()
APP = b'{"schema_version": 2, "key": "x", "label": {"en": "x"}}'
HOSTILE = {
    "climbs out": _zip({"manifest.json": MANIFEST, "../app.json": APP}),
    "absolute": _zip({"manifest.json": MANIFEST, "/etc/app.json": APP}),
    "backslash": _zip({"manifest.json": MANIFEST, "..\\app.json": APP}),
    "hidden file": _zip({"manifest.json": MANIFEST, ".app.json": APP}),
    "code": _zip({"manifest.json": MANIFEST, "app.json": APP, "setup.py": b"import os"}),
    "symlink": _zip({"manifest.json": MANIFEST}, symlink="app.json"),
    "bad json": _zip({"manifest.json": MANIFEST, "app.json": b'{"key": '}),
    "deep json": _zip({"manifest.json": MANIFEST, "app.json": b"[" * 100_000 + b"]" * 100_000}),
    "no manifest": _zip({"a/manifest.json": MANIFEST, "b/manifest.json": MANIFEST}),
    "not a zip": b"PK\x03\x04 but nothing after",
    "ratio": _zip({"manifest.json": MANIFEST, "app.json": b'{"k": "' + b"a" * (20 << 20) + b'"}'}),
    "outside the folder": _zip({"manifest.json": json.dumps({**json.loads(MANIFEST), "files": {
        "app": "../../etc/app.json"}}).encode(), "app.json": APP}),
    "entries": _zip({"manifest.json": MANIFEST, **{f"f{i}.json": b"{}" for i in range(501)}}),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_archives_are_refused_with_the_file_named(org: Org, name: str) -> None:
    response = upload(org.client(), HOSTILE[name], dry_run=True)
    assert response.status_code in (413, 422), response.text
    assert response.json()["errors"][0]["path"] in ("/file", "/files"), response.text
    assert org.client().get("/api/v1/apps/x").status_code == 404


def test_uploads_over_the_limit_are_refused_before_reading(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dajian.platform.api.templates.MAX_ARCHIVE", 1024)
    response = upload(org.client(), folder_zip(TEMPLATE))
    assert response.status_code == 413 and response.json()["errors"][0]["path"] == "/file"
    monkeypatch.setattr(template_archive, "MAX_TOTAL", 4096)
    monkeypatch.setattr("dajian.platform.api.templates.MAX_ARCHIVE", 8 << 20)
    expands = upload(org.client(), folder_zip(TEMPLATE), dry_run=True)
    assert expands.status_code == 413, expands.text


def test_members_may_not_install_templates(org: Org) -> None:
    org.add_user("agent")
    assert upload(org.client("agent"), folder_zip(TEMPLATE), dry_run=True).status_code == 403
