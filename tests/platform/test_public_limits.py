"""Attempt limits of the public (no login) endpoints hold under concurrency (SQLite and PostgreSQL):
the public form's rate limit and the status lookup's limits per address and per ticket number."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from dajian.platform.rules.channels import FAILED_LOOKUPS_PER_TICKET, LOOKUPS_PER_CLIENT
from tests.platform.test_rules import RECORDS, Desk, clock
from tests.platform.test_rules_channels import desk, receiver, receiver_server

__all__ = ["clock", "desk", "receiver", "receiver_server"]


def test_concurrent_public_submissions_stop_at_the_limit(desk: Desk, api: Any) -> None:
    """The complaint form allows 3 submissions per 10 minutes per address; 12 at once make 3 records."""
    url = f"/api/v1/public/{desk.org.key}/complaints/forms/complaint"

    def submit(i: int) -> int:
        client = TestClient(api, client=("203.0.113.7", 40000 + i))
        return client.post(url, json={"title": f"t{i}", "phone": "13800000000"}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(submit, range(12)))
    assert statuses == [201] * 3 + [429] * 9
    assert len(desk.admin.get(RECORDS).json()["items"]) == 3


def test_status_lookup_is_limited_per_ticket_number(desk: Desk, api: Any) -> None:
    """Guessing the contact of one number: wrong guesses from any address stop with 429 and Retry-After."""
    anonymous = TestClient(api, client=("203.0.113.8", 40000))
    form = f"/api/v1/public/{desk.org.key}/complaints/forms/complaint"
    serial = anonymous.post(form, json={"title": "x", "phone": "13800000000"}).json()["serial"]
    status = f"/api/v1/public/{desk.org.key}/complaints/status"

    def guess(i: int) -> int:
        client = TestClient(api, client=(f"198.51.100.{i}", 40000))
        return client.get(status, params={"serial": serial, "contact": f"1390000{i:04d}"}).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(guess, range(FAILED_LOOKUPS_PER_TICKET + 8)))
    assert statuses == [404] * FAILED_LOOKUPS_PER_TICKET + [429] * 8
    refused = anonymous.get(status, params={"serial": serial, "contact": "13800000000"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "try again later" in refused.json()["detail"]


def test_status_lookup_is_limited_per_address(desk: Desk, api: Any) -> None:
    one_address = TestClient(api, client=("203.0.113.9", 40000))
    status = f"/api/v1/public/{desk.org.key}/complaints/status"
    for i in range(LOOKUPS_PER_CLIENT):
        assert one_address.get(status, params={"serial": f"NO-{i}", "contact": "x"}).status_code == 404
    refused = one_address.get(status, params={"serial": "NO-more", "contact": "x"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = TestClient(api, client=("203.0.113.10", 40000))
    assert other.get(status, params={"serial": "NO-more", "contact": "x"}).status_code == 404
