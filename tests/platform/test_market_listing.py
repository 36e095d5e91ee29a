"""The template center's listing a page at a time and the reviewers' queue (SQLite and PostgreSQL). The center is
shared by the whole database, so every assertion narrows to this test's own templates (its own category or
publisher) and the templates are taken out again at the end."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from dajian.platform.clock import utcnow
from dajian.platform.market.center_tables import market_ratings, market_templates
from tests.platform.conftest import Org
from tests.platform.market_listing_data import Publisher, publish_many, publisher

M = "/api/v1/market"


@pytest.fixture
def acme(org: Org, engine: Engine) -> Iterator[Publisher]:
    found = publisher(engine, org_id=org.id, partner_id=org.add_user("partner"),
                      reviewer_id=org.add_user("reviewer"), name=f"Acme {org.key}")
    yield found
    found.remove()


def listing(org: Org, **params: Any) -> Any:
    response = TestClient(org.api).get(M + "/templates", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_pages_hold_every_match_once_most_installed_first(org: Org, acme: Publisher, tmp_path: Path) -> None:
    category = f"测试_{secrets.token_hex(3)}"
    made = publish_many(acme, tmp_path, prefix=f"ls_{secrets.token_hex(3)}", count=7, category=category)
    expected = [m["key"] for m in sorted(made, key=lambda m: (-m["installs"], m["key"]))]

    pages = [listing(org, category=category, limit=3, page=page) for page in (1, 2, 3)]
    assert [p["count"] for p in pages] == [7, 7, 7]
    assert [(p["page"], p["limit"]) for p in pages] == [(1, 3), (2, 3), (3, 3)]
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert [c["key"] for p in pages for c in p["items"]] == expected
    first = pages[0]["items"][0]
    assert (first["installs"], first["latest_version"], first["publisher"]) == (6, "1.0.0", acme.name)
    assert category in pages[0]["categories"]

    past_the_end = listing(org, category=category, limit=3, page=4)
    assert (past_the_end["items"], past_the_end["count"]) == ([], 7)
    assert listing(org, category=category)["limit"] == 12  # three rows of four cards


def test_search_tag_and_publisher_narrow_the_count(org: Org, acme: Publisher, tmp_path: Path) -> None:
    prefix, tag = f"lt_{secrets.token_hex(3)}", f"标签{secrets.token_hex(2)}"
    category = f"测试_{secrets.token_hex(3)}"
    publish_many(acme, tmp_path / "a", prefix=prefix, count=3, category=category, tags=[tag, "售后"])
    publish_many(acme, tmp_path / "b", prefix=prefix + "_b", count=2, category=category)

    assert listing(org, tag=tag)["count"] == 3
    assert listing(org, tag=tag, limit=2, page=2)["count"] == 3
    assert {c["key"] for c in listing(org, tag=tag)["items"]} == {f"{prefix}_00", f"{prefix}_01", f"{prefix}_02"}
    assert listing(org, publisher=acme.name)["count"] == 5
    assert listing(org, publisher=acme.name + "x")["count"] == 0
    # Chinese segmented: 巡检 finds 设备巡检 (the second template of each run)
    searched = listing(org, q="巡检", publisher=acme.name)
    assert sorted(c["key"] for c in searched["items"]) == [f"{prefix}_01", f"{prefix}_b_01"]
    assert listing(org, q="巡检", tag=tag, category=category)["count"] == 1
    assert listing(org, q="没有这个词", category=category) == {
        "items": [], "count": 0, "page": 1, "limit": 12, "categories": listing(org)["categories"]}


def test_newest_and_best_rated_first(org: Org, acme: Publisher, engine: Engine, tmp_path: Path) -> None:
    category = f"测试_{secrets.token_hex(3)}"
    made = publish_many(acme, tmp_path, prefix=f"lr_{secrets.token_hex(3)}", count=4, category=category)
    keys = [m["key"] for m in made]  # published in this order
    newest = listing(org, category=category, sort="newest")
    assert [c["key"] for c in newest["items"]] == keys[::-1]
    assert [c["key"] for c in listing(org, category=category, sort="newest", limit=1, page=2)["items"]] == [keys[2]]

    with engine.connect() as conn:
        ids = dict(conn.execute(select(market_templates.c.key, market_templates.c.id)
                                .where(market_templates.c.key.in_(keys))).all())
    raters = [org.add_user(f"rater{i}", admin=True) for i in range(2)]
    with engine.begin() as conn:  # ratings come from admins who installed it (see test_market_center)
        for key, stars in ((keys[0], [3, 4]), (keys[2], [5]), (keys[3], [3, 4])):
            conn.execute(insert(market_ratings), [
                {"template_id": ids[key], "org_id": org.id, "user_id": raters[i], "stars": s, "at": utcnow()}
                for i, s in enumerate(stars)])
    rated = listing(org, category=category, sort="rating")["items"]
    assert [(c["key"], c["rating"], c["ratings"]) for c in rated] == [
        (keys[2], 5.0, 1), (keys[0], 3.5, 2), (keys[3], 3.5, 2), (keys[1], None, 0)]
    assert listing(org, category=category, sort="rating")["count"] == 4


@pytest.mark.parametrize(("params", "name"), [({"page": 0}, "page"), ({"limit": 101}, "limit"),
                                              ({"limit": 0}, "limit"), ({"page": "x"}, "page"),
                                              ({"sort": "cheapest"}, "sort")])
def test_bad_paging_is_a_422_naming_the_parameter(org: Org, params: dict[str, Any], name: str) -> None:
    response = TestClient(org.api).get(M + "/templates", params=params)
    assert response.status_code == 422
    assert name in response.text


def test_the_queue_waits_longest_first_with_a_summary_of_the_checks(org: Org, acme: Publisher,
                                                                    tmp_path: Path) -> None:
    prefix = f"lq_{secrets.token_hex(3)}"
    first = acme.upload(acme.package(tmp_path, key=prefix + "_a", version="1.0.0", name="访客登记",
                                     category="测试", tags=[]))
    second = acme.upload(acme.package(tmp_path, key=prefix + "_b", version="1.0.0", name="设备巡检",
                                      category="测试", tags=[]))
    acme.move(second, "submit")
    acme.move(first, "submit", "request_changes", "submit")  # resubmitted: now it waits less long
    acme.move(second, "start_review")

    queue = org.client("reviewer").get(M + "/review/queue")
    assert queue.status_code == 200, queue.text
    mine = [v for v in queue.json() if v["template"].startswith(prefix)]
    assert [(v["id"], v["state"]) for v in mine] == [(second, "in_review"), (first, "submitted")]
    entry = mine[0]
    assert (entry["version"], entry["publisher"], entry["name"]["zh-CN"]) == ("1.0.0", acme.name, "设备巡检")
    assert (entry["previous"], entry["bump"], entry["schema_errors"]) == (None, None, 0)
    assert entry["changes"] == {"added": 14, "changed": 0, "removed": 0}  # the form and its 13 fields
    whole = org.client("reviewer").get(f"{M}/versions/{second}").json()["checks"]
    assert entry["attention"] == len(whole["attention"]) > 0
    assert mine[0]["submitted_at"] <= mine[1]["submitted_at"]
    assert org.client("partner").get(M + "/review/queue").json() == []  # not a reviewer


@pytest.mark.parametrize("text", ['"]', "%_\\", "'; drop table market_templates; --", "😀 客诉", "[\"x\"]"])
def test_odd_text_in_search_and_filters_finds_nothing_rather_than_failing(org: Org, text: str) -> None:
    for name in ("tag", "category", "publisher"):
        assert listing(org, **{name: text})["count"] == 0
    assert listing(org, q=text, tag=text)["count"] == 0
