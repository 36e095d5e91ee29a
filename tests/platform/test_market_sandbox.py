"""A reviewer's sandbox install through the API (SQLite and PostgreSQL): the submitted version is installed with
its demo data into a throwaway organisation by the ordinary install job, the reviewer enters it signed in as its
administrator and sees the template's forms and demo records, and discards it (or the purge job does, days
later). The reviewer's own organisation gets nothing of it; every step is audited there."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select, update

from dajian.platform.clock import utcnow
from dajian.platform.jobs import Worker
from dajian.platform.market.install_jobs import KIND
from dajian.platform.market.package import pack_folder, sign_package
from dajian.platform.market.sandbox import PURGE_KIND
from dajian.platform.market.sandbox_tables import market_sandboxes
from dajian.platform.market.tables import market_installs
from dajian.platform.models import apps, audit_log, form_tables, jobs, organisations, users
from tests.platform.conftest import Org, ticket_app
from tests.platform.market_listing_data import remove_from_center
from tests.platform.test_market_center import KEY_PEM, M, act, partner, reviewer, upload
from tests.platform.test_market_install import AGENT, template, with_demo


def submitted(org: Org, tmp: Path, key: str) -> tuple[TestClient, int]:
    """A partner of ``org`` uploads a signed version of app ``key`` with demo data and submits it."""
    publisher = partner(org)
    doc = ticket_app(key=key, roles=[AGENT])
    data = sign_package(pack_folder(template(tmp, doc, "1.0.0", seed=with_demo())), KEY_PEM)
    made = upload(publisher, data)
    assert made.status_code == 201, made.text
    assert act(publisher, made.json()["id"], "submit").json()["state"] == "submitted"
    return publisher, int(made.json()["id"])


def installed(client: TestClient, engine: Engine, sandbox: dict[str, Any]) -> dict[str, Any]:
    """The sandbox once a worker has run its install job, as the review page polls it."""
    worker = Worker(engine, kinds=[KIND])
    for _ in range(50):  # other tests' queued installs may be claimed first
        shown = client.get(f"{M}/sandboxes/{sandbox['id']}")
        assert shown.status_code == 200, shown.text
        if shown.json()["job"]["state"] in ("succeeded", "failed"):
            return dict(shown.json())
        if worker.run_once() == 0:
            break
    raise AssertionError(f"sandbox {sandbox['id']} was not installed: {shown.json()}")


def form_tables_of(engine: Engine, org_id: int) -> list[str]:
    with engine.connect() as conn:
        ids = select(apps.c.id).where(apps.c.org_id == org_id)
        return list(conn.execute(select(form_tables.c.table_name).where(form_tables.c.app_id.in_(ids))).scalars())


def user_id(org: Org, username: str) -> int:
    with org.engine.connect() as conn:
        return int(conn.execute(select(users.c.id).where(users.c.org_id == org.id, users.c.username == username))
                   .scalar_one())


def org_id_of(engine: Engine, key: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(organisations.c.id).where(organisations.c.key == key)).scalar()


def test_a_reviewer_installs_the_version_into_a_sandbox_enters_it_and_discards_it(
        org: Org, engine: Engine, tmp_path: Path) -> None:
    key = f"sbx_{secrets.token_hex(3)}"
    publisher, version_id = submitted(org, tmp_path, key)
    judge = reviewer(org, engine)
    try:
        assert publisher.post(f"{M}/versions/{version_id}/sandboxes").status_code == 404  # reviewers only
        made = judge.post(f"{M}/versions/{version_id}/sandboxes")
        assert made.status_code == 202, made.text
        sandbox = made.json()
        assert sandbox["org"].startswith("sandbox-") and sandbox["app"] == key
        assert sandbox["job"]["state"] == "queued" and sandbox["job"]["demo"]
        assert judge.post(f"{M}/sandboxes/{sandbox['id']}/enter").status_code == 409  # not installed yet
        assert publisher.get(f"{M}/sandboxes/{sandbox['id']}").status_code == 404

        done = installed(judge, engine, sandbox)
        assert done["job"]["state"] == "succeeded", done
        assert done["job"]["progress"]["done"] == done["job"]["progress"]["total"]
        assert [s["id"] for s in judge.get(f"{M}/versions/{version_id}/sandboxes").json()] == [sandbox["id"]]
        sandbox_org = org_id_of(engine, sandbox["org"])
        assert sandbox_org is not None
        names = form_tables_of(engine, sandbox_org)
        assert names
        with engine.connect() as conn:  # installed as signed: the sandbox trusts the key the center checked
            signature = conn.execute(select(market_installs.c.signature)
                                     .where(market_installs.c.org_id == sandbox_org)).scalar()
        assert signature == "trusted"

        # the reviewer's own organisation got nothing
        assert judge.get(f"/api/v1/apps/{key}").status_code == 404
        with engine.connect() as conn:
            assert conn.execute(select(market_installs.c.id).where(market_installs.c.org_id == org.id)).first() is None

        browser = TestClient(org.api, cookies=dict(judge.cookies))
        browser.headers["X-CSRF-Token"] = judge.headers["X-CSRF-Token"]
        entered = browser.post(f"{M}/sandboxes/{sandbox['id']}/enter")
        assert entered.status_code == 200, entered.text
        assert entered.json() == {"url": f"/a/{key}"}
        me = browser.get("/api/v1/auth/me").json()
        assert me["org"]["key"] == sandbox["org"] and me["is_org_admin"]
        records = browser.get(f"/api/v1/apps/{key}/forms/ticket/records")
        assert records.status_code == 200, records.text
        assert sorted(r["title"] for r in records.json()["items"]) == ["屏幕闪烁", "打印机卡纸"]

        gone = judge.delete(f"{M}/sandboxes/{sandbox['id']}")
        assert gone.status_code == 204, gone.text
        assert org_id_of(engine, sandbox["org"]) is None
        assert judge.get(f"{M}/sandboxes/{sandbox['id']}").status_code == 404
        assert browser.get(f"/api/v1/apps/{key}/forms/ticket/records").status_code == 401  # its session went too
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            audited = conn.execute(select(audit_log.c.action, audit_log.c.changes).where(
                audit_log.c.org_id == org.id, audit_log.c.entity == "market_version",
                audit_log.c.record_id == version_id).order_by(audit_log.c.id)).all()
        assert not set(names) & tables
        assert [a for a, _ in audited][-3:] == ["sandbox", "sandbox_enter", "sandbox_discard"]
        assert all(c["org"] == sandbox["org"] for a, c in audited if a.startswith("sandbox"))
    finally:
        remove_from_center(engine, partners=[user_id(org, "partner")], reviewers=[user_id(org, "reviewer")])


def test_an_expired_sandbox_is_purged_by_its_job(org: Org, engine: Engine, tmp_path: Path) -> None:
    key = f"sbx_{secrets.token_hex(3)}"
    _, version_id = submitted(org, tmp_path, key)
    judge = reviewer(org, engine)
    try:
        sandbox = installed(judge, engine, judge.post(f"{M}/versions/{version_id}/sandboxes").json())
        sandbox_org = org_id_of(engine, sandbox["org"])
        assert sandbox_org is not None
        names = form_tables_of(engine, sandbox_org)
        assert names
        with engine.begin() as conn:  # three days later
            purge = conn.execute(select(jobs.c.id, jobs.c.due_at).where(
                jobs.c.idempotency_key == f"{PURGE_KIND}:{sandbox['org']}")).one()
            assert purge.due_at - utcnow() > timedelta(days=2, hours=23)
            conn.execute(update(jobs).where(jobs.c.id == purge.id).values(due_at=utcnow(), available_at=utcnow()))
        worker = Worker(engine, kinds=[PURGE_KIND])
        for _ in range(20):
            if org_id_of(engine, sandbox["org"]) is None or worker.run_once() == 0:
                break
        assert org_id_of(engine, sandbox["org"]) is None
        with engine.connect() as conn:
            assert conn.execute(select(market_sandboxes.c.id).where(market_sandboxes.c.id == sandbox["id"])).first() \
                is None
            assert not set(names) & set(inspect(conn).get_table_names())
        assert judge.get(f"{M}/versions/{version_id}/sandboxes").json() == []
    finally:
        remove_from_center(engine, partners=[user_id(org, "partner")], reviewers=[user_id(org, "reviewer")])
