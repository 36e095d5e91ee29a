"""Printing records with print templates (SQLite and PostgreSQL): the print view and the PDF show the record's
values, Chinese included; a reader sees only the fields and rows they may read; the complaint template's
客诉处理单 carries a QR code of the public status link."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from dajian.platform.jobs import Worker
from dajian.platform.printing.jobs import KIND as PRINT_KIND
from tests.platform.conftest import Org, publish, ticket_app
from tests.platform.test_template import TEMPLATE, install, load_template

RECORDS = "/api/v1/apps/tickets/forms/ticket/records"
PRINTS = "/api/v1/apps/tickets/prints"
ITEMS = {"key": "items", "kind": "subtable", "label": {"zh-CN": "明细", "en": "Items"},
         "fields": [{"key": "name", "kind": "text", "label": {"zh-CN": "品名", "en": "Name"}},
                    {"key": "qty", "kind": "integer", "label": {"zh-CN": "数量", "en": "Qty"}}]}
SHEET = {"key": "sheet", "label": {"zh-CN": "工单打印", "en": "Ticket sheet"}, "form": "ticket",
         "page": {"size": "A5", "orientation": "landscape"},
         "blocks": [{"kind": "text", "text": "<h1>{{ template }}：{{ record.title }}</h1>"},
                    {"kind": "field", "field": "title", "width": "half"},
                    {"kind": "field", "field": "status", "width": "half"},
                    {"kind": "field", "field": "body"},
                    {"kind": "field", "field": "email"},
                    {"kind": "table", "field": "items"},
                    {"kind": "code", "symbology": "qr", "source": "record_link"},
                    {"kind": "code", "symbology": "code128", "source": "field", "field": "email"}]}
OPTIONS = [{"value": "open", "label": {"zh-CN": "处理中", "en": "Open"}}, {"value": "new", "label": {"en": "New"}}]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def desk(org: Org) -> dict[str, Any]:
    admin = org.client()
    doc = ticket_app(prints=[SHEET], roles=[
        {"key": "limited", "label": {"en": "limited"}, "permissions": {"ticket": {
            "actions": ["read", "create"], "row_scope": "own", "read_fields": ["title", "status", "items"]}}}])
    form = doc["forms"][0]
    form["fields"] += [ITEMS]
    next(f for f in form["fields"] if f["key"] == "status")["options"] = OPTIONS
    published = publish(admin, doc)
    assert published.status_code == 200, published.text
    made = admin.post(RECORDS, json={"title": "打印机卡纸", "status": "open", "body": "第三层纸盒",
                                     "email": "li@example.com",
                                     "items": [{"name": "搓纸轮", "qty": 2}, {"name": "分离垫", "qty": 1}]})
    assert made.status_code == 201, made.text
    other = admin.post(RECORDS, json={"title": "复印机漏粉", "status": "new"})
    user_id = org.add_user("clerk")
    assert admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "tickets", "role": "limited"}
                      ).status_code == 201
    clerk = org.client("clerk")
    own = clerk.post(RECORDS, json={"title": "扫描仪无响应"})
    assert own.status_code == 201, own.text
    return {"admin": admin, "clerk": clerk, "id": made.json()["id"], "other": other.json()["id"],
            "own": own.json()["id"]}


def test_the_form_lists_its_templates(desk: dict[str, Any]) -> None:
    listed = desk["admin"].get(PRINTS, params={"form": "ticket"})
    assert listed.status_code == 200 and listed.json() == [
        {"key": "sheet", "label": SHEET["label"], "form": "ticket"}]
    assert desk["admin"].get(PRINTS, params={"form": "other"}).json() == []


def test_the_pdf_holds_the_record_in_chinese(desk: dict[str, Any]) -> None:
    answer = desk["admin"].get(f"{PRINTS}/sheet/pdf", params={"ids": str(desk["id"])})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    assert "工单打印" in unquote(answer.headers["content-disposition"])
    reader = PdfReader(io.BytesIO(answer.content))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert width > height and round(width / 72 * 25.4) == 210  # A5 landscape
    text = pdf_text(answer.content)
    for shown in ("工单打印：打印机卡纸", "标题", "打印机卡纸", "处理中", "第三层纸盒", "li@example.com",
                  "搓纸轮", "分离垫", "品名", "数量"):
        assert shown in text, (shown, text)


def test_a_selection_prints_one_sheet_per_record(desk: dict[str, Any]) -> None:
    answer = desk["admin"].get(f"{PRINTS}/sheet/pdf", params={"ids": f"{desk['id']},{desk['other']}"})
    assert answer.status_code == 200, answer.text
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages]
    starts = [i for i, text in enumerate(pages) if text.startswith("工单打印：")]  # each sheet starts a page
    assert len(starts) == 2 and "打印机卡纸" in pages[starts[0]] and "复印机漏粉" in pages[starts[1]]
    assert "复印机漏粉" not in "".join(pages[:starts[1]])
    html = desk["admin"].get(f"{PRINTS}/sheet/html", params={"ids": f"{desk['id']},{desk['other']}"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.text.count('<section class="sheet"') == 2
    assert "script-src 'none'" in html.headers["content-security-policy"]
    assert "size: 210mm 148mm" in html.text and "data:image/svg+xml" in html.text  # page and codes


def test_a_reader_sees_only_what_they_may_read(desk: dict[str, Any]) -> None:
    clerk = desk["clerk"]
    assert clerk.get(f"{PRINTS}/sheet/pdf", params={"ids": str(desk["id"])}).status_code == 404  # not own
    answer = clerk.get(f"{PRINTS}/sheet/pdf", params={"ids": str(desk["own"])})
    assert answer.status_code == 200, answer.text
    text = pdf_text(answer.content)
    assert "扫描仪无响应" in text and "标题" in text
    html = clerk.get(f"{PRINTS}/sheet/html", params={"ids": str(desk["own"])}).text
    assert "E-mail" not in html and "Body" not in html and "E-mail" not in text  # unreadable fields left out


@pytest.mark.parametrize(("params", "status", "path"), [
    ({"ids": "1,x"}, 422, "/ids"), ({"ids": ""}, 422, "/ids"), ({"ids": "0"}, 422, "/ids"),
    ({"ids": "1", "lang": "fr"}, 422, "/lang"),
])
def test_bad_selections_are_refused_naming_the_parameter(desk: dict[str, Any], params: dict[str, str],
                                                        status: int, path: str) -> None:
    answer = desk["admin"].get(f"{PRINTS}/sheet/pdf", params=params)
    assert answer.status_code == status, answer.text
    assert path in answer.text


def test_an_unknown_template_is_404(desk: dict[str, Any]) -> None:
    assert desk["admin"].get(f"{PRINTS}/nope/html", params={"ids": str(desk["id"])}).status_code == 404


def run_print_jobs(desk: dict[str, Any], org: Org) -> None:
    """Run the queued print jobs as ``dajian worker`` would, with the server's settings (its file store)."""
    Worker(org.engine, kinds=[PRINT_KIND], settings=org.api.state.settings).run_once()


