"""A remote template center (SQLite and PostgreSQL): two real servers. The remote is a Dajian server under uvicorn
on its own database, where a partner publishes; the local organisation's admin configures it by URL (refused as a
private address until the outbound allow-list names it), browses its listing over HTTP, and installs a version
whose signature is verified against the publisher key the remote serves, pinned on first use: a remote that later
serves another key for that publisher is refused. An unreachable remote or an oversized answer is a 502."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine, select

from dajian.platform.app import create_app
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.config import Settings
from dajian.platform.db import make_engine
from dajian.platform.market import remote as remote_service
from dajian.platform.market.package import new_key
from dajian.platform.market.tables import market_trusted_keys
from dajian.platform.migrate import upgrade
from dajian.platform.models import audit_log
from tests.conftest import new_pg_database
from tests.platform.conftest import PASSWORD, Org
from tests.platform.market_jobs import finish
from tests.platform.market_listing_data import Publisher, publisher, writing

R = "/api/v1/admin/market/remotes"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Remote:
    url: str
    engine: Engine
    center: Publisher


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _database(engine: Engine, tmp: Path) -> Iterator[str]:
    """A second database of the test's kind."""
    if engine.dialect.name == "postgresql":
        with new_pg_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp / 'remote.db'}"


@contextmanager
def serving(engine: Engine, tmp: Path) -> Iterator[tuple[str, Engine]]:
    """Another Dajian server on its own database, under uvicorn on a free port."""
    with _database(engine, tmp) as url:
        other = make_engine(url)
        upgrade(other)
        port = _free_port()
        config = uvicorn.Config(create_app(Settings(database_url=url, files_dir=tmp / "files"), engine=other),
                                host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="remote-center", daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the remote center did not start"
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", other
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            other.dispose()


@pytest.fixture(scope="module")
def remote(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    tmp = tmp_path_factory.mktemp("remote")
    with serving(engine, tmp) as (url, other):
        with writing(other) as conn:
            org_id = create_organisation(conn, key="acme", name="Acme 伙伴")
            partner_id = create_user(conn, org_id=org_id, username="partner", password=PASSWORD)
            reviewer_id = create_user(conn, org_id=org_id, username="reviewer", password=PASSWORD)
        yield Remote(url, other, publisher(other, org_id=org_id, partner_id=partner_id, reviewer_id=reviewer_id,
                                           name="Acme 远程伙伴"))


def test_configure_browse_and_install_from_a_remote_center(org: Org, remote: Remote, tmp_path: Path) -> None:
    key = f"remote_{secrets.token_hex(3)}"
    remote.center.publish(remote.center.package(tmp_path, key=key, version="1.0.0", name="远程工单", category="客服",
                                                tags=["远程"], screenshot=PNG))
    admin = org.client()
    refused = admin.post(R, json={"url": remote.url, "label": "Acme 中心"})
    assert refused.status_code == 403, refused.text  # a loopback address, not on the allow-list
    assert refused.json()["reason"] == "destination_refused" and refused.json()["errors"][0]["path"] == "/url"
    assert admin.post(R, json={"url": "ftp://center.example", "label": "x"}).json()["errors"] == [
        {"path": "/url", "message": "use http:// or https://"}]
    assert admin.put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1"]}).status_code == 200
    made = admin.post(R, json={"url": remote.url + "/", "label": "Acme 中心"})
    assert made.status_code == 201, made.text
    center = made.json()
    assert center["url"] == remote.url and center["pins"] == {}
    assert admin.post(R, json={"url": remote.url, "label": "again"}).status_code == 409

    org.add_user("clerk")
    assert org.client("clerk").get(f"{R}/{center['id']}/templates").status_code == 403  # admins only

    listed = admin.get(f"{R}/{center['id']}/templates", params={"q": "远程"})
    assert listed.status_code == 200, listed.text
    card = next(c for c in listed.json()["items"] if c["key"] == key)
    assert card["publisher"] == "Acme 远程伙伴" and card["latest_version"] == "1.0.0" and card["screenshots"] == 1
    detail = admin.get(f"{R}/{center['id']}/templates/{key}")
    assert detail.status_code == 200 and [v["version"] for v in detail.json()["versions"]] == ["1.0.0"]
    assert detail.json()["screenshots"] == 1
    shot = admin.get(f"{R}/{center['id']}/templates/{key}/screenshots/0")  # through this server, never the browser
    assert shot.status_code == 200 and shot.content == PNG and shot.headers["content-type"] == "image/png"
    assert admin.get(f"{R}/{center['id']}/templates/{key}/screenshots/1").status_code == 404
    assert org.client("clerk").get(f"{R}/{center['id']}/templates/{key}/screenshots/0").status_code == 403
    assert admin.get(f"{R}/{center['id']}/templates/nothing_here").status_code == 404

    fetched = admin.post(f"{R}/{center['id']}/install", json={"template": key, "version": "1.0.0"})
    assert fetched.status_code == 200, fetched.text
    upload = fetched.json()
    assert upload["signature"]["status"] == "trusted" and upload["package"]["key"] == key
    pinned = admin.get(R).json()[0]["pins"]
    assert list(pinned) == ["Acme 远程伙伴"]
    trusted = admin.get("/api/v1/admin/market/keys").json()
    assert [k["label"] for k in trusted if k["key_id"] == pinned["Acme 远程伙伴"]] == [
        f"Acme 远程伙伴 @ {remote.url.removeprefix('http://')}"]
    job = finish(admin, org.engine, admin.post(f"/api/v1/admin/market/packages/{upload['id']}/install", json={}))
    assert job["state"] == "succeeded", job
    assert admin.get(f"/api/v1/apps/{key}/forms/ticket/records").status_code == 200
    with org.engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).where(audit_log.c.org_id == org.id,
                                                                 audit_log.c.entity == "template")).scalars().all()
    assert {"add_remote", "pin_key", "trust_key", "install"} <= set(actions)

    # the remote now serves another key for the publisher: refused, the pin holds
    other_pem, other_public = new_key()
    with writing(remote.engine) as conn:
        from dajian.platform.market import center as center_service
        center_service.add_key(conn, remote.center.partner, other_public)
    rotated = Publisher(remote.engine, remote.center.partner, remote.center.reviewer, remote.center.name, other_pem)
    rotated.publish(rotated.package(tmp_path / "rotated", key=key, version="1.1.0", name="远程工单",
                                    category="客服", tags=["远程"]))
    swapped = admin.post(f"{R}/{center['id']}/install", json={"template": key, "version": "1.1.0"})
    assert swapped.status_code == 409, swapped.text
    assert "not the pinned" in swapped.json()["detail"] and swapped.json()["errors"][0]["path"] == "/signature"
    with org.engine.connect() as conn:
        keys = conn.execute(select(market_trusted_keys.c.key_id).where(market_trusted_keys.c.org_id == org.id)).all()
    assert len(keys) == 1

    assert admin.delete(f"{R}/{center['id']}").status_code == 204
    assert admin.get(R).json() == []


