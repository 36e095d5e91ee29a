"""Reports and dashboards through the API, on SQLite and PostgreSQL, over generated complaints.

Expected numbers are computed by hand (plain Python over the same generated records) and compared
with what the API returns; drill-down filters are run through the record list API.
"""

from __future__ import annotations

import io
import json
import random
import secrets
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, insert

from dajian.platform.apps import load_runtime
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.principal import Principal
from tests.platform.conftest import Org, publish

TZ = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["billing", "quality", "delivery", "service", "safety"]
PRIORITIES = ["p1", "p2", "p3", "p4"]
REGIONS = ["north", "south", "east"]
PRODUCTS = ["phone", "tv", "fridge"]
REPORT = "/api/v1/apps/complaints/reports"


def _options(values: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"zh-CN": v.upper(), "en": v.title()}} for v in values]


def complaint_app() -> dict[str, Any]:
    fields = [
        {"key": "category", "kind": "single_select", "label": {"zh-CN": "类别", "en": "Category"},
         "options": _options(CATEGORIES)},
        {"key": "priority", "kind": "single_select", "label": {"zh-CN": "优先级", "en": "Priority"},
         "options": _options(PRIORITIES)},
        {"key": "region", "kind": "single_select", "label": {"zh-CN": "区域", "en": "Region"},
         "options": _options(REGIONS)},
        {"key": "product", "kind": "text", "label": {"zh-CN": "产品", "en": "Product"}},
        {"key": "amount", "kind": "decimal", "label": {"zh-CN": "金额", "en": "Amount"}, "precision": 12, "scale": 2},
        {"key": "opened_at", "kind": "datetime", "label": {"zh-CN": "受理时间", "en": "Opened at"}},
        {"key": "resolved_at", "kind": "datetime", "label": {"zh-CN": "解决时间", "en": "Resolved at"}},
        {"key": "sla_met", "kind": "boolean", "label": {"zh-CN": "SLA达成", "en": "SLA met"}},
        {"key": "csat", "kind": "integer", "label": {"zh-CN": "满意度", "en": "CSAT"}},
    ]
    return {
        "schema_version": 1, "key": "complaints", "label": {"zh-CN": "客诉", "en": "Complaints"},
        "forms": [{"key": "complaint", "label": {"zh-CN": "客诉", "en": "Complaint"}, "fields": fields}],
        "roles": [
            {"key": "agent", "label": {"en": "Agent"},
             "permissions": {"complaint": {"actions": ["read", "export"], "row_scope": "dept"}}},
            {"key": "viewer", "label": {"en": "Viewer"},
             "permissions": {"complaint": {"actions": ["read"], "row_scope": "all",
                                           "read_fields": ["category", "priority", "region", "opened_at"]}}},
        ],
        "reports": REPORTS,
        "dashboards": [DASHBOARD],
        "settings": {"timezone": "Asia/Shanghai"},
    }


def _report(key: str, **body: Any) -> dict[str, Any]:
    return {"key": key, "label": {"zh-CN": key, "en": key}, "dataset": {"form": "complaint"}, **body}