def test_a_selection_is_printed_in_the_background_and_only_its_reader_downloads_it(
        desk: dict[str, Any], org: Org) -> None:
    admin, clerk = desk["admin"], desk["clerk"]
    queued = admin.post(f"{PRINTS}/sheet/pdf-jobs", json={"ids": [desk["id"], desk["other"]], "lang": "zh-CN"})
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert (job["state"], job["count"], job["file"], job["progress"]) == ("queued", 2, None, None)
    run_print_jobs(desk, org)
    done = admin.get(f"{PRINTS}/jobs/{job['id']}").json()
    assert done["state"] == "succeeded", done
    assert done["progress"]["done"] == done["progress"]["total"] and done["pages"] >= 2
    assert done["file"]["mime"] == "application/pdf" and done["file"]["name"] == "工单打印（2）.pdf"
    pdf = admin.get(f"/api/v1/files/{done['file']['id']}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages]
    starts = [text for text in pages if text.startswith("工单打印：")]
    assert len(starts) == 2 and "打印机卡纸" in starts[0] and "复印机漏粉" in starts[1]
    # someone else neither sees the job nor downloads its file
    assert clerk.get(f"{PRINTS}/jobs/{job['id']}").status_code == 404
    assert clerk.get(f"/api/v1/files/{done['file']['id']}").status_code == 404


def test_a_print_job_prints_only_what_its_reader_may_read(desk: dict[str, Any], org: Org) -> None:
    clerk = desk["clerk"]
    queued = clerk.post(f"{PRINTS}/sheet/pdf-jobs", json={"ids": [desk["own"], desk["id"]]})
    assert queued.status_code == 202, queued.text
    run_print_jobs(desk, org)
    done = clerk.get(f"{PRINTS}/jobs/{queued.json()['id']}").json()
    assert done["state"] == "failed" and done["error"]["code"] == "not_found", done  # not their record: refused
    mine = clerk.post(f"{PRINTS}/sheet/pdf-jobs", json={"ids": [desk["own"]]})
    run_print_jobs(desk, org)
    done = clerk.get(f"{PRINTS}/jobs/{mine.json()['id']}").json()
    text = pdf_text(clerk.get(f"/api/v1/files/{done['file']['id']}").content)
    assert "扫描仪无响应" in text and "E-mail" not in text


@pytest.mark.parametrize(("body", "status", "path"), [
    ({"ids": []}, 422, "/ids"), ({"ids": [0]}, 422, "ids"), ({"ids": [2**63]}, 422, "ids"),
    ({"ids": list(range(1, 502))}, 422, "ids"), ({"ids": [1], "lang": "fr"}, 422, "/lang"),
    ({"ids": [1], "extra": 1}, 422, "extra"),
])
def test_bad_print_jobs_are_refused_naming_the_field(desk: dict[str, Any], body: dict[str, Any], status: int,
                                                     path: str) -> None:
    answer = desk["admin"].post(f"{PRINTS}/sheet/pdf-jobs", json=body)
    assert answer.status_code == status, answer.text
    assert path in answer.text
    assert desk["admin"].post(f"{PRINTS}/nope/pdf-jobs", json={"ids": [desk["id"]]}).status_code == 404


def test_the_complaint_sheet_has_a_qr_code_of_the_public_status_link(org: Org) -> None:
    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    admin = org.client()
    filed = admin.post("/api/v1/apps/complaint_management/forms/complaint/records", json={
        "subject": "耳机左声道无声", "contact_name": "李女士", "contact_phone": "13900139000", "channel": "phone",
        "category": ["product_quality", "function_failure", "wont_power_on"], "description": "左耳没有声音。",
        "priority": "P2", "expectation": ["exchange"]})
    assert filed.status_code == 201, filed.text
    record = filed.json()
    base = "/api/v1/apps/complaint_management/prints"
    [listed] = admin.get(base, params={"form": "complaint"}).json()
    assert listed["label"]["zh-CN"] == "客诉处理单"
    html = admin.get(f"{base}/handling_sheet/html", params={"ids": str(record["id"])}).text
    link = f"/p/{org.key}/complaint_management/status?form=complaint&amp;serial={record['ticket_no']}"
    assert link in html and "扫码查询处理进度" in html
    text = pdf_text(admin.get(f"{base}/handling_sheet/pdf", params={"ids": str(record["id"])}).content)
    received = datetime.fromisoformat(record["received_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    for shown in ("客诉处理单", record["ticket_no"], "耳机左声道无声", "李女士", "左耳没有声音。", "扫码查询处理进度",
                  received.strftime("%Y-%m-%d %H:%M")):  # in the app's time zone
        assert shown in text, (shown, text)
