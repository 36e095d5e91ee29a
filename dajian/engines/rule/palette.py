"""What the designer's rule palette shows: bilingual text of each trigger, action and decision-table
hit policy. ``register_trigger_text`` / ``register_action_text`` add rows beside ``register_trigger`` /
``register_action``; ``tests/platform/test_catalog.py`` walks the registries and fails for an entry
without a row here.
"""

from __future__ import annotations

from typing import get_args

from dajian.engines.rule.dtable import DecisionTableDef

Text = tuple[str, str]  # (en, zh-CN)

TRIGGER_TEXT: dict[str, Text] = {}
ACTION_TEXT: dict[str, Text] = {}


def register_trigger_text(event: str, en: str, zh: str) -> None:
    TRIGGER_TEXT[event] = (en, zh)


def register_action_text(kind: str, en: str, zh: str) -> None:
    ACTION_TEXT[kind] = (en, zh)


for _event, _en, _zh in (
    ("created", "When a record is created", "新增记录时"),
    ("updated", "When a record is updated", "修改记录时"),
    ("deleted", "When a record is deleted", "删除记录时"),
    ("restored", "When a record is restored", "恢复记录时"),
    ("field_changed", "When a field changes", "字段变化时"),
    ("flow", "On a flow event", "流程事件发生时"),
    ("time", "Relative to a date in the record", "按记录中的日期定时"),
    ("cron", "On a schedule", "按计划定时"),
    ("inbound", "When an inbound channel delivers", "收到外部渠道数据时"),
    ("manual", "From a button", "点击按钮时"),
):
    register_trigger_text(_event, _en, _zh)

for _kind, _en, _zh in (
    ("set", "Set fields of the record", "设置本记录字段"),
    ("assign", "Assign a person to a field", "指派人员"),
    ("create", "Create a record", "新增记录"),
    ("update", "Update related records", "更新其他记录"),
    ("start_flow", "Start a flow", "发起流程"),
    ("escalate", "Raise the escalation level", "提升升级级别"),
    ("notify", "Send a notification", "发送通知"),
    ("webhook", "Call a webhook", "调用 Webhook"),
    ("decide", "Apply a decision table", "执行决策表"),
):
    register_action_text(_kind, _en, _zh)

HIT_POLICY_TEXT: dict[str, Text] = {
    "first": ("First matching row", "取第一条匹配行"),
    "unique": ("Exactly one row may match", "只允许一行匹配"),
    "priority": ("Highest-priority output", "按输出优先级"),
    "collect": ("Every matching row (optionally aggregated)", "收集所有匹配行（可汇总）"),
}

HIT_POLICIES: tuple[str, ...] = get_args(DecisionTableDef.model_fields["hit_policy"].annotation)