PERIOD = {"key": "period", "type": "date_range", "field": "opened_at"}
REPORTS = [
    _report("by_category", dimensions=[{"field": "category"}], totals=True, measures=[
        {"key": "n", "agg": "count"}, {"key": "products", "agg": "count_distinct", "field": "product"},
        {"key": "amount", "agg": "sum", "field": "amount"}, {"key": "csat", "agg": "avg", "field": "csat"},
        {"key": "low", "agg": "min", "field": "amount"}, {"key": "last", "agg": "max", "field": "opened_at"},
        {"key": "met", "agg": "count", "where": {"var": "sla_met"}},
        {"key": "sla", "ratio": ["met", "n"], "format": "percent"}], chart={"type": "bar", "y": ["n"]}),
    _report("p90", measures=[{"key": "p90", "agg": "percentile", "field": "amount", "p": 0.9},
                             {"key": "med", "agg": "median", "field": "csat"}], chart={"type": "number"}),
    _report("by_month", dimensions=[{"field": "opened_at", "granularity": "month"}],
            measures=[{"key": "n", "agg": "count"}], chart={"type": "line"}),
    _report("by_day", params=[PERIOD], dimensions=[{"field": "opened_at", "granularity": "day"}],
            measures=[{"key": "n", "agg": "count"}], chart={"type": "area"}),
    _report("pivot", dimensions=[{"field": "region"}, {"field": "product"}], columns=[{"field": "priority"}],
            measures=[{"key": "n", "agg": "count"}, {"key": "amount", "agg": "sum", "field": "amount"}],
            totals=True, subtotals=True, chart={"type": "pivot"}),
    _report("top2", dimensions=[{"field": "category"}], top={"dimension": "category", "n": 2, "by": "n"},
            measures=[{"key": "n", "agg": "count"}], sort=[{"by": "n", "desc": True}], chart={"type": "pie"}),
    _report("card", params=[PERIOD, {"key": "regions", "type": "text", "multiple": True, "field": "region"},
                            {"key": "min_csat", "type": "integer"}],
            filter={">=": [{"var": "csat"}, {"var": "$param.min_csat"}]}, compare={"param": "period"},
            measures=[{"key": "n", "agg": "count"}], chart={"type": "number"}),
    _report("by_dept", params=[{"key": "dept", "type": "department", "field": "dept_id", "include_children": True}],
            dimensions=[{"field": "dept_id"}], measures=[{"key": "n", "agg": "count"}]),
    _report("amounts", dimensions=[{"field": "region"}], measures=[{"key": "amount", "agg": "sum", "field": "amount"}]),
]
DASHBOARD = {
    "key": "cockpit", "label": {"zh-CN": "驾驶舱", "en": "Cockpit"},
    "filters": [{"key": "period", "type": "date_range", "targets": {"daily": "period", "card": "period"}}],
    "widgets": [{"key": "cats", "report": "by_category", "w": 6}, {"key": "daily", "report": "by_day", "x": 6},
                {"key": "card", "report": "card", "y": 4}, {"key": "money", "report": "amounts", "x": 6, "y": 4}],
}


def generate(depts: dict[str, int], owners: dict[str, int]) -> list[dict[str, Any]]:
    rng = random.Random(7)
    rows = []
    edges = [datetime(2026, 1, 31, 20, 0, tzinfo=UTC), datetime(2025, 12, 31, 17, 0, tzinfo=UTC),
             datetime(2026, 1, 31, 15, 59, tzinfo=UTC), datetime(2026, 2, 28, 16, 30, tzinfo=UTC)]
    for i in range(60):
        opened = edges[i] if i < len(edges) else datetime(2025, 12, 1, tzinfo=UTC) + timedelta(
            hours=rng.randrange(0, 24 * 100))
        if datetime(2026, 1, 10, tzinfo=UTC) <= opened < datetime(2026, 1, 15, tzinfo=UTC):
            opened += timedelta(days=10)  # leave empty days for the fill test
        dept = rng.choice(list(depts))
        rows.append({
            "category": CATEGORIES[min(int(rng.expovariate(0.8)), 4)], "priority": rng.choice(PRIORITIES),
            "region": rng.choice(REGIONS), "product": rng.choice(PRODUCTS),
            "amount": None if i % 11 == 5 else Decimal(rng.randrange(100, 99999)) / 100,
            "opened_at": opened, "resolved_at": opened + timedelta(hours=rng.randrange(1, 72)),
            "sla_met": rng.random() < 0.7, "csat": None if i % 13 == 3 else rng.randrange(1, 6),
            "dept_id": depts[dept], "owner_id": owners[dept],
        })
    return rows


