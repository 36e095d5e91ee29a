"""Building an app from nothing in the browser (issue #15's first acceptance test), by role and label only: an
organisation administrator creates "设备报修" from the home page, adds a form in the designer and drags fields
onto it (text, date, a member, a sub-table of parts designed inline with a formula per line, a formula total),
draws the approval flow on the canvas (a condition branch on the total, a manager's approval, a parallel split
and join), makes two rules (a new request starts the flow; the approval notifies the reporter), publishes, and
runs records through it: the totals computed as typed, the approval from the inbox, both parallel steps, the
notification in the bell; a report of totals by month is designed and put on a dashboard, which the app's menu
then shows with the month's total of the records filed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from dajian.platform.jobs import Worker
from tests.browser.conftest import Site, keep_screenshot
from tests.browser.test_designer_flow import choose, connect, node, pick_edge, save
from tests.browser.test_designer_form import drag
from tests.browser.test_foundation import sign_in


@pytest.fixture
def worker(site: Site, engine: Engine) -> Iterator[Worker]:
    """The embedded worker of ``dajian serve``: a rule's notification is delivered in the background."""
    background = Worker(engine, worker_id="build", poll_interval=0.2)
    background.run_in_thread()
    yield background
    background.stop()


def test_a_new_app_is_created_designed_published_and_used(page: Any, site: Site, worker: Worker,
                                                          tmp_path: Path) -> None:
    sign_in(page, site, "admin")
    expect(page.get_by_role("heading", name="我的应用")).to_be_visible()
    page.get_by_role("button", name="新建应用").click()
    dialog = page.get_by_role("dialog", name="新建应用")
    dialog.get_by_label("应用名称").fill("设备报修")
    dialog.get_by_label("英文名称（可选）").fill("Equipment repair")
    expect(dialog.get_by_label("应用标识")).to_have_value("equipment_repair")
    keep_screenshot(page, "home-new-app", tmp_path)
    dialog.get_by_role("button", name="创建并设计").click()
    expect(page.get_by_role("heading", name="设计：设备报修")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/design/equipment_repair"))

    # a form, its name, then fields dragged from the palette and named
    page.get_by_role("button", name="新建表单").click()
    page.get_by_label("表单名称（中文）").fill("报修单")
    page.get_by_label("表单名称（English）").fill("Repair request")
    expect(page.get_by_role("menuitem", name="报修单")).to_be_visible()
    canvas = page.get_by_role("main", name="画布")
    drag(page, page.get_by_label("添加字段：单行文本"), canvas.get_by_text("拖放字段到这里").first)
    page.get_by_label("显示名称（中文）").fill("故障描述")
    page.get_by_label("显示名称（English）").fill("Fault")
    expect(page.get_by_label("字段标识")).to_have_value("fault")
    drag(page, page.get_by_label("添加字段：日期", exact=True), canvas.get_by_text("拖放字段到这里").first)
    page.get_by_label("显示名称（中文）").fill("报修日期")
    page.get_by_label("显示名称（English）").fill("Reported on")
    expect(canvas.get_by_role("button", name=re.compile("^字段 故障描述"))).to_be_visible()
    expect(canvas.get_by_role("button", name=re.compile("^字段 报修日期"))).to_be_visible()
    drop(page, page.get_by_label("添加字段：成员", exact=True), canvas.get_by_text("拖放字段到这里").first)
    name_field(page, "报修人", "Reporter", "reporter")
    design_parts(page, canvas)
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status", name="草稿状态")).to_have_text("已保存")
    keep_screenshot(page, "designer-new-app", tmp_path)
    draw_flow(page, tmp_path)
    add_rules(page, tmp_path)
    design_report(page, tmp_path)
    design_dashboard(page, tmp_path)

    toolbar = page.get_by_role("toolbar", name="设计器工具栏")
    toolbar.get_by_role("button", name=re.compile("^(cloud-upload )?发布$")).click()
    dialog = page.get_by_role("dialog", name="发布应用")
    expect(dialog.get_by_text("校验通过")).to_be_visible()
    dialog.get_by_label("版本说明").fill("第一版")
    dialog.get_by_role("button", name=re.compile(r"^发布版本 1$")).click()
    expect(dialog.get_by_text("已发布版本 1")).to_be_visible()
    dialog.get_by_role("button", name="完成").click()

    # the app runs: a record filed on the generated page
    with site.api_login("admin") as api:
        form = api.get("/api/v1/apps/equipment_repair/versions/1").json()["definition"]["forms"][0]["key"]
    page.goto(f"/a/equipment_repair/forms/{form}/new")
    page.get_by_label("故障描述").fill("3 号产线传送带异响")
    choose(page.get_by_label("报修人"), "admin")
    fill_parts(page, [("电机", "2", "450"), ("皮带", "3", "120.5")])
    # each line's amount and the total computed as the parts are typed, before anything is saved
    expect(page.get_by_role("cell", name="行金额 1")).to_have_text(re.compile(r"900\.00$"))
    expect(page.get_by_role("cell", name="行金额 2")).to_have_text(re.compile(r"361\.50$"))
    expect(page.get_by_role("textbox", name="合计金额")).to_have_text(re.compile(r"1,?261\.50"))
    keep_screenshot(page, "runtime-parts-total", tmp_path)
    page.get_by_role("button", name="提交").or_(page.get_by_role("button", name="保存")).first.click()
    expect(page).to_have_url(re.compile(r"/records/\d+$"))  # saved: the record's own page, its rows read back
    expect(page.get_by_role("cell", name="行金额 2")).to_have_text(re.compile(r"361\.50$"))
    with site.api_login("admin") as api:
        rows = api.post(f"/api/v1/apps/equipment_repair/forms/{form}/records/query", json={}).json()
        assert [r["fault"] for r in rows["items"]] == ["3 号产线传送带异响"]
        assert rows["items"][0]["amount"] == "1261.50"
        record = api.get(f"/api/v1/apps/equipment_repair/forms/{form}/records/{rows['items'][0]['id']}").json()
    assert [(p["part_name"], p["line_amount"]) for p in record["parts"]] == [("电机", "900.00"), ("皮带", "361.50")]
    run_the_flow(page, form, int(record["id"]), tmp_path)
    see_the_dashboard(page, tmp_path)


PART_COLUMNS = (("单行文本", "零件名称", "Part name", "part_name"), ("整数", "数量", "Quantity", "quantity"),
                ("金额", "单价", "Unit price", "unit_price"), ("公式", "行金额", "Line amount", "line_amount"))


def drop(page: Any, source: Any, target: Any) -> None:
    """Scroll the palette item and the drop zone into view (as a person scrolls to them), then drag."""
    source.scroll_into_view_if_needed()
    target.scroll_into_view_if_needed()
    drag(page, source, target)


def run_the_flow(page: Any, form: str, over: int, tmp_path: Path) -> None:
    """The record over 1 000 waits for the manager's approval; one under 1 000 goes straight to the end. The
    approver opens the task from the inbox and approves; the two handlers' steps then open at once and the
    flow ends when both are done."""
    flow = page.get_by_role("region", name="流程")
    expect(flow.get_by_role("region", name="待处理环节")).to_contain_text("经理审批")

    page.goto(f"/a/equipment_repair/forms/{form}/new")
    page.get_by_label("故障描述").fill("2 号工位照明不亮")
    fill_parts(page, [("灯管", "4", "25")])
    expect(page.get_by_role("textbox", name="合计金额")).to_have_text("100.00")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/records/\d+$"))
    under = int(page.url.rsplit("/", 1)[1])
    expect(flow).to_contain_text("已完成")  # no approval under 1 000: the flow has ended

    page.goto("/a/equipment_repair/inbox")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"报修单 #{over}", exact=True))
    expect(row).to_contain_text("经理审批")
    expect(page.get_by_role("link", name=f"报修单 #{under}", exact=True)).to_have_count(0)
    keep_screenshot(page, "runtime-inbox-approval", tmp_path)
    row.get_by_role("link", name=f"打开 报修单 #{over}").click()
    expect(page).to_have_url(re.compile(rf"/records/{over}$"))
    flow.get_by_label("处理意见").fill("同意更换")
    flow.get_by_role("button", name="通过").click()
    expect(page.get_by_text("已通过：经理审批")).to_be_visible()
    # the rule told the reporter (the worker delivers it after the approval commits): after a reload (the bell
    # polls once a minute) the bell counts it, and its list shows it
    delivered(page, "报修已审批通过")
    page.reload()
    bell = page.get_by_role("button", name=re.compile(r"^通知，\d+ 条未读$"))
    bell.click()
    expect(page.get_by_text("报修已审批通过").first).to_be_visible()
    keep_screenshot(page, "runtime-notification", tmp_path)
    page.keyboard.press("Escape")
    open_steps = flow.get_by_role("region", name="待处理环节")
    expect(open_steps).to_contain_text("备件出库")  # both handlers at once
    expect(open_steps).to_contain_text("安排维修")
    keep_screenshot(page, "runtime-parallel-steps", tmp_path)
    approve = flow.get_by_role("button", name="通过")
    expect(approve).to_have_count(2)  # one per open step, both mine
    approve.first.click()
    expect(approve).to_have_count(1)
    approve.click()
    expect(flow).to_contain_text("已完成")  # joined: the flow has ended


