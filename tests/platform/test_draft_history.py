"""The designer's draft history and recycle bin on the server: bounded, viewable, restorable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dajian.platform import draft_history
from dajian.platform.clock import ManualClock, set_clock
from tests.platform.conftest import Org

HISTORY = "/api/v1/apps/tickets/draft/history"
TRASH = "/api/v1/apps/tickets/draft/trash"


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


def draft(label: str) -> dict[str, Any]:
    return {"key": "tickets", "label": {"en": label}, "forms": []}


def test_saves_are_kept_newest_first_and_a_burst_is_one_entry(org: Org, clock: ManualClock) -> None:
    client = org.client()
    assert client.post("/api/v1/apps", json={"key": "tickets", "label": {"en": "T"}}).status_code == 201
    client.put("/api/v1/apps/tickets/draft", json=draft("one"))
    clock.advance(timedelta(seconds=20))
    client.put("/api/v1/apps/tickets/draft", json=draft("one, typed on"))  # the same minute: folded
    clock.advance(timedelta(minutes=5))
    client.put("/api/v1/apps/tickets/draft", json=draft("two"))
    clock.advance(timedelta(minutes=5))
    client.put("/api/v1/apps/tickets/draft", json=draft("two"))  # unchanged: not recorded
    entries = client.get(HISTORY).json()
    assert len(entries) == 2
    assert entries[0]["saved_at"] == "2026-03-01T08:05:20+00:00"
    docs = [client.get(f"{HISTORY}/{e['id']}").json()["draft"]["label"]["en"] for e in entries]
    assert docs == ["two", "one, typed on"]


def test_an_entry_restored_becomes_the_draft(org: Org, clock: ManualClock) -> None:
    client = org.client()
    client.post("/api/v1/apps", json={"key": "tickets", "label": {"en": "T"}})
    client.put("/api/v1/apps/tickets/draft", json=draft("first"))
    clock.advance(timedelta(minutes=2))
    client.put("/api/v1/apps/tickets/draft", json=draft("second"))
    first = client.get(HISTORY).json()[-1]
    restored = client.post(f"{HISTORY}/{first['id']}/restore")
    assert restored.status_code == 200 and restored.json()["saved"] is True
    assert client.get("/api/v1/apps/tickets").json()["draft"]["label"] == {"en": "first"}
    assert client.get(f"{HISTORY}/999999").status_code == 404


def test_history_is_bounded(org: Org, clock: ManualClock) -> None:
    client = org.client()
    client.post("/api/v1/apps", json={"key": "tickets", "label": {"en": "T"}})
    for n in range(draft_history.KEEP + 3):
        clock.advance(timedelta(minutes=2))
        client.put("/api/v1/apps/tickets/draft", json=draft(f"save {n}"))
    entries = client.get(HISTORY).json()
    assert len(entries) == draft_history.KEEP
    newest = client.get(f"{HISTORY}/{entries[0]['id']}").json()["draft"]["label"]["en"]
    oldest = client.get(f"{HISTORY}/{entries[-1]['id']}").json()["draft"]["label"]["en"]
    assert (newest, oldest) == (f"save {draft_history.KEEP + 2}", "save 3")


def test_the_recycle_bin_is_kept_for_the_next_session(org: Org) -> None:
    client = org.client()
    client.post("/api/v1/apps", json={"key": "tickets", "label": {"en": "T"}})
    assert client.get(TRASH).json() == {"items": []}
    item = {"id": "1-0", "label": "Phone", "kind": "field", "deleted_at": "2026-03-01T08:00:00.000Z",
            "restore": [{"op": "insert", "path": ["forms", 0, "fields", 1], "value": {"key": "phone"}}]}
    assert client.put(TRASH, json={"items": [item]}).status_code == 200
    assert org.client().get(TRASH).json() == {"items": [item]}  # another session sees it
    bad = client.put(TRASH, json={"items": [{**item, "restore": "nope"}]})
    assert bad.status_code == 422 and "restore" in bad.text
    assert client.put(TRASH, json={"items": []}).json() == {"items": []}


def test_a_user_without_the_app_cannot_read_its_history(org: Org) -> None:
    client = org.client()
    client.post("/api/v1/apps", json={"key": "tickets", "label": {"en": "T"}})
    org.add_user("nobody")
    stranger = org.client("nobody")
    assert stranger.get(HISTORY).status_code in (403, 404)
    assert stranger.put(TRASH, json={"items": []}).status_code in (403, 404)
