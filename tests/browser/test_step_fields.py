"""While a complaint waits at triage, the record page lets the triage holder change only what triage lists
as editable, and nobody else change anything: the record API's own rule (``step_editable``)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, shoot
from tests.browser.test_foundation import sign_in
from tests.browser.test_tasks import AGENTS, complaint  # noqa: F401 - the fixture

FORM = "/a/complaint_management/forms/complaint"


def test_only_the_steps_fields_are_editable_for_its_holder(page: Any, site: Site,
                                                           complaint: dict[str, Any]) -> None:  # noqa: F811
    sign_in(page, site, complaint["holder"])
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"{FORM}/records/{complaint['id']}")
    # the page asks the record's flows what this step lets its holder change
    expect(page.get_by_label("订单号")).to_be_enabled(timeout=30_000)  # triage lists the order number
    expect(page.get_by_label("投诉主题")).to_be_disabled()  # the agent's role writes it, triage does not
    shoot(page, "record-step-fields", site)


def test_someone_without_a_task_on_the_running_flow_changes_nothing(page: Any, site: Site,
                                                                   complaint: dict[str, Any]) -> None:  # noqa: F811
    other = next(a for a in AGENTS if a != complaint["holder"])
    sign_in(page, site, other)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"{FORM}/records/{complaint['id']}")
    expect(page.get_by_label("投诉主题")).to_be_disabled()
    expect(page.get_by_label("订单号")).to_be_disabled()
