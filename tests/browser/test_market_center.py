"""The template center in Chromium: a partner publishes the signed complaint template, a reviewer requests a
change, the partner submits 1.0.1, it is approved and published; an admin of another organisation finds it by a
Chinese search and installs it with the package install wizard. Browsing a page at a time keeps search, filters and
page in the address. Found by role and label only.

The center is one for the whole database (every organisation, every test): each test looks only at its own rows
and takes what it published out again."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlalchemy import Engine

from dajian.platform.auth import create_organisation, create_user
from dajian.platform.market.center import add_reviewer
from dajian.platform.market.package import new_key, pack_folder, sign_package
from tests.browser.conftest import DESKTOP, PASSWORD, ROOT, TEMPLATE, Site, keep_screenshot, shoot
from tests.browser.test_foundation import sign_out
from tests.platform.market_listing_data import publish_many, publisher, remove_from_center, writing


def sign_in(page: Any, org: str, username: str) -> None:
    page.goto("/login")
    page.get_by_label("组织").fill(org)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()


def signed(tmp: Path, version: str, key: bytes) -> Path:
    """The complaint template as a signed package numbered ``version``."""
    folder = tmp / f"complaint-{version}"
    shutil.copytree(TEMPLATE, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(version=version, publisher="Acme 伙伴", category="客服", tags=["客诉", "售后"],
                    changelog=[{"version": version, "notes": {"zh-CN": f"{version} 版本", "en": f"release {version}"}}])
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    path = tmp / f"complaint_management-{version}.dajian"
    path.write_bytes(sign_package(pack_folder(folder), key))
    return path


def upload(page: Any, path: Path) -> None:
    page.goto("/market/mine")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="上传新版本").click()
    chooser.value.set_files(str(path))
    expect(page.get_by_role("cell", name=path.stem.rsplit("-", 1)[1], exact=True)).to_be_visible()


def test_publish_review_and_install_from_the_center(page: Any, site: Site, engine: Engine, tmp_path: Path) -> None:
    pem, public = new_key()
    partners, buyers = f"acme_{secrets.token_hex(3)}", f"buyer_{secrets.token_hex(3)}"
    with writing(engine) as conn:
        acme = create_organisation(conn, key=partners, name="Acme 伙伴")
        partner_id = create_user(conn, org_id=acme, username="partner", password=PASSWORD)
        reviewer_id = create_user(conn, org_id=acme, username="reviewer", password=PASSWORD)
        add_reviewer(conn, reviewer_id)
        other_partner = create_user(conn, org_id=acme, username="partner2", password=PASSWORD)
        buyer = create_organisation(conn, key=buyers, name="买家公司")
        create_user(conn, org_id=buyer, username="admin", password=PASSWORD, is_org_admin=True)

    try:
        # the partner: profile and key, then 1.0.0 submitted
        sign_in(page, partners, "partner")
        page.get_by_role("button", name="用户菜单").click()
        page.get_by_role("menuitem", name="模板中心").click()
        page.get_by_role("menuitem", name="我的模板").click()
        page.get_by_label("发布者名称").fill("Acme 伙伴")
        page.get_by_role("button", name="保存资料").click()
        page.get_by_label("公钥").fill(public)
        page.get_by_role("button", name="登记公钥").click()
        expect(page.get_by_text("已登记 1 个公钥")).to_be_visible()
        upload(page, signed(tmp_path, "1.0.0", pem))
        page.get_by_role("button", name="提交审核 1.0.0").click()
        expect(page.get_by_role("cell", name="已提交")).to_be_visible()
        sign_out(page)

        # the reviewer asks for a change
        sign_in(page, partners, "reviewer")
        page.goto("/market/review")
        expect(page.get_by_role("heading", name="审核队列")).to_be_visible()
        mine = page.get_by_role("row").filter(has=page.get_by_role("link", name="审核 客诉管理 1.0.0"))
        expect(mine).to_contain_text("Acme 伙伴")
        expect(mine).to_contain_text("已提交")
        expect(mine).to_contain_text("校验通过")
        expect(mine).to_contain_text("首个版本")
        mine.get_by_role("link", name="审核 客诉管理 1.0.0").click()
        expect(page.get_by_role("heading", name="审核 客诉管理 1.0.0")).to_be_visible()
        expect(page.get_by_text("首个发布版本")).to_be_visible()
        page.get_by_label("审核意见").fill("请补充英文更新说明")
        shoot(page, "market-review", site, as_is=True)
        page.get_by_role("button", name="要求修改").click()
        expect(page.get_by_role("heading", name="审核队列")).to_be_visible()
        expect(page.get_by_role("link", name="审核 客诉管理 1.0.0")).to_have_count(0)  # others' rows may stay
        sign_out(page)

        # the partner reads the comment and submits 1.0.1
        sign_in(page, partners, "partner")
        page.goto("/market/mine")
        expect(page.get_by_role("cell", name="请补充英文更新说明")).to_be_visible()
        upload(page, signed(tmp_path, "1.0.1", pem))
        page.get_by_role("button", name="提交审核 1.0.1").click()
        expect(page.get_by_role("cell", name="已提交")).to_be_visible()
        sign_out(page)

        # another publisher submits two versions after it: the queue lists the longest waiting first
        beta = publisher(engine, org_id=acme, partner_id=other_partner, reviewer_id=reviewer_id, name="Beta 软件")
        visits = dict(key=f"{partners}_visits", name="访客登记", category="行政", tags=())
        beta.publish(beta.package(tmp_path / "beta", version="1.0.0", **visits))
        beta.move(beta.upload(beta.package(tmp_path / "beta", version="1.1.0", **visits)), "submit")
        patrol = beta.upload(beta.package(tmp_path / "beta", key=f"{partners}_patrol", version="0.9.0",
                                          name="设备巡检", category="行政", tags=()))
        beta.move(patrol, "submit", "start_review")

        sign_in(page, partners, "reviewer")
        page.goto("/market/review")
        waiting = page.get_by_role("row").filter(has=page.get_by_role("link", name="审核 客诉管理 1.0.1"))
        expect(waiting).to_contain_text("已提交")
        expect(waiting).to_contain_text("首个版本")  # 1.0.0 was never published: nothing to compare against
        upgrade = page.get_by_role("row").filter(has=page.get_by_role("link", name="审核 访客登记 1.1.0"))
        expect(upgrade).to_contain_text("对比 1.0.0")
        expect(upgrade).to_contain_text("Beta 软件")
        reviews = page.get_by_role("link", name=re.compile(r"^审核 ")).all_inner_texts()
        assert [n for n in reviews if n in ("客诉管理", "访客登记", "设备巡检")] == ["客诉管理", "访客登记", "设备巡检"]
        keep_screenshot(page, "market-queue", tmp_path)
        waiting.get_by_role("link", name="审核 客诉管理 1.0.1").click()
        page.get_by_role("button", name="批准").click()
        expect(page.get_by_role("heading", name="审核队列")).to_be_visible()
        expect(page.get_by_role("link", name="审核 客诉管理 1.0.1")).to_have_count(0)
        sign_out(page)

        sign_in(page, partners, "partner")
        page.goto("/market/mine")
        page.get_by_role("button", name="发布 1.0.1").click()
        expect(page.get_by_role("cell", name="已发布")).to_be_visible()
        shoot(page, "market-mine", site, as_is=True)
        sign_out(page)

        # an admin of another organisation finds it in Chinese and installs it
        sign_in(page, buyers, "admin")
        page.goto("/market")
        page.get_by_label("搜索模板").fill("客诉")
        page.get_by_label("搜索模板").press("Enter")
        card = page.get_by_role("link", name="客诉管理")
        expect(card).to_be_visible()
        shoot(page, "market-browse", site)
        card.click()
        expect(page.get_by_role("heading", name="客诉管理")).to_be_visible()
        expect(page.get_by_role("cell", name="1.0.1 版本")).to_be_visible()
        shoot(page, "market-detail", site)
        page.set_viewport_size(DESKTOP)
        page.get_by_role("button", name="安装 1.0.1").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_role("button", name="下一步")).to_be_enabled(timeout=60_000)
        dialog.get_by_role("button", name="下一步").click()
        dialog.get_by_role("checkbox").check()  # the buyer has not trusted Acme's key: an explicit choice
        dialog.get_by_role("button", name="安装", exact=True).click()
        expect(dialog.get_by_text("已安装版本 1.0.1")).to_be_visible(timeout=120_000)
        shoot(page, "market-installed", site, as_is=True)
    finally:
        remove_from_center(engine, partners=[partner_id, other_partner], reviewers=[reviewer_id])


def test_browse_a_page_at_a_time_with_search_and_filters_in_the_address(page: Any, site: Site, engine: Engine,
                                                                        tmp_path: Path) -> None:
    category, tag = f"浏览{secrets.token_hex(2)}", f"示例{secrets.token_hex(2)}"
    org_key = f"shop_{secrets.token_hex(3)}"
    with writing(engine) as conn:
        org_id = create_organisation(conn, key=org_key, name="Shop 伙伴")
        partner_id = create_user(conn, org_id=org_id, username="partner", password=PASSWORD)
        reviewer_id = create_user(conn, org_id=org_id, username="reviewer", password=PASSWORD)
        create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    shop = publisher(engine, org_id=org_id, partner_id=partner_id, reviewer_id=reviewer_id, name=f"Shop {org_key}")
    try:
        screenshot = (ROOT / "docs" / "screenshots" / "dashboard-1280x800.png").read_bytes()
        publish_many(shop, tmp_path, prefix=org_key, count=14, category=category, tags=[tag], screenshot=screenshot)
        sign_in(page, org_key, "admin")
        page.goto(f"/market?category={category}")
        expect(page.get_by_text("共 14 个模板 · 第 1 / 2 页")).to_be_visible()
        expect(page.get_by_role("link", name="设备巡检")).to_be_visible()  # installed most: first
        expect(page.get_by_role("img", name="设备巡检 的截图")).to_be_visible()
        expect(page.get_by_role("link", name="访客登记")).to_have_count(0)  # installed least: on page 2
        keep_screenshot(page, "market-browse", tmp_path)

        pages = page.get_by_role("navigation", name="分页")
        pages.get_by_role("listitem", name="2").click()
        expect(page).to_have_url(re.compile(r"[?&]page=2"))
        expect(page.get_by_text("共 14 个模板 · 第 2 / 2 页")).to_be_visible()
        expect(page.get_by_role("link", name="访客登记")).to_be_visible()
        expect(page.get_by_role("link", name="设备巡检")).to_have_count(0)
        keep_screenshot(page, "market-browse-page-2", tmp_path)
        page.reload()
        expect(page.get_by_text("共 14 个模板 · 第 2 / 2 页")).to_be_visible()
        page.go_back()
        expect(page.get_by_text("共 14 个模板 · 第 1 / 2 页")).to_be_visible()

        # a search in Chinese narrows the category, back on page 1, and lands in the address
        page.get_by_label("搜索模板").fill("巡检")
        page.get_by_label("搜索模板").press("Enter")
        expect(page.get_by_text("共 1 个模板")).to_be_visible()
        expect(page).to_have_url(re.compile(r"q=%E5%B7%A1%E6%A3%80"))
        expect(page.get_by_role("link", name="设备巡检")).to_be_visible()

        # a tag on a card filters by it; the filter shows and clears
        page.goto(f"/market?category={category}&page=2")
        page.get_by_role("link", name=f"标签：{tag}").first.click()
        expect(page).to_have_url(re.compile(r"tag="))
        expect(page).not_to_have_url(re.compile(r"page="))
        expect(page.get_by_text("共 14 个模板 · 第 1 / 2 页")).to_be_visible()
        page.get_by_label(f"取消筛选 标签：{tag}").click()
        expect(page).not_to_have_url(re.compile(r"tag="))

        # newest first: the first two published are on the last page
        page.goto(f"/market?category={category}")
        page.get_by_label("排序").click()
        expect(page.get_by_role("option", name="最新发布")).to_be_attached()
        page.get_by_label("排序").press("ArrowDown")
        page.get_by_label("排序").press("Enter")
        expect(page).to_have_url(re.compile(r"sort=newest"))
        pages.get_by_role("listitem", name="2").click()
        expect(page.get_by_role("link", name="设备巡检")).to_be_visible()  # installed most, published second
        expect(page.get_by_role("link", name="访客登记")).to_be_visible()

        page.goto(f"/market?category={category}&q=没有这个词")
        expect(page.get_by_text("没有与“没有这个词”匹配的模板")).to_be_visible()
        keep_screenshot(page, "market-browse-empty", tmp_path)
        page.get_by_role("button", name="清除筛选").last.click()
        expect(page).to_have_url(re.compile(r"/market$"))

        # a template's page leads back to its publisher's templates
        page.goto(f"/market?category={category}")
        page.get_by_role("link", name="设备巡检").click()
        expect(page.get_by_role("heading", name="设备巡检")).to_be_visible()
        page.get_by_role("link", name=shop.name).click()
        expect(page).to_have_url(re.compile(r"publisher=Shop"))
        expect(page.get_by_label(f"取消筛选 发布者：{shop.name}")).to_be_visible()  # the filter, removable
        expect(page.get_by_text("共 14 个模板 · 第 1 / 2 页")).to_be_visible()

        page.goto(f"/market?category={category}&page=9")  # past the end: the last page
        expect(page.get_by_text("共 14 个模板 · 第 2 / 2 页")).to_be_visible()
        expect(page).to_have_url(re.compile(r"page=2"))

        page.get_by_role("button", name="语言").click()
        page.get_by_role("menuitem", name="English").click()
        expect(page.get_by_text("14 templates · page 2 of 2")).to_be_visible()
        expect(page.get_by_label("Order")).to_be_visible()
        expect(page.get_by_role("link", name=f"Tag: {tag}").first).to_be_visible()
        keep_screenshot(page, "market-browse-en", tmp_path)
    finally:
        remove_from_center(engine, partners=[partner_id], reviewers=[reviewer_id])
    left = httpx.get(site.url + "/api/v1/market/templates", params={"category": category}, timeout=30).json()
    assert left["count"] == 0 and category not in left["categories"]  # the center as the test found it