def delivered(page: Any, title: str) -> None:
    """Wait until my in-app notifications hold one titled ``title`` (the background worker sends it)."""
    for _ in range(150):  # 30 s at most
        items = page.request.get("/api/v1/notifications").json()["items"]
        if any(item["title"] == title for item in items):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"no notification '{title}' was delivered")


def name_field(page: Any, zh: str, en: str, key: str) -> None:
    """Label the selected field in both languages; its key follows the English label."""
    page.get_by_label("显示名称（中文）").fill(zh)
    page.get_by_label("显示名称（English）").fill(en)
    expect(page.get_by_label("字段标识")).to_have_value(key)


def design_parts(page: Any, canvas: Any) -> None:
    """A sub-table of parts designed inline: its columns dragged into it, a formula for each line's amount,
    and a formula total on the main form over the lines."""
    drop(page, page.get_by_label("添加字段：子表", exact=True), canvas.get_by_text("拖放字段到这里").first)
    name_field(page, "更换零件", "Parts", "parts")
    columns = canvas.get_by_role("group", name="子表 更换零件 的列")
    expect(columns).to_be_visible()
    for kind, zh, en, key in PART_COLUMNS:
        drop(page, page.get_by_label(f"添加字段：{kind}", exact=True), columns.get_by_text("拖放字段到子表"))
        expect(page.get_by_text(f"字段：{kind} 1", exact=True)).to_be_visible()  # the new column is selected
        name_field(page, zh, en, key)
        expect(columns.get_by_role("button", name=f"字段 {zh}（{kind}）")).to_be_visible()
    page.get_by_role("textbox", name="计算公式").fill("quantity * unit_price")
    expect(page.get_by_role("alert")).to_have_count(0)  # the row's fields are in the formula's scope

    drop(page, page.get_by_label("添加字段：公式", exact=True), canvas.get_by_text("拖放字段到这里").first)
    name_field(page, "合计金额", "Amount", "amount")
    page.get_by_role("textbox", name="计算公式").fill("SUM(parts.line_amount)")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(canvas.get_by_role("button", name="字段 合计金额（公式）")).to_be_visible()


