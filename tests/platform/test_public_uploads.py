"""Anonymous attachments on a public form (SQLite and PostgreSQL): an upload without a sign-in, bound
by its token to the one submission that claims it; the signed-in upload's checks on type, size and
content; a limit per address; and staff of the app reading the file once a record holds it."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.files import files, is_upload_path, storage_key
from dajian.platform.jobs import Worker
from dajian.platform.rules.channels import UPLOADS_PER_CLIENT
from dajian.platform.rules.public_uploads import public_uploads
from dajian.platform.rules.upload_sweep import SWEEP_KIND
from tests.platform.conftest import Org, publish

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
PDF = b"%PDF-1.4\n" + b"x" * 300
RECORDS = "/api/v1/apps/feedback/forms/report/records"


def feedback_app() -> dict[str, Any]:
    text = {"kind": "text"}
    fields = [
        {"key": "title", "label": {"zh-CN": "标题", "en": "Title"}, "required": True, **text},
        {"key": "phone", "label": {"zh-CN": "电话", "en": "Phone"}, **text},
        {"key": "channel", "label": {"zh-CN": "渠道", "en": "Channel"}, **text},
        {"key": "evidence", "kind": "attachment", "label": {"zh-CN": "凭证", "en": "Evidence"},
         "config": {"max_files": 2, "accept": [".pdf", "image/*"]}},
        {"key": "photo", "kind": "image", "label": {"zh-CN": "照片", "en": "Photo"}},
        {"key": "internal", "kind": "attachment", "label": {"zh-CN": "内部附件", "en": "Internal files"}},
    ]
    staff = {"report": {"actions": ["create", "read", "update"], "row_scope": "all"}}
    return {"schema_version": 2, "key": "feedback", "label": {"zh-CN": "反馈", "en": "Feedback"},
            "forms": [{"key": "report", "label": {"zh-CN": "反馈", "en": "Report"}, "fields": fields}],
            "roles": [{"key": "staff", "label": {"en": "Staff"}, "permissions": staff}],
            "rules": [{"key": "web", "kind": "public_form", "form": "report", "contact_field": "phone",
                       "fields": ["title", "phone", "evidence", "photo"], "status_lookup": False,
                       "rate_limit": {"max": 50, "per_minutes": 10}}]}


@pytest.fixture
def site(org: Org) -> Org:
    admin = org.client()
    published = publish(admin, feedback_app())
    assert published.status_code == 200, published.text
    staff = org.add_user("staff")
    granted = admin.post("/api/v1/admin/memberships", json={"user_id": staff, "app": "feedback", "role": "staff"})
    assert granted.status_code == 201, granted.text
    return org


def files_url(org: Org, field: str) -> str:
    return f"/api/v1/public/{org.key}/feedback/forms/report/fields/{field}/files"


def upload(client: TestClient, org: Org, data: bytes, name: str, field: str = "evidence") -> Response:
    headers = {"X-Filename": quote(name), "Content-Type": "application/octet-stream"}
    response: Response = client.post(files_url(org, field), content=data, headers=headers)
    return response


def uploaded(client: TestClient, org: Org, data: bytes, name: str, field: str = "evidence") -> dict[str, Any]:
    response = upload(client, org, data, name, field)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def submit(client: TestClient, org: Org, **values: Any) -> Response:
    response: Response = client.post(f"/api/v1/public/{org.key}/feedback/forms/report",
                                     json={"title": "坏了", "phone": "13800000000", **values})
    return response


def test_a_visitor_attaches_files_and_staff_read_them_on_the_record(site: Org, api: Any) -> None:
    visitor = TestClient(api)
    form = visitor.get(f"/api/v1/public/{site.key}/feedback/forms/report").json()
    evidence = next(f for f in form["fields"] if f["key"] == "evidence")
    assert evidence["upload_max_bytes"] == 10 * 1024 * 1024 and evidence["config"]["max_files"] == 2

    pdf = uploaded(visitor, site, PDF, "发票.pdf")
    photo = uploaded(visitor, site, PNG, "现场.png", field="photo")
    assert set(pdf) == {"id", "name", "size", "mime", "sha256", "token"} and pdf["name"] == "发票.pdf"
    assert visitor.get(f"/api/v1/files/{pdf['id']}").status_code == 401  # nobody reads an anonymous upload

    made = submit(visitor, site, evidence=[pdf], photo=[photo])
    assert made.status_code == 201, made.text
    staff = site.client("staff")
    [record] = staff.get(RECORDS).json()["items"]
    assert [f["name"] for f in record["evidence"]] == ["发票.pdf"] and "token" not in record["evidence"][0]
    assert record["photo"][0]["mime"] == "image/png"
    download = staff.get(f"/api/v1/files/{pdf['id']}")
    assert download.status_code == 200 and download.content == PDF
    with site.engine.connect() as conn:
        bound = conn.execute(select(public_uploads.c.record_id).where(public_uploads.c.file_id == pdf["id"]))
        assert bound.scalar_one() == record["id"]


def test_an_upload_is_claimed_once_and_only_with_its_token(site: Org, api: Any) -> None:
    visitor = TestClient(api)
    pdf = uploaded(visitor, site, PDF, "a.pdf")
    forged = submit(visitor, site, evidence=[{**pdf, "token": "guessed"}])
    assert forged.status_code == 422 and forged.json()["errors"][0]["path"] == "/evidence/0"
    tokenless = submit(visitor, site, evidence=[{k: v for k, v in pdf.items() if k != "token"}])
    assert tokenless.status_code == 422 and tokenless.json()["errors"][0]["path"] == "/evidence/0"
    wrong_field = submit(visitor, site, photo=[pdf])
    assert wrong_field.status_code == 422 and wrong_field.json()["errors"][0]["path"] == "/photo/0"
    other_content = submit(visitor, site, evidence=[{**pdf, "sha256": "0" * 64}])
    assert other_content.status_code == 422

    assert submit(visitor, site, evidence=[pdf]).status_code == 201
    again = submit(visitor, site, evidence=[pdf])  # the same upload for a second submission
    assert again.status_code == 422 and "already submitted" in again.json()["errors"][0]["message"]
    assert len(site.client("staff").get(RECORDS).json()["items"]) == 1

    staff_file = site.client("staff").post("/api/v1/apps/feedback/forms/report/fields/evidence/files",
                                           content=PDF, headers={"X-Filename": "s.pdf"}).json()
    smuggled = submit(visitor, site, evidence=[{**staff_file, "token": pdf["token"]}])
    assert smuggled.status_code == 422  # a signed-in user's file is no public upload


def test_hostile_and_oversized_files_are_refused(site: Org, api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    visitor = TestClient(api)
    wrong_type = upload(visitor, site, b"<script>alert(1)</script>", "x.html")
    assert wrong_type.status_code == 422 and wrong_type.json()["errors"][0]["path"] == "/evidence"
    fake_image = upload(visitor, site, b"MZ\x90\x00" + b"\x00" * 100, "photo.png", field="photo")
    assert fake_image.status_code == 422 and "not a JPEG" in fake_image.json()["errors"][0]["message"]
    assert upload(visitor, site, PDF, "a.pdf", field="internal").status_code == 404  # not on the public form
    assert upload(visitor, site, PDF, "a.pdf", field="title").status_code == 404
    named = uploaded(visitor, site, PDF, "../../etc/\x00passwd.pdf")
    assert named["name"] == "passwd.pdf"

    monkeypatch.setenv("DAJIAN_PUBLIC_MAX_UPLOAD_BYTES", "1000")
    too_large = upload(visitor, site, PDF + b"y" * 1000, "big.pdf")
    assert too_large.status_code == 413 and too_large.json()["errors"][0]["path"] == "/evidence"
    form = visitor.get(f"/api/v1/public/{site.key}/feedback/forms/report").json()
    assert next(f for f in form["fields"] if f["key"] == "evidence")["upload_max_bytes"] == 1000

    three = [uploaded(visitor, site, PDF + bytes([i]), f"{i}.pdf") for i in range(3)]
    over = submit(visitor, site, evidence=three)
    assert over.status_code == 422 and over.json()["errors"] == [{"path": "/evidence", "message": "at most 2 files"}]
    with site.engine.connect() as conn:  # the refused submission claimed nothing
        claimed = select(public_uploads.c.file_id).where(public_uploads.c.claimed_at.is_not(None),
                                                         public_uploads.c.file_id.in_([f["id"] for f in three]))
        assert conn.execute(claimed).all() == []
    assert submit(visitor, site, evidence=three[:2]).status_code == 201


def test_uploads_are_limited_per_address(site: Org, api: Any) -> None:
    def send(i: int) -> int:
        client = TestClient(api, client=("203.0.113.20", 41000 + i))
        return upload(client, site, PDF + str(i).encode(), f"{i}.pdf").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(send, range(UPLOADS_PER_CLIENT + 4)))
    assert statuses == [201] * UPLOADS_PER_CLIENT + [429] * 4
    elsewhere = TestClient(api, client=("203.0.113.21", 41000))
    assert upload(elsewhere, site, PDF, "ok.pdf").status_code == 201


def test_the_public_upload_path_takes_a_raw_body() -> None:
    assert is_upload_path("/api/v1/public/acme/feedback/forms/report/fields/evidence/files")
    assert not is_upload_path("/api/v1/public/acme/feedback/forms/report")
    assert not is_upload_path("/api/v1/public/acme/feedback/forms/report/import/preview")


def test_uploads_nobody_submitted_are_swept_after_the_claim_window(
        site: Org, api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAJIAN_FILES_DIR", str(api.state.settings.files_dir))
    clock = ManualClock(datetime.now(UTC))
    previous = set_clock(clock)
    try:
        visitor = TestClient(api)
        kept_pdf = PDF + secrets.token_bytes(16)
        submitted = uploaded(visitor, site, kept_pdf, "kept.pdf")
        same_bytes = uploaded(visitor, site, kept_pdf, "copy.pdf")  # shares the stored blob with `submitted`
        abandoned = uploaded(visitor, site, PDF + secrets.token_bytes(16), "abandoned.pdf")
        assert submit(visitor, site, evidence=[submitted]).status_code == 201
        store = Path(api.state.settings.files_dir)
        blob = {f["id"]: store / storage_key(f["sha256"]) for f in (submitted, same_bytes, abandoned)}
        assert all(path.exists() for path in blob.values())

        worker = Worker(site.engine, worker_id="sweeper", kinds=[SWEEP_KIND])
        clock.advance(timedelta(hours=23))
        worker.run_once()  # within the window nothing goes (a late submission may still claim them)
        assert file_ids(site) == {submitted["id"], same_bytes["id"], abandoned["id"]}
        clock.advance(timedelta(hours=2))
        assert worker.run_once() >= 1
        assert file_ids(site) == {submitted["id"]}
        assert not blob[abandoned["id"]].exists() and blob[submitted["id"]].exists()
        staff = site.client("staff")
        assert staff.get(f"/api/v1/files/{submitted['id']}").content == kept_pdf
        assert staff.get(f"/api/v1/files/{abandoned['id']}").status_code == 404
    finally:
        set_clock(previous)


def file_ids(org: Org) -> set[int]:
    with org.engine.connect() as conn:
        return set(conn.execute(select(files.c.id).where(files.c.org_id == org.id)).scalars())
