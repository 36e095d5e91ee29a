"""Formulas, linkage, sub-tables, relations, lookups and serial numbers through the API."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dajian.platform.clock import ManualClock, set_clock
from tests.platform.conftest import Org, publish

L = {"en": "x"}
ORDERS = "/api/v1/apps/shop/forms/order/records"
CUSTOMERS = "/api/v1/apps/shop/forms/customer/records"


def f(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"zh-CN": key, "en": key}, **extra}


def shop_app() -> dict[str, Any]:
    levels = [{"value": v, "label": L} for v in ("normal", "vip")]
    channels = [{"value": v, "label": L} for v in ("phone", "email", "web")]
    customer = {"key": "customer", "label": L, "title_field": "name", "fields": [
        f("name", "text", required=True), f("level", "single_select", options=levels, default="normal")]}
    order = {"key": "order", "label": L, "fields": [
        f("number", "serial", config={"pattern": "TS{YYYYMMDD}-{0000}", "reset": "day"}),
        f("customer", "relation", config={"form": "customer", "on_delete": "restrict"}),
        f("customer_level", "lookup", config={"relation": "customer", "field": "level"}),
        f("channel", "single_select", options=channels, required=True),
        f("email", "email", visible_if={"==": [{"var": "channel"}, "email"]},
          required_if={"==": [{"var": "channel"}, "email"]}),
        f("handler", "user", default_from="current_user"),
        f("items", "subtable", fields=[
            f("sku", "text", required=True), f("qty", "integer", min=1), f("price", "decimal", scale=2),
            f("line", "formula", formula="qty * price", config={"result": "decimal", "scale": 2})]),
        f("total", "formula", formula="SUM(items.line)", config={"result": "decimal", "scale": 2}),
        f("big", "formula", formula="total > 500", config={"result": "boolean"}),
        f("discount", "decimal", scale=2, readonly_if={"!": [{"var": "big"}]}),
    ], "validations": [{"key": "discount_cap", "condition": "OR(ISBLANK(discount), discount <= total / 10)",
                        "message": {"zh-CN": "折扣不能超过总额的10%", "en": "Discount is at most 10% of the total"},
                        "fields": ["discount"]}]}
    return {"schema_version": 1, "key": "shop", "label": L, "forms": [customer, order],
            "settings": {"timezone": "Asia/Shanghai"}}


@pytest.fixture
def client(org: Org) -> TestClient:
    client = org.client()
    response = publish(client, shop_app())
    assert response.status_code == 200, response.text
    return client


def test_subtable_rows_and_formulas(client: TestClient, org: Org) -> None:
    cust = client.post(CUSTOMERS, json={"name": "王", "level": "vip"}).json()
    rec = client.post(ORDERS, json={"channel": "phone", "customer": cust["id"], "items": [
        {"sku": "A", "qty": 2, "price": "120.50"}, {"sku": "B", "qty": 1, "price": "300"}]})
    assert rec.status_code == 201, rec.text
    body = rec.json()
    assert [r["line"] for r in body["items"]] == ["241.00", "300.00"]
    assert (body["total"], body["big"], body["handler"], body["customer_level"]) == ("541.00", True, org.admin_id,
                                                                                      "vip")
    assert body["_display"] == {"customer": "王"}  # the customer form's title field
    listed = client.get(ORDERS).json()["items"][0]
    assert listed["_display"] == {"customer": "王"} and listed["customer_level"] == "vip"
    again = client.get(f"{ORDERS}/{body['id']}").json()
    assert again["items"] == body["items"] and again["total"] == "541.00"
    changed = client.patch(f"{ORDERS}/{body['id']}", json={"row_version": 1, "items": [
        {"sku": "A", "qty": 1, "price": "100"}]}).json()
    assert (changed["total"], changed["big"], len(changed["items"])) == ("100.00", False, 1)
    history = client.get(f"{ORDERS}/{body['id']}/history").json()
    assert history[-1]["changes"]["total"] == ["541.00", "100.00"]


def test_row_errors_name_the_row_and_field(client: TestClient) -> None:
    bad = client.post(ORDERS, json={"channel": "phone", "items": [{"sku": "A", "qty": 1}, {"qty": 0, "sku": ""}]})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"/items/1/qty", "/items/1/sku"}


def test_computed_fields_cannot_be_written(client: TestClient) -> None:
    bad = client.post(ORDERS, json={"channel": "phone", "total": "1", "number": "X"})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"/total", "/number"}


def test_linkage_visible_required_readonly(client: TestClient) -> None:
    missing = client.post(ORDERS, json={"channel": "email"})
    assert missing.status_code == 422 and missing.json()["errors"] == [{"path": "/email", "message": "is required"}]
    hidden = client.post(ORDERS, json={"channel": "phone", "email": "a@b.cn"}).json()
    assert hidden["email"] is None  # hidden fields are not written
    small = client.post(ORDERS, json={"channel": "phone", "discount": "1"})
    assert small.status_code == 422 and small.json()["errors"][0] == {"path": "/discount", "message": "is read-only"}


def test_custom_validation_message(client: TestClient) -> None:
    items = [{"sku": "A", "qty": 10, "price": "100"}]
    too_much = client.post(ORDERS, json={"channel": "phone", "items": items, "discount": "200"})
    assert too_much.status_code == 422
    assert too_much.json()["errors"] == [{"path": "/discount", "message": "折扣不能超过总额的10%",
                                          "rule": "discount_cap"}]
    assert client.post(ORDERS, json={"channel": "phone", "items": items, "discount": "100"}).status_code == 201


def test_serial_numbers_reset_daily_in_the_app_time_zone(client: TestClient) -> None:
    previous = set_clock(ManualClock(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)))  # 23:59 in Shanghai
    try:
        first = client.post(ORDERS, json={"channel": "phone"}).json()["number"]
        second = client.post(ORDERS, json={"channel": "web"}).json()["number"]
        set_clock(ManualClock(datetime(2026, 3, 1, 16, 1, tzinfo=UTC)))  # 00:01 on 2 March there
        third = client.post(ORDERS, json={"channel": "web"}).json()["number"]
    finally:
        set_clock(previous)
    assert (first, second, third) == ("TS20260301-0001", "TS20260301-0002", "TS20260302-0001")


def test_serial_numbers_are_unique_and_gap_free_under_concurrency(client: TestClient, org: Org) -> None:
    numbers: list[str] = []
    failures: list[str] = []
    bad_first = client.post(ORDERS, json={"channel": "email"})  # refused: takes no number
    assert bad_first.status_code == 422

    def create_some() -> None:
        worker = org.client()
        for _ in range(6):
            response = worker.post(ORDERS, json={"channel": "phone"})
            if response.status_code == 201:
                numbers.append(response.json()["number"])
            else:
                failures.append(response.text)

    threads = [threading.Thread(target=create_some) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    counters = sorted(int(re.sub(r".*-", "", n)) for n in numbers)
    assert counters == list(range(1, 25))


def test_relation_must_exist_and_delete_rules(client: TestClient) -> None:
    missing = client.post(ORDERS, json={"channel": "phone", "customer": 999999})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "/customer"
    cust = client.post(CUSTOMERS, json={"name": "李"}).json()
    client.post(ORDERS, json={"channel": "phone", "customer": cust["id"]})
    blocked = client.delete(f"{CUSTOMERS}/{cust['id']}")
    assert blocked.status_code == 409 and "still link" in blocked.json()["detail"]
    reverse = client.get(ORDERS, params={"filter": f'{{"==": [{{"var": "customer"}}, {cust["id"]}]}}'}).json()
    assert len(reverse["items"]) == 1 and reverse["items"][0]["customer_level"] == "normal"


def test_relation_filter_through_lookup_is_refused_cleanly(client: TestClient) -> None:
    response = client.get(ORDERS, params={"filter": '{"==": [{"var": "nope.level"}, "vip"]}'})
    assert response.status_code == 422


def test_bad_expressions_in_definitions_have_paths(org: Org) -> None:
    client = org.client()
    doc = shop_app()
    doc["forms"][1]["fields"][4]["visible_if"] = {"==": [{"var": "chanel"}, "email"]}
    doc["forms"][1]["fields"][7]["formula"] = "SUM(items.nope"
    response = publish(client, doc)
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert "/forms/1/fields/7/formula" in paths
    assert any(p.startswith("/forms/1/fields/4/visible_if") for p in paths)


def test_preview_evaluates_linkage_and_formulas_without_writing(client: TestClient) -> None:
    preview = client.post(f"{ORDERS}/preview", json={"channel": "email", "items": [
        {"sku": "A", "qty": 3, "price": "200"}]})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["values"]["total"] == "600.00" and body["values"]["big"] is True
    assert body["values"]["items"][0]["line"] == "600.00"
    assert "email" in body["states"]["required"] and "email" not in body["states"]["hidden"]
    assert "discount" not in body["states"]["readonly"]
    assert body["errors"] == [{"path": "/email", "message": "is required"}] and body["valid"] is False
    phone = client.post(f"{ORDERS}/preview", json={"channel": "phone"}).json()
    assert "email" in phone["states"]["hidden"] and "discount" in phone["states"]["readonly"]
    assert client.get(ORDERS).json()["total"] == 0


def test_layout_refers_to_real_fields(org: Org) -> None:
    client = org.client()
    doc = shop_app()
    doc["forms"][1]["tabs"] = [{"key": "main", "label": {"en": "Main"}}]
    doc["forms"][1]["layout"] = [
        {"key": "head", "label": {"zh-CN": "基本信息", "en": "Basics"}, "tab": "main", "columns": 2,
         "fields": ["number", "channel", "email"]},
        {"key": "lines", "tab": "nope", "columns": 1, "fields": ["items", "channel", "ghost"]}]
    response = publish(client, doc)
    assert response.status_code == 422
    assert {e["path"] for e in response.json()["errors"]} == {
        "/forms/1/layout/1/tab", "/forms/1/layout/1/fields/1", "/forms/1/layout/1/fields/2"}
    doc["forms"][1]["layout"] = doc["forms"][1]["layout"][:1]
    assert publish(client, doc).status_code == 200


def taxonomy() -> list[dict[str, Any]]:
    def node(value: str, zh: str, *children: dict[str, Any]) -> dict[str, Any]:
        return {"value": value, "label": {"zh-CN": zh, "en": value}, "children": list(children)}

    return [node("product", "产品质量", node("defect", "功能缺陷", node("screen", "屏幕"), node("battery", "电池"))),
            node("logistics", "物流配送", node("late", "延迟", node("over_7d", "超过7天")))]


def test_app_level_option_trees_serve_cascade_fields(org: Org) -> None:
    client = org.client()
    doc = shop_app()
    doc["trees"] = {"categories": taxonomy()}
    doc["forms"][1]["fields"].append(f("category", "cascade_select", config={"tree_key": "categories"}))
    assert publish(client, doc).status_code == 200
    ok = client.post(ORDERS, json={"channel": "phone", "category": ["product", "defect", "screen"]})
    assert ok.status_code == 201 and ok.json()["category"] == ["product", "defect", "screen"]
    bad = client.post(ORDERS, json={"channel": "phone", "category": ["product", "late"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "/category"
    doc["forms"][1]["fields"][-1]["config"] = {"tree_key": "nope"}
    refused = publish(client, doc)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"path": "/forms/1/fields/10/config/tree_key", "message": "no option tree 'nope'"}]


def test_filters_reach_through_relations(client: TestClient) -> None:
    vip = client.post(CUSTOMERS, json={"name": "甲", "level": "vip"}).json()["id"]
    normal = client.post(CUSTOMERS, json={"name": "乙"}).json()["id"]
    for customer in (vip, normal, vip):
        client.post(ORDERS, json={"channel": "phone", "customer": customer})
    through = client.get(ORDERS, params={"filter": '{"==": [{"var": "customer.level"}, "vip"]}'})
    assert through.status_code == 200, through.text
    assert [r["customer"] for r in through.json()["items"]] == [vip, vip]
    direct = client.get(ORDERS, params={"filter": f'{{"==": [{{"var": "customer"}}, {normal}]}}'}).json()
    assert [r["customer"] for r in direct["items"]] == [normal]