def draw_flow(page: Any, tmp_path: Path) -> None:
    """The repair flow drawn on the canvas: a condition branch sends a total over 1 000 to a manager's approval
    (else straight to the end), and after the approval two handlers work at once (a parallel split and join)."""
    page.get_by_role("button", name="新建流程").click()
    canvas = page.get_by_role("main", name="流程画布")
    expect(node(canvas, "结束", "结束")).to_be_visible()
    page.get_by_label("流程名称（中文）").fill("报修审批")
    page.get_by_label("流程名称（English）").fill("Repair approval")

    # a condition branch dropped on the line start → end stands between them
    gateway_kind = "排他网关（走一条分支）"
    place_node(page, canvas, gateway_kind, canvas.get_by_role("button", name="连线 开始 → 结束"), "金额判断")
    expect(canvas.get_by_role("button", name="连线 开始 → 金额判断")).to_be_attached()
    expect(canvas.get_by_role("button", name="连线 金额判断 → 结束")).to_be_attached()

    # the manager's approval, dropped beside, wired by dragging from handle to handle
    approval = place_node(page, canvas, "审批", empty_spot(canvas), "经理审批")
    choose(page.get_by_label("审批方式"), "或签（一人同意即可）")
    assign(page, "admin")
    wire(page, canvas, "金额判断", "经理审批")
    wire(page, canvas, "经理审批", "结束")
    pick_edge(canvas, "金额判断 → 经理审批")
    page.get_by_role("textbox", name="分支条件").fill("amount > 1000")
    page.get_by_label("连线名称（中文）").fill("超过 1000 元")
    expect(canvas.get_by_role("button", name="连线 金额判断 → 经理审批")).to_contain_text("amount > 1000")
    pick_edge(canvas, "金额判断 → 结束")
    page.get_by_label("默认分支").click()
    page.get_by_label("连线名称（中文）").fill("无需审批")

    # after the approval, two handlers at once: a parallel split and join on the line to the end
    place_node(page, canvas, "并行分支", canvas.get_by_role("button", name="连线 经理审批 → 结束"), "分头处理")
    place_node(page, canvas, "并行汇聚", canvas.get_by_role("button", name="连线 分头处理 → 结束"), "处理完毕")
    place_node(page, canvas, "办理", canvas.get_by_role("button", name="连线 分头处理 → 处理完毕"), "备件出库")
    assign(page, "admin")
    place_node(page, canvas, "办理", empty_spot(canvas), "安排维修")
    assign(page, "admin")
    # the second branch wired from the node's own "connect to" list (the far corner of the canvas is a long drag)
    link(page, canvas, "安排维修", "处理完毕")
    node(canvas, "分头处理", "并行分支").focus()  # from the keyboard: it may be outside the canvas's view
    page.keyboard.press("Enter")
    link(page, canvas, "分头处理", "安排维修")
    save(page)
    expect(approval.get_by_role("img", name=re.compile("个问题"))).to_have_count(0)
    canvas.get_by_role("button", name="适应画布").click()
    keep_screenshot(page, "designer-flow-new-app", tmp_path)