def test_an_unreachable_or_oversized_remote_is_a_502(org: Org, remote: Remote, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = org.client()
    assert admin.put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1"]}).status_code == 200
    closed = admin.post(R, json={"url": f"http://127.0.0.1:{_free_port()}", "label": "关掉的"}).json()
    gone = admin.get(f"{R}/{closed['id']}/templates")
    assert gone.status_code == 502 and "could not be reached" in gone.json()["detail"], gone.text
    live = admin.post(R, json={"url": remote.url, "label": "Acme"}).json()
    monkeypatch.setattr(remote_service, "MAX_JSON", 64)
    big = admin.get(f"{R}/{live['id']}/templates")
    assert big.status_code == 502 and "more than 64 bytes" in big.json()["detail"], big.text
    not_center = admin.post(R, json={"url": remote.url + "/api/v1/auth", "label": "not a center"}).json()
    monkeypatch.undo()
    wrong = admin.get(f"{R}/{not_center['id']}/templates")
    assert wrong.status_code in (404, 502), wrong.text


def test_a_remote_screenshot_is_passed_on_only_as_the_image_it_is() -> None:
    assert remote_service.image_type(PNG) == "image/png"
    assert remote_service.image_type(b"\xff\xd8\xff\xe0" + b"\x00" * 16) == "image/jpeg"
    assert remote_service.image_type(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert remote_service.image_type(b"<html><script>alert(1)</script>") is None  # never served from our origin
    assert remote_service.image_type(b"") is None
