"""Template packages in Chromium: the admin trusts a publisher's key, installs the signed repair-order package
from a file through the wizard with its demo data, watching the install job's steps, changes a field label (the
draft API, as the designer saves it), upgrades to 1.1.0 which adds a field — the local label is kept and the
field added — and a tampered package is refused."""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dajian.platform import job_progress
from dajian.platform.market.package import new_key, pack_folder, sign_package
from tests.browser.conftest import ROOT, Site, keep_screenshot
from tests.browser.test_admin import open_admin

TEMPLATE = ROOT / "app_templates" / "repair_orders"
APP = "repair_orders"


def build(tmp: Path, version: str, pem: bytes, *, serial_field: bool = False) -> Path:
    """The repair template as a signed package file; 1.1.0 adds a serial-number field."""
    folder = tmp / f"repair-{version}"
    shutil.copytree(TEMPLATE, folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["version"] = version
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    if serial_field:
        form_file = folder / "forms" / "repair_order.json"
        form = json.loads(form_file.read_text("utf-8"))
        serial = {"key": "serial_no", "kind": "text", "label": {"zh-CN": "产品序列号", "en": "Serial no."}}
        form["fields"].insert(3, serial)
        form_file.write_text(json.dumps(form, ensure_ascii=False), "utf-8")
    target = tmp / f"repair_orders-{version}.dajian"
    target.write_bytes(sign_package(pack_folder(folder), pem))
    return target


def tampered(source: Path, tmp: Path) -> Path:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace("故障描述".encode(), "故障说明".encode())
                         if info.filename == "forms/repair_order.json" else data)
    target = tmp / "repair_orders-tampered.dajian"
    target.write_bytes(out.getvalue())
    return target


def choose_file(page: Any, dialog: Any, path: Path) -> None:
    """Click the button and give the chooser the file. Under load a click that lands while the dialog is still
    opening opens no chooser (seen with two test workers): then the person clicks again."""
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                dialog.get_by_role("button", name="选择模板包文件").click()
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue
        chooser.value.set_files(str(path))
        return


def fields_of(site: Site) -> dict[str, Any]:
    with site.api_login("admin") as client:
        doc = client.get(f"/api/v1/apps/{APP}/export").json()
    return {f["key"]: f["label"] for f in doc["forms"][0]["fields"]}