def add_rules(page: Any, tmp_path: Path) -> None:
    """In the rules designer: a new repair request starts the approval flow."""
    page.get_by_role("menuitem", name=re.compile("规则与决策表")).click()
    page.get_by_role("button", name=re.compile("新建规则")).click()
    expect(page.get_by_role("main", name="新规则")).to_be_visible()
    page.get_by_label("名称（中文）").fill("新报修发起审批")
    page.get_by_label("名称（English）").fill("Start the approval")
    rule = page.get_by_role("main", name="新报修发起审批")
    expect(rule).to_contain_text("新增记录时")  # a new rule fires when a record is created
    select(page, rule.get_by_label("添加动作"), "发起流程")
    rule.get_by_role("button", name="删除：动作 1：设置本记录字段").click()
    start = rule.get_by_role("region", name="动作 1：发起流程")
    select(page, start.get_by_label("流程", exact=True), "报修审批")
    save(page)

    # a notification: when the manager's approval is done, the reporter hears of it in the app
    page.get_by_role("button", name=re.compile("新建规则")).click()
    # the new rule's panel replaces the first one's: name it once it is there (not the first rule, under load)
    expect(page.get_by_role("main", name="新规则")).to_be_visible()
    page.get_by_label("名称（中文）").fill("审批后通知报修人")
    page.get_by_label("名称（English）").fill("Tell the reporter")
    rule = page.get_by_role("main", name="审批后通知报修人")
    select(page, rule.get_by_label("触发时机 1 的事件"), "流程事件发生时")
    select(page, rule.get_by_label("触发时机 1 的流程", exact=True), "报修审批")
    select(page, rule.get_by_label("触发时机 1 的流程事件"), "离开节点")
    select(page, rule.get_by_label("触发时机 1 的节点"), "经理审批")
    select(page, rule.get_by_label("添加动作"), "发送通知")
    rule.get_by_role("button", name="删除：动作 1：设置本记录字段").click()
    notify = rule.get_by_role("region", name="动作 1：发送通知")
    select(page, notify.get_by_label("收件人 1 的类型"), "人员字段")
    select(page, notify.get_by_label("收件人 1", exact=True), "报修人 (reporter)")
    notify.get_by_label("标题").fill("报修已审批通过")
    save(page)
    expect(page.get_by_role("navigation", name="规则列表")).to_contain_text("审批后通知报修人")
    keep_screenshot(page, "designer-rule-new-app", tmp_path)


