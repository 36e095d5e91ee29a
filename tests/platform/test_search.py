"""Full-text search: jieba tokens, the index kept by the record listener, permission-filtered ranked queries."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from dajian.engines.form.fields import field_kind, register_field_kind
from dajian.engines.form.model import FormDef
from dajian.platform.apps import load_runtime
from dajian.platform.principal import Principal
from dajian.platform.search import compile_plan, register_searchable_kind, reindex, search_index, segment
from dajian.platform.search.query import fts5_text, tsquery_text
from dajian.platform.search.tokens import value_text
from tests.platform.conftest import Org, publish

APP = "/api/v1/apps/helpdesk"
TICKETS = f"{APP}/forms/ticket/records"
ARTICLES = f"{APP}/forms/article/records"
LONG = ("客户来电反馈：快递外包装有明显压痕，打开后发现配件齐全，但是屏幕右上角有一道细小的碎裂痕迹，"
        "客户希望了解保修政策、退换货流程以及维修网点的营业时间，同时咨询了以旧换新活动和会员积分。")


def text(key: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": "text", "label": {"en": key}, **extra}


def helpdesk() -> dict[str, Any]:
    options = [{"value": "screen", "label": {"zh-CN": "屏幕问题", "en": "Screen"}},
               {"value": "battery", "label": {"zh-CN": "电池问题", "en": "Battery"}}]
    ticket = [text("title", indexed=True), {"key": "body", "kind": "long_text", "label": {"en": "b"}, "indexed": True},
              text("secret", indexed=True), text("code"),
              {"key": "category", "kind": "single_select", "label": {"en": "c"}, "options": options}]
    article = [text("title"), {"key": "content", "kind": "rich_text", "label": {"en": "c"}, "indexed": True}]

    def role(key: str, ticket_perm: dict[str, Any]) -> dict[str, Any]:
        return {"key": key, "label": {"en": key},
                "permissions": {"ticket": ticket_perm, "article": {"actions": ["read"], "row_scope": "all"}}}

    all_actions = ["create", "read", "update", "delete"]
    return {
        "schema_version": 1, "key": "helpdesk", "label": {"en": "Helpdesk"},
        "forms": [{"key": "ticket", "label": {"en": "Ticket"}, "fields": ticket},
                  {"key": "article", "label": {"en": "Article"}, "fields": article, "title_field": "title"}],
        "roles": [role("agent", {"actions": all_actions, "row_scope": "own"}),
                  role("viewer", {"actions": ["read"], "row_scope": "all", "read_fields": ["title", "category"]})],
    }


@pytest.fixture
def admin(org: Org) -> TestClient:
    client = org.client()
    response = publish(client, helpdesk())
    assert response.status_code == 200, response.text
    return client


def add(client: TestClient, url: str, **values: Any) -> int:
    response = client.post(url, json=values)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def search(client: TestClient, q: str, form: str = "ticket", status: int = 200) -> list[dict[str, Any]]:
    response = client.get(f"{APP}/forms/{form}/search", params={"q": q})
    assert response.status_code == status, response.text
    return list(response.json().get("items", []))


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [i["id"] for i in items]


def user(org: Org, admin: TestClient, name: str, role: str) -> TestClient:
    user_id = org.add_user(name)
    grant = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "helpdesk", "role": role})
    assert grant.status_code == 201, grant.text
    return org.client(name)


def test_segment_cuts_chinese_and_lowers_latin() -> None:
    assert segment("手机屏幕碎裂了 The iPhone-15!") == ["手机", "屏幕", "碎裂", "了", "the", "iphone", "15"]
    assert segment("屏幕 碎裂") == ["屏幕", "碎裂"]


def test_plan_takes_indexed_text_fields_and_the_title_field() -> None:
    form = FormDef.model_validate(helpdesk()["forms"][1])
    assert [f.key for f in compile_plan(form).fields] == ["title", "content"]
    form = FormDef.model_validate(helpdesk()["forms"][0])
    assert [f.key for f in compile_plan(form).fields] == ["title", "body", "secret"]
    assert tsquery_text([["fa1", "fb1"], ["fa2"]]) == "('fa1' | 'fb1') & ('fa2')"
    assert fts5_text([["fa1", "fb1"], ["fa2"]]) == '("fa1" OR "fb1") AND ("fa2")'


def test_a_kind_registered_searchable_is_indexed_through_its_registry_entry() -> None:
    form = FormDef.model_validate({"key": "c", "label": {"en": "C"}, "fields": [
        {"key": "mail", "kind": "email", "label": {"en": "Mail"}, "indexed": True},
        {"key": "note", "kind": "rich_text", "label": {"en": "Note"}, "indexed": True}]})
    assert [f.key for f in compile_plan(form).fields] == ["note"]
    assert value_text(form.fields[1], "<p>屏幕&amp;键盘</p>").strip() == "屏幕&键盘"
    before = field_kind("email")
    try:
        register_searchable_kind("email", lambda field, value: value.split("@")[0])
        assert field_kind("email").searchable and field_kind("email").coerce is before.coerce
        assert [f.key for f in compile_plan(form).fields] == ["mail", "note"]
        assert value_text(form.fields[0], "li.lei@example.com") == "li.lei"
    finally:
        register_field_kind(before)


def test_chinese_search_ranks_the_closer_match_first(admin: TestClient) -> None:
    strong = add(admin, TICKETS, title="手机屏幕碎裂了")
    weak = add(admin, TICKETS, title="售后咨询", body=LONG)
    add(admin, TICKETS, title="电池不耐用", body="屏幕正常")
    response = admin.get(f"{APP}/forms/ticket/search", params={"q": "屏幕 碎裂"})
    assert response.json()["words"] == ["屏幕", "碎裂"]
    items = response.json()["items"]
    assert ids(items) == [strong, weak]
    assert items[0]["_score"] > items[1]["_score"]
    assert ids(search(admin, "屏幕碎裂")) == [strong, weak]
    assert search(admin, "键盘") == []
    assert search(admin, "，。！") == []


def test_english_search_is_case_insensitive_and_needs_every_word(admin: TestClient) -> None:
    cracked = add(admin, TICKETS, title="The screen is CRACKED", body="customer dropped the phone")
    add(admin, TICKETS, title="Cracked case", body="the back cover")
    assert ids(search(admin, "cracked screen")) == [cracked]
    assert ids(search(admin, "Dropped")) == [cracked]
    assert len(search(admin, "cracked")) == 2


def test_updates_reindex_and_deleted_records_disappear(admin: TestClient) -> None:
    rid = add(admin, TICKETS, title="电池鼓包")
    assert ids(search(admin, "电池")) == [rid]
    changed = admin.patch(f"{TICKETS}/{rid}", json={"title": "屏幕闪烁", "row_version": 1})
    assert changed.status_code == 200, changed.text
    assert search(admin, "电池") == []
    assert ids(search(admin, "闪烁")) == [rid]
    assert admin.delete(f"{TICKETS}/{rid}").status_code == 204
    assert search(admin, "闪烁") == []
    assert admin.post(f"{TICKETS}/{rid}/restore").status_code == 200
    assert ids(search(admin, "闪烁")) == [rid]


def test_own_row_scope_finds_only_own_records(org: Org, admin: TestClient) -> None:
    alice, bob = user(org, admin, "alice", "agent"), user(org, admin, "bob", "agent")
    mine = add(alice, TICKETS, title="屏幕碎裂")
    theirs = add(bob, TICKETS, title="屏幕碎裂")
    assert ids(search(alice, "屏幕")) == [mine]
    assert ids(search(bob, "屏幕")) == [theirs]
    assert sorted(ids(search(admin, "屏幕"))) == sorted([mine, theirs])


def test_unreadable_fields_neither_match_nor_show(org: Org, admin: TestClient) -> None:
    viewer = user(org, admin, "viewer", "viewer")
    rid = add(admin, TICKETS, title="屏幕碎裂", body="内部备注", secret="机密口令", category="screen")
    assert ids(search(admin, "机密")) == [rid]
    assert search(viewer, "机密") == []
    assert search(viewer, "屏幕 备注") == []  # every word must be in a readable field
    (item,) = search(viewer, "屏幕")
    assert set(item) == {"id", "created_at", "updated_at", "created_by", "owner_id", "dept_id", "row_version",
                         "title", "category", "_score"}


def test_related_suggests_the_most_relevant_articles(org: Org, admin: TestClient) -> None:
    screen = add(admin, ARTICLES, title="屏幕碎裂怎么办", content="<p>屏幕<b>碎裂</b>后请停止触控，预约更换屏幕。</p>")
    touch = add(admin, ARTICLES, title="触控失灵排查", content="<p>先重启手机，再检查屏幕保护膜。</p>")
    add(admin, ARTICLES, title="电池保养", content="<p>避免高温充电。</p>")
    ticket = add(admin, TICKETS, title="求助", body="手机屏幕碎裂，无法触控", category="screen")
    url = f"{TICKETS}/{ticket}/related"
    response = admin.get(url, params={"target": "article", "fields": "category,body", "limit": 5})
    assert response.status_code == 200, response.text
    assert ids(response.json()["items"]) == [screen, touch]
    assert "屏幕" in response.json()["words"]
    assert ids(admin.get(url, params={"target": "article", "limit": 1}).json()["items"]) == [screen]
    assert search(admin, "b", form="article") == []  # tags are not words
    viewer = user(org, admin, "viewer", "viewer")
    denied = viewer.get(url, params={"target": "article", "fields": "body"})
    assert denied.status_code == 403
    same = admin.get(url, params={"target": "ticket", "fields": "body"}).json()["items"]
    assert ticket not in ids(same)
    assert admin.get(url, params={"target": "article", "fields": "nope"}).status_code == 422
    assert admin.get(f"{TICKETS}/999999/related", params={"target": "article"}).status_code == 404


def test_reindex_rebuilds_a_forms_index(org: Org, admin: TestClient) -> None:
    first = add(admin, TICKETS, title="屏幕碎裂")
    second = add(admin, TICKETS, title="屏幕划痕")
    gone = add(admin, TICKETS, title="屏幕发黄")
    assert admin.delete(f"{TICKETS}/{gone}").status_code == 204
    with org.engine.begin() as conn:
        conn.execute(delete(search_index).where(search_index.c.form_key == "ticket"))
    assert search(admin, "屏幕") == []
    seen: list[tuple[int, int]] = []
    principal = Principal(user_id=org.admin_id, org_id=org.id, dept_id=None, is_org_admin=True, via="system")
    with org.engine.begin() as conn:
        runtime = load_runtime(conn, principal, "helpdesk")
        assert reindex(conn, runtime, "ticket", progress=lambda done, total: seen.append((done, total))) == 2
        count = conn.execute(select(search_index.c.record_id).where(search_index.c.app_id == runtime.app_id))
        assert sorted(count.scalars()) == [first, second]
    assert seen == [(2, 2)]
    assert sorted(ids(search(admin, "屏幕"))) == [first, second]


def test_a_starting_server_loads_the_segmenter_before_the_first_request_needs_it(org: Org) -> None:
    import threading

    from dajian.platform.search import tokens

    tokens._jieba.cache_clear()
    with TestClient(org.api) as client:  # runs the lifespan, as uvicorn does at start
        for thread in [t for t in threading.enumerate() if t.name == tokens.WARM_THREAD]:
            thread.join(timeout=60)
        assert tokens._jieba.cache_info().currsize == 1  # loaded without any request
        assert client.get("/api/v1/health").status_code == 200
