"""Date filters on date-time fields count days from midnight in the app's time zone, not UTC's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from dajian.engines.expr import EvalContext
from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.local_days import localise_days
from tests.platform.conftest import Org, publish, ticket_app

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
TODAY = {"and": [{">=": [{"var": "seen_at"}, {"var": "$today"}]},
                 {"<": [{"var": "seen_at"}, {"+": [{"var": "$today"}, 1]}]}]}


@pytest.fixture
def shanghai_morning() -> Iterator[None]:
    """01:30 on 10 March in Shanghai: still 9 March (17:30) in UTC."""
    previous = set_clock(ManualClock(datetime(2026, 3, 9, 17, 30, tzinfo=UTC)))
    yield
    set_clock(previous)


def titles(client: TestClient, flt: object) -> list[str]:
    response = client.get(RECORDS, params={"filter": json.dumps(flt), "sort": "title"})
    assert response.status_code == 200, response.text
    return [r["title"] for r in response.json()["items"]]


def test_today_on_a_datetime_field_is_the_apps_day(org: Org, shanghai_morning: None) -> None:
    client = org.client()
    app = ticket_app(settings={"timezone": "Asia/Shanghai"})
    assert publish(client, app).status_code == 200
    seen_at = [("a-yesterday-late", "2026-03-09T23:59:00+08:00"), ("b-today-early", "2026-03-10T00:10:00+08:00"),
               ("c-today-now", "2026-03-10T01:20:00+08:00"), ("d-utc-today-only", "2026-03-09T08:30:00+08:00")]
    for title, seen in seen_at:
        assert client.post(RECORDS, json={"title": title, "seen_at": seen}).status_code == 201
    # UTC midnight would have taken a and d (9 March in UTC) and missed nothing of the 10th yet
    assert titles(client, TODAY) == ["b-today-early", "c-today-now"]
    yesterday = {"and": [{">=": [{"var": "seen_at"}, {"-": [{"var": "$today"}, 1]}]},
                         {"<": [{"var": "seen_at"}, {"var": "$today"}]}]}
    assert titles(client, yesterday) == ["a-yesterday-late", "d-utc-today-only"]
    # a date picked in the builder is the local day too
    assert titles(client, {">=": [{"var": "seen_at"}, {"date": "2026-03-10"}]}) == ["b-today-early", "c-today-now"]


def test_rewrite_leaves_field_against_field_and_date_fields_alone() -> None:
    ctx = EvalContext(now=datetime(2026, 3, 9, 17, 30, tzinfo=UTC), today=date(2026, 3, 10))
    tz = ZoneInfo("Asia/Shanghai")
    node = {"or": [{">=": [{"var": "seen_at"}, {"var": "$today"}]}, {">=": [{"var": "seen_at"}, {"var": "created_at"}]},
                   {"==": [{"var": "due"}, {"var": "$today"}]}]}
    out = localise_days(node, datetime_fields={"seen_at", "created_at"}, context=ctx, tz=tz)
    assert out["or"][0] == {">=": [{"var": "seen_at"}, {"datetime": "2026-03-09T16:00:00+00:00"}]}
    assert out["or"][1:] == node["or"][1:]