@pytest.fixture(scope="module")
def world(api: FastAPI, engine: Engine) -> Iterator[dict[str, Any]]:
    key = f"org_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=key)
        admin_id = create_user(conn, org_id=org_id, username="admin", password="correct horse battery",
                               is_org_admin=True)
    org = Org(api=api, engine=engine, key=key, id=org_id, admin_id=admin_id)
    org.add_dept("east")
    org.add_dept("east_sub", parent="east")
    org.add_dept("west")
    admin = org.client()
    assert publish(admin, complaint_app()).status_code == 200
    owners = {d: org.add_user(f"agent_{d}", dept=d) for d in ("east", "east_sub", "west")}
    viewer_id = org.add_user("viewer", dept="west")
    for user_id, role in ((owners["east"], "agent"), (viewer_id, "viewer")):
        granted = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "complaints", "role": role})
        assert granted.status_code == 201, granted.text
    rows = generate(org.depts, owners)
    principal = Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
    with engine.begin() as conn:
        table = load_runtime(conn, principal, "complaints").form("complaint").table
        now = datetime.now(UTC)
        conn.execute(insert(table), [{**r, "created_at": now, "updated_at": now, "created_by": admin_id,
                                      "row_version": 1} for r in rows])
    yield {"org": org, "admin": admin, "rows": rows, "depts": dict(org.depts)}


