"""Every JSON body the platform API answers fits its route's response model, key for key.

FastAPI passes what an endpoint returns through the route's ``response_model`` and drops every key
the model does not declare, so a model that forgot a key would silently take it from clients. Here
the real API runs through its main scenarios (sign-in and tokens, administration, the designer,
records, files and Excel, flows, reports and dashboards, rules, webhooks, channels and the public
form) while every endpoint's return value is recorded before FastAPI sees it. Each is then served
through the route's own model as FastAPI serves it and compared with what the endpoint returned: a
key the model lacks or misspells (what ``extra="forbid"`` would refuse), a required key the endpoint
left out, or a value the model would change fails with the route and the JSON path.

The OpenAPI document is checked too: every operation has a typed 2xx body (a named model, not a bare
object) or a documented file, and documents the refusals it can answer (401/403 behind a sign-in, 422
where there is input, 413 where there is a body), each with the shared ``ErrorBody`` and its code.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine

from dajian.platform.api.access import need_of
from dajian.platform.api.schemas import auth, records
from dajian.platform.api.schemas.responses import REFUSALS, SIGNED_IN, code_of
from dajian.platform.clock import ManualClock
from dajian.platform.errors import ErrorBody
from dajian.platform.jobs import Worker
from dajian.platform.printing.jobs import KIND as PRINT_KIND
from dajian.platform.rules.webhooks import sign
from tests.engines.flow.test_execute import complaint_flow
from tests.engines.rule.complaint_rules import complaint_app as rule_app
from tests.platform.conftest import PASSWORD, Org, publish, ticket_app
from tests.platform.test_excel import workbook
from tests.platform.test_flows import Desk as FlowDesk
from tests.platform.test_flows import clock
from tests.platform.test_flows import complaint_app as flow_app
from tests.platform.test_market_remote import Remote, remote
from tests.platform.test_reports import CATEGORIES, PRIORITIES, REGIONS, REPORTS
from tests.platform.test_reports import complaint_app as report_app
from tests.platform.test_rules import Desk as RuleDesk
from tests.platform.test_rules import drain
from tests.platform.test_rules_channels import Receiver, receiver, receiver_server
from tests.platform.test_search import LONG, helpdesk
from tests.platform.test_surveys import APP as TEMPLATE_APP
from tests.platform.test_surveys import Desk as SurveyDesk
from tests.platform.test_template import complaint_body

__all__ = ["clock", "receiver", "receiver_server", "remote"]  # fixtures, re-exported for pytest

_ANY: TypeAdapter[Any] = TypeAdapter(Any)
BARE = (None, Any, dict[str, Any], list[dict[str, Any]], dict[str, int], dict[str, list[str]])  # no real model


# -- comparing what an endpoint returned with what its model serves ----------------------------------


def served(model: Any, returned: Any, *, exclude_unset: bool = True) -> Any:
    """``returned`` passed through ``model`` as FastAPI does (``answers()`` sets ``exclude_unset``)."""
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    validated = adapter.validate_python(returned)
    return adapter.dump_python(validated, mode="json", by_alias=True, exclude_unset=exclude_unset)


def _instant(value: str) -> datetime | None:
    if len(value) < 20 or value[10:11] != "T":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def differences(before: Any, after: Any, path: str = "") -> Iterator[str]:
    """Where ``after`` differs from ``before``, as JSON paths; the same instant written as ``Z`` or
    ``+00:00`` is the same value."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before.keys() - after.keys():
            yield f"{path}/{key}: dropped (the model does not declare it)"
        for key in after.keys() - before.keys():
            yield f"{path}/{key}: added (not returned by the endpoint)"
        for key in before.keys() & after.keys():
            yield from differences(before[key], after[key], f"{path}/{key}")
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            yield from differences(b, a, f"{path}/{i}")
    elif isinstance(before, str) and isinstance(after, str) and before != after:
        b, a = _instant(before), _instant(after)
        if b is None or a is None or b != a:
            yield f"{path}: {before!r} became {after!r}"
    elif before != after or (type(before) is bool) != (type(after) is bool):
        yield f"{path}: {before!r} became {after!r}"


