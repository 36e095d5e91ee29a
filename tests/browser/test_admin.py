"""The admin console in Chromium: users, roles, departments, tokens, the audit log, and the 403 for
everyone else — found by role and accessible name only."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine, select, update

from dajian.platform import jobs
from dajian.platform.clock import utcnow
from dajian.platform.models import jobs as job_table
from dajian.platform.models import organisations
from dajian.platform.rules.webhooks import enqueue_delivery
from tests.browser.conftest import PASSWORD, ROOT, SCREENSHOTS, TEMPLATE, Site, shoot
from tests.browser.test_foundation import sign_in, sign_out


def pick(page: Any, label: str, text: str) -> None:
    """An antd Select with search: type what a person would, take the first match."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(text)
    # options may still be loading (an app's roles after the app is picked): Enter waits for a match
    expect(page.get_by_role("option", name=re.compile(re.escape(text))).first).to_be_attached()
    page.keyboard.press("Enter")


def doc_shot(page: Any, name: str, site: Site) -> None:
    """``shoot`` at 1280×800; with ``DAJIAN_DOC_SCREENSHOTS=1`` (and SQLite) also the README's copy in
    docs/screenshots."""
    shoot(page, name, site, as_is=True)
    if os.environ.get("DAJIAN_DOC_SCREENSHOTS") == "1" and site.backend == "sqlite":
        target = ROOT / "docs" / "screenshots" / f"{name}-1280x800.png"
        target.write_bytes((SCREENSHOTS / f"{name}-{site.backend}.png").read_bytes())


def open_admin(page: Any, site: Site) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.get_by_role("button", name="用户菜单").click()
    page.get_by_role("menuitem", name="系统管理").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", name="用户")).to_be_visible()


def test_admin_creates_a_user_gives_a_role_and_the_user_signs_in(page: Any, site: Site) -> None:
    open_admin(page, site)
    shoot(page, "admin-users", site, as_is=True)
    page.get_by_role("button", name="新建用户").click()
    dialog = page.get_by_role("dialog", name="新建用户")
    dialog.get_by_label("用户名").fill("newagent")
    dialog.get_by_label("显示名称").fill("新客服")
    dialog.get_by_label("初始密码").fill(PASSWORD)
    dialog.get_by_role("button", name="创建").click()
    expect(page.get_by_text("用户已创建")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="newagent")
    expect(row).to_contain_text("新客服")
    expect(row).to_contain_text("启用")

    row.get_by_role("button", name="newagent 的角色").click()
    drawer = page.get_by_role("dialog", name="新客服 的角色")
    expect(drawer.get_by_text("尚未授予任何角色")).to_be_visible()
    pick(page, "应用", "客诉")
    pick(page, "角色", "客服专员")
    drawer.get_by_role("button", name="授予角色").click()
    expect(page.get_by_text("角色已授予")).to_be_visible()
    expect(drawer.get_by_text("客诉管理 · 客服专员")).to_be_visible()
    shoot(page, "admin-user-roles", site, as_is=True)
    drawer.get_by_role("button", name="Close").or_(drawer.get_by_role("button", name="关闭")).click()
    expect(drawer).to_be_hidden()

    sign_out(page)
    sign_in(page, site, "newagent")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    expect(page.get_by_role("link", name="客诉管理")).to_be_visible()
    # a member gets neither the menu entry nor the console
    page.get_by_role("button", name="用户菜单").click()
    expect(page.get_by_role("menuitem", name="我的资料")).to_be_visible()
    expect(page.get_by_role("menuitem", name="系统管理")).to_have_count(0)
    page.keyboard.press("Escape")
    page.goto("/admin")
    expect(page.get_by_text("只有组织管理员可以进入管理后台。")).to_be_visible()
    expect(page.get_by_role("menu", name="系统管理")).to_have_count(0)
    shoot(page, "admin-forbidden", site, as_is=True)

    # the admin disables them: signed out, and the next login is refused
    sign_out(page)
    open_admin(page, site)
    page.get_by_role("row").filter(has_text="newagent").get_by_role("button", name="停用 newagent").click()
    page.get_by_role("button", name="确 定").or_(page.get_by_role("button", name="确定")).click()
    expect(page.get_by_role("row").filter(has_text="newagent")).to_contain_text("已停用")
    sign_out(page)
    sign_in(page, site, "newagent")
    expect(page.get_by_role("alert")).to_contain_text("登录失败")
    expect(page).to_have_url(re.compile(r"/login"))


def test_admin_creates_a_department_under_another(page: Any, site: Site) -> None:
    open_admin(page, site)
    page.get_by_role("menuitem", name="部门").click()
    expect(page.get_by_role("heading", name="部门", exact=True)).to_be_visible()
    for name, key, parent in (("华东大区", "east_region", None), ("上海客服组", "shanghai_team", "华东大区")):
        page.get_by_label("名称").fill(name)
        page.get_by_label("标识").fill(key)
        if parent:
            pick(page, "上级部门", parent)
        pick(page, "负责人", "admin")
        page.get_by_role("button", name="创建").click()
        expect(page.get_by_text("部门已创建").last).to_be_visible()
        expect(page.get_by_role("treeitem", name=re.compile(name))).to_be_visible()
    shoot(page, "admin-departments", site, as_is=True)
    with site.api_login("admin") as client:
        departments = {d["key"]: d for d in client.get("/api/v1/admin/departments").json()}
    assert departments["shanghai_team"]["parent_id"] == departments["east_region"]["id"]


