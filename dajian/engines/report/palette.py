"""What the designer's report palette shows: bilingual text of each aggregate, date bucket and chart
kind. ``register_aggregate_text`` and friends add rows beside ``register_aggregate`` /
``register_granularity`` / ``register_chart``; ``tests/platform/test_catalog.py`` walks the
registries and fails for an entry without a row here.
"""

from __future__ import annotations

Text = tuple[str, str]  # (en, zh-CN)

AGGREGATE_TEXT: dict[str, Text] = {}
BUCKET_TEXT: dict[str, Text] = {}
CHART_TEXT: dict[str, Text] = {}


def register_aggregate_text(name: str, en: str, zh: str) -> None:
    AGGREGATE_TEXT[name] = (en, zh)


def register_bucket_text(name: str, en: str, zh: str) -> None:
    BUCKET_TEXT[name] = (en, zh)


def register_chart_text(kind: str, en: str, zh: str) -> None:
    CHART_TEXT[kind] = (en, zh)


for _name, _en, _zh in (
    ("count", "Count of records", "记录数"),
    ("count_distinct", "Count of distinct values", "去重计数"),
    ("sum", "Sum", "求和"),
    ("avg", "Average", "平均值"),
    ("min", "Minimum", "最小值"),
    ("max", "Maximum", "最大值"),
    ("median", "Median", "中位数"),
    ("percentile", "Percentile", "百分位数"),
):
    register_aggregate_text(_name, _en, _zh)

for _name, _en, _zh in (
    ("hour", "Hour", "小时"), ("day", "Day", "日"), ("week", "Week (ISO)", "周"),
    ("month", "Month", "月"), ("quarter", "Quarter", "季度"), ("year", "Year", "年"),
):
    register_bucket_text(_name, _en, _zh)

for _kind, _en, _zh in (
    ("bar", "Bar chart", "柱状图"), ("stacked_bar", "Stacked bar chart", "堆积柱状图"),
    ("line", "Line chart", "折线图"), ("area", "Area chart", "面积图"), ("pie", "Pie chart", "饼图"),
    ("donut", "Donut chart", "环形图"), ("funnel", "Funnel", "漏斗图"), ("number", "Big number", "指标卡"),
    ("gauge", "Gauge", "仪表盘"), ("heatmap", "Heat map", "热力图"), ("table", "Table", "明细表"),
    ("pivot", "Pivot table", "透视表"),
):
    register_chart_text(_kind, _en, _zh)
