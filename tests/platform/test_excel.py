"""Excel export (same rows and values as the list API) and import (mapping, row reports, modes)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from dajian.platform import import_progress
from dajian.platform.apps import load_runtime
from dajian.platform.excel import import_xlsx
from dajian.platform.principal import Principal
from dajian.platform.records import form_context
from tests.platform.conftest import Org, publish, ticket_app

FORM = "/api/v1/apps/tickets/forms/ticket"
RECORDS = f"{FORM}/records"


def roles() -> list[dict[str, Any]]:
    def role(key: str, **perm: Any) -> dict[str, Any]:
        return {"key": key, "label": {"en": key}, "permissions": {"ticket": perm}}

    return [role("own", actions=["create", "read", "export"], row_scope="own"),
            role("limited", actions=["read", "export"], row_scope="all", read_fields=["title", "qty"]),
            role("reader", actions=["read"], row_scope="all")]


@pytest.fixture
def admin(org: Org) -> TestClient:
    client = org.client()
    assert publish(client, ticket_app(roles=roles())).status_code == 200
    return client


def user(org: Org, admin: TestClient, name: str, role: str) -> TestClient:
    user_id = org.add_user(name)
    grant = admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": role})
    assert grant.status_code == 201, grant.text
    return org.client(name)


def sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def test_export_has_the_list_api_values_typed(admin: TestClient) -> None:
    made = admin.post(RECORDS, json={"title": "=1+1", "qty": 7, "amount": "1234567890.12", "due": "2026-03-01",
                                     "seen_at": "2026-01-31T15:30:00Z", "status": "open", "tags": ["new", "open"],
                                     "urgent": True})
    assert made.status_code == 201, made.text
    admin.post(RECORDS, json={"title": "second", "amount": "0.10"})
    listed = admin.get(RECORDS, params={"sort": "title"}).json()["items"]
    response = admin.get(f"{FORM}/export.xlsx", params={"lang": "en", "sort": "title"})
    assert response.headers["content-disposition"].endswith("filename*=UTF-8''Ticket.xlsx")
    rows = sheet(response)
    header = rows[0]
    assert header[:6] == ("ID", "Title", "Body", "Qty", "Amount", "Urgent")
    assert header[-2:] == ("Created at", "Updated at")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    amount = ws.cell(row=2, column=5)
    assert amount.number_format == "0.00" and amount.data_type == "n"
    for api, row in zip(listed, rows[1:], strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["ID"] == api["id"] and cells["Title"] == api["title"] and cells["Qty"] == api["qty"]
        assert Decimal(str(cells["Amount"])).quantize(Decimal("0.01")) == Decimal(api["amount"])
    first = dict(zip(header, rows[1], strict=True))  # "=1+1" sorts first and stays text, not a formula
    assert first["Title"] == "=1+1" and first["Urgent"] is True
    assert first["Due"] == datetime(2026, 3, 1) and listed[0]["due"] == "2026-03-01"
    assert first["Seen at"] == datetime(2026, 1, 31, 23, 30)  # the app's time zone, Asia/Shanghai
    assert first["Tags"] == "new, open" and first["Status"] == "open"
    zh = sheet(admin.get(f"{FORM}/export.xlsx", params={"lang": "zh-CN", "fields": "title,qty"}))
    assert zh[0] == ("标题", "Qty")


def test_export_filters_and_sorts_like_the_list(admin: TestClient) -> None:
    for qty, status in [(3, "open"), (1, "open"), (2, "closed")]:
        admin.post(RECORDS, json={"title": f"q{qty}", "qty": qty, "status": status})
    params = {"filter": '{"==": [{"var": "status"}, "open"]}', "sort": "qty", "fields": "title"}
    assert sheet(admin.get(f"{FORM}/export.xlsx", params=params))[1:] == [("q1",), ("q3",)]
    bad = admin.get(f"{FORM}/export.xlsx", params={"filter": '{"==": [{"var": "nope"}, 1]}'})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"].startswith("/filter")


def test_export_respects_row_scope_field_permissions_and_the_export_action(admin: TestClient, org: Org) -> None:
    owner = user(org, admin, "owner", "own")
    limited = user(org, admin, "limited", "limited")
    reader = user(org, admin, "reader", "reader")
    assert owner.post(RECORDS, json={"title": "mine", "qty": 1, "amount": "5"}).status_code == 201
    admin.post(RECORDS, json={"title": "admin's", "qty": 2, "amount": "9"})
    assert [r[1] for r in sheet(owner.get(f"{FORM}/export.xlsx", params={"lang": "en"}))[1:]] == ["mine"]
    rows = sheet(limited.get(f"{FORM}/export.xlsx", params={"lang": "en", "sort": "qty"}))
    assert rows[0] == ("ID", "Title", "Qty", "Created at", "Updated at")
    assert [r[1:3] for r in rows[1:]] == [("mine", 1), ("admin's", 2)]
    hidden = limited.get(f"{FORM}/export.xlsx", params={"fields": "title,amount"})
    assert hidden.status_code == 403 and "amount" in hidden.json()["errors"][0]["message"]
    assert reader.get(f"{FORM}/export.xlsx").status_code == 403


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["标题", "Qty", "amount", "Due", "状态", "Notes"]
ROWS: list[list[Any]] = [
    HEADER,
    ["first", 1, 12.5, date(2026, 3, 1), "open", "ignored"],
    ["second", 2.0, "3.25", "2026-03-02", "closed", None],
    ["bad qty", "many", 1, None, None, None],  # row 4
    ["third", None, None, None, None, None],
    [None, 5, 1.234, None, "open", None],  # row 6: no title, too many decimals
]


def preview(client: TestClient, data: bytes) -> dict[str, Any]:
    response = client.post(f"{FORM}/import/preview", content=data, headers={"X-Filename": "tickets.xlsx"})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_import_preview_suggests_a_mapping(admin: TestClient) -> None:
    result = preview(admin, workbook(ROWS))
    assert result["columns"] == HEADER
    assert result["suggested_mapping"] == {"标题": "title", "Qty": "qty", "amount": "amount", "Due": "due"}
    assert result["sample_rows"][0] == {"标题": "first", "Qty": 1, "amount": 12.5, "Due": "2026-03-01T00:00:00",
                                        "状态": "open", "Notes": "ignored"}
    not_xlsx = admin.post(f"{FORM}/import/preview", content=b"title\nfirst\n", headers={"X-Filename": "a.csv"})
    assert not_xlsx.status_code == 422 and not_xlsx.json()["errors"][0]["path"] == "/file"


def run(client: TestClient, import_id: int, mode: str) -> dict[str, Any]:
    mapping = {"标题": "title", "Qty": "qty", "amount": "amount", "Due": "due", "状态": "status"}
    response = client.post(f"{FORM}/import", json={"import_id": import_id, "mapping": mapping, "mode": mode})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_import_all_or_nothing_writes_nothing_and_reports_bad_rows(admin: TestClient) -> None:
    report = run(admin, preview(admin, workbook(ROWS))["import_id"], "all_or_nothing")
    assert report["created"] == 0 and report["rows"] == 5
    assert report["rejected"] == [
        {"row": 4, "errors": [{"path": "/qty", "column": "Qty", "message": "expected an integer"}]},
        {"row": 6, "errors": [{"path": "/amount", "column": "amount", "message": "at most 2 decimal places"},
                              {"path": "/title", "column": "标题", "message": "is required"}]},
    ]
    assert admin.get(RECORDS, params={"count": "exact"}).json()["total"] == 0


def test_import_keep_valid_writes_the_good_rows(admin: TestClient, org: Org) -> None:
    import_id = preview(admin, workbook(ROWS))["import_id"]
    report = run(admin, import_id, "keep_valid")
    assert report["created"] == 3 and [r["row"] for r in report["rejected"]] == [4, 6]
    items = admin.get(RECORDS, params={"sort": "title", "fields": "title,qty,amount,due,status"}).json()["items"]
    assert [(i["title"], i["qty"], i["amount"], i["due"], i["status"]) for i in items] == [
        ("first", 1, "12.50", "2026-03-01", "open"),
        ("second", 2, "3.25", "2026-03-02", "closed"),
        ("third", None, None, None, "new"),
    ]
    other = user(org, admin, "other", "own")
    stolen = other.post(f"{FORM}/import", json={"import_id": import_id, "mapping": {"标题": "title"}})
    assert stolen.status_code == 404
    bad_mapping = admin.post(f"{FORM}/import", json={"import_id": import_id, "mapping": {"Nope": "title",
                                                                                         "Qty": "ghost"}})
    assert bad_mapping.status_code == 422
    assert {e["path"] for e in bad_mapping.json()["errors"]} == {"/mapping/Nope", "/mapping/Qty"}


def test_import_function_reports_progress(admin: TestClient, org: Org) -> None:
    principal = Principal(user_id=org.admin_id, org_id=org.id, dept_id=None, is_org_admin=True, via="system")
    seen: list[tuple[int, int]] = []
    with org.engine.begin() as conn:
        ctx = form_context(conn, principal, load_runtime(conn, principal, "tickets"), "ticket", "create")
        rows: list[list[Any]] = [["Title", "Qty"], *([f"r{i}", i] for i in range(1200))]
        report = import_xlsx(conn, ctx, io.BytesIO(workbook(rows)), mapping={"Title": "title", "Qty": "qty"},
                             mode="all_or_nothing", progress=lambda done, total: seen.append((done, total)))
    assert report == {"mode": "all_or_nothing", "rows": 1200, "created": 1200, "rejected": []}
    assert seen == [(1000, 1200), (1200, 1200)]
    assert admin.get(RECORDS, params={"count": "exact", "limit": 1}).json()["total"] == 1200


def test_a_cascade_path_goes_back_in_as_it_was_exported() -> None:
    from zoneinfo import ZoneInfo

    from dajian.engines.form.model import FieldDef
    from dajian.platform.excel import prepare

    category = FieldDef.model_validate({"key": "category", "kind": "cascade_select", "label": {"en": "Category"},
                                        "config": {"tree_key": "categories"}})
    zone = ZoneInfo("Asia/Shanghai")
    assert prepare(category, "logistics, parcel, wrong_item", zone) == ["logistics", "parcel", "wrong_item"]
    assert prepare(category, "logistics / parcel", zone) == ["logistics", "parcel"]


def test_a_running_import_reports_rows_done_of_the_total(org: Org, admin: TestClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    halfway, resume = threading.Event(), threading.Event()
    real_start = import_progress.start

    def paused_start(key: import_progress.Key) -> Callable[[int, int], None]:
        report = real_start(key)

        def progress(done: int, total: int) -> None:
            report(done, total)
            if not halfway.is_set():  # hold the import after its first batch while the test looks
                halfway.set()
                resume.wait(60)
        return progress

    monkeypatch.setattr(import_progress, "start", paused_start)
    monkeypatch.setattr(import_progress, "_runs", {})  # ids repeat across the test databases of one process
    rows = [[f"row {i}", i, None, None, None, None] for i in range(2500)]
    import_id = preview(admin, workbook([HEADER, *rows]))["import_id"]
    url = f"{FORM}/import/{import_id}/progress"
    assert admin.get(url).json() == {"state": "unknown", "done": 0, "total": None}
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(run, org.client(), import_id, "keep_valid")
        assert halfway.wait(60)
        assert admin.get(url).json() == {"state": "running", "done": 1000, "total": 2500}
        resume.set()
        assert running.result(60)["created"] == 2500
    assert admin.get(url).json() == {"state": "finished", "done": 2500, "total": 2500}
    other = user(org, admin, "someone", "own")  # nobody else sees another person's import
    assert other.get(url).json()["state"] == "unknown"