def problems(model: Any, returned: Any, *, exclude_unset: bool = True) -> list[str]:
    before = _ANY.dump_python(returned, mode="json", by_alias=True)  # what FastAPI sends without a model
    try:
        after = served(model, returned, exclude_unset=exclude_unset)
    except ValidationError as exc:
        return [f"/{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return list(differences(before, after))


def test_a_dropped_key_a_misspelt_key_and_a_changed_value_are_caught() -> None:
    token = {"id": 1, "user_id": 2, "name": "ci", "created_at": "2026-03-01T08:00:00+00:00", "expires_at": None,
             "revoked_at": None, "last_used_at": None, "scopes": ["records:read"], "apps": None}
    assert problems(auth.Tokens, {"tokens": [token]}) == []
    assert problems(auth.Tokens, {"tokens": [{**token, "note": "x"}]}) == [
        "/tokens/0/note: dropped (the model does not declare it)"]
    assert problems(auth.Tokens, {"tokens": [{**token, "expires": None}]}) == [
        "/tokens/0/expires: dropped (the model does not declare it)"]
    misspelt = {k: v for k, v in token.items() if k != "expires_at"} | {"expire_at": None}
    assert problems(auth.Tokens, {"tokens": [misspelt]}) == ["/tokens/0/expires_at: Field required"]
    assert problems(auth.Tokens, {"tokens": [{**token, "user_id": "2"}]}) == ["/tokens/0/user_id: '2' became 2"]
    record = {"id": 5, "row_version": 1, "title": "屏幕碎裂", "amount": "12.50"}
    assert problems(records.Record, record) == []  # a form's own fields stay beside the envelope


# -- recording what endpoints return -----------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    model: Any
    exclude_unset: bool
    returned: Any


@dataclass
class Recorder:
    """What endpoints returned, as FastAPI hands it to the route's response model."""

    calls: list[Call] = field(default_factory=list)

    def check(self) -> set[tuple[str, str]]:
        """Every JSON answer recorded so far against its model; the operations seen."""
        found, seen = [], set()
        for c in self.calls:
            seen.add((c.method, c.path))
            if c.model in BARE:
                found.append(f"{c.method} {c.path}: no response model")
                continue
            found += [f"{c.method} {c.path} {p}" for p in problems(c.model, c.returned, exclude_unset=c.exclude_unset)]
        assert found == [], "\n".join(found)
        self.calls.clear()
        return seen


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Records each endpoint's return value and its route's model on their way into ``serialize_response``
    (endpoints answering a ``Response`` of their own, such as downloads and 204s, do not pass there)."""
    found = Recorder()
    original = fastapi.routing.serialize_response

    async def recording(**kwargs: Any) -> Any:
        method, _, path = (kwargs.get("endpoint_ctx") or {}).get("path", " ").partition(" ")
        model = kwargs["field"].field_info.annotation if kwargs.get("field") is not None else None
        found.calls.append(Call(method, path, model, kwargs.get("exclude_unset", False), kwargs["response_content"]))
        return await original(**kwargs)

    monkeypatch.setattr(fastapi.routing, "serialize_response", recording)
    return found


# -- the scenarios -----------------------------------------------------------------------------------

SEEN: dict[str, set[tuple[str, str]]] = {}  # database URL -> operations answered in this module


def _seen(engine: Engine, recorder: Recorder) -> None:
    SEEN.setdefault(str(engine.url), set()).update(recorder.check())


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def test_signing_in_tokens_and_administration(org: Org, engine: Engine, recorder: Recorder) -> None:
    admin = org.client()
    assert publish(admin, ticket_app(roles=[{"key": "clerk", "label": {"en": "Clerk"}, "permissions": {
        "ticket": {"actions": ["create", "read", "update"], "row_scope": "all"}}}])).status_code == 200
    _ok(admin.get("/api/v1/health"))
    _ok(admin.get("/api/v1/auth/me"))
    made = _ok(admin.post("/api/v1/auth/tokens", json={"name": "ci", "scopes": ["records:read"], "apps": ["tickets"]}),
               201)
    bearer = TestClient(org.api, headers={"Authorization": f"Bearer {made['token']}"})
    _ok(bearer.get("/api/v1/auth/me"))
    _ok(admin.get("/api/v1/auth/tokens", params={"all": True}))
    _ok(admin.delete(f"/api/v1/auth/tokens/{made['id']}"), 204)
    _ok(admin.get("/api/v1/auth/tokens"))
    hq = _ok(admin.post("/api/v1/admin/departments", json={"key": "hq", "name": "HQ"}), 201)
    _ok(admin.post("/api/v1/admin/departments", json={"key": "desk", "name": "Desk", "parent_id": hq["id"]}), 201)
    clerk = _ok(admin.post("/api/v1/admin/users", json={"username": "clerk", "password": PASSWORD,
                                                      "display_name": "Clerk", "dept_id": hq["id"]}), 201)
    _ok(admin.put(f"/api/v1/admin/departments/{hq['id']}/manager", json={"manager_id": clerk["id"]}))
    _ok(admin.put(f"/api/v1/admin/users/{clerk['id']}/department", json={"dept_id": None}))
    grant = {"user_id": clerk["id"], "app": "tickets", "role": "clerk"}
    _ok(admin.post("/api/v1/admin/memberships", json=grant), 201)
    _ok(admin.get("/api/v1/admin/departments"))
    _ok(admin.get("/api/v1/admin/users"))  # an administrator's view: e-mail and flags
    _ok(admin.patch(f"/api/v1/admin/users/{clerk['id']}", json={"is_active": True}))  # before clerk signs in
    member = org.client("clerk")
    _ok(member.get("/api/v1/admin/users"))  # a member's view: what a user picker needs
    _ok(member.get("/api/v1/apps"))
    _ok(member.get("/api/v1/apps/tickets/navigation"))
    _ok(member.patch("/api/v1/auth/me", json={"locale": "en", "display_name": "Clerk Li"}))
    _ok(member.post("/api/v1/auth/password", json={"current_password": PASSWORD,
                                                  "new_password": "a much longer passphrase 2026"}))
    _ok(admin.request("DELETE", "/api/v1/admin/memberships", json=grant))
    _ok(admin.get("/api/v1/admin/audit", params={"limit": 50}))
    _ok(admin.put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1", "10.0.0.0/8"]}))
    _ok(admin.get("/api/v1/admin/webhook-allowlist"))
    _ok(admin.get("/api/v1/catalog"))
    _ok(member.post("/api/v1/auth/logout"), 204)
    _seen(engine, recorder)


def test_the_designer(org: Org, engine: Engine, recorder: Recorder) -> None:
    admin = org.client()
    _ok(admin.get("/api/v1/schema/app.json"))
    doc = ticket_app()
    _ok(admin.post("/api/v1/apps", json={"key": "tickets", "label": doc["label"]}), 201)
    _ok(admin.get("/api/v1/apps/tickets"))  # never published: no version yet
    _ok(admin.put("/api/v1/apps/tickets/draft", json={**doc, "forms": [{"key": "Bad"}]}))  # saved with its problems
    _ok(admin.post("/api/v1/apps/tickets/validate"))
    _ok(admin.put("/api/v1/apps/tickets/draft", json=doc))
    _ok(admin.post("/api/v1/apps/tickets/validate", json=doc))
    _ok(admin.post("/api/v1/apps/tickets/publish", params={"dry_run": True}))
    _ok(admin.post("/api/v1/apps/tickets/publish", params={"note": "first"}))
    _ok(admin.post("/api/v1/apps/tickets/publish"))  # unchanged
    _ok(admin.post("/api/v1/apps/tickets/forms/ticket/records", json={"title": "abc", "body": "not a number"}), 201)
    retyped = {**doc, "forms": [{**doc["forms"][0], "fields": [
        {**f, "kind": "integer"} if f["key"] == "body" else f for f in doc["forms"][0]["fields"]]}]}
    _ok(admin.put("/api/v1/apps/tickets/draft", json=retyped))
    _ok(admin.post("/api/v1/apps/tickets/publish", params={"dry_run": True}))  # names the unconvertible ids
    _ok(admin.post("/api/v1/apps/import", params={"dry_run": True}, json={**doc, "label": {"en": "Tickets 2"}}))
    _ok(admin.post("/api/v1/apps/import", json=ticket_app(key="desk")))
    _ok(admin.get("/api/v1/apps"))
    _ok(admin.get("/api/v1/apps/tickets"))
    _ok(admin.get("/api/v1/apps/tickets/versions"))
    _ok(admin.get("/api/v1/apps/tickets/versions/1"))
    saves = _ok(admin.get("/api/v1/apps/tickets/draft/history"))
    _ok(admin.get(f"/api/v1/apps/tickets/draft/history/{saves[-1]['id']}"))
    _ok(admin.post(f"/api/v1/apps/tickets/draft/history/{saves[-1]['id']}/restore"))
    _ok(admin.put("/api/v1/apps/tickets/draft/trash", json={"items": [{
        "id": "1", "label": "Body", "kind": "field", "deleted_at": "2026-03-01T08:00:00Z", "restore": []}]}))
    _ok(admin.get("/api/v1/apps/tickets/draft/trash"))
    _ok(admin.get("/api/v1/apps/tickets/export"))
    _ok(admin.get("/api/v1/apps/tickets/openapi.json"))
    _seen(engine, recorder)


def test_records_search_files_and_excel(org: Org, engine: Engine, recorder: Recorder) -> None:
    admin = org.client()
    doc = helpdesk()
    doc["forms"][0]["fields"].append({"key": "files", "kind": "attachment", "label": {"en": "Files"}})
    assert publish(admin, doc).status_code == 200
    form = "/api/v1/apps/helpdesk/forms/ticket"
    rows = f"{form}/records"
    made = _ok(admin.post(rows, json={"title": "屏幕碎裂", "body": LONG, "category": "screen"}), 201)
    once = {"Idempotency-Key": "ticket-1"}
    _ok(admin.post(rows, json={"title": "电池鼓包"}, headers=once), 201)
    _ok(admin.post(rows, json={"title": "电池鼓包"}, headers=once), 201)  # the stored answer again
    _ok(admin.post(f"{rows}/bulk", json={"records": [{"title": "a"}, {"title": "b", "category": "battery"}]}), 201)
    _ok(admin.post("/api/v1/apps/helpdesk/forms/article/records",
                   json={"title": "屏幕碎裂怎么办", "content": "<p>屏幕碎裂的保修政策与维修网点</p>"}), 201)
    page = _ok(admin.get(rows, params={"limit": 2, "count": "exact"}))
    _ok(admin.get(rows, params={"after": page["next_cursor"], "fields": "title,category"}))
    _ok(admin.post(f"{rows}/query", json={"filter": {"==": [{"var": "category"}, "screen"]}, "count": "none"}))
    _ok(admin.post(f"{rows}/preview", json={"title": "x"}))
    _ok(admin.post(f"{rows}/preview", params={"record_id": made["id"]}, json={"title": ""}))
    got = _ok(admin.get(f"{rows}/{made['id']}"))
    _ok(admin.patch(f"{rows}/{made['id']}", json={"code": "A1", "row_version": got["row_version"]}))
    _ok(admin.delete(f"{rows}/{made['id']}"), 204)
    _ok(admin.get(rows, params={"deleted": True}))
    _ok(admin.post(f"{rows}/{made['id']}/restore"))
    _ok(admin.get(f"{rows}/{made['id']}/history"))
    _ok(admin.get(f"{form}/search", params={"q": "屏幕 碎裂"}))
    _ok(admin.get(f"{rows}/{made['id']}/related", params={"target": "article"}))
    upload = _ok(admin.post(f"{form}/fields/files/files", content=b"hello",
                            headers={"X-Filename": "a.txt", "Content-Type": "text/plain"}), 201)
    _ok(admin.get(f"/api/v1/files/{upload['id']}/meta"))
    assert admin.get(f"/api/v1/files/{upload['id']}").content == b"hello"
    assert admin.get(f"{form}/export.xlsx").content.startswith(b"PK")
    sheet = workbook([["title", "category"], ["键盘失灵", "screen"], ["", "nonsense"]])
    preview = _ok(admin.post(f"{form}/import/preview", content=sheet, headers={"X-Filename": "t.xlsx"}))
    _ok(admin.post(f"{form}/import", json={"import_id": preview["import_id"], "mode": "keep_valid",
                                            "mapping": preview["suggested_mapping"]}))
    _ok(admin.get(f"{form}/import/{preview['import_id']}/progress"))
    _seen(engine, recorder)


def test_flows_tasks_and_inboxes(org: Org, engine: Engine, recorder: Recorder, clock: ManualClock) -> None:
    desk = FlowDesk(org)
    record_id = desk.new_complaint()
    first = desk.start(record_id)
    desk.act("agent1", "return", comment="请补充订单号")
    desk.act("alice", comment="订单号 A-1001")
    alice = desk.as_("alice")
    instance = f"/api/v1/flows/instances/{first['id']}"
    _ok(alice.post(f"{instance}/act", json={"action": "comment", "comment": "请尽快", "users": [desk.ids["tech1"]]}))
    _ok(alice.post(f"{instance}/act", json={"action": "cc", "users": [desk.ids["rev1"]],
                                            "client_request_id": "cc-1"}))
    desk.act("agent1")
    for name, box in (("tech1", "pending"), ("agent1", "done"), ("alice", "started"), ("rev1", "cc")):
        _ok(desk.as_(name).get(f"/api/v1/flows/inbox/{box}"))
    _ok(alice.get(instance))
    _ok(alice.get(f"/api/v1/apps/complaints/forms/complaint/records/{record_id}/flows"))
    app = "/api/v1/apps/complaints/flows"
    _ok(desk.admin.post(f"{app}/handle/preview", json={"title": "x", "amount": "800"}))
    _ok(desk.admin.post(f"{app}/validate", json=complaint_flow()))
    _ok(desk.admin.post(f"{app}/validate", json={**complaint_flow(), "nodes": complaint_flow()["nodes"][:2]}))
    _ok(desk.admin.post(f"{app}/validate", json={"form": "nope"}))
    _ok(desk.admin.post("/api/v1/apps/complaints/draft/flows/handle/preview",
                        json={"record_id": record_id, "values": {"amount": "800"}}))
    assert publish(desk.admin, {**flow_app(), "label": {"en": "Complaints, second version"}}).status_code == 200
    _ok(desk.admin.post(f"{instance}/migrate", json={}))
    _seen(engine, recorder)


def test_reports_and_dashboards(org: Org, engine: Engine, recorder: Recorder) -> None:
    admin = org.client()
    assert publish(admin, report_app()).status_code == 200
    viewer = org.add_user("viewer")
    _ok(admin.post("/api/v1/admin/memberships", json={"user_id": viewer, "app": "complaints", "role": "viewer"}), 201)
    opened = [f"2026-0{m}-1{d}T08:00:00+08:00" for m in (1, 2) for d in (1, 2, 3)]
    sample = [{"category": CATEGORIES[i % 3], "priority": PRIORITIES[i % 4], "region": REGIONS[i % 3],
               "product": "tv", "amount": str(100 + i), "opened_at": at, "csat": 1 + i % 5, "sla_met": i % 2 == 0}
              for i, at in enumerate(opened)]
    _ok(admin.post("/api/v1/apps/complaints/forms/complaint/records/bulk", json={"records": sample}), 201)
    base = "/api/v1/apps/complaints"
    period = {"period": {"from": "2026-01-01", "to": "2026-02-28"}}
    for report in REPORTS:
        params = period if any(p["key"] == "period" for p in report.get("params", [])) else {}
        if report["key"] != "p90" or engine.dialect.name == "postgresql":  # percentiles need PostgreSQL
            _ok(admin.post(f"{base}/reports/{report['key']}/run", json={"params": params}))
    two_dims = [{"field": "region"}, {"field": "priority"}]
    for chart, dims in (("heatmap", two_dims), ("stacked_bar", two_dims), ("gauge", []), ("donut", two_dims[:1]),
                        ("funnel", two_dims[:1]), ("table", two_dims)):
        unsaved = {"key": f"try_{chart}", "label": {"en": chart}, "dataset": {"form": "complaint"},
                   "dimensions": dims, "measures": [{"key": "n", "agg": "count"}],
                   "chart": {"type": chart, **({"max": 100} if chart == "gauge" else {})}}
        _ok(admin.post(f"{base}/reports/preview", json={"report": unsaved}))
    assert admin.get(f"{base}/reports/by_category/export.xlsx").content.startswith(b"PK")
    assert admin.get(f"{base}/reports/by_category/export.csv", params={"lang": "en"}).status_code == 200
    _ok(admin.post(f"{base}/dashboards/cockpit/run", json={"filters": period}))
    _ok(org.client("viewer").post(f"{base}/dashboards/cockpit/run", json={}))  # a widget it may not see
    _ok(admin.get(f"{base}/prints", params={"form": "complaint"}))  # no print templates in this app: []
    _seen(engine, recorder)


def test_a_selection_printed_as_a_job(org: Org, engine: Engine, recorder: Recorder) -> None:
    admin = org.client()
    sheet = {"key": "sheet", "label": {"en": "Sheet"}, "form": "ticket",
             "blocks": [{"kind": "field", "field": "title"}]}
    assert publish(admin, ticket_app(prints=[sheet])).status_code == 200
    made = _ok(admin.post("/api/v1/apps/tickets/forms/ticket/records", json={"title": "卡纸"}), 201)
    base = "/api/v1/apps/tickets/prints"
    job = _ok(admin.post(f"{base}/sheet/pdf-jobs", json={"ids": [made["id"]], "lang": "en"}), 202)
    _ok(admin.get(f"{base}/jobs/{job['id']}"))  # queued
    Worker(engine, kinds=[PRINT_KIND], settings=org.api.state.settings).run_once()
    assert _ok(admin.get(f"{base}/jobs/{job['id']}"))["state"] == "succeeded"
    _seen(engine, recorder)


def test_rules_webhooks_channels_and_the_public_form(org: Org, engine: Engine, recorder: Recorder,
                                                     receiver: Receiver) -> None:
    desk = RuleDesk(org, hook_url=f"{receiver.url}/hook", wecom_url=f"{receiver.url}/wecom")
    doc = rule_app(hook_url=f"{receiver.url}/hook", wecom_url=f"{receiver.url}/wecom")
    doc["rules"] += [{"key": "bump", "form": "complaint", "on": [{"event": "manual"}],
                      "actions": [{"kind": "escalate", "by": 1}]},
                     {"key": "nightly", "form": "complaint", "on": [{"event": "cron", "cron": "0 9 * * *"}],
                      "actions": [{"kind": "set", "values": {"team": "overdue"}}]}]
    doc["forms"][0]["fields"].append({"key": "evidence", "kind": "attachment", "label": {"en": "Evidence"}})
    next(c for c in doc["rules"] if c.get("kind") == "public_form")["fields"].append("evidence")
    assert publish(desk.admin, doc).status_code == 200
    _ok(desk.admin.put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1"]}))
    receiver.statuses = [500]
    created = desk.new(category="quality", amount="8000")
    drain(org.engine)
    base = "/api/v1/apps/complaints"
    _ok(desk.admin.get(f"{base}/rules/runs", params={"limit": 20}))
    _ok(desk.admin.post(f"{base}/rules/dry-run", json={"form": "complaint", "record_id": created["id"],
                                                        "values": {"amount": "9000", "score": 1}}))
    _ok(desk.admin.post(f"{base}/rules/dry-run", json={"form": "complaint", "values": {"title": "new"}}))
    _ok(desk.admin.post(f"{base}/rules/bump/run", json={"record_id": created["id"]}))
    _ok(desk.admin.post(f"{base}/rules/schedules/sync"))
    _ok(desk.admin.post(f"{base}/decision-tables/routing/evaluate",
                        json={"category": "quality", "vip": True, "region": "south"}))
    # the rule designer's rehearsals over the draft (the published definition saved as the draft)
    _ok(desk.admin.post(f"{base}/draft/rules/dry-run", json={"form": "complaint", "record_id": created["id"],
                                                              "rule": "large_amount"}))
    _ok(desk.admin.post(f"{base}/draft/decision-tables/routing/dry-run", json={"inputs": {"category": "quality"}}))
    _ok(desk.admin.post(f"{base}/draft/messages/preview", json={"form": "complaint", "record_id": created["id"],
                                                                 "subject": "{{ record.title }}", "body": "<p>x</p>"}))
    _ok(desk.admin.post(f"{base}/draft/webhooks/test", json={"subscription": "erp"}))
    # the roles designer: its people and "view as" under the draft's roles
    people = _ok(desk.admin.get(f"{base}/draft/members"))["people"]
    _ok(desk.admin.post(f"{base}/draft/view-as", json={"form": "complaint", "user_id": people[0]["user_id"]}))
    _ok(desk.admin.post(f"{base}/draft/view-as", json={"form": "complaint", "roles": [], "limit": 5}))
    lead = org.client("qlead")
    _ok(lead.get("/api/v1/notifications/unread-count"))
    items = _ok(lead.get("/api/v1/notifications"))["items"]
    _ok(lead.post(f"/api/v1/notifications/{items[0]['id']}/read"))
    _ok(lead.post("/api/v1/notifications/read-all"))
    _ok(lead.get("/api/v1/notifications", params={"unread": True}))
    _ok(desk.admin.get(f"{base}/webhooks"))
    deliveries = _ok(desk.admin.get(f"{base}/webhooks/deliveries"))["items"]
    _ok(desk.admin.get(f"{base}/webhooks/deliveries", params={"dead": True}))
    _ok(desk.admin.post(f"/api/v1/webhooks/deliveries/{deliveries[0]['id']}/redeliver"))
    channels = _ok(desk.admin.get(f"{base}/channels"))["items"]
    anonymous = TestClient(org.api)
    public = f"/api/v1/public/{org.key}/complaints"
    _ok(anonymous.get(f"{public}/forms/complaint"))
    evidence = _ok(anonymous.post(f"{public}/forms/complaint/fields/evidence/files", content=b"photo of the box",
                                  headers={"X-Filename": "box.txt"}), 201)
    submitted = _ok(anonymous.post(f"{public}/forms/complaint", json={"title": "快递丢件", "phone": "13800000000",
                                                                     "evidence": [evidence]},
                                   headers={"Idempotency-Key": "web-1"}), 201)
    _ok(anonymous.post(f"{public}/forms/complaint", json={"title": "spam", "website": "http://spam.example"}), 201)
    _ok(anonymous.get(f"{public}/status", params={"serial": submitted["serial"], "contact": "13800000000"}))
    [crm] = [c for c in channels if c["kind"] == "inbound_webhook"]
    body = json.dumps({"ticket": {"subject": "退款未到账", "amount": 7000, "id": "T-1"},
                       "customer": {"name": "ACME", "email": "ops@acme.test"}}).encode()
    stamp = str(int(time.time()))
    signed = {"X-Dajian-Timestamp": stamp, "X-Dajian-Signature": sign(crm["secret"], stamp, body),
              "Content-Type": "application/json"}
    _ok(anonymous.post(crm["url"], content=body, headers=signed), 201)
    _seen(engine, recorder)


def test_the_web_uis_lists_record_pages_and_public_pages(org: Org, engine: Engine, recorder: Recorder) -> None:
    desk = SurveyDesk(org)  # the complaint template, with a complaint filed on its public form
    admin, anonymous, refused = desk.admin, desk.visitor, refusals(org.api)
    form = f"/api/v1/apps/{TEMPLATE_APP}/forms/complaint"
    rows = f"{form}/records"
    _ok(admin.get(f"{form}/columns"))
    _ok(admin.get(f"{form}/definition"))
    spec = {"filter": {"==": [{"var": "status"}, "new"]}, "sort": "-ticket_no", "columns": ["ticket_no", "subject"]}
    view = _ok(admin.post(f"{form}/views", json={"name": "新投诉", "spec": spec}), 201)
    _ok(admin.patch(f"{form}/views/{view['id']}", json={"shared": True,
                                                        "spec": {"kind": "kanban", "group_by": "status"}}))
    _ok(admin.get(f"{form}/views"))
    refused(admin.post(f"{form}/views", json={"name": "新投诉"}), 409)
    refused(admin.post(f"{form}/views", json={"name": "x", "spec": {"sort": "-nope"}}), 422)
    refused(admin.patch(f"{form}/views/999999", json={"name": "x"}), 404)

    customer = _ok(admin.post(f"/api/v1/apps/{TEMPLATE_APP}/forms/customer/records", json={"name": "王女士"}), 201)
    ids = [_ok(admin.post(rows, json=complaint_body(customer=customer["id"])), 201)["id"] for _ in range(2)]
    _ok(admin.get(f"/api/v1/apps/{TEMPLATE_APP}/forms/customer/records/{customer['id']}/backlinks"))
    _ok(admin.get(f"{rows}/{ids[0]}/backlinks", params={"limit": 1}))
    refused(admin.get(f"{rows}/999999/backlinks"), 404)
    _ok(admin.post(f"{rows}/bulk-update", json={"ids": ids, "values": {"contact_name": "批量联系人"}}))
    refused(admin.post(f"{rows}/bulk-update", json={"ids": ids, "values": {"contact_phone": "not a phone"}}), 422)
    _ok(admin.post(f"{rows}/bulk-delete", json={"ids": ids[1:]}))
    refused(admin.post(f"{rows}/bulk-delete", json={"ids": [999999]}), 404)

    upload = _ok(admin.post(f"{form}/comments/files", content=b"%PDF-1.4 evidence\n" * 4,
                            headers={"X-Filename": "evidence.pdf"}), 201)
    admin_id = _ok(admin.get("/api/v1/auth/me"))["user"]["id"]
    _ok(admin.post(f"{rows}/{ids[0]}/comments", json={"body": "请看照片", "mentions": [admin_id],
                                                       "files": [upload["id"]], "public": True}), 201)
    _ok(admin.get(f"{rows}/{ids[0]}/comments"))
    refused(admin.post(f"{rows}/{ids[0]}/comments", json={"body": "  "}), 422)
    refused(admin.get(f"{rows}/999999/comments"), 404)

    public = desk.public
    _ok(anonymous.get(f"{public}/forms/complaint"))
    refused(anonymous.get(f"{public}/forms/customer"), 404)
    survey = desk.url(desk.token())
    _ok(anonymous.get(survey))
    refused(anonymous.post(survey, json={"csat": 5, "nps": 10, "complaint": 1}), 422)
    _ok(anonymous.post(survey, json={"csat": 4, "nps": 9, "comment": "换货很快"}), 201)
    refused(anonymous.get(survey), 409)
    refused(anonymous.get(desk.url("nonsense")), 404)
    _seen(engine, recorder)


def refusals(api: FastAPI) -> Callable[[Any, int], None]:
    """A check of refusals answered by ``api``: the status is one its operation documents, the body the
    shared ``ErrorBody`` key for key (each of ``errors`` with exactly ``path`` and ``message``)."""
    operations = [(m, re.compile(re.sub(r"\{[^}]+\}", "[^/]+", p)), op) for m, p, op in _operations(api)]

    def refused(response: Any, status: int) -> None:
        assert response.status_code == status, response.text
        body = response.json()
        assert problems(ErrorBody, body) == [] and body["code"] == code_of(status), body
        assert all(set(e) == {"path", "message"} for e in body.get("errors", [])), body
        method, path = response.request.method, response.request.url.path
        [operation] = [op for m, pattern, op in operations if m == method and pattern.fullmatch(path)]
        assert str(status) in operation["responses"], f"{method} {path}: {status} is not documented"

    return refused


def test_admin_operations(org: Org, engine: Engine, recorder: Recorder) -> None:
    """The admin console's jobs, deliveries, memberships, audit object types and template installs."""
    from dajian.platform import jobs
    from dajian.platform.models import jobs as job_table
    from dajian.platform.rules.webhooks import enqueue_delivery

    admin = org.client()
    with engine.begin() as conn:
        job_id = jobs.enqueue(conn, "test.models", {"n": 1}, org_id=org.id)
        enqueue_delivery(conn, org_id=org.id, app_id=None, subscription=None, url="https://example.com/hook",
                         event="flow.1", payload={"n": 1})
        conn.execute(job_table.update().where(job_table.c.id == job_id).values(status="dead", last_error="boom"))
    _ok(admin.get("/api/v1/admin/jobs", params={"limit": 1}))
    _ok(admin.get(f"/api/v1/admin/jobs/{job_id}"))
    _ok(admin.post(f"/api/v1/admin/jobs/{job_id}/retry"))
    _ok(admin.get("/api/v1/admin/webhook-deliveries", params={"status": "pending"}))
    _ok(admin.get("/api/v1/admin/audit/entities"))
    doc = json.dumps(ticket_app(roles=[{"key": "clerk", "label": {"en": "Clerk"}, "permissions": {}}])).encode()
    _ok(admin.post("/api/v1/admin/templates/import", content=doc, params={"dry_run": True}))
    _ok(admin.post("/api/v1/admin/templates/import", content=doc, params={"expected_version": 0}))
    _ok(admin.get("/api/v1/admin/memberships", params={"app": "tickets"}))
    _seen(engine, recorder)


def test_template_packages(org: Org, engine: Engine, recorder: Recorder, tmp_path: Path) -> None:
    """Trusted keys, a package uploaded, previewed, installed, upgraded and archived."""
    from tests.platform.market_jobs import finish
    from tests.platform.test_market_install import PUBLIC_KEY, package, v110

    admin = org.client()
    key = _ok(admin.post("/api/v1/admin/market/keys", json={"label": "Acme", "public_key": PUBLIC_KEY}), 201)
    _ok(admin.get("/api/v1/admin/market/keys"))
    first = _ok(admin.post("/api/v1/admin/market/packages", content=package(tmp_path, ticket_app(), "1.0.0")), 201)
    _ok(admin.post(f"/api/v1/admin/market/packages/{first['id']}/install-preview"))
    finish(admin, engine, admin.post(f"/api/v1/admin/market/packages/{first['id']}/install", json={}))
    _ok(admin.get("/api/v1/admin/market/installs"))
    newer = _ok(admin.post("/api/v1/admin/market/packages", content=package(tmp_path, v110(), "1.1.0")), 201)
    _ok(admin.post(f"/api/v1/admin/market/installs/tickets/upgrade-preview/{newer['id']}", json={}))
    finish(admin, engine, admin.post(f"/api/v1/admin/market/installs/tickets/upgrade/{newer['id']}", json={}))
    _ok(admin.post("/api/v1/admin/market/installs/tickets/uninstall"))
    assert admin.delete(f"/api/v1/admin/market/keys/{key['key_id']}").status_code == 204
    _seen(engine, recorder)


def test_the_template_center(org: Org, engine: Engine, recorder: Recorder, tmp_path: Path) -> None:
    """A publisher's profile, key and version, the review queue and decisions, the listing, an install from the
    center and a rating."""
    from tests.platform.market_jobs import finish
    from tests.platform.test_market_center import PUBLIC_KEY, M, act, package, partner, reviewer, upload
    from tests.platform.test_market_sandbox import installed as installed_sandbox

    # Template keys are global to the center: another test's publisher may already own "tickets" in this database.
    key = "center_" + org.key.removeprefix("org_")
    publisher, judge = partner(org), reviewer(org, engine)
    _ok(publisher.get(M + "/me"))
    version = _ok(upload(publisher, package(tmp_path, ticket_app(key=key), "1.0.0")), 201)
    _ok(publisher.get(M + "/publisher/versions"))
    _ok(act(publisher, version["id"], "submit"))
    _ok(judge.get(M + "/review/queue"))
    _ok(judge.get(f"{M}/versions/{version['id']}"))
    _ok(act(judge, version["id"], "start_review"))
    sandbox = _ok(judge.post(f"{M}/versions/{version['id']}/sandboxes"), 202)
    _ok(judge.get(f"{M}/versions/{version['id']}/sandboxes"))
    installed_sandbox(judge, engine, sandbox)  # polls GET /market/sandboxes/{id}
    entering = TestClient(org.api, cookies=dict(judge.cookies), headers={"X-CSRF-Token": judge.headers["X-CSRF-Token"]})
    _ok(entering.post(f"{M}/sandboxes/{sandbox['id']}/enter"))
    assert judge.delete(f"{M}/sandboxes/{sandbox['id']}").status_code == 204
    _ok(act(judge, version["id"], "approve", "好"))
    _ok(act(publisher, version["id"], "publish"))
    _ok(TestClient(org.api).get(M + "/templates", params={"q": "工单"}))
    _ok(TestClient(org.api).get(f"{M}/templates/{key}"))
    _ok(TestClient(org.api).get(f"{M}/templates/{key}/versions/1.0.0/signer"))
    admin = org.client()
    uploaded = _ok(admin.post("/api/v1/admin/market/center/install", json={"template": key, "version": "1.0.0"}))
    _ok(admin.post("/api/v1/admin/market/keys", json={"label": "Acme", "public_key": PUBLIC_KEY}), 201)
    finish(admin, engine, admin.post(f"/api/v1/admin/market/packages/{uploaded['id']}/install", json={}))
    _ok(admin.post(f"{M}/templates/{key}/ratings", json={"stars": 4}))
    _ok(act(judge, version["id"], "yank", "撤回"))  # the center is shared: leave nothing listed for other tests
    _seen(engine, recorder)


def test_remote_template_centers(org: Org, engine: Engine, recorder: Recorder, remote: Remote,
                                 tmp_path: Path) -> None:
    """A remote center configured by URL, its listing and a template's detail over HTTP, a version fetched."""
    key = "remote_" + org.key.removeprefix("org_")
    remote.center.publish(remote.center.package(tmp_path, key=key, version="1.0.0", name="远程", category="客服",
                                                tags=[]))
    admin = org.client()
    _ok(admin.put("/api/v1/admin/webhook-allowlist", json={"allow": ["127.0.0.1"]}))
    made = _ok(admin.post("/api/v1/admin/market/remotes", json={"url": remote.url, "label": "远程中心"}), 201)
    _ok(admin.get("/api/v1/admin/market/remotes"))
    _ok(admin.get(f"/api/v1/admin/market/remotes/{made['id']}/templates"))
    _ok(admin.get(f"/api/v1/admin/market/remotes/{made['id']}/templates/{key}"))
    _ok(admin.post(f"/api/v1/admin/market/remotes/{made['id']}/install", json={"template": key, "version": "1.0.0"}))
    assert admin.delete(f"/api/v1/admin/market/remotes/{made['id']}").status_code == 204
    _seen(engine, recorder)


def _operations(api: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in api.openapi()["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    [(status, answer)] = [(s, r) for s, r in operation["responses"].items() if s.startswith("2")]
    return status, answer


def test_the_scenarios_answer_every_json_operation(api: FastAPI, engine: Engine) -> None:
    """Run with the whole module: every operation answering JSON was seen answering 2xx above."""
    seen = SEEN.get(str(engine.url))
    if not seen:
        pytest.skip("the scenarios above did not run in this session")
    json_answers = {(m, p) for m, p, op in _operations(api) if "application/json" in _success(op)[1].get("content", {})}
    assert sorted(json_answers - seen) == []


def _typed(schema: dict[str, Any]) -> bool:
    """A named model (``$ref``), a list of one, or a choice of them; not a bare object."""
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    choices = schema.get("oneOf") or schema.get("anyOf")
    return bool(choices) and all(_typed(c) for c in choices)


def test_every_operation_has_a_typed_answer_and_documents_its_refusals(api: FastAPI) -> None:
    """A client generated from /openapi.json (openapi-typescript) gets a real type for every 2xx body,
    the ErrorBody for every 4xx, and the statuses each operation can refuse with, each naming its code."""
    found = []
    for method, path, operation in _operations(api):
        where = f"{method} {path}"
        status, answer = _success(operation)
        content = answer.get("content", {})
        if status == "204":
            found += [f"{where}: a 204 with a body"] if content else []
        elif "application/json" in content:
            found += [] if _typed(content["application/json"]["schema"]) else [f"{where}: an untyped 2xx body"]
        elif not content or any(c["schema"] != {"type": "string", "format": "binary"} for c in content.values()):
            found.append(f"{where}: a 2xx that is neither JSON nor a documented file")
        responses = operation["responses"]
        expected = set()
        need = need_of(method, path)
        if need is None or need.role != "anonymous":
            expected |= set(SIGNED_IN)
        if "parameters" in operation or "requestBody" in operation:
            expected.add(422)
        if "requestBody" in operation:
            expected.add(413)
        documented = {int(s) for s in responses if s.startswith("4") and s.isdigit()}
        found += [f"{where}: {s} undocumented" for s in sorted(expected - documented)]
        for s in sorted(documented):
            body = responses[str(s)]
            if body["content"]["application/json"]["schema"] != {"$ref": "#/components/schemas/ErrorBody"}:
                found.append(f"{where}: {s} is not an ErrorBody")
            if s in REFUSALS and f"(code: {code_of(s)})" not in body["description"]:
                found.append(f"{where}: {s} does not name its code")
        if "4XX" not in responses:
            found.append(f"{where}: no catch-all 4XX")
    assert found == []