def run(client: TestClient, report: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(f"{REPORT}/{report}/run", json={"params": params or {}})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def drill_count(client: TestClient, flt: Any) -> int:
    response = client.post("/api/v1/apps/complaints/forms/complaint/records/query",
                           json={"filter": flt, "limit": 500, "count": "exact"})
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


def local(d: datetime, fmt: str) -> str:
    return d.astimezone(TZ).strftime(fmt)


def test_every_measure_kind_matches_a_hand_computed_result(world: dict[str, Any]) -> None:
    data = run(world["admin"], "by_category")
    rows = world["rows"]
    assert [r["dims"]["category"] for r in data["rows"]] == [c for c in CATEGORIES if any(
        x["category"] == c for x in rows)], "categories in their defined order"
    for row in data["rows"]:
        mine = [r for r in rows if r["category"] == row["dims"]["category"]]
        amounts = [r["amount"] for r in mine if r["amount"] is not None]
        csats = [r["csat"] for r in mine if r["csat"] is not None]
        met = sum(r["sla_met"] for r in mine)
        values = row["values"]
        assert values["n"] == len(mine)
        assert values["products"] == len({r["product"] for r in mine})
        assert Decimal(str(values["amount"])) == sum(amounts, Decimal(0))
        assert values["csat"] == pytest.approx(statistics.mean(csats), abs=1e-4)
        assert Decimal(str(values["low"])) == min(amounts)
        assert datetime.fromisoformat(values["last"]) == max(r["opened_at"] for r in mine)
        assert values["met"] == met
        assert values["sla"] == pytest.approx(round(met / len(mine), 4))
    assert data["total"]["values"]["n"] == len(rows)
    assert data["labels"]["category"]["billing"] == {"zh-CN": "BILLING", "en": "Billing"}
    chart = data["chart"]
    assert chart["type"] == "bar" and chart["x"]["categories"] == [r["dims"]["category"] for r in data["rows"]]
    assert chart["series"][0]["data"] == [r["values"]["n"] for r in data["rows"]]


def test_percentiles_on_postgresql_and_a_clear_refusal_on_sqlite(world: dict[str, Any], engine: Engine) -> None:
    response = world["admin"].post(f"{REPORT}/p90/run", json={})
    if engine.dialect.name == "sqlite":
        assert response.status_code == 422
        assert "not supported on sqlite" in response.text
        return
    values = response.json()["total"]["values"] if response.json()["total"] else response.json()["rows"][0]["values"]
    amounts = sorted(float(r["amount"]) for r in world["rows"] if r["amount"] is not None)
    pos = 0.9 * (len(amounts) - 1)
    expected = amounts[int(pos)] + (amounts[int(pos) + 1] - amounts[int(pos)]) * (pos - int(pos))
    assert values["p90"] == pytest.approx(expected, abs=1e-3)
    assert values["med"] == statistics.median(r["csat"] for r in world["rows"] if r["csat"] is not None)


def test_month_buckets_follow_the_app_time_zone_across_month_and_year_ends(world: dict[str, Any]) -> None:
    data = run(world["admin"], "by_month")
    got = {r["dims"]["opened_at_month"]: r["values"]["n"] for r in data["rows"]}
    expected = Counter(local(r["opened_at"], "%Y-%m") for r in world["rows"])
    assert got == dict(expected)
    # 2026-01-31T20:00Z is February 1 in Shanghai; 2025-12-31T17:00Z is already January 1, 2026
    feb = next(r for r in data["rows"] if r["dims"]["opened_at_month"] == "2026-02")
    assert drill_count(world["admin"], {"and": [feb["drill"], {"==": [{"var": "opened_at"},
                                                                       {"datetime": "2026-01-31T20:00:00Z"}]}]}) == 1
    jan = next(r for r in data["rows"] if r["dims"]["opened_at_month"] == "2026-01")
    assert drill_count(world["admin"], {"and": [jan["drill"], {"==": [{"var": "opened_at"},
                                                                       {"datetime": "2025-12-31T17:00:00Z"}]}]}) == 1
    assert data["labels"]["opened_at_month"]["2026-02"] == {"en": "2026-02", "zh-CN": "2026年2月"}


def test_day_buckets_are_filled_inside_the_requested_range(world: dict[str, Any]) -> None:
    data = run(world["admin"], "by_day", {"period": {"from": "2026-01-08", "to": "2026-01-16"}})
    days = [r["dims"]["opened_at_day"] for r in data["rows"]]
    assert days == [f"2026-01-{d:02d}" for d in range(8, 17)]
    counts = Counter(local(r["opened_at"], "%Y-%m-%d") for r in world["rows"])
    assert [r["values"]["n"] for r in data["rows"]] == [counts.get(d, 0) for d in days]
    assert data["rows"][3]["values"]["n"] == 0  # 2026-01-11 has no records
    assert data["params"]["period"]["previous"] == {"from": "2025-12-30", "to": "2026-01-07"}


def test_pivot_with_subtotals_and_totals(world: dict[str, Any]) -> None:
    data = run(world["admin"], "pivot")
    pivot = data["pivot"]
    rows = world["rows"]
    assert [c["priority"] for c in pivot["columns"]] == [p for p in PRIORITIES if any(r["priority"] == p for r in rows)]
    lines = {(line["level"], tuple(sorted(line["key"].items()))): line for line in pivot["rows"]}
    line = lines[("detail", (("product", "tv"), ("region", "north")))]
    for i, col in enumerate(pivot["columns"]):
        mine = [r for r in rows if (r["region"], r["product"], r["priority"]) == ("north", "tv", col["priority"])]
        assert (line["cells"][i] or {"n": 0})["n"] == len(mine)
    sub = lines[("subtotal", (("region", "south"),))]
    assert sub["total"]["n"] == sum(r["region"] == "south" for r in rows)
    grand = lines[("total", ())]
    assert grand["total"]["n"] == len(rows)
    assert [c["n"] for c in grand["cells"]] == [sum(r["priority"] == c["priority"] for r in rows)
                                                 for c in pivot["columns"]]
    assert pivot["rows"][-1]["level"] == "total"


def test_top_n_with_others_and_its_drill_down(world: dict[str, Any]) -> None:
    data = run(world["admin"], "top2")
    counts = Counter(r["category"] for r in world["rows"])
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    keys = [r["dims"]["category"] for r in data["rows"]]
    assert keys == [ranked[0][0], ranked[1][0], "__others__"]
    others = data["rows"][2]
    assert others["values"]["n"] == sum(n for _, n in ranked[2:])
    assert data["labels"]["category"]["__others__"]["en"] == "Others"
    for row in data["rows"]:
        assert drill_count(world["admin"], row["drill"]) == row["values"]["n"]
    assert data["chart"]["type"] == "pie" and len(data["chart"]["data"]) == 3


def test_compare_with_the_previous_period_and_parameters(world: dict[str, Any]) -> None:
    params = {"period": {"from": "2026-02-01", "to": "2026-02-28"}, "regions": ["north", "east"], "min_csat": 3}

    def count(first: datetime, last: datetime) -> int:
        return sum(1 for r in world["rows"] if first <= r["opened_at"].astimezone(TZ).replace(tzinfo=None) < last
                   and r["region"] in ("north", "east") and r["csat"] is not None and r["csat"] >= 3)

    data = run(world["admin"], "card", params)
    row = data["total"] or data["rows"][0]
    now, before = count(datetime(2026, 2, 1), datetime(2026, 3, 1)), count(datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert (row["values"]["n"], row["previous"]["n"]) == (now, before)
    assert row["change"]["n"] == pytest.approx(round((now - before) / before, 4))
    assert data["chart"] == {**data["chart"], "type": "number", "value": now, "previous": before}
    assert drill_count(world["admin"], row["drill"]) == now
    # an optional parameter left out drops its filter part
    loose = run(world["admin"], "card", {"period": params["period"]})
    assert (loose["total"] or loose["rows"][0])["values"]["n"] == sum(
        1 for r in world["rows"] if datetime(2026, 2, 1) <= r["opened_at"].astimezone(TZ).replace(tzinfo=None)
        < datetime(2026, 3, 1))
    bad = world["admin"].post(f"{REPORT}/card/run", json={"params": {"period": "someday", "nope": 1}})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"/params/period", "/params/nope"}


def test_drill_down_lists_exactly_the_counted_records(world: dict[str, Any]) -> None:
    data = run(world["admin"], "by_category")
    for row in data["rows"][:3]:
        assert drill_count(world["admin"], row["drill"]) == row["values"]["n"]
        assert drill_count(world["admin"], row["drill_measures"]["met"]) == row["values"]["met"]


def test_row_scope_and_field_permissions(world: dict[str, Any]) -> None:
    org: Org = world["org"]
    agent = org.client("agent_east")
    mine = [r for r in world["rows"] if r["dept_id"] == world["depts"]["east"]]
    data = run(agent, "by_category")
    assert data["total"]["values"]["n"] == len(mine)
    assert {r["dims"]["category"]: r["values"]["n"] for r in data["rows"]} == dict(Counter(r["category"] for r in mine))
    by_dept = run(world["admin"], "by_dept", {"dept": world["depts"]["east"]})
    expected = Counter(r["dept_id"] for r in world["rows"] if r["dept_id"] in
                       (world["depts"]["east"], world["depts"]["east_sub"]))
    assert {r["dims"]["dept_id"]: r["values"]["n"] for r in by_dept["rows"]} == dict(expected)
    assert by_dept["labels"]["dept_id"][str(world["depts"]["east_sub"])]["en"] == "East_Sub"
    viewer = org.client("viewer")
    denied = viewer.post(f"{REPORT}/by_category/run", json={})
    assert denied.status_code == 403
    assert any("amount" in e["message"] for e in denied.json()["errors"])
    assert run(viewer, "by_month")["rows"]


def test_dashboard_runs_widgets_with_global_filters(world: dict[str, Any]) -> None:
    response = world["org"].client("viewer").post("/api/v1/apps/complaints/dashboards/cockpit/run",
                                                  json={"filters": {"period": "last_month"}})
    assert response.status_code == 200, response.text
    widgets = {w["key"]: w for w in response.json()["widgets"]}
    assert widgets["cats"]["status"] == 403  # uses amount, which the viewer may not read
    assert widgets["daily"]["data"]["params"]["period"]["from"].endswith("-01")
    full = world["admin"].post("/api/v1/apps/complaints/dashboards/cockpit/run",
                               json={"filters": {"period": {"from": "2026-01-01", "to": "2026-01-31"}}}).json()
    daily = next(w for w in full["widgets"] if w["key"] == "daily")["data"]
    assert len(daily["rows"]) == 31
    assert sum(r["values"]["n"] for r in daily["rows"]) == sum(
        1 for r in world["rows"] if local(r["opened_at"], "%Y-%m") == "2026-01")


def test_exports_hold_the_same_numbers(world: dict[str, Any]) -> None:
    admin = world["admin"]
    data = run(admin, "by_category")
    response = admin.get(f"{REPORT}/by_category/export.xlsx", params={"lang": "en"})
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("Category", "Count", "Distinct count Product")
    assert [(r[0], r[1], r[3]) for r in table[1:-1]] == [
        (r["dims"]["category"].title(), r["values"]["n"], pytest.approx(r["values"]["amount"])) for r in data["rows"]]
    assert table[-1][0] == "Total" and table[-1][1] == len(world["rows"])
    pivot = admin.get(f"{REPORT}/pivot/export.csv", params={"lang": "en"})
    assert pivot.status_code == 200
    lines = pivot.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Region,Product,P1 · Count,P1 · Sum Amount")
    assert lines[-1].split(",")[0] == "Total"
    assert int(lines[-1].split(",")[-2]) == len(world["rows"])
    params = json.dumps({"period": {"from": "2026-01-01", "to": "2026-01-31"}})
    assert admin.get(f"{REPORT}/by_day/export.xlsx", params={"params": params}).status_code == 200


def test_preview_runs_an_unsaved_definition_and_locates_mistakes(world: dict[str, Any]) -> None:
    admin = world["admin"]
    body = {"report": _report("draft", dimensions=[{"field": "region"}], measures=[
        {"key": "avg_amount", "agg": "avg", "field": "amount"}, {"key": "n", "agg": "count"}]), "params": {}}
    response = admin.post(f"{REPORT}/preview", json=body)
    assert response.status_code == 200, response.text
    north = next(r for r in response.json()["rows"] if r["dims"]["region"] == "north")
    amounts = [r["amount"] for r in world["rows"] if r["region"] == "north" and r["amount"] is not None]
    assert north["values"]["avg_amount"] == pytest.approx(float(sum(amounts) / len(amounts)), abs=1e-4)
    body["report"]["measures"][0]["field"] = "product"
    body["report"]["dimensions"][0]["field"] = "opened_at"
    bad = admin.post(f"{REPORT}/preview", json=body)
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"/report/dimensions/0/granularity",
                                                         "/report/measures/0/field"}


