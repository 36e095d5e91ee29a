"""Survey links on the complaint template (SQLite and PostgreSQL): the signed link opens its survey,
the answer lands on the right complaint, and a tampered, expired, foreign or reused link is refused
with a clear 4xx. The e-mail that carries a working link is in ``test_template_scenario``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dajian.platform.clock import ManualClock, set_clock
from dajian.platform.models import apps
from dajian.platform.surveys import make_token
from tests.platform.conftest import Org
from tests.platform.test_template import TEMPLATE, install, load_template

APP = "complaint_management"


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(datetime.now(UTC).replace(microsecond=0))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


class Desk:
    def __init__(self, org: Org) -> None:
        _, doc, _ = load_template(TEMPLATE)
        install(org, doc)
        self.org, self.visitor, self.admin = org, TestClient(org.api), org.client()
        self.public = f"/api/v1/public/{org.key}/{APP}"
        filed = self.visitor.post(f"{self.public}/forms/complaint", json={
            "subject": "耳机左声道无声", "contact_name": "李女士", "contact_phone": "13900139000",
            "category": ["product_quality", "function_failure", "wont_power_on"], "description": "左耳没有声音。",
            "expectation": ["exchange"]})
        assert filed.status_code == 201, filed.text
        self.serial = filed.json()["serial"]
        [row] = self.admin.get(f"/api/v1/apps/{APP}/forms/complaint/records",
                               params={"filter": f'ticket_no = "{self.serial}"'}).json()["items"]
        self.complaint_id = int(row["id"])

    def token(self, days: int = 14, **overrides: int) -> str:
        with self.org.engine.begin() as conn:
            app_id = conn.execute(select(apps.c.id).where(apps.c.org_id == self.org.id, apps.c.key == APP)).scalar_one()
            return make_token(conn, org_id=self.org.id, app_id=overrides.get("app_id", app_id), form="survey",
                              ref_form="complaint", ref_id=self.complaint_id, days=days)

    def url(self, token: str) -> str:
        return f"{self.public}/surveys/{token}"


@pytest.fixture
def desk(org: Org, clock: ManualClock) -> Desk:
    return Desk(org)


def test_the_link_opens_the_survey_about_its_complaint_and_records_the_answer_once(desk: Desk) -> None:
    url = desk.url(desk.token())
    opened = desk.visitor.get(url)
    assert opened.status_code == 200, opened.text
    survey = opened.json()
    assert survey["about"] == desk.serial and survey["form"] == "survey"
    keys = [f["key"] for f in survey["fields"]]
    assert {"csat", "nps", "ces", "comment"} <= set(keys)
    assert not {"complaint", "responded_at", "survey_channel"} & set(keys)  # the form's own, not questions
    answered = desk.visitor.post(url, json={"csat": 4, "nps": 9, "ces": 2, "comment": "换货很快"})
    assert answered.status_code == 201, answered.text
    stored = desk.admin.get(f"/api/v1/apps/{APP}/forms/survey/records/{answered.json()['id']}").json()
    assert (stored["complaint"], stored["csat"], stored["comment"]) == (desk.complaint_id, 4, "换货很快")
    complaint = desk.admin.get(f"/api/v1/apps/{APP}/forms/complaint/records/{desk.complaint_id}").json()
    assert (complaint["csat"], complaint["nps"]) == (4, 9)  # the template's rule copies the scores
    again = desk.visitor.post(url, json={"csat": 1, "nps": 0})
    assert again.status_code == 409 and "already been answered" in again.json()["detail"]
    assert desk.visitor.get(url).status_code == 409


def test_a_tampered_link_is_refused(desk: Desk) -> None:
    payload, signature = desk.token().split(".")
    other = desk.token().split(".")[0]  # a validly signed payload, with another link's signature
    for token in (f"{other}.{signature}", f"{payload}.{signature[:-2]}AA", payload, "nonsense"):
        r = desk.visitor.get(desk.url(token))
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), token
        assert "not valid" in r.json()["detail"]
        assert desk.visitor.post(desk.url(token), json={"csat": 5}).status_code == 404


def test_an_expired_link_is_gone(desk: Desk, clock: ManualClock) -> None:
    url = desk.url(desk.token(days=1))
    clock.advance(timedelta(days=1, seconds=1))
    for r in (desk.visitor.get(url), desk.visitor.post(url, json={"csat": 5, "nps": 10})):
        assert (r.status_code, r.json()["code"]) == (410, "gone") and "expired" in r.json()["detail"]


def test_a_link_only_answers_its_own_app_and_questions(desk: Desk) -> None:
    foreign = desk.url(desk.token(app_id=999_999))
    assert desk.visitor.get(foreign).status_code == 404
    url = desk.url(desk.token())
    r = desk.visitor.post(url, json={"csat": 5, "nps": 10, "complaint": 1})
    assert r.status_code == 422 and r.json()["errors"] == [{"path": "/complaint", "message": "not part of this survey"}]
    r = desk.visitor.post(url, json={"csat": 9, "nps": 10})
    assert r.status_code == 422 and any(e["path"].endswith("csat") for e in r.json()["errors"]), r.text
    assert desk.visitor.post(url, json={"csat": 5, "nps": 10}).status_code == 201  # the refusals spent nothing


def test_the_public_form_lists_only_its_public_fields(desk: Desk) -> None:
    r = desk.visitor.get(f"{desk.public}/forms/complaint")
    assert r.status_code == 200, r.text
    form = r.json()
    keys = [f["key"] for f in form["fields"]]
    assert "subject" in keys and "contact_phone" in keys and "assignee" not in keys and "csat" not in keys
    assert form["contact_field"] == "contact_phone" and form["honeypot"]
    assert desk.visitor.get(f"{desk.public}/forms/customer").status_code == 404
    [category] = [f for f in form["fields"] if f["key"] == "category"]
    assert category["tree"][0]["value"] == "product_quality" and category["tree"][0]["children"]
    assert {"value": "resolved", "label": {"zh-CN": "已解决", "en": "Resolved"}} in [
        {k: o[k] for k in ("value", "label")} for o in form["status_options"]]