def test_admin_creates_a_token_and_sees_its_secret_once(page: Any, site: Site) -> None:
    open_admin(page, site)
    page.get_by_role("menuitem", name="API 令牌").click()
    page.get_by_label("名称").fill("nightly export")
    pick(page, "权限范围", "records:read")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="创建").click()
    modal = page.get_by_role("dialog", name="新令牌")
    expect(modal.get_by_text("只显示这一次")).to_be_visible()
    secret = modal.get_by_text(re.compile(r"^dj_"))
    expect(secret).to_be_visible()
    plaintext = secret.inner_text().strip()
    shoot(page, "admin-token-secret", site, as_is=True)
    modal.get_by_role("button", name="我已复制").click()
    expect(page.get_by_role("row").filter(has_text="nightly export")).to_contain_text("records:read")
    expect(page.get_by_text(plaintext)).to_be_hidden()
    page.reload()
    expect(page.get_by_role("row").filter(has_text="nightly export")).to_be_visible()
    expect(page.get_by_text(plaintext)).to_have_count(0)
    shoot(page, "admin-tokens", site, as_is=True)


def test_audit_log_filtered_on_the_server(page: Any, site: Site) -> None:
    with site.api_login("admin") as client:
        response = client.post("/api/v1/auth/tokens", json={"name": "audited", "scopes": ["records:read"]})
        assert response.status_code == 201, response.text
        token_entries = client.get("/api/v1/admin/audit", params={"entity": "token"}).json()
    open_admin(page, site)
    page.get_by_role("menuitem", name="审计日志").click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="登录").first).to_be_visible()
    doc_shot(page, "admin-audit", site)
    pick(page, "操作人", "admin")
    pick(page, "对象类型", "令牌")
    table = page.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="令牌")).to_have_count(len(token_entries))
    row = table.get_by_role("row").filter(has_text="audited").first
    expect(row).to_contain_text("create")
    expect(row).to_contain_text("admin")
    expect(table.get_by_role("row").filter(has_text="登录")).to_have_count(0)  # sign-ins are filtered out
    expect(page.get_by_text(f"已显示 {len(token_entries)} 条")).to_be_visible()
    shoot(page, "admin-audit-filtered", site, as_is=True)
    page.get_by_role("menuitem", name="应用与模板").click()
    expect(page.get_by_role("row").filter(has_text=site.app)).to_contain_text("已发布")
    shoot(page, "admin-apps", site, as_is=True)


def _org_id(engine: Engine, site: Site) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(organisations.c.id).where(organisations.c.key == site.org)).scalar_one())


def test_jobs_page_shows_states_and_retries_a_dead_job(page: Any, site: Site, engine: Engine) -> None:
    with engine.begin() as conn:  # a kind no worker runs, so the retried job stays due for the test to see
        job_id = jobs.enqueue(conn, "test.browser", {"why": "a mail server that was down"},
                              org_id=_org_id(engine, site))
        conn.execute(update(job_table).where(job_table.c.id == job_id).values(
            status="dead", attempts=5, finished_at=utcnow(),
            last_error="Traceback (most recent call last):\nConnectionRefusedError: smtp.example.com:25"))
    open_admin(page, site)
    page.get_by_role("menuitem", name="后台任务").click()
    expect(page.get_by_role("heading", name="后台任务")).to_be_visible()
    page.get_by_role("tab", name=re.compile("^死信")).click()
    row = page.get_by_role("row").filter(has_text="test.browser")
    expect(row).to_contain_text("死信")
    expect(row).to_contain_text("ConnectionRefusedError: smtp.example.com:25")
    expect(row).to_contain_text("5 / 5")
    with site.api_login("admin") as client:
        counts = client.get("/api/v1/admin/jobs").json()["counts"]
    for state, name in (("dead", "死信"), ("due", "待执行"), ("cancelled", "已取消")):  # the demo's jobs too
        expect(page.get_by_role("tab", name=f"{name} {counts[state]}")).to_be_visible()
    page.get_by_role("tab", name=re.compile("^全部")).click()
    doc_shot(page, "admin-jobs", site)

    row.get_by_role("button", name=f"任务 {job_id} 详情").click()
    drawer = page.get_by_role("dialog", name=f"任务 {job_id} 详情")
    expect(drawer).to_contain_text("a mail server that was down")
    expect(drawer).to_contain_text("Traceback (most recent call last)")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()

    row.get_by_role("button", name=f"重试任务 {job_id}").click()
    page.get_by_role("tooltip").get_by_role("button", name="重试").click()
    expect(page.get_by_text(f"任务 {job_id} 已重新排队")).to_be_visible()
    expect(row).to_contain_text("待执行")
    expect(row).to_contain_text("0 / 5")
    expect(row.get_by_role("button", name=f"重试任务 {job_id}")).to_have_count(0)
    with site.api_login("admin") as client:
        entry = client.get("/api/v1/admin/audit", params={"entity": "job"}).json()[0]
    assert entry["changes"]["job_id"] == job_id and entry["changes"]["state"] == ["dead", "due"]


