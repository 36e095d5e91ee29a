"""Every field kind through the record API, on SQLite and PostgreSQL: write, read back, filter, update, refuse."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from dajian.engines.form.fields import FIELD_KINDS
from tests.engines.form.test_kinds import COMPLAINT_TREE, SIGNATURE, VALID_ID
from tests.platform.conftest import Org, publish

RECORDS = "/api/v1/apps/kinds/forms/sample/records"
OPTIONS = [{"value": v, "label": {"zh-CN": v, "en": v}} for v in ("new", "open", "closed")]
XSS = '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a></p>'


def kind_cases(org: Org) -> dict[str, tuple[dict[str, Any], Any, Any]]:
    """Field key (= kind) -> (extra definition, a valid value as the API returns it, a bad value)."""
    dept = org.add_dept("support")
    other = org.add_user("li", dept="support")
    return {
        "text": ({"max_length": 100}, "网络故障", {"not": "text"}),
        "long_text": ({}, "第一行\n第二行", ["x"]),
        "email": ({}, "a@b.cn", "nobody"),
        "phone": ({}, "+86 138-0000-0000", "call me"),
        "integer": ({}, 42, "many"),
        "decimal": ({"scale": 2}, "12.30", "1.234"),
        "boolean": ({}, True, "maybe"),
        "date": ({}, "2026-03-01", "31/01/2026"),
        "datetime": ({}, "2026-01-31T15:30:00+00:00", "yesterday"),
        "single_select": ({"options": OPTIONS}, "open", "nope"),
        "multi_select": ({"options": OPTIONS}, ["open", "new"], ["zzz"]),
        "user": ({}, org.admin_id, -1),
        "department": ({}, dept, "x"),
        "rich_text": ({}, "<p>Hi <strong>there</strong></p>", {"html": 1}),
        "url": ({}, "https://dajian.dev/docs?a=1", "javascript:alert(1)"),
        "id_card": ({}, VALID_ID, VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")),
        "currency": ({"config": {"currency": "CNY"}}, "1234.50", "1.234"),
        "percent": ({}, "12.50", 150),
        "rating": ({"config": {"max": 5}}, 4, 6),
        "slider": ({"config": {"min": 0, "max": 10, "step": "0.5"}}, "2.5", "2.3"),
        "time": ({}, "09:30:00", "25:00"),
        "date_range": ({}, {"start": "2026-01-01", "end": "2026-01-31"}, {"start": "2026-02-01", "end": "2026-01-01"}),
        "location": ({}, {"province": "广东省", "city": "深圳市", "district": "南山区", "address": "科技园 1 号",
                          "lng": 113.94, "lat": 22.54}, {"province": "x", "lng": 0, "lat": 91}),
        "cascade_select": ({"config": {"tree": COMPLAINT_TREE}}, ["product", "quality", "defect"],
                           ["product", "quality"]),
        "signature": ({}, SIGNATURE, "data:image/gif;base64,R0lGODlh"),
        "json": ({"config": {"max_bytes": 200}}, {"a": [1, "b", None], "ok": True}, {"big": "x" * 300}),
        "color": ({}, "#1f6feb", "red"),
        "code": ({"config": {"preset": "ean13"}}, "4006381333931", "4006381333932"),
        "tags": ({}, ["vip", "回访"], ["x" * 51]),
        "duration": ({}, 90, "soon"),
        "year_month": ({}, "2026-03", "2026-13"),
        "ip_address": ({}, "10.0.0.1", "999.1.1.1"),
        "multi_user": ({}, [org.admin_id, other], [-1]),
        "multi_department": ({}, [dept], ["x"]),
    }


def kinds_app(cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> dict[str, Any]:
    fields = [{"key": kind, "kind": kind, "label": {"zh-CN": kind, "en": kind}, **extra}
              for kind, (extra, _, _) in cases.items()]
    return {"schema_version": 1, "key": "kinds", "label": {"en": "Kinds"}, "roles": [],
            "forms": [{"key": "sample", "label": {"en": "Sample"}, "fields": fields}]}


@pytest.fixture
def cases(org: Org) -> dict[str, tuple[dict[str, Any], Any, Any]]:
    found = kind_cases(org)
    response = publish(org.client(), kinds_app(found))
    assert response.status_code == 200, response.text
    return found


def valid(cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> dict[str, Any]:
    return {kind: value for kind, (_, value, _) in cases.items()}


def test_every_kind_round_trips_through_the_api(org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> None:
    assert set(cases) <= set(FIELD_KINDS) and len(cases) >= 30
    client = org.client()
    sent = valid(cases)
    created = client.post(RECORDS, json=sent)
    assert created.status_code == 201, created.text
    record = created.json()
    assert {k: record[k] for k in sent} == sent
    again = client.get(f"{RECORDS}/{record['id']}").json()
    assert json.loads(json.dumps(again)) == record


def test_a_bad_value_of_every_kind_is_a_422_naming_the_field(
    org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]
) -> None:
    client = org.client()
    response = client.post(RECORDS, json={kind: bad for kind, (_, _, bad) in cases.items()})
    assert response.status_code == 422
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {f"/{kind}" for kind in cases}
    assert "starting with http://" in errors["/url"] and "check digit" in errors["/id_card"]
    assert errors["/rating"] == "expected a rating from 1 to 5"
    assert client.get(RECORDS).json()["items"] == []


def test_ids_in_multi_user_and_multi_department_must_exist_in_the_org(
    org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]
) -> None:
    response = org.client().post(RECORDS, json={"multi_user": [org.admin_id, 10**9], "multi_department": [10**9]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "/multi_user", "message": f"no user with id {10**9}"},
                                         {"path": "/multi_department", "message": f"no department with id {10**9}"}]


def test_rich_text_is_stored_sanitised(org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> None:
    record = org.client().post(RECORDS, json={"rich_text": XSS}).json()
    assert record["rich_text"] == '<p>Hi <a rel="noopener noreferrer nofollow">x</a></p>'


def test_filters_on_new_kinds(org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> None:
    client = org.client()
    first = valid(cases)
    second = {**first, "text": "second", "rating": 2, "currency": "99.00", "time": "14:00:00", "year_month": "2025-12",
              "tags": ["new"], "cascade_select": ["billing", "refund", "delayed"], "url": "https://example.com"}
    assert client.post(f"{RECORDS}/bulk", json={"records": [first, second]}).status_code == 201

    def texts(flt: Any) -> list[str]:
        response = client.get(RECORDS, params={"filter": json.dumps(flt), "sort": "text"})
        assert response.status_code == 200, response.text
        return [r["text"] for r in response.json()["items"]]

    assert texts({">=": [{"var": "rating"}, 4]}) == ["网络故障"]
    assert texts({">": [{"var": "currency"}, 1000]}) == ["网络故障"]
    assert texts({"<": [{"var": "time"}, "12:00:00"]}) == ["网络故障"]
    assert texts({"==": [{"var": "time"}, "14:00:00"]}) == ["second"]
    assert texts({"<": [{"var": "year_month"}, "2026-01-01"]}) == ["second"]
    assert texts({"in": ["vip", {"var": "tags"}]}) == ["网络故障"]
    assert texts({"in": ["refund", {"var": "cascade_select"}]}) == ["second"]
    assert texts({"contains": [{"var": "url"}, "dajian"]}) == ["网络故障"]
    assert texts({"<=": [{"var": "duration"}, 90]}) == ["second", "网络故障"]


def test_update_changes_values_of_new_kinds(org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> None:
    client = org.client()
    record = client.post(RECORDS, json=valid(cases)).json()
    changes = {"duration": "2h15m", "percent": "99.9%", "time": "7:05", "tags": "a, b", "year_month": "2027-01-15",
               "location": {"city": "上海市"}, "multi_user": [org.admin_id], "row_version": 1}
    response = client.patch(f"{RECORDS}/{record['id']}", json=changes)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["duration"], updated["percent"], updated["time"]) == (135, "99.90", "07:05:00")
    assert (updated["tags"], updated["year_month"], updated["multi_user"]) == (["a", "b"], "2027-01", [org.admin_id])
    assert updated["location"] == {"province": "", "city": "上海市", "district": "", "address": ""}
    assert updated["rich_text"] == record["rich_text"] and updated["row_version"] == 2
    history = client.get(f"{RECORDS}/{record['id']}/history").json()
    assert history[1]["changes"]["time"] == ["09:30:00", "07:05:00"]


def test_retyping_text_to_url_names_the_rows_that_do_not_convert(org: Org) -> None:
    client = org.client()
    doc: dict[str, Any] = {"schema_version": 1, "key": "kinds", "label": {"en": "Kinds"}, "roles": [],
           "forms": [{"key": "sample", "label": {"en": "Sample"},
                      "fields": [{"key": "site", "kind": "text", "label": {"en": "Site"}}]}]}
    assert publish(client, doc).status_code == 200
    good = client.post(RECORDS, json={"site": "https://dajian.dev"}).json()["id"]
    bad = client.post(RECORDS, json={"site": "our intranet"}).json()["id"]
    retyped = copy.deepcopy(doc)
    retyped["forms"][0]["fields"][0]["kind"] = "url"
    dry = publish(client, retyped, dry_run=True).json()
    assert dry["unconvertible"] == {"sample": {"site": [bad]}}
    assert [s["op"] for s in dry["plan"][0]["steps"]] == ["retype_field"]
    refused = client.post("/api/v1/apps/kinds/publish")
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "/forms/0/fields/0/kind"
    assert f"ids {bad}" in refused.json()["errors"][0]["message"]
    fixed = client.patch(f"{RECORDS}/{bad}", json={"site": "http://intranet.local/", "row_version": 1})
    assert fixed.status_code == 200, fixed.text
    assert publish(client, retyped).status_code == 200
    assert [client.get(f"{RECORDS}/{i}").json()["site"] for i in (good, bad)] == \
        ["https://dajian.dev", "http://intranet.local/"]
    assert client.post(RECORDS, json={"site": "our intranet"}).status_code == 422


def test_keyset_pages_sort_by_new_kinds(org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]) -> None:
    client = org.client()
    rows = [{"text": f"r{i}", "time": f"{8 + i % 3:02}:00", "year_month": f"2026-{1 + i % 4:02}", "rating": 1 + i % 5,
             "currency": f"{i}.50"} for i in range(7)]
    assert client.post(f"{RECORDS}/bulk", json={"records": rows}).status_code == 201
    for sort in ("time,-year_month", "-rating,currency", "year_month"):
        seen: list[dict[str, Any]] = []
        after = None
        while True:
            page = client.get(RECORDS, params={"limit": 2, "sort": sort, "after": after}).json()
            seen += page["items"]
            after = page["next_cursor"]
            if after is None:
                break
        first = sort.split(",")[0].lstrip("-")
        values = [r[first] for r in seen]
        assert len({r["id"] for r in seen}) == 7 and values == sorted(values, reverse=sort.startswith("-")), sort


def test_many_referenced_ids_are_checked_as_few(
    org: Org, cases: dict[str, tuple[dict[str, Any], Any, Any]]
) -> None:
    """Up to 16 ids of a kind go in fixed parameters, more in one expanding one: both find the missing."""
    client = org.client()
    few = client.post(RECORDS, json={"multi_user": [org.admin_id, 10**9 + 1]})
    many = client.post(RECORDS, json={"multi_user": [org.admin_id, *range(10**9, 10**9 + 20)]})
    assert few.status_code == many.status_code == 422
    assert [e["message"] for e in few.json()["errors"]] == [f"no user with id {10**9 + 1}"]
    assert len(many.json()["errors"]) == 20
    assert client.post(RECORDS, json={"multi_user": [org.admin_id] * 20}).status_code == 201
