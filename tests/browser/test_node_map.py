"""Moving running instances on publish, with the node map edited on the new version's canvas (issue #15):
the designer changes the complaint flow, the publish dialog offers to move the demo's running complaints,
the person chooses the node they stand on and clicks, on the canvas, the node they should go to; after
publishing the server has them there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, keep_screenshot
from tests.browser.test_designer_flow import node, open_flow, save

FLOW = "handle_complaint"


def running_nodes(site: Site) -> dict[str, int]:
    """Where the flow's running instances stand, as the server's dry run counts them."""
    with site.api_login("admin") as api:
        dry = api.post(f"/api/v1/apps/{site.app}/publish", params={"dry_run": True}).json()
    [running] = [f for f in dry["instances"] if f["flow"] == FLOW]
    return {n["node"]: n["running"] for n in running["nodes"]}


def test_instances_are_moved_to_the_node_clicked_on_the_canvas(page: Any, site: Site, tmp_path: Path) -> None:
    canvas = open_flow(page, site)
    node(canvas, "分派受理", "办理").click()
    page.get_by_role("switch", name="转交").click()  # a change to publish
    save(page)
    before = running_nodes(site)
    # the demo's open complaints stand on random steps: move those of the busiest one to a step where none is
    source = max(sorted(before), key=lambda n: before[n])
    target = next(n for n in ("confirm", "execute", "follow_up", "propose") if n not in before)

    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text("校验通过")).to_be_visible(timeout=60_000)
    dialog.get_by_role("checkbox", name=re.compile(rf"^把流程 {FLOW} 的 \d+ 个运行中实例迁移到新版本$")).check()
    moving = dialog.get_by_role("region", name=f"流程 {FLOW} 的运行中实例")
    chips = moving.get_by_role("group", name="实例所在的节点")
    chip = chips.get_by_role("button", name=re.compile(rf"^{source}（{before[source]} 个）→ "))
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    names = {"propose": "制定解决方案", "confirm": "与客户确认方案", "execute": "方案执行", "follow_up": "满意度回访"}
    flow_map = moving.get_by_role("group", name="新版流程图：点击节点作为迁移目标")
    flow_map.get_by_role("button", name=f"迁移到 {names[target]}", exact=True).click()
    # the canvas marks what the node now receives, the chip and the table's choice follow
    received = before[source]
    receiving = flow_map.get_by_role("button", name=re.compile(rf"^迁移到 {names[target]}（接收 {received} 个实例"))
    expect(receiving).to_be_visible()
    expect(chips.get_by_role("button", name=f"{source}（{before[source]} 个）→ {names[target]}")).to_be_visible()
    expect(moving.get_by_role("row", name=re.compile(rf"^{source} "))).to_contain_text(target)
    keep_screenshot(page, "designer-publish-node-map", tmp_path)

    dialog.get_by_role("button", name=re.compile(r"^发布版本 \d+$")).click()
    expect(dialog.get_by_text(re.compile(r"^已发布版本 \d+$"))).to_be_visible(timeout=60_000)
    after = running_nodes(site)
    assert source not in after and after[target] == received
    assert {k: v for k, v in after.items() if k != target} == {k: v for k, v in before.items() if k != source}