def test_deliveries_page_redelivers_a_dead_one(page: Any, site: Site, engine: Engine) -> None:
    with engine.begin() as conn:  # loopback is refused by the SSRF guard: the retry fails fast, offline
        delivery = enqueue_delivery(conn, org_id=_org_id(engine, site), app_id=None, subscription=None,
                                    url="https://127.0.0.1:9/hook", event="flow.9", payload={"n": 1})
        conn.execute(update(job_table).where(job_table.c.idempotency_key == f"wh:{delivery}").values(
            status="dead", attempts=6, last_error="DeliveryFailed: 127.0.0.1 is not a public address"))
    open_admin(page, site)
    page.get_by_role("menuitem", name="Webhook 投递").click()
    pick(page, "状态", "死信")
    row = page.get_by_role("row").filter(has_text="127.0.0.1:9/hook")
    expect(row).to_contain_text("死信")
    expect(row).to_contain_text("流程节点")
    row.get_by_role("button", name=f"重新投递 {delivery}").click()
    page.get_by_role("tooltip").get_by_role("button", name="重新投递").click()
    expect(page.get_by_text("已排队重新投递")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="127.0.0.1:9/hook")).to_have_count(0)  # no longer dead
    shoot(page, "admin-deliveries", site, as_is=True)


def test_admin_revokes_a_role(page: Any, site: Site) -> None:
    with site.api_login("admin") as client:
        made = client.post("/api/v1/admin/users", json={"username": "tempagent", "password": PASSWORD,
                                                       "display_name": "临时客服"})
        assert made.status_code == 201, made.text
        grant = {"user_id": made.json()["id"], "app": site.app, "role": "agent"}
        assert client.post("/api/v1/admin/memberships", json=grant).status_code == 201
    open_admin(page, site)
    page.get_by_role("row").filter(has_text="tempagent").get_by_role("button", name="tempagent 的角色").click()
    drawer = page.get_by_role("dialog", name="临时客服 的角色")
    expect(drawer.get_by_text("客诉管理 · 客服专员")).to_be_visible()
    drawer.get_by_role("button", name="撤销 客诉管理 · 客服专员").click()
    page.get_by_role("tooltip").get_by_role("button", name=re.compile("确 ?定")).click()
    expect(page.get_by_text("角色已撤销")).to_be_visible()
    expect(drawer.get_by_text("尚未授予任何角色")).to_be_visible()
    with site.api_login("admin") as client:
        assert client.get("/api/v1/admin/memberships", params={"user_id": grant["user_id"]}).json() == []


def _upgraded_template() -> bytes:
    """The complaint template as version 1.1.0, whose customer form gains a WeChat id, zipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in TEMPLATE.rglob("*") if p.is_file()):
            name, text = path.relative_to(TEMPLATE).as_posix(), path.read_text("utf-8")
            if name == "manifest.json":
                text = text.replace('"version": "1.0.0"', '"version": "1.1.0"')
            if name == "forms/customer.json":
                form = json.loads(text)
                form["fields"].append({"key": "wechat", "kind": "text", "label": {"zh-CN": "微信号", "en": "WeChat"}})
                text = json.dumps(form, ensure_ascii=False)
            archive.writestr(f"complaint_management/{name}", text)
    return out.getvalue()


def test_admin_upgrades_the_template_after_seeing_the_plan(page: Any, site: Site, tmp_path: Path) -> None:
    upload = tmp_path / "complaint_management-1.1.0.zip"
    upload.write_bytes(_upgraded_template())
    with site.api_login("admin") as client:
        before = client.get(f"/api/v1/apps/{site.app}").json()["current_version"]
    open_admin(page, site)
    page.get_by_role("menuitem", name="应用与模板").click()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="选择 .zip 或 .json 文件").click()
    chooser.value.set_files(str(upload))
    expect(page.get_by_text(f"版本 {before + 1} 的迁移计划")).to_be_visible()
    expect(page.get_by_text("add_field wechat")).to_be_visible()
    expect(page.get_by_text("客诉管理 1.1.0")).to_be_visible()
    shoot(page, "admin-template-plan", site, as_is=True)
    page.get_by_role("button", name="升级").click()
    page.get_by_role("tooltip").get_by_role("button", name=re.compile("确 ?定")).click()
    expect(page.get_by_text(f"已导入为版本 {before + 1}")).to_be_visible()
    with site.api_login("admin") as client:
        detail = client.get(f"/api/v1/apps/{site.app}").json()
        fields = next(f for f in detail["draft"]["forms"] if f["key"] == "customer")["fields"]
    assert detail["current_version"] == before + 1 and "wechat" in [f["key"] for f in fields]
