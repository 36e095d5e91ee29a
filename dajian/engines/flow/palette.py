"""What the designer's flow palette shows: bilingual text of each node kind, assignee strategy and
approval mode. ``register_node_text`` adds a row beside ``register_node_kind``;
``tests/platform/test_catalog.py`` walks ``NODE_KINDS`` and fails for a kind without a row here.
"""

from __future__ import annotations

from typing import get_args

from dajian.engines.flow.model import Mode, Strategy

Text = tuple[str, str]  # (en, zh-CN)

NODE_TEXT: dict[str, Text] = {}


def register_node_text(kind: str, en: str, zh: str) -> None:
    NODE_TEXT[kind] = (en, zh)


for _kind, _en, _zh in (
    ("start", "Start", "开始"),
    ("end", "End", "结束"),
    ("approval", "Approval", "审批"),
    ("task", "Task", "办理"),
    ("exclusive", "Exclusive gateway (one branch)", "排他网关（走一条分支）"),
    ("parallel_split", "Parallel split", "并行分支"),
    ("parallel_join", "Parallel join", "并行汇聚"),
    ("inclusive_split", "Inclusive split (every branch whose condition holds)", "包容分支（走所有条件成立的分支）"),
    ("inclusive_join", "Inclusive join", "包容汇聚"),
    ("timer", "Wait", "等待"),
    ("action", "Automatic action", "自动操作"),
    ("subflow", "Sub-flow", "子流程"),
):
    register_node_text(_kind, _en, _zh)

STRATEGY_TEXT: dict[str, Text] = {
    "users": ("Named people", "指定成员"),
    "role": ("Everyone with an app role", "应用角色"),
    "dept_manager": ("Department manager (levels up)", "部门主管（可向上若干级）"),
    "user_field": ("The person in a field of the record", "记录中的成员字段"),
    "initiator": ("The initiator", "发起人"),
    "previous_actor": ("Whoever acted on the previous step", "上一步处理人"),
    "round_robin": ("One member in turn", "轮流分配"),
    "least_open": ("The member with the fewest open tasks", "待办最少的成员"),
    "decision_table": ("Chosen by a decision table", "由决策表决定"),
}

MODE_TEXT: dict[str, Text] = {
    "any": ("Any one approves", "或签（一人同意即可）"),
    "all": ("Everyone approves", "会签（全部同意）"),
    "n_of_m": ("N of them approve", "N 人同意"),
    "percentage": ("A percentage approves", "按比例同意"),
    "sequential": ("One after another", "依次审批"),
}

STRATEGIES: tuple[str, ...] = get_args(Strategy)
MODES: tuple[str, ...] = get_args(Mode)
