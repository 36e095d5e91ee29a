"""The extra field kinds without a database: values in and out, config checks, trees, retypes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from dajian.engines.form.compile import check_form, compile_form
from dajian.engines.form.evolve import initial_state, plan_form_migration
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef, FormDef
from dajian.engines.form.trees import CascadeConfig, OptionTree, find_path, resolve_trees


def label(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def node(value: str, zh: str, en: str, *children: dict[str, Any]) -> dict[str, Any]:
    return {"value": value, "label": label(zh, en), "children": list(children)}


# the complaint taxonomy: category -> subcategory -> leaf
COMPLAINT_TREE: list[dict[str, Any]] = [
    node("product", "产品", "Product",
         node("quality", "质量", "Quality", node("defect", "缺陷", "Defect"), node("damage", "损坏", "Damage")),
         node("safety", "安全", "Safety", node("injury", "受伤", "Injury"), node("recall", "召回", "Recall"))),
    node("service", "服务", "Service",
         node("attitude", "态度", "Attitude", node("rude", "粗鲁", "Rude"), node("ignored", "不理睬", "Ignored")),
         node("response", "响应", "Response", node("slow", "缓慢", "Slow"), node("none", "无响应", "None"))),
    node("logistics", "物流", "Logistics",
         node("delivery", "配送", "Delivery", node("late", "延迟", "Late"), node("lost", "丢失", "Lost")),
         node("packaging", "包装", "Packaging", node("broken", "破损", "Broken"))),
    node("billing", "账单", "Billing",
         node("charge", "收费", "Charge", node("double", "重复扣款", "Double charge"),
              node("wrong", "金额错误", "Wrong amount")),
         node("refund", "退款", "Refund", node("delayed", "退款延迟", "Delayed"))),
    node("policy", "政策", "Policy",
         node("returns", "退货", "Returns", node("denied", "被拒绝", "Denied")),
         node("privacy", "隐私", "Privacy", node("leak", "泄露", "Leak"))),
]
# a 1x1 transparent PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Er"
                       "kJggg==")
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode()


def id_number(first17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11, check character from "10X98765432"."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


VALID_ID = id_number("11010519491231002")
VALID_ID_X = next(n for n in (id_number(f"44030520000101{i:03}") for i in range(200)) if n.endswith("X"))


def fld(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"en": key}, **extra}


def form(*fields: dict[str, Any]) -> FormDef:
    return FormDef.model_validate({"key": "f", "label": {"en": "F"}, "fields": list(fields)})


def coerce(kind: str, raw: Any, **extra: Any) -> Any:
    return FIELD_KINDS[kind].coerce(FieldDef.model_validate(fld("x", kind, **extra)), raw)


NEW_KINDS = ["rich_text", "url", "id_card", "currency", "percent", "rating", "slider", "time", "date_range",
             "location", "cascade_select", "signature", "json", "color", "code", "tags", "duration", "year_month",
             "ip_address", "multi_user", "multi_department"]
TREE = {"config": {"tree": COMPLAINT_TREE}}
SLIDER = {"config": {"min": 0, "max": 10, "step": "0.5"}}


def test_the_registry_has_at_least_thirty_kinds() -> None:
    assert set(NEW_KINDS) <= set(FIELD_KINDS) and len(FIELD_KINDS) >= 34


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "expected"),
    [
        ("rich_text", {}, "<p>Hello <strong>world</strong></p>", "<p>Hello <strong>world</strong></p>"),
        ("url", {}, " https://example.com/a?b=1 ", "https://example.com/a?b=1"),
        ("url", {}, "HTTP://例子.中国/路径", "HTTP://例子.中国/路径"),
        ("id_card", {}, VALID_ID, VALID_ID),
        ("id_card", {}, VALID_ID_X.lower(), VALID_ID_X),
        ("currency", {}, "1234.5", Decimal("1234.50")),
        ("currency", {"scale": 4, "config": {"currency": "USD"}}, 0.1, Decimal("0.1000")),
        ("percent", {}, "12.5%", Decimal("12.50")),
        ("percent", {"config": {"min": -50, "max": 50}}, -50, Decimal("-50")),
        ("rating", {}, 5, 5),
        ("rating", {"config": {"max": 10}}, "10", 10),
        ("slider", SLIDER, "2.5", Decimal("2.5")),
        ("slider", {"config": {"min": 1, "max": 9, "step": 2}}, 7, Decimal("7")),
        ("time", {}, "9:05", "09:05:00"),
        ("time", {}, "23:59:59", "23:59:59"),
        ("time", {}, time(8, 30, 15, 500), "08:30:15"),
        ("date_range", {}, {"start": "2026-01-01", "end": "2026-01-01"}, {"start": "2026-01-01", "end": "2026-01-01"}),
        ("location", {}, {"province": "广东省", "city": "深圳市", "district": "南山区", "address": "科技园 1 号",
                          "lng": 113.94, "lat": 22.54},
         {"province": "广东省", "city": "深圳市", "district": "南山区", "address": "科技园 1 号",
          "lng": 113.94, "lat": 22.54}),
        ("location", {}, {"city": "上海市"}, {"province": "", "city": "上海市", "district": "", "address": ""}),
        ("cascade_select", TREE, ["product", "quality", "defect"], ["product", "quality", "defect"]),
        ("cascade_select", TREE, "logistics/packaging/broken", ["logistics", "packaging", "broken"]),
        ("cascade_select", {"config": {"tree": COMPLAINT_TREE, "leaf_only": False}}, ["billing"], ["billing"]),
        ("signature", {}, SIGNATURE, SIGNATURE),
        ("json", {}, {"a": [1, 2.5, None, True, {"b": "c"}]}, {"a": [1, 2.5, None, True, {"b": "c"}]}),
        ("json", {}, 42, 42),
        ("color", {}, "#1F6FEB", "#1f6feb"),
        ("code", {}, "ABC-123 x", "ABC-123 x"),
        ("code", {"config": {"preset": "ean13"}}, "4006381333931", "4006381333931"),
        ("code", {"config": {"preset": "upca"}}, "036000291452", "036000291452"),
        ("code", {"config": {"preset": "sku"}}, "SKU-0001.A", "SKU-0001.A"),
        ("tags", {}, ["vip", " urgent ", "vip", ""], ["vip", "urgent"]),
        ("tags", {}, "a, b", ["a", "b"]),
        ("duration", {}, "1h30m", 90),
        ("duration", {}, "2d 4h", 3120),
        ("duration", {}, "45min", 45),
        ("duration", {}, 75, 75),
        ("duration", {}, "120", 120),
        ("year_month", {}, "2026-03", date(2026, 3, 1)),
        ("year_month", {}, date(2026, 3, 17), date(2026, 3, 1)),
        ("ip_address", {}, "192.168.001.1".replace("001", "1"), "192.168.1.1"),
        ("ip_address", {}, "2001:0DB8:0000::0001", "2001:db8::1"),
        ("multi_user", {}, [3, "4", 3], [3, 4]),
        ("multi_user", {}, 7, [7]),
        ("multi_department", {}, [1, 2], [1, 2]),
    ],
)
def test_coerce_accepts(kind: str, extra: dict[str, Any], raw: Any, expected: Any) -> None:
    assert coerce(kind, raw, **extra) == expected


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "message"),
    [
        ("rich_text", {"max_length": 10}, "<p>" + "x" * 20 + "</p>", "at most 10 characters"),
        ("rich_text", {}, {"html": "x"}, "expected text"),
        ("url", {}, "javascript:alert(1)", "starting with http:// or https://"),
        ("url", {}, "ftp://example.com/file", "starting with http:// or https://"),
        ("url", {}, "https://", "starting with http:// or https://"),
        ("url", {}, "https://exa mple.com", "starting with http:// or https://"),
        ("url", {}, "https://[::1", "not a valid web address"),
        ("url", {}, "https://e.com/" + "a" * 2100, "at most 2048 characters"),
        ("id_card", {}, VALID_ID[:17] + str((int(VALID_ID[17]) + 1) % 10 if VALID_ID[17] != "X" else 0),
         "check digit"),
        ("id_card", {}, id_number("11010519490230002"), "birth date in this ID number does not exist"),
        ("id_card", {}, id_number("11010529990101002"), "out of range"),
        ("id_card", {}, id_number("11010518500101002"), "out of range"),
        ("id_card", {}, "11010519491231", "18 characters"),
        ("id_card", {}, "A1010519491231002X", "18 characters"),
        ("currency", {}, "1.234", "at most 2 decimal places"),
        ("currency", {}, "ten", "expected a number"),
        ("percent", {}, 100.5, "at most 100"),
        ("percent", {}, -1, "at least 0"),
        ("rating", {}, 0, "from 1 to 5"),
        ("rating", {}, 6, "from 1 to 5"),
        ("rating", {}, 2.5, "expected an integer"),
        ("slider", SLIDER, "2.3", "0 plus a multiple of 0.5"),
        ("slider", SLIDER, 11, "at most 10"),
        ("slider", SLIDER, "2.25", "at most 1 decimal places"),
        ("slider", {"config": {"min": 1, "max": 9, "step": 2}}, 4, "1 plus a multiple of 2"),
        ("time", {}, "24:00", "time of day"),
        ("time", {}, "09:60", "time of day"),
        ("time", {}, 930, "time of day"),
        ("date_range", {}, {"start": "2026-02-01", "end": "2026-01-31"}, "start must not be after the end"),
        ("date_range", {}, {"start": "2026-02-30", "end": "2026-03-01"}, "must be dates"),
        ("date_range", {}, {"start": "2026-01-01"}, '"start": date, "end": date'),
        ("date_range", {}, ["2026-01-01", "2026-01-02"], '"start": date, "end": date'),
        ("location", {}, {"province": "x", "lat": 91, "lng": 0}, "lat: input should be less than or equal to 90"),
        ("location", {}, {"province": "x", "lat": 1}, "both lng and lat"),
        ("location", {}, {"province": "x" * 51}, "province"),
        ("location", {}, {"street": "x"}, "street: extra inputs are not permitted"),
        ("location", {}, {"lng": 1, "lat": 1}, "at least a province"),
        ("location", {}, "Shenzhen", "expected"),
        ("cascade_select", TREE, ["product", "quality"], "choose one of the options under 'product/quality'"),
        ("cascade_select", TREE, ["product", "delivery", "late"], "'delivery' is not an option under 'product'"),
        ("cascade_select", TREE, ["food"], "'food' is not an option at the top level"),
        ("cascade_select", TREE, ["a", "b", "c", "d"], "at most 3 levels"),
        ("cascade_select", TREE, [1, 2], "expected a list of option values"),
        ("cascade_select", {"config": {"tree_key": "complaints"}}, ["product"], "'complaints' is not available"),
        ("signature", {}, "data:image/svg+xml;base64,PHN2Zz4=", "PNG image as a data:image/png"),
        ("signature", {}, "data:image/png;base64,!!!!", "not valid base64"),
        ("signature", {}, "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode(), "not a PNG"),
        ("signature", {}, "data:image/png;base64," + "A" * 400_000, "larger than 256 KB"),
        ("json", {"config": {"max_bytes": 10}}, {"text": "more than ten bytes"}, "at most 10 bytes"),
        ("json", {}, {"a": float("inf")}, "finite"),
        ("json", {}, {1: "x"}, "keys must be text"),
        ("json", {}, {"set": {1, 2}}, "expected a JSON value"),
        ("color", {}, "red", "colour like #1f6feb"),
        ("color", {}, "#abc", "colour like #1f6feb"),
        ("code", {"config": {"preset": "ean13"}}, "4006381333932", "check digit of this barcode"),
        ("code", {"config": {"preset": "ean8"}}, "1234", "8 digits"),
        ("code", {"config": {"preset": "sku"}}, "sku 1", "capital letters"),
        ("code", {}, "中文", "printable ASCII"),
        ("tags", {}, ["x" * 51], "at most 50 characters"),
        ("tags", {}, [f"t{i}" for i in range(51)], "at most 50 tags"),
        ("tags", {}, [1, 2], "list of tags"),
        ("duration", {}, "1h30", "duration like 1h30m"),
        ("duration", {}, "-5", "duration like 1h30m"),
        ("duration", {}, -5, "cannot be negative"),
        ("duration", {"max": 60}, "2h", "at most 60"),
        ("year_month", {}, "2026-13", "month like 2026-03"),
        ("year_month", {}, "March", "month like 2026-03"),
        ("ip_address", {}, "300.1.1.1", "not a valid IP address"),
        ("ip_address", {"config": {"version": 4}}, "::1", "expected an IPv4 address"),
        ("multi_user", {}, [1, -2], "expected an id"),
        ("multi_user", {"config": {"max_items": 2}}, [1, 2, 3], "at most 2 may be chosen"),
        ("multi_department", {}, ["x"], "expected an id"),
    ],
)
def test_coerce_refuses_with_a_message(kind: str, extra: dict[str, Any], raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("+", r"\+")):
        coerce(kind, raw, **extra)


XSS = [
    ('<script>alert(1)</script><p>ok</p>', "<p>ok</p>"),
    ('<img src="https://x.cn/a.png" onerror="alert(1)">', '<img src="https://x.cn/a.png">'),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<p onclick="steal()" style="x">hi</p>', "<p>hi</p>"),
    ('<svg onload="alert(1)"><circle/></svg>ok', "ok"),
    ('<iframe src="https://evil.example"></iframe>ok', "ok"),
    ('<style>body{display:none}</style>ok', "ok"),
    ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "<img>"),
    ('<form action="https://evil"><input name=x></form>ok', "ok"),
    ('<a href="https://dajian.dev" target="_blank">site</a>',
     '<a href="https://dajian.dev" rel="noopener noreferrer nofollow">site</a>'),
]


@pytest.mark.parametrize(("payload", "expected"), XSS)
def test_rich_text_neutralises_scripts_handlers_and_javascript_urls(payload: str, expected: str) -> None:
    clean = coerce("rich_text", payload)
    assert clean == expected
    lowered = clean.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and " on" not in lowered


def test_rich_text_keeps_the_allowed_formatting() -> None:
    html = ('<h2>标题</h2><ul><li><em>a</em></li></ul><table><tbody><tr><td colspan="2">c</td></tr></tbody>'
            '</table><blockquote>q</blockquote><pre><code>x &lt; y</code></pre>')
    assert coerce("rich_text", html) == html


def test_config_errors_come_back_with_paths() -> None:
    f = form(
        fld("a", "url", config={"x": 1}),
        fld("b", "currency", config={"currency": "ABC"}),
        fld("c", "percent", config={"min": 10, "max": 5}),
        fld("d", "rating", config={"max": 50}),
        fld("e", "slider", config={"step": 0}),
        fld("g", "code", config={"preset": "qr"}),
        fld("h", "json", config={"max_bytes": 1}),
        fld("i", "ip_address", config={"version": 5}),
        fld("j", "cascade_select", config={}),
        fld("k", "cascade_select", config={"tree": COMPLAINT_TREE, "tree_key": "complaints"}),
        fld("m", "multi_user", config={"max_items": 0}),
        fld("n", "rating", config={"max": 5, "extra": True}),
        fld("o", "rating", default=9),
    )
    paths = {i["path"]: i["message"] for i in check_form(f, "/forms/0")}
    assert set(paths) == {
        "/forms/0/fields/0/config", "/forms/0/fields/1/config/currency", "/forms/0/fields/2/config/max",
        "/forms/0/fields/3/config/max", "/forms/0/fields/4/config/step", "/forms/0/fields/5/config/preset",
        "/forms/0/fields/6/config/max_bytes", "/forms/0/fields/7/config/version", "/forms/0/fields/8/config",
        "/forms/0/fields/9/config", "/forms/0/fields/10/config/max_items", "/forms/0/fields/11/config/extra",
        "/forms/0/fields/12/default",
    }
    assert "ISO 4217" in paths["/forms/0/fields/1/config/currency"]
    assert "greater than min" in paths["/forms/0/fields/2/config/max"]
    assert "exactly one of 'tree'" in paths["/forms/0/fields/8/config"]
    assert paths["/forms/0/fields/12/default"] == "default value: expected a rating from 1 to 5"


def test_valid_config_of_every_new_kind_passes() -> None:
    f = form(*(fld(f"f{i}", kind, **(TREE if kind == "cascade_select" else {})) for i, kind in enumerate(NEW_KINDS)))
    assert list(check_form(f, "")) == []


def tree_issue(tree: Any) -> str:
    issues = list(check_form(form(fld("c", "cascade_select", config={"tree": tree})), ""))
    assert [i["path"] for i in issues] == ["/fields/0/config/tree"]
    return issues[0]["message"]


def test_tree_shape_is_checked() -> None:
    deep = [node("a", "a", "a", node("b", "b", "b", node("c", "c", "c", node("d", "d", "d"))))]
    assert "at most 3 levels deep; 'a/b/c' has children" in tree_issue(deep)
    twice = [node("a", "a", "a", node("b", "b", "b"), node("b", "b2", "b2"))]
    assert "duplicate option 'b' under 'a'" in tree_issue(twice)
    assert "at least 1 item" in tree_issue([])


def test_find_path_walks_the_tree() -> None:
    tree = OptionTree.model_validate(COMPLAINT_TREE)
    found = find_path(tree, ["billing", "charge", "double"])
    assert found is not None and [n.label["en"] for n in found] == ["Billing", "Charge", "Double charge"]
    assert find_path(tree, ["billing", "quality"]) is None
    assert find_path(tree, []) == []


def test_resolve_trees_puts_app_level_trees_inline() -> None:
    f = form(fld("t", "text"), fld("c", "cascade_select", config={"tree_key": "complaints", "leaf_only": False}),
             fld("d", "cascade_select", config={"tree_key": "nope"}))
    trees = {"complaints": OptionTree.model_validate(COMPLAINT_TREE)}
    resolved, issues = resolve_trees(f, trees, path="/forms/2")
    assert issues == [{"path": "/forms/2/fields/2/config/tree_key", "message": "no option tree 'nope'"}]
    config = CascadeConfig.model_validate(resolved.fields[1].config)
    assert config.tree_key is None and config.leaf_only is False and config.tree is not None
    assert FIELD_KINDS["cascade_select"].coerce(resolved.fields[1], ["policy"]) == ["policy"]
    assert resolved.fields[0] is f.fields[0]


def test_every_new_kind_compiles_to_a_table_on_both_dialects() -> None:
    f = form(*(fld(kind, kind, **(TREE if kind == "cascade_select" else {})) for kind in NEW_KINDS))
    table = compile_form(f, table_name="f1_all").table
    pg = str(CreateTable(table).compile(dialect=postgresql.dialect()))
    lite = str(CreateTable(table).compile(dialect=sqlite.dialect()))
    for col, pg_type, lite_type in [("rich_text", "TEXT", "TEXT"), ("currency", "NUMERIC(18, 2)", "BIGINT"),
                                    ("slider", "NUMERIC(18, 0)", "BIGINT"), ("time", "TEXT", "TEXT"),
                                    ("tags", "JSONB", "JSON"), ("year_month", "DATE", "DATE"),
                                    ("rating", "BIGINT", "BIGINT")]:
        assert f"{col} {pg_type}" in pg and f"{col} {lite_type}" in lite


def test_dumps_give_json_values() -> None:
    def same(value: Any) -> Any:
        return value

    kinds = ("currency", "slider", "year_month", "time", "tags")
    dump: dict[str, Callable[[Any], Any]] = {k: FIELD_KINDS[k].dump or same for k in kinds}
    assert dump["currency"](Decimal("12.30")) == "12.30" and dump["slider"](Decimal("2.5")) == "2.5"
    assert dump["year_month"](date(2026, 3, 1)) == "2026-03" and dump["year_month"](None) is None
    assert dump["time"]("09:30:00") == "09:30:00" and dump["tags"](["a"]) == ["a"]


def retype_steps(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str]]:
    plan = plan_form_migration(initial_state(form(before)), form(after), table_name="t", version=2)
    return [(s.detail["from"], s.detail["to"]) for s in plan.retypes]


def test_signatures_follow_the_stored_type() -> None:
    assert retype_steps(fld("a", "text"), fld("a", "url")) == [("text", "url")]
    assert retype_steps(fld("a", "integer"), fld("a", "rating")) == [("integer", "rating")]
    assert retype_steps(fld("a", "currency"), fld("a", "currency", scale=4)) == [("decimal(18,2)", "decimal(18,4)")]
    assert retype_steps(fld("a", "slider"), fld("a", "slider", config={"step": "0.25"})) == \
        [("decimal(18,0)", "decimal(18,2)")]
    assert retype_steps(fld("a", "decimal"), fld("a", "currency", config={"currency": "EUR"})) == []
    assert retype_steps(fld("a", "rating"), fld("a", "rating", config={"max": 10})) == []


@pytest.mark.parametrize(
    ("kind", "stored", "converted"),
    [
        ("url", "https://dajian.dev", "https://dajian.dev"),
        ("time", "08:15", "08:15:00"),
        ("year_month", date(2025, 12, 24), date(2025, 12, 1)),
        ("multi_user", 5, [5]),
        ("tags", ["a", "b"], ["a", "b"]),
        ("rating", Decimal("4"), 4),
        ("duration", 30, 30),
        ("json", Decimal("1.50"), "1.50"),
        ("json", {"day": date(2026, 1, 2)}, {"day": "2026-01-02"}),
        ("currency", 12, Decimal("12.00")),
        ("ip_address", "10.0.0.1", "10.0.0.1"),
        ("cascade_select", ["service", "response", "slow"], ["service", "response", "slow"]),
    ],
)
def test_values_of_other_kinds_convert_on_retype(kind: str, stored: Any, converted: Any) -> None:
    assert coerce(kind, stored, **(TREE if kind == "cascade_select" else {})) == converted
