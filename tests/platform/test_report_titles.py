"""A report grouped by a relation names each related record by its display field (the relation's
``display_field``, else the target form's ``title_field``), read in the report's one statement, on
SQLite and PostgreSQL; a reader who may not see the target's names gets the bare ids."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from dajian.platform.apps import load_runtime
from tests.platform.conftest import Org, publish
from tests.platform.test_template import admin_of

APP = "helpdesk"
REPORTS = f"/api/v1/apps/{APP}/reports"
ACCOUNTS = ["北辰科技", "Acme Ltd", "Blue Harbour", "Cedar & Sons"]
ROBERTS = "Roberts Works"  # a vendor named by the relation's display_field, not the vendor form's title


def _field(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"zh-CN": key, "en": key.title()}, **extra}


def _report(key: str, dimension: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": {"en": key}, "dataset": {"form": "ticket"}, "dimensions": [{"field": dimension}],
            "measures": [{"key": "n", "label": {"en": "Tickets"}, "agg": "count"}], **extra}


def helpdesk() -> dict[str, Any]:
    everything = {"actions": ["read", "export"], "row_scope": "all"}
    return {
        "schema_version": 2, "key": APP, "label": {"en": "Helpdesk"},
        "forms": [
            {"key": "account", "label": {"en": "Account"}, "title_field": "name",
             "fields": [_field("code", "text"), _field("name", "text")]},
            {"key": "vendor", "label": {"en": "Vendor"}, "title_field": "code",
             "fields": [_field("code", "text"), _field("legal_name", "text")]},
            {"key": "ticket", "label": {"en": "Ticket"}, "fields": [
                _field("subject", "text"),
                _field("account", "relation", config={"form": "account"}),
                _field("vendor", "relation", config={"form": "vendor", "display_field": "legal_name"})]},
        ],
        "roles": [
            {"key": "agent", "label": {"en": "Agent"},
             "permissions": {"ticket": everything, "account": everything, "vendor": everything}},
            {"key": "outsider", "label": {"en": "Outsider"}, "permissions": {"ticket": everything}},
            {"key": "clerk", "label": {"en": "Clerk"},
             "permissions": {"ticket": everything, "account": {**everything, "read_fields": ["code"]}}},
        ],
        "reports": [
            _report("by_account", "account", totals=True, sort=[{"by": "n", "desc": True}],
                    chart={"type": "bar"}),
            _report("by_vendor", "vendor"),
            _report("top_accounts", "account", top={"dimension": "account", "n": 2, "by": "n", "others": True}),
            _report("streamed", "account"),
        ],
    }


@pytest.fixture
def desk(org: Org) -> dict[str, Any]:
    admin = org.client()
    assert publish(admin, helpdesk()).status_code == 200
    accounts = {}
    for i, name in enumerate(ACCOUNTS):
        made = admin.post(f"/api/v1/apps/{APP}/forms/account/records", json={"code": f"A{i}", "name": name})
        assert made.status_code == 201, made.text
        accounts[name] = made.json()["id"]
    vendor = admin.post(f"/api/v1/apps/{APP}/forms/vendor/records", json={"code": "V1", "legal_name": ROBERTS})
    assert vendor.status_code == 201, vendor.text
    # 4, 3, 2 and 1 tickets per account, one ticket without an account
    tickets = [{"subject": f"t{n}", "account": accounts[name], "vendor": vendor.json()["id"]}
               for n, name in enumerate(ACCOUNTS) for _ in range(len(ACCOUNTS) - n)] + [{"subject": "orphan"}]
    created = admin.post(f"/api/v1/apps/{APP}/forms/ticket/records/bulk", json={"records": tickets})
    assert created.status_code in (200, 201), created.text
    for username, role in (("agent", "agent"), ("outsider", "outsider"), ("clerk", "clerk")):
        uid = org.add_user(username)
        granted = admin.post("/api/v1/admin/memberships", json={"user_id": uid, "app": APP, "role": role})
        assert granted.status_code == 201, granted.text
    return {"org": org, "accounts": accounts, "tickets": tickets}


def run(client: TestClient, report: str) -> dict[str, Any]:
    response = client.post(f"{REPORTS}/{report}/run", json={})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def names(result: dict[str, Any], dim: str, lang: str = "en") -> dict[Any, str | None]:
    """Each detail row's value -> the label the page shows (None: no label, the bare id)."""
    labels = result["labels"][dim]
    return {r["dims"][dim]: (labels.get(str(r["dims"][dim])) or {}).get(lang) for r in result["rows"]}


