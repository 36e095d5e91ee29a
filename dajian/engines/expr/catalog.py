"""The designer's catalog: every formula function, one row each (issue #13 publishes it).

A row gives the formula ``name``, the AST operator ``op`` it becomes (``""`` when the
parser rewrites it into other operators, e.g. ``IFS`` into nested ``IF``), its
``signature``, a bilingual description and whether it also runs in SQL (list filters,
row scopes, reports). The Python implementation is ``compile_py.PY_EMITTERS[op]``, the
SQL one ``sql_values.SQL_EMITTERS[op]``; ``tests/engines/expr/test_catalog.py`` checks
that each row has both, and ``tests/engines/expr/excel_examples.json`` holds the examples
the README table shows (each run on Python, SQLite and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Function:
    name: str
    op: str
    signature: str
    category: str
    en: str
    zh: str
    sql: bool = True  # False: Python only — refused in filters, row scopes and reports


def _f(name: str, op: str, signature: str, category: str, en: str, zh: str, *, sql: bool = True) -> Function:
    return Function(name, op, signature, category, en, zh, sql)


LOGICAL, TEXT, MATH, DATE, LOOKUP = "logical", "text", "math", "date", "lookup"
CATEGORY_TEXT: dict[str, tuple[str, str]] = {  # (en, zh-CN)
    LOGICAL: ("Logical", "逻辑"),
    TEXT: ("Text", "文本"),
    MATH: ("Math", "数学"),
    DATE: ("Date and time", "日期与时间"),
    LOOKUP: ("Sub-tables and relations", "子表与关联"),
}

CATALOG: tuple[Function, ...] = (
    # logical
    _f(
        "IF",
        "if",
        "IF(condition, then, [else])",
        LOGICAL,
        "then when the condition holds, else otherwise (empty when else is left out)",
        "条件成立返回 then，否则返回 else（省略时为空）",
    ),
    _f(
        "IFS",
        "",
        "IFS(c1, v1, c2, v2, ...)",
        LOGICAL,
        "the value after the first condition that holds; empty when none holds",
        "返回第一个成立条件后面的值；都不成立时为空",
    ),
    _f(
        "SWITCH",
        "",
        "SWITCH(value, case1, result1, ..., [default])",
        LOGICAL,
        "the result of the first case equal to value, else default (or empty)",
        "返回与 value 相等的第一个 case 对应的结果，否则返回 default（或空）",
    ),
    _f(
        "AND",
        "and",
        "AND(a, b, ...)",
        LOGICAL,
        "true when all hold (empty counts as false)",
        "全部成立时为真（空值视为假）",
    ),
    _f("OR", "or", "OR(a, b, ...)", LOGICAL, "true when any holds", "任一成立时为真"),
    _f("NOT", "not", "NOT(a)", LOGICAL, "the opposite", "取反"),
    _f("XOR", "xor", "XOR(a, b, ...)", LOGICAL, "true when an odd number hold", "成立的个数为奇数时为真"),
    _f(
        "IFERROR",
        "coalesce",
        "IFERROR(value, fallback)",
        LOGICAL,
        "fallback when value has no result (empty input, division by zero, text not found)",
        "value 无结果（空值、除以零、找不到文本）时返回 fallback",
    ),
    _f(
        "ISBLANK",
        "is_empty",
        "ISBLANK(value)",
        LOGICAL,
        "true for an empty value, empty text, multi-select or sub-table",
        "值、文本、多选或子表为空时为真",
    ),
    _f(
        "ISNULL",
        "is_null",
        "ISNULL(value)",
        LOGICAL,
        "true only when the value is empty (null)",
        "仅当值为空（null）时为真",
    ),
    _f(
        "IN",
        "in",
        "IN(value, a, b, ...) or IN(text, multi_select)",
        LOGICAL,
        "true when value is one of the list, or the multi-select holds the text",
        "值在列表中，或多选包含该文本时为真",
    ),
    _f("BETWEEN", "between", "BETWEEN(value, low, high)", LOGICAL, "low ≤ value ≤ high", "low ≤ value ≤ high"),
    # text
    _f(
        "CONCATENATE",
        "cat",
        "CONCATENATE(a, b, ...) or a & b",
        TEXT,
        'joins texts and numbers (empty counts as "")',
        "连接文本和数字（空值视为空文本）",
    ),
    _f("CONCAT", "cat", "CONCAT(a, b, ...)", TEXT, "same as CONCATENATE", "同 CONCATENATE"),
    _f("LEFT", "left", "LEFT(text, [n])", TEXT, "the first n characters (default 1)", "前 n 个字符（默认 1）"),
    _f("RIGHT", "right", "RIGHT(text, [n])", TEXT, "the last n characters (default 1)", "后 n 个字符（默认 1）"),
    _f(
        "MID",
        "mid",
        "MID(text, start, n)",
        TEXT,
        "n characters from position start (1 is the first)",
        "从第 start 个字符起取 n 个",
    ),
    _f("LEN", "length", "LEN(text)", TEXT, "the number of characters", "字符个数"),
    _f("UPPER", "upper", "UPPER(text)", TEXT, "in capitals (ASCII letters)", "转为大写（ASCII 字母）"),
    _f("LOWER", "lower", "LOWER(text)", TEXT, "in small letters (ASCII letters)", "转为小写（ASCII 字母）"),
    _f(
        "TRIM",
        "trim",
        "TRIM(text)",
        TEXT,
        "without leading and trailing spaces, inner runs of spaces made one",
        "去掉首尾空格，中间连续空格合并为一个",
    ),
    _f(
        "SUBSTITUTE",
        "substitute",
        "SUBSTITUTE(text, old, new)",
        TEXT,
        "every old replaced by new",
        "把所有 old 替换为 new",
    ),
    _f(
        "REPLACE",
        "replace",
        "REPLACE(text, start, n, new)",
        TEXT,
        "n characters from start replaced by new",
        "从 start 起的 n 个字符替换为 new",
    ),
    _f(
        "FIND",
        "find",
        "FIND(part, text, [start])",
        TEXT,
        "position of part in text (case-sensitive), empty when absent",
        "part 在 text 中的位置（区分大小写），找不到为空",
    ),
    _f(
        "SEARCH",
        "search",
        "SEARCH(part, text, [start])",
        TEXT,
        "as FIND, ignoring case of ASCII letters (no wildcards)",
        "同 FIND，但不区分 ASCII 字母大小写（不支持通配符）",
    ),
    _f(
        "REPT",
        "rept",
        "REPT(text, n)",
        TEXT,
        "text repeated n times (empty beyond 10 000 characters)",
        "文本重复 n 次（超过 10 000 字符时为空）",
    ),
    _f(
        "EXACT",
        "",
        "EXACT(a, b)",
        TEXT,
        "true when the texts are identical (case-sensitive)",
        "两段文本完全相同（区分大小写）时为真",
    ),
    _f(
        "VALUE",
        "value",
        "VALUE(text)",
        TEXT,
        "the number written in text (1,234.5 → 1234.5), empty if none",
        "把文本转为数字（1,234.5 → 1234.5），不是数字时为空",
        sql=False,
    ),
    _f(
        "TEXT",
        "text",
        'TEXT(value, "0.00")',
        TEXT,
        "a number or date as text: 0, 0.00, #,##0, #,##0.00, 0%, 0.0%, yyyy-mm-dd, yyyy/mm/dd, yyyy年m月d日, hh:mm",
        "把数字或日期按格式转为文本：0、0.00、#,##0、#,##0.00、0%、0.0%、yyyy-mm-dd、yyyy年m月d日、hh:mm 等",
        sql=False,
    ),
    _f(
        "CONTAINS",
        "contains",
        "CONTAINS(text or multi_select, part)",
        TEXT,
        "true when part occurs",
        "包含 part 时为真",
    ),
    _f(
        "STARTSWITH",
        "starts_with",
        "STARTSWITH(text, part)",
        TEXT,
        "true when text starts with part",
        "以 part 开头时为真",
    ),
    _f("ENDSWITH", "ends_with", "ENDSWITH(text, part)", TEXT, "true when text ends with part", "以 part 结尾时为真"),
    _f(
        "REGEXMATCH",
        "regex",
        'REGEXMATCH(text, "pattern")',
        TEXT,
        "true when the pattern matches",
        "匹配正则表达式时为真",
    ),
    # math
    _f(
        "SUM",
        "sum",
        "SUM(a, b, ...) or SUM(subtable.field)",
        MATH,
        "the total; empty values are skipped (0 when all are empty)",
        "求和；跳过空值（全为空时为 0）",
    ),
    _f(
        "AVERAGE",
        "avg",
        "AVERAGE(a, b, ...) or AVERAGE(subtable.field)",
        MATH,
        "the mean of the non-empty values, 6 decimal places",
        "非空值的平均数，保留 6 位小数",
    ),
    _f(
        "MAX",
        "max",
        "MAX(a, b, ...) or MAX(subtable.field)",
        MATH,
        "the largest non-empty value (numbers or dates); empty when all are empty",
        "最大的非空值（数字或日期）；全为空时为空",
    ),
    _f(
        "MIN",
        "min",
        "MIN(a, b, ...) or MIN(subtable.field)",
        MATH,
        "the smallest non-empty value; empty when all are empty",
        "最小的非空值；全为空时为空",
    ),
    _f(
        "COUNT",
        "count",
        "COUNT(a, b, ...) or COUNT(subtable) or COUNT(multi_select)",
        MATH,
        "how many values are not empty (rows of a sub-table, options chosen)",
        "非空值的个数（子表行数、多选已选项数）",
    ),
    _f("PRODUCT", "product", "PRODUCT(a, b, ...)", MATH, "the product of the non-empty values", "非空值的乘积"),
    _f(
        "ROUND",
        "round",
        "ROUND(number, [digits])",
        MATH,
        "rounded half away from zero (digits 0–10)",
        "四舍五入（远离零），digits 为 0–10",
    ),
    _f("ROUNDUP", "roundup", "ROUNDUP(number, [digits])", MATH, "rounded away from zero", "向远离零的方向舍入"),
    _f("ROUNDDOWN", "rounddown", "ROUNDDOWN(number, [digits])", MATH, "rounded toward zero", "向零的方向舍入"),
    _f(
        "INT",
        "int",
        "INT(number)",
        MATH,
        "rounded down to a whole number (INT(-2.5) = -3)",
        "向下取整（INT(-2.5) = -3）",
    ),
    _f("ABS", "abs", "ABS(number)", MATH, "without its sign", "绝对值"),
    _f(
        "MOD",
        "%",
        "MOD(number, divisor) or number % divisor",
        MATH,
        "the remainder, with the divisor's sign (MOD(-7, 3) = 2); empty for divisor 0",
        "余数，符号与除数相同（MOD(-7, 3) = 2）；除数为 0 时为空",
    ),
    _f(
        "POWER",
        "power",
        "POWER(number, power)",
        MATH,
        "number raised to power (0^0 is empty); in SQL only for a whole constant power 0–10",
        "乘方（0 的 0 次方为空）；在 SQL 中仅支持 0–10 的整数常量指数",
    ),
    _f(
        "SQRT",
        "sqrt",
        "SQRT(number)",
        MATH,
        "the square root, 6 decimal places; empty when negative",
        "平方根，保留 6 位小数；负数为空",
        sql=False,
    ),
    _f(
        "CEILING",
        "ceiling",
        "CEILING(number, [significance])",
        MATH,
        "rounded up to a multiple of significance (default 1)",
        "向上舍入到 significance 的倍数（默认 1）",
    ),
    _f(
        "FLOOR",
        "floor",
        "FLOOR(number, [significance])",
        MATH,
        "rounded down to a multiple of significance (default 1)",
        "向下舍入到 significance 的倍数（默认 1）",
    ),
    # date
    _f("TODAY", "today", "TODAY()", DATE, "today's date (UTC)", "今天的日期（UTC）"),
    _f("NOW", "now", "NOW()", DATE, "the current date and time", "当前日期时间"),
    _f(
        "DATE",
        "",
        "DATE(year, month, day)",
        DATE,
        "a date; months and days beyond range roll over as in Excel",
        "构造日期；超出范围的月、日按 Excel 规则顺延",
    ),
    _f("DATEVALUE", "", 'DATEVALUE("2024-01-31")', DATE, "a date written as ISO text", "ISO 文本写成的日期"),
    _f(
        "DATETIMEVALUE",
        "",
        'DATETIMEVALUE("2024-01-31T09:00:00Z")',
        DATE,
        "a date-time written as ISO text",
        "ISO 文本写成的日期时间",
    ),
    _f("YEAR", "year", "YEAR(date)", DATE, "the year", "年份"),
    _f("MONTH", "month", "MONTH(date)", DATE, "the month, 1–12", "月份，1–12"),
    _f("DAY", "day", "DAY(date)", DATE, "the day of the month, 1–31", "日，1–31"),
    _f("HOUR", "hour", "HOUR(datetime)", DATE, "the hour, 0–23 (UTC)", "小时，0–23（UTC）"),
    _f("MINUTE", "minute", "MINUTE(datetime)", DATE, "the minute, 0–59", "分钟，0–59"),
    _f(
        "WEEKDAY",
        "weekday",
        "WEEKDAY(date, [type])",
        DATE,
        "day of the week: type 1 (default) Sunday=1…Saturday=7, 2 Monday=1…Sunday=7, 3 Monday=0…Sunday=6",
        "星期几：type 1（默认）周日=1…周六=7，2 周一=1…周日=7，3 周一=0…周日=6",
    ),
    _f(
        "WEEKNUM",
        "weeknum",
        "WEEKNUM(date)",
        DATE,
        "week of the year, weeks starting on Sunday, 1 January in week 1",
        "一年中的第几周（周日为一周开始，1 月 1 日所在周为第 1 周）",
    ),
    _f(
        "DATEDIF",
        "datediff",
        'DATEDIF(start, end, "d" | "m" | "y" | "h")',
        DATE,
        "whole days, months, years or hours from start to end (m and y empty when end is before start)",
        "从 start 到 end 的整天数、整月数、整年数或小时数（m、y 在 end 早于 start 时为空）",
    ),
    _f(
        "DAYS",
        "",
        "DAYS(end, start)",
        DATE,
        "days from start to end (also end - start)",
        "从 start 到 end 的天数（也可写 end - start）",
    ),
    _f(
        "EDATE",
        "edate",
        "EDATE(date, months)",
        DATE,
        "the same day months later (end of month when shorter)",
        "若干个月后的同一天（当月没有该日时取月末）",
    ),
    _f(
        "EOMONTH",
        "eomonth",
        "EOMONTH(date, months)",
        DATE,
        "the last day of the month months later",
        "若干个月后那个月的最后一天",
    ),
    _f(
        "DATEADD",
        "date_add",
        'DATEADD(date, n, "days" | "hours" | "minutes")',
        DATE,
        "moved forward by n units (also date + n)",
        "向后移动 n 个单位（也可写 date + n）",
    ),
    _f(
        "DATESUB",
        "date_sub",
        'DATESUB(date, n, "days" | "hours" | "minutes")',
        DATE,
        "moved back by n units (also date - n)",
        "向前移动 n 个单位（也可写 date - n）",
    ),
    _f(
        "WORKDAYS",
        "workdays",
        "WORKDAYS(start, end)",
        DATE,
        "working days after start up to end, by the business calendar",
        "按工作日历计算 start 之后到 end 的工作日数",
        sql=False,
    ),
    _f(
        "NETWORKDAYS",
        "networkdays",
        "NETWORKDAYS(start, end)",
        DATE,
        "working days from start to end, both included (negative when end is before start), by the business calendar",
        "按工作日历计算 start 到 end（含两端）的工作日数（end 早于 start 时为负）",
        sql=False,
    ),
    _f("WEEKSTART", "week_start", "WEEKSTART(date)", DATE, "the Monday of the week", "所在周的周一"),
    _f("MONTHSTART", "month_start", "MONTHSTART(date)", DATE, "the first day of the month", "所在月的第一天"),
    _f("TODATE", "to_date", "TODATE(datetime)", DATE, "the date of a date-time (UTC)", "日期时间的日期部分（UTC）"),
    # sub-tables and relations
    _f(
        "ANY",
        "any",
        "ANY(subtable, condition)",
        LOOKUP,
        "true when some row meets the condition",
        "子表有任一行满足条件时为真",
    ),
    _f(
        "ALL",
        "all",
        "ALL(subtable, condition)",
        LOOKUP,
        "true when every row meets the condition",
        "子表所有行都满足条件时为真",
    ),
)

BY_NAME: dict[str, Function] = {f.name: f for f in CATALOG}
PYTHON_ONLY: dict[str, str] = {f.op: f.name for f in CATALOG if not f.sql and f.op}


@dataclass(frozen=True)
class Operator:
    """An operator of the formula syntax: ``symbol`` as typed, ``op`` the AST operator it becomes."""

    symbol: str
    op: str
    example: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()


OPERATORS: tuple[Operator, ...] = (
    Operator("+", "+", "a + b", "add (a date plus days)", "加（日期加天数）"),
    Operator("-", "-", "a - b", "subtract (a date minus days)", "减（日期减天数）"),
    Operator("*", "*", "a * b", "multiply", "乘"),
    Operator("/", "/", "a / b", "divide", "除"),
    Operator("%", "%", "a % b", "remainder", "取余"),
    Operator("&", "cat", 'a & "-" & b', "join texts", "连接文本"),
    Operator("=", "==", "a = b", "equal", "等于", ("==",)),
    Operator("<>", "!=", "a <> b", "not equal", "不等于", ("!=",)),
    Operator("<", "<", "a < b", "less than", "小于"),
    Operator("<=", "<=", "a <= b", "less than or equal", "小于或等于"),
    Operator(">", ">", "a > b", "greater than", "大于"),
    Operator(">=", ">=", "a >= b", "greater than or equal", "大于或等于"),
    Operator("AND", "and", "a AND b", "both hold", "并且"),
    Operator("OR", "or", "a OR b", "either holds", "或者"),
    Operator("NOT", "not", "NOT a", "does not hold", "不成立"),
)
