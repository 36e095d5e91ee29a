"""The template center in Chromium: a partner publishes the signed complaint template, a reviewer requests a
change, the partner submits 1.0.1, it is approved and published; an admin of another organisation finds it by a
Chinese search and installs it with the package install wizard. Found by role and label only."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine

from dajian.platform.auth import create_organisation, create_user
from dajian.platform.market.center import add_reviewer
from dajian.platform.market.package import new_key, pack_folder, sign_package
from tests.browser.conftest import DESKTOP, PASSWORD, TEMPLATE, Site, shoot
from tests.browser.test_foundation import sign_out


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
    with engine.begin() as conn:
        acme = create_organisation(conn, key=partners, name="Acme 伙伴")
        create_user(conn, org_id=acme, username="partner", password=PASSWORD)
        add_reviewer(conn, create_user(conn, org_id=acme, username="reviewer", password=PASSWORD))
        buyer = create_organisation(conn, key=buyers, name="买家公司")
        create_user(conn, org_id=buyer, username="admin", password=PASSWORD, is_org_admin=True)

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
    expect(page.get_by_text("首个发布版本")).to_be_visible()
    page.get_by_label("审核意见").fill("请补充英文更新说明")
    shoot(page, "market-review", site, as_is=True)
    page.get_by_role("button", name="要求修改").click()
    expect(page.get_by_text("没有待审核的版本")).to_be_visible()
    sign_out(page)

    # the partner reads the comment and submits 1.0.1
    sign_in(page, partners, "partner")
    page.goto("/market/mine")
    expect(page.get_by_role("cell", name="请补充英文更新说明")).to_be_visible()
    upload(page, signed(tmp_path, "1.0.1", pem))
    page.get_by_role("button", name="提交审核 1.0.1").click()
    expect(page.get_by_role("cell", name="已提交")).to_be_visible()
    sign_out(page)

    sign_in(page, partners, "reviewer")
    page.goto("/market/review")
    expect(page.get_by_role("button", name=re.compile("1.0.1"))).to_be_visible()
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_text("没有待审核的版本")).to_be_visible()
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