def test_counts_per_department_and_region_agree_with_the_record_list(world: dict[str, Any]) -> None:
    per_region: dict[str, Decimal] = defaultdict(Decimal)
    for r in world["rows"]:
        per_region[r["region"]] += r["amount"] or 0
    data = run(world["admin"], "amounts")
    assert {r["dims"]["region"]: Decimal(str(r["values"]["amount"])) for r in data["rows"]} == dict(per_region)


def test_publish_checks_for_reports_and_dashboards_have_paths() -> None:
    from dajian.platform.reports import app_report_issues

    assert app_report_issues(complaint_app()) == []
    doc = complaint_app()
    doc["reports"] = [*REPORTS[:2], _report("broken", dimensions=[{"field": "resolved_at"}],
                                            measures=[{"key": "n", "agg": "avg", "field": "product"}])]
    doc["dashboards"] = [{"key": "d", "filters": [{"key": "f", "type": "date", "targets": {"x": "period"}}],
                          "widgets": [{"key": "w", "report": "nope"}, {"key": "v", "report": "by_category",
                                                                       "params": {"zz": 1}, "x": 10}]}]
    assert {(i["path"], i["message"]) for i in app_report_issues(doc)} == {
        ("/reports/2/dimensions/0/granularity",
         "'resolved_at' is a date-time: give a granularity (hour, day, week, month, quarter, year)"),
        ("/reports/2/measures/0/field", "cannot avg a text field (takes boolean, decimal, integer)"),
        ("/dashboards/0/widgets/0/report", "no report 'nope'"),
        ("/dashboards/0/widgets/1/params/zz", "report 'by_category' has no parameter 'zz'"),
        ("/dashboards/0/widgets/1/w", "the widget extends past the grid's 12 columns"),
        ("/dashboards/0/filters/0/targets/x", "no widget 'x'"),
    }