def design_report(page: Any, tmp_path: Path) -> None:
    """A report of repair totals by month: the date dragged into the rows (bucketed by month), the total into
    the values (summed) beside the record count, seen live on the draft."""
    page.get_by_role("menuitem", name="报表", exact=True).click()
    page.get_by_role("menuitem", name="新建报表").click()
    page.get_by_role("main").get_by_role("button", name="新建报表").click()
    page.get_by_label("名称（中文）").fill("月度报修金额")
    page.get_by_label("名称（English）").fill("Repair totals by month")
    chart = page.get_by_label("图表类型")
    chart.fill("明细")  # the list scrolls: a person types to find it
    select(page, chart, "明细表")  # the month and its total as figures
    rows = page.get_by_role("region", name="行（维度）")
    drop(page, page.get_by_label("拖入字段：创建时间"), rows.get_by_text("拖放字段到这里"))
    expect(rows.get_by_role("button", name="行维度 创建时间")).to_be_visible()
    select(page, page.get_by_label("日期分组"), "月")
    values = page.get_by_role("region", name="值（指标）")
    drop(page, page.get_by_label("拖入字段：合计金额"), values.get_by_text("拖放字段到这里"))
    expect(values.get_by_role("button", name=re.compile("^指标 .*合计金额"))).to_be_visible()
    select(page, page.get_by_label("汇总方式"), "求和")
    expect(values.get_by_role("button", name=re.compile("^指标 求和（合计金额）"))).to_be_visible()
    save(page)
    keep_screenshot(page, "designer-report-new-app", tmp_path)


def design_dashboard(page: Any, tmp_path: Path) -> None:
    """A dashboard named and given the monthly report as its one widget, from the palette."""
    add = page.get_by_role("menuitem", name="新建仪表盘")
    if not add.is_visible():  # the menu's group is closed: open it
        page.get_by_role("menuitem", name="仪表盘", exact=True).click()
    add.click()
    page.get_by_role("main").get_by_role("button", name="新建仪表盘").click()
    page.get_by_label("名称（中文）").fill("报修看板")
    page.get_by_label("名称（English）").fill("Repair board")
    page.get_by_role("button", name="添加组件：月度报修金额").click()
    grid = page.get_by_role("main", name="报表画布")
    expect(grid.get_by_role("button", name=re.compile("^组件 月度报修金额"))).to_be_visible()
    expect(page.get_by_role("heading", name="报修看板")).to_be_visible()
    save(page)
    keep_screenshot(page, "designer-dashboard-new-app", tmp_path)


def see_the_dashboard(page: Any, tmp_path: Path) -> None:
    """The published dashboard from the app's menu: the monthly report's widget with this month's total of the
    two repairs filed (1 261.50 + 100.00)."""
    page.goto("/a/equipment_repair")
    page.get_by_role("main").get_by_role("link", name="报修看板").click()  # the app home lists its dashboards
    expect(page).to_have_url(re.compile(r"/a/equipment_repair/dashboards/"))
    widget = page.get_by_role("region", name="月度报修金额")
    expect(widget).to_contain_text(re.compile(r"1,?361\.5"))
    keep_screenshot(page, "runtime-dashboard-new-app", tmp_path)


