"""The demo tells the truth: generated history is what the engines would have produced. A small
complaint demo is made once per database; each test checks one invariant a manager would notice."""

from __future__ import annotations

import copy
import secrets
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from dajian.engines.flow.calendar import BusinessCalendar
from dajian.platform import apps as app_service
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.demo import DemoGenerator, install_seed
from dajian.platform.templates import load_template
from tests.platform.conftest import PASSWORD, Org
from tests.platform.test_template import APP, TEMPLATE, admin_of


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=datetime.now().astimezone().tzinfo).astimezone()


@pytest.fixture(scope="module")
def truth(api: FastAPI, engine: Engine) -> dict[str, Any]:
    key = f"org_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=key)
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    org = Org(api=api, engine=engine, key=key, id=org_id, admin_id=admin_id)
    _, doc, seed = load_template(TEMPLATE)
    principal = admin_of(org)
    with org.engine.begin() as conn:
        app_service.import_definition(conn, principal, doc)
    people = install_seed(org.engine, principal, APP, seed, password=PASSWORD)
    assert seed.demo is not None
    spec = copy.deepcopy(seed.demo)
    counts = {"customer": 60, "complaint": 300, "compensation_request": 20, "survey": 60, "capa": 3}
    for form_key, count in counts.items():
        spec["forms"][form_key]["count"] = count
    [runs] = spec["flows"]
    runs.pop("share", None)
    runs["count"] = 10
    generator = DemoGenerator(org.engine, principal, APP, spec, people=people, seed=11)
    started = generator.now
    generator.run()
    with org.engine.connect() as conn:
        runtime = app_service.load_runtime(conn, principal, APP)
        rows = {form_key: [dict(r) for r in conn.execute(select(runtime.form(form_key).table)).mappings()]
                for form_key in counts}
    settings = runtime.definition.settings
    calendar = BusinessCalendar.from_definition({"timezone": settings.timezone, **settings.calendars["cn_workdays"]})
    return {"rows": rows, "started": started, "calendar": calendar}


def test_working_minutes_to_first_response_are_the_calendars_and_never_exceed_wall_clock(
        truth: dict[str, Any]) -> None:
    answered = [r for r in truth["rows"]["complaint"] if r["first_response_at"] is not None]
    assert len(answered) > 100
    for r in answered:
        received, responded = _utc(r["received_at"]), _utc(r["first_response_at"])
        wall = (responded - received).total_seconds() / 60
        assert r["first_response_minutes"] is not None, r["serial_no"] if "serial_no" in r else r["id"]
        minutes = float(r["first_response_minutes"])
        assert minutes <= wall + 0.01, (r["id"], minutes, wall)
        assert minutes == pytest.approx(truth["calendar"].working_minutes_between(received, responded), abs=0.01)


def test_surveys_are_dated_when_the_customer_answered_not_when_the_demo_was_made(truth: dict[str, Any]) -> None:
    surveys = [r for r in truth["rows"]["survey"] if r["responded_at"] is not None]
    assert surveys
    made_at = truth["started"] - timedelta(minutes=1)
    for r in surveys:
        assert _utc(r["created_at"]) == _utc(r["responded_at"])
    assert sum(_utc(r["created_at"]) < made_at - timedelta(days=31) for r in surveys) > len(surveys) // 3


def test_customers_are_dated_from_when_they_became_members(truth: dict[str, Any]) -> None:
    customers = truth["rows"]["customer"]
    assert customers
    for r in customers:
        assert _utc(r["created_at"]) < truth["started"]
    assert sum(_utc(r["created_at"]) < truth["started"] - timedelta(days=31) for r in customers) > len(customers) // 2
