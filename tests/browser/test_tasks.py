"""The task inbox and the record's side panel in Chromium, found by role and accessible name: the agent
opens a new complaint from the inbox (its SLA colour shown) and completes triage with a comment; the
handler comments with an attachment and an @mention (the mentioned manager is notified); the manager
approves the compensation from the inbox; the history shows the changes. Steps that belong to the record
page's form (filling fields) are done through the API, so this test is about the side panel and inbox."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PASSWORD, ROOT, SCREENSHOTS, TEMPLATE, Site, shoot
from tests.browser.test_foundation import sign_in

SEED = json.loads((TEMPLATE / "data" / "seed.json").read_text(encoding="utf-8"))
AGENTS = [u["username"] for u in SEED["users"] if "agent" in u["roles"]]
MANAGERS = [u["username"] for u in SEED["users"] if "manager" in u["roles"]]
MANAGER = next(u for u in SEED["users"] if "manager" in u["roles"])
ROUTED_ELSEWHERE = {"product_quality", "logistics", "billing"}  # categories with their own investigators


def _leaf(nodes: list[dict[str, Any]]) -> list[str]:
    """A category path outside the departments' own branches: its investigation goes to the assignee."""
    node = next(n for n in nodes if n["value"] not in ROUTED_ELSEWHERE)
    path = [node["value"]]
    while node.get("children"):
        node = node["children"][0]
        path.append(node["value"])
    return path


def _pending(site: Site, username: str, record_id: int, node: str) -> dict[str, Any] | None:
    with site.api_login(username) as api:
        items = api.get("/api/v1/flows/inbox/pending", params={"limit": 500}).json()["items"]
    return next((i for i in items if i["record_id"] == record_id and i["node_id"] == node), None)


@pytest.fixture
def complaint(site: Site) -> Iterator[dict[str, Any]]:
    """A new P2 complaint in its flow, waiting at triage; its triage holder and the form fields triage
    requires (filled through the API: the form is the record page's part)."""
    records = f"/api/v1/apps/{site.app}/forms/complaint/records"
    trees = json.loads((TEMPLATE / "trees.json").read_text(encoding="utf-8"))
    with site.api_login(AGENTS[0]) as api:
        body = {"subject": "屏幕出现坏点，要求换机", "channel": "phone", "priority": "P2", "status": "new",
                "received_at": datetime.now(UTC).isoformat(), "description": "购买一周后屏幕出现三个坏点。",
                "category": _leaf(trees["complaint_category"]), "contact_phone": "13800138000"}
        made = api.post(records, json=body)
        assert made.status_code == 201, made.text
        record_id = made.json()["id"]
        if not api.get(f"{records}/{record_id}/flows").json()["items"]:
            started = api.post(f"/api/v1/apps/{site.app}/flows/handle_complaint/start", json={"record_id": record_id})
            assert started.status_code == 201, started.text
    holder = next(a for a in AGENTS if _pending(site, a, record_id, "triage"))
    with site.api_login(holder) as api:
        me = api.get("/api/v1/auth/me").json()["user"]
        row = api.get(f"{records}/{record_id}").json()
        patched = api.patch(f"{records}/{record_id}", json={
            "row_version": row["row_version"], "assignee": me["id"]})
        assert patched.status_code == 200, patched.text
    yield {"id": record_id, "holder": holder, "holder_id": me["id"], "records": records}


