"""``Idempotency-Key`` on record creates, bulk creates and public submissions (SQLite and PostgreSQL):
a retry answers the first answer again and makes no second record; the same key with another body
is refused; two concurrent requests with one key make one record; keys expire after 24 hours."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dajian.platform import idempotency
from dajian.platform import records as record_service
from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.models import idempotency_keys
from tests.platform.conftest import Org, publish, ticket_app

URL = "/api/v1/apps/tickets/forms/ticket/records"
CHANNEL = {"key": "channel", "kind": "text", "label": {"en": "Channel"}}
WEB = {"key": "web", "kind": "public_form", "form": "ticket", "fields": ["title", "body"],
       "status_lookup": False, "rate_limit": {"max": 50, "per_minutes": 10}}


@pytest.fixture
def admin(org: Org) -> Iterator[TestClient]:
    doc = ticket_app(rules=[WEB])
    doc["forms"][0]["fields"].append(CHANNEL)
    client = org.client()
    published = publish(client, doc)
    assert published.status_code == 200, published.text
    yield client
    client.close()


def count(org: Org, **where: Any) -> int:
    rows = admin_list(org)
    return sum(1 for r in rows if all(r.get(k) == v for k, v in where.items()))


def admin_list(org: Org) -> list[dict[str, Any]]:
    with org.client() as client:
        listed = client.get(URL, params={"limit": 200})
        assert listed.status_code == 200, listed.text
        return list(listed.json()["items"])


def post(client: TestClient, body: Any, key: str | None, url: str = URL) -> Any:
    return client.post(url, json=body, headers={"Idempotency-Key": key} if key else {})


def test_a_retried_create_answers_the_first_answer_and_makes_no_second_record(org: Org, admin: TestClient) -> None:
    body = {"title": "printer jams", "amount": "12.50", "seen_at": "2026-03-01T08:00:00Z"}
    first = post(admin, body, "retry-1")
    again = post(admin, body, "retry-1")
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert count(org, title="printer jams") == 1
    assert post(admin, body, None).status_code == 201  # without a key: a new record, as before
    assert post(admin, body, "retry-2").json()["id"] != first.json()["id"]  # another key: another record
    assert count(org, title="printer jams") == 3


def test_a_key_reused_with_another_body_is_refused(org: Org, admin: TestClient) -> None:
    assert post(admin, {"title": "one"}, "k").status_code == 201
    reused = post(admin, {"title": "two"}, "k")
    assert reused.status_code == 422, reused.text
    assert reused.json()["errors"] == [{"path": "/Idempotency-Key",
                                        "message": "reused with another request body or path"}]
    other_route = post(admin, {"records": [{"title": "one"}]}, "k", url=f"{URL}/bulk")
    assert other_route.status_code == 422
    assert count(org, title="two") == 0 and count(org, title="one") == 1


def test_same_body_in_another_key_order_is_the_same_request(org: Org, admin: TestClient) -> None:
    first = post(admin, {"title": "a", "qty": 2}, "order")
    assert post(admin, {"qty": 2, "title": "a"}, "order").json() == first.json()


def test_keys_belong_to_one_user(org: Org, admin: TestClient) -> None:
    org.add_user("second", admin=True)
    with org.client("second") as other:
        assert post(admin, {"title": "mine"}, "shared").status_code == 201
        theirs = post(other, {"title": "mine"}, "shared")
        assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert count(org, title="mine") == 2


def test_a_failed_create_keeps_no_key(org: Org, admin: TestClient) -> None:
    bad = post(admin, {"title": "x" * 101}, "after-fix")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "/title"
    fixed = post(admin, {"title": "x" * 101}, "after-fix")  # the same request again: checked again, not replayed
    assert fixed.status_code == 422 and "Idempotent-Replayed" not in fixed.headers
    assert post(admin, {"title": "fine"}, "after-fix").status_code == 201


def test_a_malformed_key_is_refused_with_its_name(admin: TestClient) -> None:
    for key in ("x" * 256, "with space"):
        refused = post(admin, {"title": "t"}, key)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["path"] == "/Idempotency-Key"


def test_bulk_creates_are_idempotent(org: Org, admin: TestClient) -> None:
    body = {"records": [{"title": "b1"}, {"title": "b2"}]}
    first = post(admin, body, "bulk-1", url=f"{URL}/bulk")
    again = post(admin, body, "bulk-1", url=f"{URL}/bulk")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert count(org, title="b1") == count(org, title="b2") == 1


def test_public_submissions_are_idempotent(org: Org, admin: TestClient, api: Any) -> None:
    url = f"/api/v1/public/{org.key}/tickets/forms/ticket"
    with TestClient(api) as anonymous:
        first = post(anonymous, {"title": "from the web"}, "web-1", url=url)
        again = post(anonymous, {"title": "from the web"}, "web-1", url=url)
        other = post(anonymous, {"title": "changed"}, "web-1", url=url)
    assert first.status_code == again.status_code == 201 and again.json() == first.json() == {
        "accepted": True, "serial": None}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert count(org, title="from the web") == 1


def test_keys_expire_after_a_day(org: Org, admin: TestClient) -> None:
    clock = ManualClock(datetime.now(UTC))
    previous = set_clock(clock)
    try:
        first = post(admin, {"title": "daily"}, "day")
        clock.advance(timedelta(hours=23))
        assert post(admin, {"title": "daily"}, "day").json()["id"] == first.json()["id"]
        clock.advance(timedelta(hours=2))
        later = post(admin, {"title": "daily"}, "day")
        assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
    finally:
        set_clock(previous)
    with org.engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(idempotency_keys)
                            .where(idempotency_keys.c.org_id == org.id, idempotency_keys.c.key == "day")).scalar()
    assert kept == 1  # the expired key was replaced, not kept beside the new one


def test_two_concurrent_requests_with_one_key_make_one_record(org: Org, admin: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The first request holds its transaction open after claiming the key; the second arrives meanwhile,
    waits (on the key's unique index on PostgreSQL, the write lock on SQLite) and answers the first's record."""
    claimed, release = threading.Event(), threading.Event()
    real = record_service.create_records

    def slow_create(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        if not claimed.is_set():
            claimed.set()
            release.wait(10)
        return made

    monkeypatch.setattr(record_service, "create_records", slow_create)
    answers: dict[str, Any] = {}
    clients = {"first": org.client(), "second": org.client()}  # signed in before any transaction is held

    def send(name: str) -> None:
        answers[name] = post(clients[name], {"title": "twice at once"}, "concurrent")

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert claimed.wait(10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second.join(0.5)  # give it time to reach the wait; the outcome does not depend on it
    release.set()
    first.join(10)
    second.join(10)
    assert answers["first"].status_code == answers["second"].status_code == 201, answers["second"].text
    assert answers["first"].json() == answers["second"].json()
    assert answers["second"].headers["Idempotent-Replayed"] == "true"
    assert count(org, title="twice at once") == 1
    for client in clients.values():
        client.close()


def test_the_header_is_documented(admin: TestClient) -> None:
    platform = admin.get("/openapi.json").json()["paths"]["/api/v1/apps/{app_key}/forms/{form_key}/records"]["post"]
    app = admin.get("/api/v1/apps/tickets/openapi.json").json()["paths"][URL]["post"]
    for operation in (platform, app):
        [header] = [p for p in operation["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and "255" in json.dumps(header["schema"])


def test_expired_keys_are_purged(org: Org, admin: TestClient) -> None:
    clock = ManualClock(datetime.now(UTC) - timedelta(hours=25))
    previous = set_clock(clock)
    try:
        post(admin, {"title": "old"}, "old-key")
    finally:
        set_clock(previous)
    post(admin, {"title": "new"}, "new-key")
    with org.engine.begin() as conn:
        assert idempotency.purge_expired(conn) >= 1
        kept = conn.execute(select(idempotency_keys.c.key).where(idempotency_keys.c.org_id == org.id)).scalars()
        assert sorted(kept) == ["new-key"]


def test_a_retried_public_submission_is_not_counted_against_the_rate_limit(org: Org, api: Any) -> None:
    doc = ticket_app(rules=[{**WEB, "rate_limit": {"max": 2, "per_minutes": 10}}])
    doc["forms"][0]["fields"].append(CHANNEL)
    client = org.client()
    assert publish(client, doc).status_code == 200
    url = f"/api/v1/public/{org.key}/tickets/forms/ticket"
    with TestClient(api) as anonymous:
        first = post(anonymous, {"title": "flaky network"}, "web-retry", url=url)
        retries = [post(anonymous, {"title": "flaky network"}, "web-retry", url=url) for _ in range(3)]
        second = post(anonymous, {"title": "another"}, "web-other", url=url)
        third = post(anonymous, {"title": "one too many"}, "web-third", url=url)
    assert first.status_code == 201
    assert [r.status_code for r in retries] == [201, 201, 201]
    assert all(r.headers["Idempotent-Replayed"] == "true" and r.json() == first.json() for r in retries)
    assert second.status_code == 201  # the retries took none of the two submissions allowed
    assert third.status_code == 429
    assert count(org, title="flaky network") == 1
