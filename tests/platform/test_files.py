"""Attachments: streamed upload with limits and type checks, attach to a record, permission-checked download."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from dajian.platform.auth import create_organisation, create_user
from dajian.platform.files import is_upload_path
from tests.platform.conftest import PASSWORD, Org, publish, ticket_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
FILES = "/api/v1/apps/tickets/forms/ticket/fields/files/files"
PHOTO = "/api/v1/apps/tickets/forms/ticket/fields/photo/files"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
LIMIT = 50 * 1024  # the "files" field's max_size_mb


def file_app() -> dict[str, Any]:
    doc = ticket_app(roles=[
        {"key": "own", "label": {"en": "own"},
         "permissions": {"ticket": {"actions": ["create", "read", "update"], "row_scope": "own"}}},
        {"key": "all", "label": {"en": "all"}, "permissions": {"ticket": {"actions": ["read"], "row_scope": "all"}}},
        {"key": "nofiles", "label": {"en": "nofiles"},
         "permissions": {"ticket": {"actions": ["read"], "row_scope": "all", "read_fields": ["title"]}}},
    ])
    doc["forms"][0]["fields"] += [
        {"key": "files", "kind": "attachment", "label": {"zh-CN": "附件", "en": "Files"},
         "config": {"max_files": 3, "max_size_mb": LIMIT / 1024 / 1024, "accept": [".pdf", ".txt", "image/*"]}},
        {"key": "photo", "kind": "image", "label": {"zh-CN": "照片", "en": "Photo"}},
    ]
    return doc


@pytest.fixture
def people(org: Org) -> dict[str, TestClient]:
    admin = org.client()
    assert publish(admin, file_app()).status_code == 200
    clients = {"admin": admin}
    for name, role in [("alice", "own"), ("bob", "own"), ("carol", "all"), ("dave", "nofiles")]:
        user_id = org.add_user(name)
        grant = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": role})
        assert grant.status_code == 201, grant.text
        clients[name] = org.client(name)
    return clients


def chunks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


def upload(client: TestClient, data: bytes, name: str, url: str = FILES, *, stream: bool = True) -> Response:
    headers = {"X-Filename": quote(name), "Content-Type": "application/octet-stream"}
    response: Response = client.post(url, content=chunks(data) if stream else data, headers=headers)
    return response


def uploaded(client: TestClient, data: bytes, name: str, url: str = FILES) -> dict[str, Any]:
    response = upload(client, data, name, url)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_streamed_upload_hashes_and_stores_the_content_once(people: dict[str, TestClient], org: Org) -> None:
    data = bytes(range(256)) * 160  # 40 KiB, sent in 4 KiB chunks without a Content-Length
    first = uploaded(people["alice"], data, "会议纪要.pdf")
    second = uploaded(people["bob"], data, "copy.pdf")
    digest = hashlib.sha256(data).hexdigest()
    assert first == {"id": first["id"], "name": "会议纪要.pdf", "size": len(data), "mime": "application/pdf",
                     "sha256": digest}
    assert second["sha256"] == digest and second["id"] != first["id"]
    root = Path(org.api.state.settings.files_dir)
    assert [p.name for p in root.rglob(digest)] == [digest]
    image = uploaded(people["alice"], PNG, "snap.png", PHOTO)
    assert image["mime"] == "image/png"


def test_too_large_is_413_naming_the_field(people: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    alice = people["alice"]
    for stream in (True, False):  # counted while streaming, and refused early from Content-Length
        response = upload(alice, b"x" * (LIMIT + 1), "big.txt", stream=stream)
        assert response.status_code == 413, response.text
        assert response.json()["errors"] == [{"path": "/files", "message": f"larger than {LIMIT} bytes"}]
    monkeypatch.setenv("DAJIAN_MAX_UPLOAD_BYTES", "1000")
    response = upload(alice, PNG * 10, "snap.png", PHOTO)
    assert response.status_code == 413 and response.json()["errors"][0]["path"] == "/photo"
    assert upload(alice, b"small", "small.txt").status_code == 201


def test_wrong_type_is_422_naming_the_field(people: dict[str, TestClient]) -> None:
    alice = people["alice"]
    exe = upload(alice, b"MZ\x90\x00", "setup.exe")
    assert exe.status_code == 422 and "field 'files'" in exe.json()["detail"]
    assert exe.json()["errors"][0]["path"] == "/files"
    fake = upload(alice, b"<html><script>alert(1)</script></html>", "cat.png")
    assert fake.status_code == 422
    assert fake.json()["errors"] == [{"path": "/files",
                                      "message": "the content is not a JPEG, PNG, GIF, WebP or BMP image"}]
    pdf_as_photo = upload(alice, b"%PDF-1.7", "scan.pdf", PHOTO)
    assert pdf_as_photo.status_code == 422 and pdf_as_photo.json()["errors"][0]["path"] == "/photo"
    assert upload(alice, b"data", "").status_code == 400
    reader = upload(people["carol"], b"%PDF", "a.pdf")  # may read records, not write them
    assert reader.status_code == 403
    assert upload(alice, b"%PDF", "a.pdf", "/api/v1/apps/tickets/forms/ticket/fields/title/files").status_code == 404


def test_attached_file_is_downloadable_only_by_readers_of_the_record(people: dict[str, TestClient]) -> None:
    alice = people["alice"]
    data = b"%PDF-1.7 contract"
    f = uploaded(alice, data, "合同 v2.pdf")
    rec = alice.post(RECORDS, json={"title": "with file", "files": [f]})
    assert rec.status_code == 201, rec.text
    assert rec.json()["files"] == [f]
    for who in ("alice", "carol", "admin"):
        got = people[who].get(f"/api/v1/files/{f['id']}")
        assert got.status_code == 200, who
        assert got.content == data and got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"] == (
            "attachment; filename=\"__ v2.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C%20v2.pdf")
    assert people["carol"].get(f"/api/v1/files/{f['id']}/meta").json()["name"] == "合同 v2.pdf"
    for who in ("bob", "dave"):  # bob cannot see alice's record; dave cannot read the field
        assert people[who].get(f"/api/v1/files/{f['id']}").status_code == 404, who
        assert people[who].get(f"/api/v1/files/{f['id']}/meta").status_code == 404, who
    assert people["admin"].delete(f"{RECORDS}/{rec.json()['id']}").status_code == 204
    assert people["carol"].get(f"/api/v1/files/{f['id']}").status_code == 404


def test_another_org_gets_404(people: dict[str, TestClient], org: Org) -> None:
    f = uploaded(people["admin"], b"%PDF secret", "secret.pdf")
    assert people["admin"].post(RECORDS, json={"title": "t", "files": [f]}).status_code == 201
    stranger = _other_org(org).client()
    assert stranger.get(f"/api/v1/files/{f['id']}").status_code == 404
    assert publish(stranger, file_app()).status_code == 200
    foreign = stranger.post(RECORDS, json={"title": "t", "files": [f]})
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == [{"path": "/files", "message": f"no file with id {f['id']}"}]


def _other_org(org: Org) -> Org:
    key = f"org_{secrets.token_hex(4)}"
    with org.engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=key)
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    return Org(api=org.api, engine=org.engine, key=key, id=org_id, admin_id=admin_id)


def test_unattached_files_only_for_their_uploader(people: dict[str, TestClient]) -> None:
    f = uploaded(people["alice"], b"draft", "draft.txt")
    assert people["alice"].get(f"/api/v1/files/{f['id']}").content == b"draft"
    assert people["carol"].get(f"/api/v1/files/{f['id']}").status_code == 404
    assert people["admin"].get(f"/api/v1/files/{f['id']}").status_code == 404


def test_naming_a_file_without_its_hash_grants_nothing(people: dict[str, TestClient]) -> None:
    alice, bob = people["alice"], people["bob"]
    f = uploaded(alice, b"%PDF private", "private.pdf")
    assert alice.post(RECORDS, json={"title": "mine", "files": [f]}).status_code == 201
    forged = {**f, "sha256": "0" * 64}
    assert bob.post(RECORDS, json={"title": "grab", "files": [forged]}).status_code == 201
    assert bob.get(f"/api/v1/files/{f['id']}").status_code == 404
    missing_hash = bob.post(RECORDS, json={"title": "grab", "files": [{"id": f["id"], "name": "x.pdf"}]})
    assert missing_hash.status_code == 422
    assert missing_hash.json()["errors"] == [
        {"path": "/files", "message": "each file needs the sha256 returned by the upload"}]


def test_field_config_limits_the_number_of_files(people: dict[str, TestClient]) -> None:
    alice = people["alice"]
    items = [uploaded(alice, f"n{i}".encode(), f"n{i}.txt") for i in range(4)]
    response = alice.post(RECORDS, json={"title": "many", "files": items})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "/files", "message": "at most 3 files"}]


def test_upload_paths_are_the_ones_exempt_from_the_json_body_limit() -> None:
    assert is_upload_path(FILES) and is_upload_path("/api/v1/apps/a/forms/b/import/preview")
    assert not is_upload_path("/api/v1/apps/a/forms/b/import") and not is_upload_path(RECORDS)
    assert not is_upload_path("/api/v1/apps/a/forms/b/fields/c/files/../../records")
