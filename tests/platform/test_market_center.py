"""The template center through its API (SQLite and PostgreSQL): a partner publishes a signed template, a reviewer
requests a change, 1.0.1 is approved and published; another organisation's admin finds it by a Chinese search,
installs it, rates it, and is told when the version is yanked. Semver and signatures are enforced at upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from dajian.platform.market.center import add_reviewer
from dajian.platform.market.package import new_key, pack_folder, sign_package
from dajian.platform.models import audit_log
from dajian.platform.rules.tables import notifications
from tests.platform.conftest import Org, ticket_app
from tests.platform.market_jobs import finish
from tests.platform.test_market_install import template

KEY_PEM, PUBLIC_KEY = new_key()
M = "/api/v1/market"


def package(tmp: Path, doc: dict[str, Any], version: str, *, key: bytes = KEY_PEM) -> bytes:
    return sign_package(pack_folder(template(tmp, doc, version)), key)


def upload(client: TestClient, data: bytes) -> Any:
    return client.post(M + "/publisher/versions", content=data, headers={"Content-Type": "application/zip"})


def act(client: TestClient, version_id: int, action: str, comment: str | None = None) -> Any:
    return client.post(f"{M}/versions/{version_id}/act", json={"action": action, "comment": comment})


def partner(org: Org) -> TestClient:
    org.add_user("partner")
    client = org.client("partner")
    made = client.put(M + "/me/publisher", json={"name": "Acme 合作伙伴", "site": "https://acme.example"})
    assert made.status_code == 200, made.text
    assert client.post(M + "/me/keys", json={"public_key": PUBLIC_KEY}).status_code == 201
    return client


def reviewer(org: Org, engine: Engine) -> TestClient:
    user_id = org.add_user("reviewer")
    with engine.begin() as conn:
        add_reviewer(conn, user_id)
    return org.client("reviewer")


def test_publish_review_install_rate_and_yank(org: Org, engine: Engine, tmp_path: Path) -> None:
    publisher, judge = partner(org), reviewer(org, engine)
    first = upload(publisher, package(tmp_path, ticket_app(), "1.0.0"))
    assert first.status_code == 201, first.text
    v1 = first.json()
    assert v1["state"] == "draft" and v1["checks"]["diff"]["forms"]["added"] == ["ticket"]
    assert act(publisher, v1["id"], "submit").json()["state"] == "submitted"
    assert act(publisher, v1["id"], "approve").status_code == 403  # not a reviewer
    queue = judge.get(M + "/review/queue").json()  # the whole center's: other tests' versions may wait too
    assert [v["id"] for v in queue if v["template"] == "tickets"] == [v1["id"]]
    assert act(judge, v1["id"], "request_changes").status_code == 422  # a comment is required
    asked = act(judge, v1["id"], "request_changes", "请补充英文说明")
    assert asked.json()["state"] == "changes_requested"
    mine = publisher.get(M + "/publisher/versions").json()
    assert mine[0]["events"][-1]["comment"] == "请补充英文说明"

    doc = ticket_app()
    doc["forms"][0]["fields"].append({"key": "channel", "kind": "text", "label": {"zh-CN": "渠道", "en": "Channel"}})
    second = upload(publisher, package(tmp_path, doc, "1.0.1")).json()
    assert second["checks"]["previous"] is None and "ticket.channel" in second["checks"]["diff"]["fields"]["added"]
    act(publisher, second["id"], "submit")
    assert act(judge, second["id"], "start_review").json()["state"] == "in_review"
    assert act(judge, second["id"], "approve", "看起来不错").json()["state"] == "approved"
    assert publisher.get(M + "/templates/tickets").status_code == 404  # approved is not yet listed
    assert act(publisher, second["id"], "publish").json()["state"] == "published"

    with engine.connect() as conn:
        decisions = conn.execute(select(audit_log.c.action, audit_log.c.changes)
                                 .where(audit_log.c.entity == "market_version", audit_log.c.actor_id != None)  # noqa: E711
                                 .order_by(audit_log.c.id)).all()  # fmt: skip
    assert ("request_changes", {"state": ["submitted", "changes_requested"], "comment": "请补充英文说明"}) in [
        (a, c) for a, c in decisions]

    found = TestClient(org.api).get(M + "/templates", params={"q": "工单", "limit": 100}).json()
    assert [(c["key"], c["latest_version"]) for c in found["items"] if c["key"] == "tickets"] == [("tickets", "1.0.1")]
    unmatched = TestClient(org.api).get(M + "/templates", params={"q": "采购", "publisher": "Acme 合作伙伴"}).json()
    assert unmatched["count"] == 0

    admin = org.client()
    assert admin.post(M + "/templates/tickets/ratings", json={"stars": 5}).status_code == 403  # not installed
    uploaded = admin.post("/api/v1/admin/market/center/install", json={"template": "tickets", "version": "1.0.1"})
    assert uploaded.status_code == 200, uploaded.text
    assert admin.post("/api/v1/admin/market/keys", json={"label": "Acme", "public_key": PUBLIC_KEY}).status_code == 201
    installed = finish(admin, engine, admin.post(f"/api/v1/admin/market/packages/{uploaded.json()['id']}/install",
                                                 json={}))
    assert installed["state"] == "succeeded", installed
    rated = admin.post(M + "/templates/tickets/ratings", json={"stars": 4, "comment": "好用"}).json()
    assert (rated["rating"], rated["ratings"], rated["installs"]) == (4.0, 1, 1)

    assert act(judge, second["id"], "yank", "安全问题").json()["state"] == "yanked"
    assert admin.get(M + "/templates/tickets/versions/1.0.1/package").status_code == 410
    with engine.connect() as conn:
        told = conn.execute(select(notifications.c.title).where(notifications.c.org_id == org.id,
                                                                notifications.c.source == "market")).scalars().all()
    assert told and "yanked" in told[0]


def test_semver_and_signature_are_enforced_at_upload(org: Org, engine: Engine, tmp_path: Path) -> None:
    publisher, judge = partner(org), reviewer(org, engine)
    orders = {"key": "orders", "label": {"zh-CN": "订单", "en": "Orders"}}
    v1 = upload(publisher, package(tmp_path, ticket_app(**orders), "1.0.0")).json()
    for action, client in (("submit", publisher), ("approve", judge), ("publish", publisher)):
        assert act(client, v1["id"], action).status_code == 200
    doc = ticket_app(**orders)
    doc["forms"][0]["fields"] = [f for f in doc["forms"][0]["fields"] if f["key"] != "qty"]
    refused = upload(publisher, package(tmp_path / "a", doc, "1.1.0"))
    assert refused.status_code == 422 and "major" in refused.json()["detail"]
    v2 = upload(publisher, package(tmp_path / "b", doc, "2.0.0")).json()
    assert v2["checks"]["previous"] == "1.0.0" and v2["checks"]["bump"] == "major"
    assert v2["checks"]["diff"]["fields"] == {"added": [], "changed": [], "removed": ["ticket.qty"]}
    other_pem, _ = new_key()
    foreign = upload(publisher, package(tmp_path / "c", doc, "3.0.0", key=other_pem))
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["path"] == "/signature"


def test_the_publish_command_uploads_and_submits_with_a_token(org: Org, engine: Engine, tmp_path: Path) -> None:
    from dajian.platform.market.center_cli import publish_package

    partner(org)
    token = org.client("partner").post("/api/v1/auth/tokens", json={"name": "ci", "scopes": ["apps:manage"]})
    assert token.status_code == 201, token.text
    client = TestClient(org.api, headers={"Authorization": f"Bearer {token.json()['token']}"})
    version = publish_package(client, package(tmp_path, ticket_app(key="visits"), "0.1.0"), submit=True)
    assert (version["template"], version["version"], version["state"]) == ("visits", "0.1.0", "submitted")
    # the review queue is the whole center's: take it out again, tests leave the center as they found it
    assert act(reviewer(org, engine), version["id"], "request_changes", "测试结束").status_code == 200