def hold_at_roles(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The first install job that reaches its roles step waits there (its tables made, nothing committed) until
    the returned event is set: the page's progress can be seen and photographed without racing the worker."""
    release, held = threading.Event(), threading.Event()
    written = job_progress.write

    def write(engine: Any, job_id: int, progress: job_progress.Progress) -> None:
        written(engine, job_id, progress)
        if progress.step == "roles" and not held.is_set():
            held.set()
            release.wait(120)

    monkeypatch.setattr(job_progress, "write", write)
    return release


def test_install_upgrade_keeping_a_local_change_and_refuse_a_tampered_package(page: Any, site: Site, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pem, public = new_key()
    first, second = build(tmp_path, "1.0.0", pem), build(tmp_path, "1.1.0", pem, serial_field=True)
    open_admin(page, site)
    page.get_by_role("menuitem", name="应用与模板").click()
    page.get_by_role("button", name="打开模板包").click()
    expect(page.get_by_role("heading", name="模板包")).to_be_visible()

    page.get_by_label("发布者", exact=True).fill("搭建官方")
    page.get_by_label("公钥").fill(public)
    page.get_by_role("button", name="添加密钥").click()
    expect(page.get_by_role("cell", name="搭建官方", exact=True)).to_be_visible()

    page.get_by_role("button", name="安装模板包").click()
    dialog = page.get_by_role("dialog", name="安装模板包")
    choose_file(page, dialog, first)
    expect(dialog.get_by_text("由可信发布者签名")).to_be_visible()
    expect(dialog.get_by_text("流程（1）")).to_be_visible()
    expect(dialog.get_by_text("报修处理")).to_be_visible()
    expect(dialog.get_by_text("1 个部门、3 个示例用户（含角色）、3 条记录", exact=False)).to_be_visible()
    dialog.get_by_role("checkbox", name=re.compile("同时安装示例数据")).check()
    keep_screenshot(page, "market-install-preview", tmp_path)
    dialog.get_by_role("button", name="下一步").click()
    expect(dialog.get_by_text("签名已验证，可以安装")).to_be_visible()
    expect(dialog.get_by_text("将同时安装示例数据")).to_be_visible()
    release = hold_at_roles(monkeypatch)
    try:
        dialog.get_by_role("button", name="安装", exact=True).click()
        expect(dialog.get_by_text("第 4 / 8 步：同步角色与权限")).to_be_visible()  # check, two tables, then roles
        expect(dialog.get_by_role("progressbar", name="正在安装")).to_be_visible()
        keep_screenshot(page, "market-install-progress", tmp_path)
    finally:
        release.set()
    expect(dialog.get_by_text("已安装版本 1.0.0")).to_be_visible()
    expect(dialog.get_by_text("示例数据已安装。")).to_be_visible()
    keep_screenshot(page, "market-install-done", tmp_path)
    dialog.get_by_role("button", name="完成").click()
    row = page.get_by_role("row", name=re.compile(APP))
    expect(row.get_by_text("1.0.0")).to_be_visible()
    expect(row.get_by_text("可信")).to_be_visible()
    with site.api_login("admin") as client:  # the demo orders, entered as new orders are
        orders = client.get(f"/api/v1/apps/{APP}/forms/repair_order/records").json()["items"]
    assert sorted(o["title"] for o in orders) == ["冰箱不制冷", "洗衣机脱水时异响", "空调遥控失灵"]

    with site.api_login("admin") as client:  # the designer's change: the draft saved, then published
        draft = client.get(f"/api/v1/apps/{APP}").json()["draft"]
        next(f for f in draft["forms"][0]["fields"] if f["key"] == "customer")["label"] = {
            "zh-CN": "报修客户", "en": "Requester"}
        assert client.put(f"/api/v1/apps/{APP}/draft", json=draft).status_code == 200
        assert client.post(f"/api/v1/apps/{APP}/publish").status_code == 200

    page.get_by_role("button", name=f"升级 {APP}").click()
    dialog = page.get_by_role("dialog", name=f"升级 {APP}")
    choose_file(page, dialog, second)
    expect(dialog.get_by_text("从 1.0.0 升级到 1.1.0")).to_be_visible()
    expect(dialog.get_by_text("add_field serial_no")).to_be_visible()
    expect(dialog.get_by_text("/forms/repair_order/fields/customer")).to_be_visible()  # the local change, kept
    expect(dialog.get_by_text("没有冲突：本地修改与新版本可以合并")).to_be_visible()
    keep_screenshot(page, "market-upgrade-plan", tmp_path)
    dialog.get_by_role("button", name="应用升级").click()
    expect(dialog.get_by_text("已升级到 1.1.0")).to_be_visible()
    keep_screenshot(page, "market-upgrade-done", tmp_path)
    dialog.get_by_role("button", name="完成").click()
    expect(page.get_by_role("row", name=re.compile(APP)).get_by_text("1.1.0")).to_be_visible()
    labels = fields_of(site)
    assert labels["customer"] == {"zh-CN": "报修客户", "en": "Requester"}
    assert labels["serial_no"]["zh-CN"] == "产品序列号"

    page.get_by_role("button", name="安装模板包").click()
    dialog = page.get_by_role("dialog", name="安装模板包")
    choose_file(page, dialog, tampered(first, tmp_path))
    expect(dialog.get_by_text("模板包被拒绝")).to_be_visible()
    expect(dialog.get_by_text(re.compile("forms/repair_order.json was changed after the package was made"))
           .first).to_be_visible()
    keep_screenshot(page, "market-install-tampered", tmp_path)