def test_a_relation_dimension_shows_the_related_records_by_their_title(desk: dict[str, Any]) -> None:
    result = run(desk["org"].client("agent"), "by_account")
    accounts = {v: k for k, v in desk["accounts"].items()}
    assert names(result, "account") == {**{i: name for i, name in accounts.items()}, None: "(empty)"}
    assert names(result, "account", "zh-CN")[desk["accounts"]["北辰科技"]] == "北辰科技"
    counts = Counter(t.get("account") for t in desk["tickets"])
    assert {r["dims"]["account"]: r["values"]["n"] for r in result["rows"]} == dict(counts)
    assert result["total"]["values"]["n"] == len(desk["tickets"])
    x_labels = [label["en"] for label in result["chart"]["x"]["labels"]]
    assert x_labels[:4] == ACCOUNTS  # the bar chart's axis reads names too, in the sorted order


def test_the_relations_display_field_wins_over_the_targets_title_field(desk: dict[str, Any]) -> None:
    result = run(desk["org"].client("agent"), "by_vendor")
    assert set(names(result, "vendor").values()) == {ROBERTS, "(empty)"}


def test_top_n_names_the_leaders_and_keeps_others(desk: dict[str, Any]) -> None:
    result = run(desk["org"].client("agent"), "top_accounts")
    shown = names(result, "account")
    assert shown[desk["accounts"]["北辰科技"]] == "北辰科技" and shown[desk["accounts"]["Acme Ltd"]] == "Acme Ltd"
    assert shown["__others__"] == "Others"


def test_names_come_from_the_one_statement_of_the_report(desk: dict[str, Any]) -> None:
    org: Org = desk["org"]
    with org.engine.connect() as conn:
        runtime = load_runtime(conn, admin_of(org), APP)
        accounts = runtime.form("account").table.name
        tickets = runtime.form("ticket").table.name
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if accounts in statement:
            seen.append(statement)

    client = org.client("agent")
    event.listen(org.engine, "before_cursor_execute", record)
    try:
        run(client, "by_account")
    finally:
        event.remove(org.engine, "before_cursor_execute", record)
    [statement] = [s for s in seen if "count(" in s.lower()]  # the report's own statement
    assert tickets in statement and "max(t_account.name)" in statement.lower()
    assert len([s for s in seen if f"from {accounts}" in s.lower() and "t_account" not in s.lower()]) == 0


@pytest.mark.parametrize("reader", ["outsider", "clerk"])
def test_a_reader_who_may_not_read_the_names_sees_ids(desk: dict[str, Any], reader: str) -> None:
    """The outsider may not read accounts at all, the clerk not their name: the report still runs."""
    result = run(desk["org"].client(reader), "by_account")
    assert {r["dims"]["account"]: r["values"]["n"] for r in result["rows"]} == dict(
        Counter(t.get("account") for t in desk["tickets"]))
    assert set(names(result, "account").values()) == {None, "(empty)"}


def test_a_deleted_record_is_not_named(desk: dict[str, Any]) -> None:
    admin = desk["org"].client()
    gone = desk["accounts"]["Cedar & Sons"]
    ticket = admin.post(f"/api/v1/apps/{APP}/forms/ticket/records/query",
                        json={"filter": {"==": [{"var": "account"}, gone]}}).json()["items"][0]
    assert admin.delete(f"/api/v1/apps/{APP}/forms/ticket/records/{ticket['id']}").status_code in (200, 204)
    assert admin.delete(f"/api/v1/apps/{APP}/forms/account/records/{gone}").status_code in (200, 204)
    assert run(admin, "by_account")["labels"]["account"].get(str(gone)) is None


def test_a_streamed_export_names_the_records(desk: dict[str, Any]) -> None:
    response = desk["org"].client("agent").get(f"{REPORTS}/streamed/export.csv", params={"lang": "en"})
    assert response.status_code == 200, response.text
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Account,Tickets"
    cells = {line.rsplit(",", 1)[0].strip('"'): int(line.rsplit(",", 1)[1]) for line in lines[1:]}
    assert cells == {"北辰科技": 4, "Acme Ltd": 3, "Blue Harbour": 2, "Cedar & Sons": 1, "": 1}
