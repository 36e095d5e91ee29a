"""The repair-order template (报修工单), installed from its signed package, works a record end to end on SQLite
and PostgreSQL: the parts sub-table totals itself, the rule starts the flow, the dispatcher assigns an engineer,
the engineer repairs, the 48-hour timer closes the order, and the report counts it by engineer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.jobs import Worker
from dajian.platform.market.package import new_key, pack_folder, sign_package
from tests.platform.conftest import PASSWORD, Org
from tests.platform.market_jobs import finish

TEMPLATE = Path(__file__).resolve().parents[2] / "app_templates" / "repair_orders"
APP = "repair_orders"
RECORDS = f"/api/v1/apps/{APP}/forms/repair_order/records"


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


def install_signed(org: Org, admin: TestClient) -> None:
    pem, public = new_key()
    assert admin.post("/api/v1/admin/market/keys", json={"label": "Dajian", "public_key": public}).status_code == 201
    data = sign_package(pack_folder(TEMPLATE), pem)
    uploaded = admin.post("/api/v1/admin/market/packages", content=data)
    assert uploaded.status_code == 201, uploaded.text
    preview = admin.post(f"/api/v1/admin/market/packages/{uploaded.json()['id']}/install-preview").json()
    assert [f["key"] for f in preview["creates"]["flows"]] == ["repair"]
    assert {r["key"] for r in preview["creates"]["roles"]} == {"dispatcher", "engineer"}
    done = finish(admin, org.engine,
                  admin.post(f"/api/v1/admin/market/packages/{uploaded.json()['id']}/install", json={}))
    assert done["state"] == "succeeded", done


def person(org: Org, admin: TestClient, name: str, role: str) -> int:
    made = admin.post("/api/v1/admin/users", json={"username": name, "password": PASSWORD})
    assert made.status_code == 201, made.text
    granted = admin.post("/api/v1/admin/memberships", json={"user_id": made.json()["id"], "app": APP, "role": role})
    assert granted.status_code == 201, granted.text
    return int(made.json()["id"])


def act(client: TestClient, record_id: int, node: str, values: dict[str, Any]) -> None:
    """Fill in the task's fields on the record, then complete the task from the inbox."""
    [task] = [t for t in client.get("/api/v1/flows/inbox/pending").json()["items"]
              if t["node_id"] == node and t["record_id"] == record_id]
    row_version = client.get(f"{RECORDS}/{record_id}").json()["row_version"]
    edited = client.patch(f"{RECORDS}/{record_id}", json={**values, "row_version": row_version})
    assert edited.status_code == 200, edited.text
    done = client.post(f"/api/v1/flows/tasks/{task['task_id']}/act",
                       json={"action": "approve", "client_request_id": f"{node}-{record_id}"})
    assert done.status_code == 200, done.text


def run_jobs(worker: Worker) -> None:
    for _ in range(20):
        if worker.run_once() == 0:
            return


def test_a_repair_order_goes_from_request_to_closed(org: Org, clock: ManualClock) -> None:
    admin = org.client()
    install_signed(org, admin)
    person(org, admin, "dispatch1", "dispatcher")
    engineer = person(org, admin, "eng1", "engineer")
    dispatcher, fixer = org.client("dispatch1"), org.client("eng1")

    made = dispatcher.post(RECORDS, json={"title": "空调不制冷", "customer": "王女士", "urgency": "urgent",
                                          "parts": [{"part": "压缩机电容", "qty": 2, "price": "35.50"},
                                                    {"part": "冷媒", "qty": 1, "price": "120"}]})
    assert made.status_code == 201, made.text
    record = made.json()
    assert Decimal(str(record["parts_total"])) == Decimal("191.00")  # the formula over the sub-table
    run_jobs(Worker(org.engine))
    act(dispatcher, record["id"], "dispatch", {"engineer": engineer})
    assert dispatcher.get(f"{RECORDS}/{record['id']}").json()["status"] == "dispatched"
    act(fixer, record["id"], "repair", {"diagnosis": "更换电容并补充冷媒"})
    assert dispatcher.get(f"{RECORDS}/{record['id']}").json()["status"] == "repaired"

    clock.set(clock.now() + timedelta(hours=49))  # the follow-up timer
    run_jobs(Worker(org.engine))
    assert dispatcher.get(f"{RECORDS}/{record['id']}").json()["status"] == "closed"
    report = admin.post(f"/api/v1/apps/{APP}/reports/by_engineer/run", json={})
    assert report.status_code == 200, report.text
    assert "1" in report.text and str(engineer) in report.text
