"""The flow designer in Chromium, found by role and label only: the complaint flow opens and saves
byte-identically; an approval node dragged from the palette goes between two nodes by re-pointing an edge
and drawing another, gets its approval mode and assignee; its missing assignee is pinned on it as a problem
whose link selects it; an edge gets a guard; the path preview walks a real record through the draft and
lights the new node; and the draft publishes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.test_designer_form import APP, draft_text, keep_screenshot
from tests.browser.test_foundation import sign_in

FLOW = f"/design/{APP}/flows/handle_complaint"


def open_flow(page: Any, site: Site) -> Any:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.goto(FLOW)
    expect(page.get_by_role("heading", name="设计：客诉管理")).to_be_visible()
    canvas = page.get_by_role("main", name="流程画布")
    expect(canvas.get_by_role("button", name="节点 分派受理（办理）")).to_be_visible()
    return canvas


def node(canvas: Any, name: str, kind: str) -> Any:
    return canvas.get_by_role("button", name=f"节点 {name}（{kind}）")


def connect(page: Any, source: Any, target: Any) -> None:
    """Draw an edge the way a person does: press on the source's handle, travel, release on the target's."""
    start, end = source.bounding_box(), target.bounding_box()
    assert start and end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2 + 2, steps=15)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=2)
    page.mouse.up()


def pick_edge(canvas: Any, name: str) -> None:
    """Select an edge from the keyboard (a straight edge is a line with no area to click on)."""
    edge = canvas.get_by_role("button", name=f"连线 {name}")
    edge.focus()
    edge.press("Enter")


def choose(box: Any, option: str) -> None:
    """Choose an option of a searchable select the way a keyboard user does: type it, Enter."""
    box.click()
    box.fill(option)
    # the list has filtered down to it (it is the active option) before Enter takes it
    expect(box.page.get_by_role("option", name=option, exact=True)).to_be_attached()
    box.press("Enter")


def save(page: Any) -> None:
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")


def test_the_complaint_flow_round_trips_byte_identical(page: Any, site: Site) -> None:
    before = draft_text(site)
    canvas = open_flow(page, site)
    node(canvas, "分派受理", "办理").click()  # selecting, reading properties and the JSON view change nothing
    expect(page.get_by_text("节点：分派受理")).to_be_visible()
    page.get_by_role("tab", name="JSON").click()
    expect(page.get_by_label("所选元素的 JSON")).to_contain_text('"round_robin"')
    pick_edge(canvas, "按金额审批 → 质量管理委员会审批")
    expect(page.get_by_text("连线", exact=True)).to_be_visible()
    save(page)
    page.wait_for_load_state("networkidle")
    assert draft_text(site) == before


def test_add_an_approval_set_it_up_fix_its_problem_preview_and_publish(page: Any, site: Site, tmp_path: Path) -> None:
    canvas = open_flow(page, site)

    # a node from the palette, dropped on the canvas, is selected with its properties
    page.get_by_label("添加节点：审批").drag_to(node(canvas, "提交投诉", "开始"))
    approval = node(canvas, "审批 1", "审批")
    expect(approval).to_be_visible()
    expect(page.get_by_text("节点：审批 1")).to_be_visible()
    page.get_by_label("节点名称（中文）").fill("主管复核")
    approval = node(canvas, "主管复核", "审批")
    expect(approval).to_be_visible()

    # between 分派受理 and 进入调查: an edge drawn from the new node on, then the old edge re-pointed at it
    connect(page, page.get_by_label("从 主管复核 连出"), page.get_by_label("连入 进入调查"))
    expect(canvas.get_by_role("button", name="连线 主管复核 → 进入调查")).to_be_attached()  # a line: no area
    pick_edge(canvas, "分派受理 → 进入调查")
    choose(page.get_by_label("终点"), "主管复核")
    expect(canvas.get_by_role("button", name="连线 分派受理 → 主管复核")).to_be_attached()
    expect(canvas.get_by_role("button", name="连线 分派受理 → 进入调查")).to_have_count(0)

    # without an assignee the server names the problem: pinned on the node, and its link selects the node
    save(page)
    expect(approval.get_by_role("img", name=re.compile("个问题"))).to_be_visible()
    node(canvas, "分派受理", "办理").click()
    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("问题")).click()
    drawer = page.get_by_role("dialog", name=re.compile("问题"))
    drawer.get_by_role("button", name=re.compile("主管复核")).first.click()
    expect(page.get_by_text("节点：主管复核")).to_be_visible()
    drawer.get_by_role("button", name="Close").or_(drawer.get_by_role("button", name="关闭")).first.click()
    expect(drawer).to_be_hidden()  # until its closing animation ends it covers the property panel

    # 会签 by the supervisors, sent back to the previous step on rejection
    choose(page.get_by_label("审批方式"), "会签（全部同意）")
    choose(page.get_by_label("分配方式", exact=True).first, "应用角色")
    choose(page.get_by_label("角色", exact=True), "客服主管")
    choose(page.get_by_label("不同意时"), "退回上一步")
    save(page)
    expect(approval.get_by_role("img", name=re.compile("个问题"))).to_have_count(0)

    # a guard on an edge leaving the amount gateway, shown on the edge
    pick_edge(canvas, "按金额审批 → 质量管理委员会审批")
    page.get_by_role("textbox", name="分支条件").fill("compensation_amount > 8000")
    expect(canvas.get_by_role("button", name="连线 按金额审批 → 质量管理委员会审批")).to_contain_text("8000")
    save(page)
    with site.api_login("admin") as api:
        draft = api.get(f"/api/v1/apps/{APP}").json()["draft"]
    flow = next(f for f in draft["flows"] if f["key"] == "handle_complaint")
    added = next(n for n in flow["nodes"] if n["label"]["zh-CN"] == "主管复核")
    assert added["kind"] == "approval" and added["mode"] == "all" and added["on_reject"] == {"to": "previous"}
    assert added["assignee"] == {"strategy": "role", "role": "supervisor"}
    assert {"source": "triage", "target": added["id"]} in flow["edges"]
    assert {"source": added["id"], "target": "mark_investigating"} in flow["edges"]
    guard = next(e for e in flow["edges"] if e["source"] == "approval_gate" and e["target"] == "approve_committee")
    assert guard["condition"] == {">": [{"var": "compensation_amount"}, 8000]}

    # the path a real record would take through the draft lights the new node
    with site.api_login("admin") as api:
        newest = api.get(f"/api/v1/apps/{APP}/forms/complaint/records", params={"limit": 1}).json()["items"][0]
    choose(page.get_by_label("选择一条记录"), f"#{newest['id']} {newest['subject']}")
    page.get_by_role("button", name="预览路径").click()
    result = page.get_by_role("status", name="预览结果")
    expect(result).to_contain_text("主管复核")
    expect(approval).to_have_class(re.compile("on-path"))
    expect(node(canvas, "分派受理", "办理")).to_have_class(re.compile("on-path"))
    approval.click()  # its approval settings beside the lit path
    expect(page.get_by_text("节点：主管复核")).to_be_visible()
    keep_screenshot(page, "designer-flow", tmp_path)

    # publish: validation passes, a version with a note
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text("校验通过")).to_be_visible()
    dialog.get_by_label("版本说明").fill("分派后增加主管复核")
    dialog.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(dialog.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible()
    with site.api_login("admin") as api:
        version = api.get(f"/api/v1/apps/{APP}/versions").json()[0]
        assert version["note"] == "分派后增加主管复核"
