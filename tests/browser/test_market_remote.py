"""A remote template center in Chromium: the admin adds another Dajian server's center by its address on the
template packages page, browses it from the template center's picker, opens a template and installs it; the
package's signature is checked against the publisher key the remote serves, pinned on that first install. Two real
servers: this site and a remote under uvicorn on its own database. Found by role and label only."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine, select

from dajian.platform.auth import create_organisation, create_user
from dajian.platform.models import organisations
from dajian.platform.rules.webhooks import set_allow_list
from tests.browser.conftest import PASSWORD, ROOT, Site, keep_screenshot
from tests.browser.test_admin import open_admin
from tests.platform.market_listing_data import publisher, writing
from tests.platform.test_market_remote import serving


def test_an_admin_browses_a_remote_center_and_installs_from_it(page: Any, site: Site, engine: Engine,
                                                               tmp_path: Path) -> None:
    key = f"far_{secrets.token_hex(3)}"
    with writing(engine) as conn:  # this site's organisation may reach the loopback remote
        org_id = conn.execute(select(organisations.c.id).where(organisations.c.key == site.org)).scalar_one()
        set_allow_list(conn, org_id, ["127.0.0.1"])
    with serving(engine, tmp_path) as (url, other):
        with writing(other) as conn:
            acme = create_organisation(conn, key="acme", name="Acme")
            partner = create_user(conn, org_id=acme, username="partner", password=PASSWORD)
            reviewer = create_user(conn, org_id=acme, username="reviewer", password=PASSWORD)
        center = publisher(other, org_id=acme, partner_id=partner, reviewer_id=reviewer, name="远方伙伴")
        shot = (ROOT / "docs" / "screenshots" / "admin-1280x800.png").read_bytes()  # a real image to draw
        center.publish(center.package(tmp_path, key=key, version="1.0.0", name="远方工单", category="客服",
                                      tags=["远程"], screenshot=shot))

        open_admin(page, site)
        page.get_by_role("menuitem", name="应用与模板").click()
        page.get_by_role("button", name="打开模板包").click()
        expect(page.get_by_role("heading", name="模板包")).to_be_visible()
        page.get_by_label("名称", exact=True).fill("远方中心")
        page.get_by_label("地址", exact=True).fill(url)
        page.get_by_role("button", name="添加远程中心").click()
        expect(page.get_by_role("link", name="远方中心")).to_be_visible()
        expect(page.get_by_text("尚未安装过")).to_be_visible()
        page.get_by_role("link", name="远方中心").click()

        expect(page).to_have_url(re.compile(r"/market\?center=\d+"))
        expect(page.get_by_role("combobox", name="模板中心")).to_be_visible()
        card = page.get_by_role("link", name="远方工单")
        expect(card).to_be_visible()
        expect(page.get_by_text("远方伙伴").first).to_be_visible()
        cover = page.get_by_role("img", name=re.compile("远方工单"))  # the remote's screenshot, through this server
        expect(cover).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=cover.element_handle())
        keep_screenshot(page, "market-browse-remote", tmp_path)
        card.click()
        expect(page.get_by_role("heading", name="远方工单")).to_be_visible()
        expect(page.get_by_text("来自 远方中心")).to_be_visible()
        expect(page.get_by_role("img", name="截图 1")).to_be_visible()
        page.get_by_role("button", name="安装 1.0.0").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("由可信发布者签名")).to_be_visible(timeout=30_000)  # the pinned key, now trusted
        dialog.get_by_role("button", name="下一步").click()
        dialog.get_by_role("button", name="安装", exact=True).click()
        expect(dialog.get_by_text("已安装版本 1.0.0")).to_be_visible(timeout=120_000)
        keep_screenshot(page, "market-remote-installed", tmp_path)

        page.goto("/admin/packages")
        expect(page.get_by_text(re.compile("^远方伙伴 · [0-9a-f]{16}$"))).to_be_visible()
        expect(page.get_by_role("cell", name=re.compile(r"^远方伙伴 @ 127\.0\.0\.1:\d+$"))).to_be_visible()  # trusted
        keep_screenshot(page, "market-remote-centers", tmp_path)
