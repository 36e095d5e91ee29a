"""Print templates in Chromium, found by role and label: the complaint template's 客诉处理单 opens in the print
designer; a new template is made by choosing a form, adding a field and a QR code and turning the paper; a
complaint's record page prints it (the print view opens the browser's print dialog) and downloads it as a PDF
holding the complaint's text; the list prints the chosen rows."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import Site, keep_screenshot
from tests.browser.test_designer_form import pick
from tests.browser.test_foundation import sign_in

APP = "complaint_management"
# counts the print dialogs asked for, in every frame (the print view prints its frame)
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.top.__prints = (window.top.__prints || 0) + 1 }"


def draft(site: Site) -> dict[str, Any]:
    with site.api_login("admin") as api:
        response = api.get(f"/api/v1/apps/{APP}")
        assert response.status_code == 200, response.text
        return dict(response.json()["draft"])


def a_complaint(site: Site) -> dict[str, Any]:
    with site.api_login("admin") as api:
        response = api.post(f"/api/v1/apps/{APP}/forms/complaint/records/query",
                            json={"filter": {"!=": [{"var": "subject"}, None]}, "limit": 1, "sort": "-id"})
        assert response.status_code == 200, response.text
        return dict(response.json()["items"][0])


def test_a_print_template_is_designed_by_choosing_and_dragging(page: Any, site: Site, tmp_path: Path) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/design/{APP}/print/handling_sheet")
    templates = page.get_by_role("navigation", name="打印模板")
    expect(templates.get_by_role("link", name="客诉处理单")).to_be_visible()
    sheet = page.get_by_role("document", name="纸张")
    expect(sheet.get_by_role("button", name="第 1 块：文本", exact=True)).to_be_visible()
    expect(sheet.get_by_role("button", name="第 18 块：二维码/条码 公开查询链接", exact=True)).to_be_visible()
    sheet.get_by_role("button", name="第 18 块：二维码/条码 公开查询链接", exact=True).click()
    settings = page.get_by_role("complementary", name="设置")
    expect(settings.get_by_text("二维码/条码设置")).to_be_visible()
    expect(settings.get_by_label("说明文字")).to_have_value("扫码查询处理进度")
    keep_screenshot(page, "print-designer", tmp_path)

    pick(page.get_by_role("combobox", name="新建打印模板"), "客诉工单")
    expect(page).to_have_url(f"{site.url}/design/{APP}/print/print_1")
    expect(sheet.get_by_text("用上方的按钮把字段")).to_be_visible()
    pick(page.get_by_role("combobox", name="添加字段"), "投诉主题")
    pick(page.get_by_role("combobox", name="添加字段"), "联系人")
    page.get_by_role("button", name="添加二维码").click()
    expect(sheet.get_by_role("button", name="第 3 块：二维码/条码 记录链接", exact=True)).to_be_visible()
    # the QR code dragged by its handle onto the first block goes first
    handle = sheet.get_by_role("button", name="拖动 第 3 块：二维码/条码 记录链接")
    target = sheet.get_by_role("button", name="第 1 块：字段 投诉主题", exact=True)
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 20, box["y"], steps=5)
    page.mouse.move(goal["x"] + 30, goal["y"] + goal["height"] / 2, steps=10)
    page.mouse.up()
    expect(sheet.get_by_role("button", name="第 1 块：二维码/条码 记录链接", exact=True)).to_be_visible()
    sheet.get_by_role("button", name="第 1 块：二维码/条码 记录链接", exact=True).click()
    page.get_by_role("button", name="← 页面设置").click()  # back to the page's settings
    pick(settings.get_by_label("纸张大小"), "A5")
    settings.get_by_text("横向", exact=True).click()  # antd hides the radio input under its button
    expect(settings.get_by_role("radio", name="横向")).to_be_checked()
    settings.get_by_label("名称（中文）").fill("客诉标签")
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    keep_screenshot(page, "print-designer-new", tmp_path)

    made = next(p for p in draft(site)["prints"] if p["key"] == "print_1")
    assert made["form"] == "complaint" and made["label"]["zh-CN"] == "客诉标签"
    assert made["page"] == {"size": "A5", "orientation": "landscape"}
    assert [(b["kind"], b.get("field"), b.get("source")) for b in made["blocks"]] == [
        ("code", None, "record_link"), ("field", "subject", None), ("field", "contact_name", None)]
    handling = next(p for p in draft(site)["prints"] if p["key"] == "handling_sheet")
    template = json.loads((Path(__file__).parents[2] / "app_templates" / APP / "prints" / "prints.json").read_text())
    assert handling == template[0]  # what the designer only looked at stays as it was


def test_the_record_page_prints_and_downloads_the_pdf(page: Any, site: Site, tmp_path: Path) -> None:
    complaint = a_complaint(site)
    page.context.add_init_script(COUNT_PRINTS)
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{APP}/forms/complaint/records/{complaint['id']}")
    page.get_by_role("button", name="打印").click()
    with page.context.expect_page() as opened:
        page.get_by_role("menuitem", name="客诉处理单 · 打印预览").click()
    view = opened.value
    frame = view.frame_locator("iframe[title='客诉处理单']")
    expect(frame.get_by_role("heading", name="客诉处理单")).to_be_visible()
    expect(frame.get_by_text(complaint["subject"]).first).to_be_visible()
    expect(frame.get_by_role("img", name=f"/p/{site.org}/{APP}/status", exact=False)).to_be_visible()
    view.wait_for_function("window.__prints >= 1")  # the print dialog was asked for once drawn
    view.set_viewport_size({"width": 1280, "height": 800})
    keep_screenshot(view, "print-view", tmp_path)
    view.set_viewport_size({"width": 390, "height": 844})
    keep_screenshot(view, "print-view", tmp_path)

    with view.expect_download() as downloading:
        view.get_by_role("link", name="下载 PDF").click()
    download = downloading.value
    assert download.suggested_filename == "客诉处理单.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    assert complaint["ticket_no"] in text and complaint["subject"] in text and "客诉处理单" in text


def test_the_list_prints_the_chosen_rows(page: Any, site: Site, tmp_path: Path) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{APP}/forms/complaint")
    rows = page.get_by_role("row").filter(has=page.get_by_role("checkbox"))
    expect(rows.nth(2)).to_be_visible()
    rows.nth(1).get_by_role("checkbox").check()
    rows.nth(2).get_by_role("checkbox").check()
    page.get_by_role("button", name="打印（2）").click()
    pdf = page.get_by_role("menuitem", name="客诉处理单 · 下载 PDF")
    expect(pdf).to_be_visible()
    keep_screenshot(page, "print-list", tmp_path)
    pdf.click()  # a selection's PDF is made in the background: its progress, then the download
    dialog = page.get_by_role("dialog", name="生成 PDF：客诉处理单")
    expect(dialog.get_by_text("已生成：2 条记录")).to_be_visible(timeout=60_000)
    expect(dialog.get_by_role("progressbar", name="PDF 生成进度")).to_have_attribute("aria-valuenow", "100")
    keep_screenshot(page, "print-list-job", tmp_path)
    with page.expect_download() as downloading:
        dialog.get_by_role("link", name="下载 PDF").click()
    assert downloading.value.suggested_filename == "客诉处理单（2）.pdf"
    reader = PdfReader(io.BytesIO(Path(downloading.value.path()).read_bytes()))
    starts = [p for p in reader.pages if "客诉处理单" in p.extract_text()]
    assert len(starts) == 2
