"""The admin console's operations API on SQLite and PostgreSQL: the job queue by state with an audited
retry, the audit log filtered on the server, the organisation's webhook deliveries, and roles per app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from dajian.platform import jobs
from dajian.platform.clock import utcnow
from dajian.platform.models import jobs as job_table
from dajian.platform.rules.tables import webhook_deliveries
from dajian.platform.rules.webhooks import enqueue_delivery
from tests.platform.conftest import Org, publish, ticket_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _job(org: Org, kind: str, **row: Any) -> int:
    """A job of ``org`` in the state the row values give it (as a worker would have left it)."""
    with org.engine.begin() as conn:
        job_id = jobs.enqueue(conn, kind, {"n": 1}, org_id=org.id, due_at=row.pop("due_at", None))
        assert job_id is not None
        if row:
            conn.execute(update(job_table).where(job_table.c.id == job_id).values(**row))
    return job_id


def _states(org: Org) -> dict[str, int]:
    """One job in every state, by state."""
    later = utcnow() + timedelta(hours=2)
    return {
        "due": _job(org, "test.a"),
        "scheduled": _job(org, "test.a", due_at=later),
        "failed": _job(org, "test.b", available_at=later, attempts=1, last_error="Traceback\nValueError: boom"),
        "running": _job(org, "test.b", status="running", attempts=1, locked_by="w1", locked_until=later,
                        available_at=later),
        "dead": _job(org, "test.b", status="dead", attempts=5, finished_at=utcnow(),
                     last_error="Traceback\nRuntimeError: gave up"),
        "done": _job(org, "test.a", status="done", attempts=1, finished_at=utcnow()),
        "cancelled": _job(org, "test.a", status="cancelled", finished_at=utcnow()),
    }


def test_jobs_are_listed_by_state_with_counts(org: Org) -> None:
    ids = _states(org)
    admin = org.client()
    page = admin.get("/api/v1/admin/jobs")
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["counts"] == {state: 1 for state in ids}
    assert {item["id"]: item["state"] for item in body["items"]} == {v: k for k, v in ids.items()}
    for state, job_id in ids.items():
        listed = admin.get("/api/v1/admin/jobs", params={"state": state}).json()["items"]
        assert [item["id"] for item in listed] == [job_id], state
    failed = next(i for i in body["items"] if i["id"] == ids["failed"])
    assert failed["error"] == "ValueError: boom" and failed["next_attempt_at"] is not None
    running = next(i for i in body["items"] if i["id"] == ids["running"])
    assert running["worker"] == "w1" and running["lease_until"] is not None
    assert [i["id"] for i in admin.get("/api/v1/admin/jobs", params={"kind": "test.b"}).json()["items"]] == [
        ids["dead"], ids["running"], ids["failed"]]
    detail = admin.get(f"/api/v1/admin/jobs/{ids['dead']}").json()
    assert detail["payload"] == {"n": 1} and detail["last_error"].endswith("RuntimeError: gave up")


def test_keyset_pages_cover_every_job_once(org: Org) -> None:
    made = [_job(org, "test.page") for _ in range(5)]
    admin = org.client()
    seen, before = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"before_id": before} if before else {})}
        page = admin.get("/api/v1/admin/jobs", params=params).json()
        seen += [item["id"] for item in page["items"]]
        before = page["next_before_id"]
        if before is None:
            break
    assert seen == sorted(made, reverse=True)


def test_retry_makes_failed_and_dead_jobs_due_and_is_audited(org: Org) -> None:
    ids = _states(org)
    admin = org.client()
    failed = admin.post(f"/api/v1/admin/jobs/{ids['failed']}/retry")
    assert failed.status_code == 200, failed.text
    assert failed.json()["state"] == "due" and failed.json()["attempts"] == 1
    dead = admin.post(f"/api/v1/admin/jobs/{ids['dead']}/retry")
    assert dead.json()["state"] == "due" and dead.json()["attempts"] == 0
    for state in ("due", "scheduled", "running", "done", "cancelled"):
        refused = admin.post(f"/api/v1/admin/jobs/{ids[state]}/retry")
        assert refused.status_code == 409, (state, refused.text)
        assert refused.json()["errors"][0]["path"] == "/job_id"
    again = admin.post(f"/api/v1/admin/jobs/{ids['dead']}/retry")
    assert again.status_code == 409  # it is due now
    entries = admin.get("/api/v1/admin/audit", params={"entity": "job"}).json()
    assert [(e["action"], e["changes"]["job_id"], e["changes"]["state"]) for e in entries] == [
        ("retry", ids["dead"], ["dead", "due"]), ("retry", ids["failed"], ["failed", "due"])]
    assert entries[0]["actor_id"] == org.admin_id
    # the worker takes the retried jobs on its next claim
    with org.engine.connect() as conn:
        due = set(conn.execute(jobs.claimable_query(utcnow(), limit=50, kinds=["test.b"])).scalars())
    assert due == {ids["failed"], ids["dead"]}


def test_jobs_stay_inside_their_organisation(org: Org, api: Any) -> None:
    from tests.platform.conftest import login

    other = _job(org, "test.mine", status="dead", last_error="x")
    org.add_user("agent")
    member = org.client("agent")
    assert member.get("/api/v1/admin/jobs").status_code == 403
    assert member.post(f"/api/v1/admin/jobs/{other}/retry").status_code == 403
    from dajian.platform.auth import create_organisation, create_user

    with org.engine.begin() as conn:
        second = create_organisation(conn, key=f"{org.key}_b", name="B")
        create_user(conn, org_id=second, username="boss", password="correct horse battery", is_org_admin=True)
    stranger = login(api, "boss", f"{org.key}_b")
    assert stranger.get(f"/api/v1/admin/jobs/{other}").status_code == 404
    assert stranger.post(f"/api/v1/admin/jobs/{other}/retry").status_code == 404
    assert stranger.get("/api/v1/admin/jobs").json()["items"] == []
    assert org.client().get("/api/v1/admin/jobs", params={"state": "lost"}).status_code == 422


def test_audit_filters_run_on_the_server(org: Org) -> None:
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    org.add_user("agent")
    agent = org.client("agent")
    created = admin.post("/api/v1/apps/tickets/forms/ticket/records", json={"title": "one"})
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    admin.patch(f"/api/v1/apps/tickets/forms/ticket/records/{record_id}",
                json={"title": "two", "row_version": created.json()["row_version"]})
    agent.get("/api/v1/auth/me")

    def audit(**params: Any) -> list[dict[str, Any]]:
        response = admin.get("/api/v1/admin/audit", params=params)
        assert response.status_code == 200, response.text
        return list(response.json())

    record = audit(app="tickets", form="ticket", record_id=record_id)
    assert [e["action"] for e in record] == ["update", "create"]
    assert {e["app"] for e in record} == {"tickets"}
    assert audit(entity="record", action="update")[0]["changes"]["title"] == ["one", "two"]
    agent_id = next(u["id"] for u in admin.get("/api/v1/admin/users").json() if u["username"] == "agent")
    assert {(e["entity"], e["action"]) for e in audit(actor_id=agent_id)} == {("session", "login")}
    assert audit(app="nothing_here") == []
    everything = audit()
    newest = everything[0]
    assert audit(since=newest["at"]) == [e for e in everything if e["at"] >= newest["at"]]
    assert all(e["at"] < newest["at"] for e in audit(until=newest["at"]))
    assert audit(until="2000-01-01T00:00:00Z") == []
    # keyset pages: one entry per page, newest first, nothing twice
    pages, before = [], None
    while len(pages) < len(everything) + 1:
        page = audit(limit=1, **({"before_id": before} if before else {}))
        if not page:
            break
        pages += page
        before = page[-1]["id"]
    assert [e["id"] for e in pages] == [e["id"] for e in everything]
    naive = admin.get("/api/v1/admin/audit", params={"since": "2026-03-01T08:00:00"})
    assert naive.status_code == 422 and naive.json()["errors"][0]["path"] == "/since"
    assert admin.get("/api/v1/admin/audit", params={"app": "Bad Key"}).status_code == 422
    assert agent.get("/api/v1/admin/audit").status_code == 403


def test_audit_entities_name_what_the_code_writes() -> None:
    import re
    from pathlib import Path

    from dajian.platform.audit_search import ENTITIES

    package = Path(__file__).resolve().parents[2] / "dajian"
    written = {m for f in package.rglob("*.py") for m in re.findall(r'entity="([a-z_]+)"', f.read_text("utf-8"))}
    assert written and written <= set(ENTITIES), written - set(ENTITIES)


def test_deliveries_of_the_whole_organisation_by_status(org: Org) -> None:
    admin = org.client()
    assert publish(admin, ticket_app()).status_code == 200
    with org.engine.begin() as conn:
        made = [enqueue_delivery(conn, org_id=org.id, app_id=None, subscription=None,
                                 url=f"https://example.com/{n}", event="flow.1", payload={"n": n}, max_attempts=2)
                for n in range(3)]
        job_of = dict(conn.execute(select(webhook_deliveries.c.id, webhook_deliveries.c.job_id)).all())
    with org.engine.begin() as conn:
        conn.execute(update(job_table).where(job_table.c.id == job_of[made[0]])
                     .values(status="dead", attempts=2, last_error="HTTP 500"))
        conn.execute(update(job_table).where(job_table.c.id == job_of[made[1]]).values(attempts=1))
    page = admin.get("/api/v1/admin/webhook-deliveries")
    assert page.status_code == 200, page.text
    assert {i["id"]: i["status"] for i in page.json()["items"]} == {
        made[0]: "dead", made[1]: "retrying", made[2]: "pending"}
    assert page.json()["items"][0]["app"] is None and page.json()["items"][0]["subscription"] is None
    for status, expected in (("dead", [made[0]]), ("retrying", [made[1]]), ("pending", [made[2]]), ("delivered", [])):
        items = admin.get("/api/v1/admin/webhook-deliveries", params={"status": status}).json()["items"]
        assert [i["id"] for i in items] == expected, status
    assert admin.get("/api/v1/admin/webhook-deliveries", params={"app": "tickets"}).json()["items"] == []
    redo = admin.post(f"/api/v1/webhooks/deliveries/{made[0]}/redeliver")
    assert redo.status_code == 200 and redo.json()["requeued"] is True
    dead_now = admin.get("/api/v1/admin/webhook-deliveries", params={"status": "dead"}).json()["items"]
    assert dead_now == []
    entry = admin.get("/api/v1/admin/audit", params={"entity": "webhook"}).json()[0]
    assert entry["action"] == "redeliver" and entry["changes"]["delivery"] == made[0]


def test_roles_per_app_are_listed_granted_and_revoked(org: Org) -> None:
    admin = org.client()
    doc = ticket_app(roles=[{"key": "agent", "label": {"zh-CN": "客服", "en": "Agent"}, "permissions": {}}])
    assert publish(admin, doc).status_code == 200
    user_id = org.add_user("agent")
    body = {"user_id": user_id, "app": "tickets", "role": "agent"}
    assert admin.post("/api/v1/admin/memberships", json=body).status_code == 201
    held = admin.get("/api/v1/admin/memberships", params={"user_id": user_id}).json()
    assert held == [{"user_id": user_id, "app": "tickets", "role": "agent",
                     "app_label": {"zh-CN": "工单", "en": "Tickets"}, "role_label": {"zh-CN": "客服", "en": "Agent"}}]
    assert admin.request("DELETE", "/api/v1/admin/memberships", json=body).status_code == 200
    assert admin.get("/api/v1/admin/memberships", params={"user_id": user_id}).json() == []
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit", params={"entity": "permission"}).json()]
    assert actions == ["revoke_role", "grant_role"]