def select(page: Any, box: Any, option: str) -> None:
    """Open a select and take an option of its list (antd names the list's items by their title)."""
    box.click()
    page.get_by_title(option, exact=True).filter(visible=True).last.click()


def place_node(page: Any, canvas: Any, kind: str, target: Any, name: str) -> Any:
    """A node kind dragged from the palette onto the canvas (onto a line: between its ends), then named."""
    # force: a straight line has no area, so Playwright never calls it visible; a person aims at the line itself
    page.get_by_label(f"添加节点：{kind}", exact=True).drag_to(target, force=True, target_position=on_line(target))
    expect(page.get_by_text(re.compile(rf"^节点：{re.escape(kind)} \d+$"))).to_be_visible()  # selected on drop
    page.get_by_label("节点名称（中文）").fill(name)
    placed = node(canvas, name, kind)
    expect(placed).to_be_visible()
    return placed


def wire(page: Any, canvas: Any, source: str, target: str) -> None:
    """A line drawn from one node's handle to another's, with the whole flow in view and the view at rest."""
    canvas.get_by_role("button", name="适应画布").click()
    start, end = page.get_by_label(f"从 {source} 连出"), page.get_by_label(f"连入 {target}")
    for handle in (start, end):
        expect(handle).to_be_in_viewport()
        at_rest(page, handle)
    connect(page, start, end)
    expect(canvas.get_by_role("button", name=f"连线 {source} → {target}")).to_be_attached()


def link(page: Any, canvas: Any, source: str, target: str) -> None:
    """A line from the selected node to another, picked in its properties' "connect to" list."""
    expect(page.get_by_text(f"节点：{source}", exact=True)).to_be_visible()
    choose(page.get_by_label("连到后续节点"), target)
    expect(canvas.get_by_role("button", name=f"连线 {source} → {target}")).to_be_attached()


def at_rest(page: Any, locator: Any) -> None:
    """Wait until an element stops moving (the canvas animates its view): two frames apart, the same box."""
    before = locator.bounding_box()
    while True:
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        after = locator.bounding_box()
        if after == before:
            return
        before = after


def empty_spot(canvas: Any) -> Any:
    """The canvas itself: a node dropped on an empty spot of it stands on its own."""
    return canvas.get_by_role("application")


def on_line(target: Any) -> dict[str, float]:
    """The middle of a line (an edge bends, so its box's centre may be off it), from the element's top left;
    for the canvas, a spot near its top right corner, where the automatic layout leaves room."""
    point: dict[str, float] = target.evaluate("""el => {
        const path = el.classList.contains('react-flow__edge') && el.querySelector('.react-flow__edge-path')
        if (!path) return {x: el.getBoundingClientRect().width - 40, y: 40}
        const mid = path.getPointAtLength(path.getTotalLength() / 2)
        const screen = new DOMPoint(mid.x, mid.y).matrixTransform(path.getScreenCTM())
        const box = el.getBoundingClientRect()
        return {x: screen.x - box.left, y: screen.y - box.top}
    }""")
    return point


def assign(page: Any, user: str) -> None:
    """The selected node's handler: a named member."""
    choose(page.get_by_label("分配方式", exact=True).first, "指定成员")
    choose(page.get_by_role("combobox", name="指定成员", exact=True), user)
    page.keyboard.press("Escape")


def fill_parts(page: Any, lines: list[tuple[str, str, str]]) -> None:
    """Parts typed into the sub-table's grid on the runtime record page, one added row each."""
    for n, (name, quantity, price) in enumerate(lines, start=1):
        page.get_by_role("button", name="添加一行").click()
        page.get_by_label(f"零件名称 {n}", exact=True).fill(name)
        page.get_by_label(f"数量 {n}", exact=True).fill(quantity)
        page.get_by_label(f"单价 {n}", exact=True).fill(price)
