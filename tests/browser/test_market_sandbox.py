"""A reviewer tries a submitted version in a sandbox, in Chromium: 沙箱试装 on the review page installs it with its
demo data into a throwaway organisation with progress, 打开沙箱 opens the app signed in as the sandbox's
administrator (its forms and demo records there), and back as the reviewer the sandbox is discarded. Found by
role and label only."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine, select

from dajian.platform.auth import create_organisation, create_user
from dajian.platform.models import organisations
from tests.browser.conftest import PASSWORD, Site, keep_screenshot
from tests.browser.test_foundation import sign_out
from tests.browser.test_market_center import sign_in, signed
from tests.platform.market_listing_data import publisher, writing


def test_a_reviewer_clicks_through_a_sandbox_install(page: Any, site: Site, engine: Engine, tmp_path: Path) -> None:
    partners = f"acme_{secrets.token_hex(3)}"
    with writing(engine) as conn:
        acme = create_organisation(conn, key=partners, name="Acme 伙伴")
        partner_id = create_user(conn, org_id=acme, username="partner", password=PASSWORD)
        reviewer_id = create_user(conn, org_id=acme, username="reviewer", password=PASSWORD)
    acme_center = publisher(engine, org_id=acme, partner_id=partner_id, reviewer_id=reviewer_id, name="Acme 伙伴")
    try:
        version = acme_center.upload(signed(tmp_path, "1.0.0", acme_center.key_pem).read_bytes())
        acme_center.move(version, "submit")

        sign_in(page, partners, "reviewer")
        page.goto(f"/market/review/{version}")
        expect(page.get_by_role("heading", name="审核 客诉管理 1.0.0")).to_be_visible()
        expect(page.get_by_text(re.compile("^还没有沙箱"))).to_be_visible()
        page.get_by_role("button", name="沙箱试装").click()
        item = page.get_by_role("group", name=re.compile(r"^沙箱 sandbox-"))
        expect(item.get_by_role("progressbar")).to_be_visible()  # the install job's progress
        expect(item.get_by_role("button", name="打开沙箱")).to_be_visible(timeout=180_000)
        expect(item).to_contain_text("自动清理")
        org_key = item.get_attribute("aria-label").removeprefix("沙箱 ")
        keep_screenshot(page, "market-review-sandbox", tmp_path)

        item.get_by_role("button", name="打开沙箱").click()
        expect(page).to_have_url(re.compile(r"/a/complaint_management"))
        expect(page.get_by_role("menuitem", name="客诉工单").first).to_be_visible()
        keep_screenshot(page, "market-sandbox-app", tmp_path)
        sign_out(page)

        sign_in(page, partners, "reviewer")  # the reviewer's own organisation has no such app
        page.goto("/a/complaint_management")
        expect(page.get_by_role("menuitem", name="客诉工单")).to_have_count(0)
        page.goto(f"/market/review/{version}")
        item = page.get_by_role("group", name=f"沙箱 {org_key}")
        item.get_by_role("button", name="丢弃沙箱").click()
        page.get_by_role("tooltip").get_by_role("button", name=re.compile(r"^确\s?定$")).click()
        expect(page.get_by_text(re.compile("^还没有沙箱"))).to_be_visible()
        with engine.connect() as conn:
            assert conn.execute(select(organisations.c.id).where(organisations.c.key == org_key)).first() is None
    finally:
        acme_center.remove()