def test_agent_handler_and_manager_work_a_complaint(browser: Any, site: Site, complaint: dict[str, Any]) -> None:
    record_id, records = complaint["id"], complaint["records"]
    context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, site, complaint["holder"])
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()

    # the agent's inbox: the complaint with its SLA colour and due time; open it from the task
    page.goto(f"/a/{site.app}/inbox")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"客诉工单 #{record_id}", exact=True))
    expect(row).to_contain_text("分派受理")
    expect(row.get_by_label(re.compile(r"^时效: 正常"))).to_be_visible()
    shoot(page, "tasks-inbox", site)
    page.get_by_role("tab", name="我的工作").click()
    work = page.get_by_role("region", name="我的工作")
    expect(work.get_by_label(re.compile(r"^我的在办记录: [1-9]"))).to_be_visible()
    shoot(page, "tasks-my-work", site)
    page.get_by_role("tab", name="待办").click()
    row.get_by_role("link", name=f"打开 客诉工单 #{record_id}").click()
    expect(page).to_have_url(re.compile(rf"/forms/complaint/records/{record_id}$"))

    # triage completed with a comment from the flow panel; the panel moves on to the investigation
    flow = page.get_by_role("region", name="流程")
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text("分派受理")
    flow.get_by_label("处理意见").fill("已核实，转处理人调查")
    flow.get_by_role("button", name="通过").click()
    expect(page.get_by_text("已通过：分派受理")).to_be_visible()
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text("处理人调查")

    # the handler (the assignee) comments with an attachment and an @mention of the manager
    side = page.get_by_role("complementary", name="流程与协作")
    side.get_by_role("tab", name="评论").click()
    box = side.get_by_label("写评论")
    box.click()
    box.press_sequentially(f"请 @{MANAGER['display_name'][:1]}")
    page.get_by_role("menuitem", name=MANAGER["display_name"]).click()
    box.press_sequentially(" 审阅赔偿方案")
    evidence = SCREENSHOTS / "evidence.txt"
    SCREENSHOTS.mkdir(exist_ok=True)
    evidence.write_text("坏点照片说明\n", encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        side.get_by_role("button", name="添加附件").click()
    chooser.value.set_files(str(evidence))
    expect(side.get_by_text("evidence.txt")).to_be_visible()
    side.get_by_role("button", name="发表评论").click()
    comments = side.get_by_role("region", name="评论")
    expect(comments).to_contain_text(f"请 @{MANAGER['display_name']} 审阅赔偿方案")
    expect(comments.get_by_role("link", name=re.compile("evidence.txt"))).to_be_visible()
    shoot(page, "tasks-record-side", site)
    with site.api_login(MANAGER["username"]) as api:
        notes = api.get("/api/v1/notifications").json()
        items = notes["items"] if isinstance(notes, dict) else notes
        assert any(n["link"] == {"app": site.app, "form": "complaint", "record": record_id} for n in items)
    context.close()

    # the investigation and the proposal (a compensation of 800) go through the API: form work
    with site.api_login(complaint["holder"]) as api:
        proposal = {"solution": "换新机一台并补偿", "expectation": ["exchange", "compensation"],
                    "compensation_amount": "800"}
        for node, values in (("inv_owner", {}), ("propose", proposal)):
            task = _pending(site, complaint["holder"], record_id, node)
            assert task is not None, node
            if values:
                row = api.get(f"{records}/{record_id}").json()
                assert api.patch(f"{records}/{record_id}", json={"row_version": row["row_version"], **values}
                                 ).status_code == 200
            acted = api.post(f"/api/v1/flows/tasks/{task['task_id']}/act", json={"action": "approve"})
            assert acted.status_code == 200, acted.text

    # the manager approves from the inbox (an approval step needs no input: bulk approval allows it)
    context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    approver = next((m for m in MANAGERS if _pending(site, m, record_id, "approve_manager")), None)
    if approver is None:
        with site.api_login(complaint["holder"]) as api:
            pytest.fail(f"no manager holds the approval: {api.get(f'{records}/{record_id}/flows').text}")
    sign_in(page, site, approver)
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(f"/a/{site.app}/inbox")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"客诉工单 #{record_id}", exact=True))
    expect(row).to_contain_text("部门经理审批")
    step_filter = page.get_by_role("combobox", name="按环节筛选")
    step_filter.fill("部门经理")
    step_filter.press("Enter")
    row.get_by_role("checkbox", name=f"客诉工单 #{record_id}").check()
    page.get_by_role("button", name="批量通过（1）").click()
    page.get_by_role("tooltip").get_by_role("button", name="确定").click()
    expect(page.get_by_text("已通过 1 个任务")).to_be_visible()
    expect(page.get_by_role("link", name=f"客诉工单 #{record_id}", exact=True)).to_have_count(0)
    assert _pending(site, approver, record_id, "approve_manager") is None

    # the history shows who changed what, the comment included
    page.goto(f"/a/{site.app}/forms/complaint/records/{record_id}")
    side = page.get_by_role("complementary", name="流程与协作")
    side.get_by_role("tab", name="变更历史").click()
    history = side.get_by_role("region", name="变更历史")
    expect(history).to_contain_text("800")
    expect(history).to_contain_text("发表了评论")
    expect(history).to_contain_text("创建了记录")
    shoot(page, "tasks-history", site)

    # related: records the complaint points at can suggest alike ones (knowledge articles beside it)
    side.get_by_role("tab", name="相关记录").click()
    expect(side.get_by_text("推荐的知识库文章")).to_be_visible()
    shoot(page, "tasks-related", site)
    context.close()
    best = SCREENSHOTS / f"tasks-record-side-desktop-{site.backend}.png"
    if site.backend == "sqlite" and best.exists():
        (ROOT / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
        (ROOT / "docs" / "screenshots" / "tasks-1280x800.png").write_bytes(best.read_bytes())
    assert PASSWORD and Path(str(evidence)).exists()
