"""Report plans without a database: checks with paths, SQL shapes, parameters, buckets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dajian.engines.form.compile import compile_form
from dajian.engines.form.model import FormDef
from dajian.engines.report import (
    AGGREGATES,
    Aggregate,
    ReportError,
    ReportSource,
    RowScope,
    bind_params,
    build_statement,
    compile_report,
    register_aggregate,
    report_issues,
    shape,
)
from dajian.engines.report.buckets import bucket_sql, offset_changes
from dajian.engines.report.params import PRESETS, previous_range
from dajian.engines.report.statement import grouping_sets

TREE = [{"value": "product", "label": {"en": "Product"}, "children": [
    {"value": "quality", "label": {"en": "Quality"}}, {"value": "packaging", "label": {"en": "Packaging"}}]},
    {"value": "service", "label": {"en": "Service"}, "children": [{"value": "rude", "label": {"en": "Rude"}}]}]
FORM = FormDef.model_validate({"key": "complaint", "label": {"en": "Complaint"}, "fields": [
    {"key": "title", "kind": "text", "label": {"en": "Title"}},
    {"key": "category", "kind": "single_select", "label": {"en": "Category"},
     "options": [{"value": "b", "label": {"en": "B"}}, {"value": "a", "label": {"en": "A"}}]},
    {"key": "amount", "kind": "decimal", "label": {"en": "Amount"}, "scale": 2},
    {"key": "opened_at", "kind": "datetime", "label": {"en": "Opened"}},
    {"key": "due", "kind": "date", "label": {"en": "Due"}},
    {"key": "sla_met", "kind": "boolean", "label": {"en": "SLA met"}},
    {"key": "tags", "kind": "multi_select", "label": {"en": "Tags"}, "options": [{"value": "x", "label": {"en": "X"}}]},
    {"key": "cause", "kind": "cascade_select", "label": {"en": "Cause"}, "config": {"tree": TREE}},
    {"key": "customer", "kind": "relation", "label": {"en": "Customer"}, "config": {"form": "customer"}},
]})
CUSTOMER = FormDef.model_validate({"key": "customer", "label": {"en": "Customer"}, "fields": [
    {"key": "level", "kind": "text", "label": {"en": "Level"}}]})
FORMS = {"complaint": compile_form(FORM, table_name="f1_complaint"),
         "customer": compile_form(CUSTOMER, table_name="f1_customer")}


def source(dialect: str | None = "postgresql", tz: str = "Asia/Shanghai") -> ReportSource:
    return ReportSource(FORMS, timezone=tz, dialect=dialect)


def report(**body: Any) -> dict[str, Any]:
    return {"key": "r", "dataset": {"form": "complaint"}, "measures": [{"key": "n", "agg": "count"}], **body}


def sql(statement: Any, dialect: str) -> str:
    return str(statement.compile(dialect=postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()))


def test_unknown_fields_and_wrong_types_are_reported_with_paths() -> None:
    issues = report_issues(report(
        dimensions=[{"field": "nope"}, {"field": "opened_at"}, {"field": "tags"}, {"field": "title", "level": 1}],
        measures=[{"key": "n", "agg": "sum", "field": "title"}, {"key": "m", "agg": "mode", "field": "amount"},
                  {"key": "r", "ratio": ["n", "zz"]}, {"key": "p", "agg": "percentile", "field": "amount"}],
        filter={"and": [{">": [{"var": "amount"}, 5]}, {"==": [{"var": "ghost"}, 1]}]},
        sort=[{"by": "missing"}], chart={"type": "pie"}), source(), path="/reports/0")
    assert {(i["path"], i["message"]) for i in issues} >= {
        ("/reports/0/dimensions/0/field", "unknown field 'nope'"),
        ("/reports/0/dimensions/1/granularity",
         "'opened_at' is a date-time: give a granularity (hour, day, week, month, quarter, year)"),
        ("/reports/0/dimensions/2/field", "cannot group by the text_list field 'tags'"),
        ("/reports/0/dimensions/3/level", "only a cascade select has levels; 'title' is not one"),
        ("/reports/0/measures/0/field", "cannot sum a text field (takes boolean, decimal, integer)"),
        ("/reports/0/measures/2/ratio/1", "'zz' is not an aggregate measure of this report"),
        ("/reports/0/measures/3/p", "percentile needs p (0 < p < 1)"),
        ("/reports/0/filter/and/1/==/0", "unknown field 'ghost'"),
    }
    assert any(i["path"] == "/reports/0/measures/1/agg" and "unknown aggregate 'mode'" in i["message"]
               for i in issues)


def test_a_formula_field_has_its_result_type() -> None:
    """A formula total is stored as its result (decimal unless its config says otherwise): it can be summed."""
    repair = FormDef.model_validate({"key": "repair", "label": {"en": "Repair"}, "fields": [
        {"key": "parts", "kind": "subtable", "label": {"en": "Parts"}, "fields": [
            {"key": "price", "kind": "decimal", "label": {"en": "Price"}, "scale": 2}]},
        {"key": "amount", "kind": "formula", "label": {"en": "Amount"}, "formula": "SUM(parts.price)"},
        {"key": "label", "kind": "formula", "label": {"en": "Label"}, "formula": '"x"', "config": {"result": "text"}},
    ]})
    forms = {"repair": compile_form(repair, table_name="f1_repair")}
    body = {"key": "r", "dataset": {"form": "repair"}, "measures": [{"key": "total", "agg": "sum", "field": "amount"},
                                                                     {"key": "bad", "agg": "sum", "field": "label"}]}
    issues = report_issues(body, ReportSource(forms, timezone="UTC", dialect="sqlite"), path="/reports/0")
    assert [(i["path"], i["message"]) for i in issues] == [
        ("/reports/0/measures/1/field", "cannot sum a text field (takes boolean, decimal, integer)")]


def test_top_n_needs_a_category_dimension() -> None:
    issues = report_issues(report(dimensions=[{"field": "amount"}], top={"dimension": "amount", "n": 3, "by": "n"}),
                           source())
    assert issues == [{"path": "/top/dimension",
                       "message": "top-N groups text, integer, user or department values, not decimal"}]


def test_a_shape_error_is_located_too() -> None:
    with pytest.raises(ReportError) as caught:
        compile_report(report(measures=[{"key": "n", "agg": "count", "ratio": ["a", "b"]}]), source())
    assert caught.value.issues[0]["path"] == "/measures/0"


def test_formula_text_compiles_to_the_same_sql_as_the_json_expression() -> None:
    as_json = report(filter={">": [{"var": "amount"}, 500]}, measures=[
        {"key": "met", "agg": "count", "where": {"var": "sla_met"}},
        {"key": "big", "agg": "sum", "expr": {"if": [{">": [{"var": "amount"}, 1000]}, 1, 0]}}])
    as_text = report(filter="amount > 500", measures=[
        {"key": "met", "agg": "count", "where": "sla_met"},
        {"key": "big", "agg": "sum", "expr": "IF(amount > 1000, 1, 0)"}])
    for dialect in ("postgresql", "sqlite"):
        plans = [compile_report(r, source(dialect)) for r in (as_json, as_text)]
        texts = [sql(build_statement(plan, RowScope(where=sa.true()), bind_params(plan, {}, today=date(2026, 2, 10))),
                     dialect) for plan in plans]
        assert texts[0] == texts[1] and "CASE WHEN" in texts[0]
    issues = report_issues(report(filter="amount >"), source())
    assert [i["path"] for i in issues] == ["/filter"] and "line 1" in issues[0]["message"]


def test_percentiles_compile_on_postgresql_and_are_refused_on_sqlite() -> None:
    body = report(measures=[{"key": "p", "agg": "percentile", "field": "amount", "p": 0.9}])
    plan = compile_report(body, source("postgresql"))
    assert "percentile_cont(0.9) WITHIN GROUP (ORDER BY f1_complaint.amount)" in sql(plan.measures[0].sql, "postgresql")
    issues = report_issues(body, source("sqlite"))
    assert issues == [{"path": "/measures/0/agg", "message": "'percentile' is not supported on sqlite "
                                                             "(needs postgresql)"}]


def test_month_buckets_use_the_time_zone_on_both_databases() -> None:
    body = report(dimensions=[{"field": "opened_at", "granularity": "month"}])
    pg = sql(compile_report(body, source("postgresql")).rows[0].expr, "postgresql")
    assert pg == "date_trunc('month', timezone('Asia/Shanghai', f1_complaint.opened_at))"
    lite = sql(compile_report(body, source("sqlite")).rows[0].expr, "sqlite")
    assert lite == "date(datetime(f1_complaint.opened_at, '+480 minutes'), ?)"


def _sqlite_bucket(grain: str, stored: datetime, tz: str) -> str:
    column = sa.literal(stored.strftime("%Y-%m-%d %H:%M:%S.%f"), sa.String())
    expr = bucket_sql(grain, column, tz=tz, dialect="sqlite", is_date=False)
    with sa.create_engine("sqlite://").connect() as conn:
        return str(conn.execute(sa.select(expr)).scalar_one())


@pytest.mark.parametrize(("tz", "stored", "grain", "bucket"), [
    ("Asia/Shanghai", datetime(2026, 1, 31, 20, 0), "day", "2026-02-01"),
    ("Asia/Shanghai", datetime(2025, 12, 31, 17, 0), "year", "2026-01-01"),
    ("Asia/Shanghai", datetime(2026, 3, 31, 15, 59), "quarter", "2026-01-01"),
    ("Asia/Shanghai", datetime(2026, 3, 31, 16, 0), "quarter", "2026-04-01"),
    ("Asia/Shanghai", datetime(2026, 2, 1, 16, 0), "week", "2026-02-02"),
    ("America/New_York", datetime(2026, 3, 8, 4, 30), "hour", "2026-03-07 23:00:00"),  # EST, UTC-5
    ("America/New_York", datetime(2026, 3, 8, 7, 30), "hour", "2026-03-08 03:00:00"),  # EDT, UTC-4
    ("America/New_York", datetime(2026, 11, 1, 4, 30), "day", "2026-11-01"),
])
def test_sqlite_buckets_match_python_time_zones(tz: str, stored: datetime, grain: str, bucket: str) -> None:
    assert _sqlite_bucket(grain, stored, tz) == bucket


def test_dst_offsets_are_found_to_the_minute() -> None:
    changes = dict(offset_changes("America/New_York"))
    assert changes[datetime(2026, 3, 8, 7, 0, tzinfo=UTC)] == -240
    assert changes[datetime(2026, 11, 1, 6, 0, tzinfo=UTC)] == -300
    assert len(offset_changes("Asia/Shanghai")) == 1


def test_grouping_sets_for_a_pivot_with_totals_and_subtotals() -> None:
    plan = compile_report(report(dimensions=[{"field": "category"}, {"field": "title"}],
                                 columns=[{"field": "sla_met"}], totals=True, subtotals=True), source())
    assert grouping_sets(plan) == [(0, 1, 2), (0, 1), (0, 2), (0,), (2,), ()]


def test_one_statement_with_row_scope_parameters_and_joins() -> None:
    plan = compile_report(report(
        dataset={"form": "complaint", "join": ["customer"]},
        params=[{"key": "period", "type": "date_range", "field": "opened_at"},
                {"key": "level", "type": "text"}],
        filter={"==": [{"var": "customer.level"}, {"var": "$param.level"}]},
        dimensions=[{"field": "customer.level"}], totals=True), source())
    assert plan.reads == {"complaint": frozenset({"customer", "opened_at"}), "customer": frozenset({"level"})}
    bound = bind_params(plan, {"period": "this_month"}, today=date(2026, 2, 10))
    scope = RowScope(where=plan.row_table.c.dept_id == 7, joins={"customer": FORMS["customer"].table.c.owner_id == 3})
    text = sql(build_statement(plan, scope, bound), "postgresql")
    assert text.count("SELECT") == 2 and "GROUP BY GROUPING SETS ((3), ())" in text
    assert text.startswith("WITH groups AS MATERIALIZED")
    lite = compile_report(plan.definition, source("sqlite"))
    assert sql(build_statement(lite, scope, bound), "sqlite").count("UNION ALL") == 1
    assert "LEFT OUTER JOIN f1_customer AS j_customer ON j_customer.id = f1_complaint.customer" in text
    assert "j_customer.owner_id = " in text  # the joined form's row scope, on the alias
    assert "j_customer.level" in text and ":level" not in text.split("WHERE")[1]  # unset $param: part dropped
    assert bound.binds["p_period_from"] == datetime(2026, 1, 31, 16, 0, tzinfo=UTC)
    assert bound.previous["period"] == (date(2026, 1, 1), date(2026, 1, 31))


def test_parameters_are_typed_and_checked() -> None:
    plan = compile_report(report(params=[
        {"key": "n", "type": "integer", "required": True}, {"key": "regions", "type": "text", "multiple": True,
                                                           "field": "title"},
        {"key": "day", "type": "date"}]), source())
    with pytest.raises(ReportError) as caught:
        bind_params(plan, {"regions": [1], "day": "2026-02-30", "what": 1}, today=date(2026, 1, 1))
    assert {i["path"] for i in caught.value.issues} == {"/params/n", "/params/regions", "/params/day", "/params/what"}
    assert PRESETS["last_quarter"](date(2026, 2, 10)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert previous_range(date(2026, 3, 10), date(2026, 3, 16)) == (date(2026, 3, 3), date(2026, 3, 9))
    assert previous_range(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_shape_fills_buckets_computes_ratios_and_drills() -> None:
    plan = compile_report(report(dimensions=[{"field": "opened_at", "granularity": "month"}], measures=[
        {"key": "n", "agg": "count"}, {"key": "met", "agg": "count", "where": {"var": "sla_met"}},
        {"key": "rate", "ratio": ["met", "n"]}]), source())
    rows = [(0, 0, datetime(2026, 1, 1), 4, 3), (0, 0, datetime(2026, 3, 1), 2, 0)]
    result = shape(plan, rows, bind_params(plan, {}, today=date(2026, 3, 1)))
    assert [(r.dims["opened_at_month"], r.values["n"], r.values["rate"]) for r in result.rows] == [
        ("2026-01", 4, pytest.approx(0.75)), ("2026-02", 0, None), ("2026-03", 2, 0)]
    assert result.rows[0].drill == {"and": [
        {">=": [{"var": "opened_at"}, {"datetime": "2025-12-31T16:00:00Z"}]},
        {"<": [{"var": "opened_at"}, {"datetime": "2026-01-31T16:00:00Z"}]}]}
    assert result.rows[0].drill_measures["met"] == {"and": [result.rows[0].drill, {"var": "sla_met"}]}


def test_cascade_levels_group_by_the_path_item() -> None:
    plan = compile_report(report(dimensions=[{"field": "cause", "level": 1}]), source("sqlite"))
    assert sql(plan.rows[0].expr, "sqlite") == "json_extract(f1_complaint.cause, '$[1]')"
    assert [v for v, _ in plan.rows[0].options] == ["quality", "packaging", "rude"]


def test_aggregates_are_extended_by_registration() -> None:
    register_aggregate(Aggregate("total_abs", lambda a: sa.func.sum(sa.func.abs(a.filtered(a.value))),
                                 frozenset({"decimal"}), lambda kind: kind))
    try:
        plan = compile_report(report(measures=[{"key": "x", "agg": "total_abs", "field": "amount"}]), source())
        assert sql(plan.measures[0].sql, "postgresql") == "sum(abs(f1_complaint.amount))"
    finally:
        AGGREGATES.pop("total_abs")


def test_presets_cover_whole_periods() -> None:
    today = date(2026, 2, 10)
    first, last = PRESETS["this_month"](today)
    assert (first, last) == (date(2026, 2, 1), date(2026, 2, 28))
    assert PRESETS["this_week"](today) == (date(2026, 2, 9), date(2026, 2, 15))
    assert datetime.combine(first, datetime.min.time(), ZoneInfo("Asia/Shanghai")).astimezone(UTC) == \
        datetime(2026, 1, 31, 16, tzinfo=UTC) + timedelta(0)


def test_a_sub_table_dataset_reads_its_rows_with_the_parent_fields() -> None:
    order = FormDef.model_validate({"key": "order", "label": {"en": "Order"}, "fields": [
        {"key": "region", "kind": "text", "label": {"en": "Region"}},
        {"key": "items", "kind": "subtable", "label": {"en": "Items"}, "fields": [
            {"key": "sku", "kind": "text", "label": {"en": "SKU"}},
            {"key": "price", "kind": "decimal", "label": {"en": "Price"}, "scale": 2}]}]})
    forms = {"order": compile_form(order, table_name="f1_order")}
    plan = compile_report({"key": "r", "dataset": {"form": "order", "subtable": "items"},
                           "dimensions": [{"field": "parent.region"}, {"field": "sku"}],
                           "measures": [{"key": "total", "agg": "sum", "field": "price"}]},
                          ReportSource(forms, dialect="postgresql"))
    assert plan.reads == {"order": frozenset({"items", "region"})} and not plan.drillable
    text = sql(build_statement(plan, RowScope(where=plan.row_table.c.owner_id == 1),
                               bind_params(plan, {}, today=date(2026, 1, 1))), "postgresql")
    assert "FROM f1_order__items JOIN f1_order ON f1_order.id = f1_order__items.parent_id" in text
    assert "f1_order.owner_id = " in text


def test_a_relation_dimension_is_named_by_its_targets_title_in_the_same_statement() -> None:
    named = FormDef.model_validate({"key": "customer", "label": {"en": "Customer"}, "title_field": "name",
                                    "fields": [{"key": "name", "kind": "text", "label": {"en": "Name"}}]})
    forms = {**FORMS, "customer": compile_form(named, table_name="f1_customer")}
    definition = report(dimensions=[{"field": "customer"}, {"field": "category"}], totals=True)
    for dialect in ("postgresql", "sqlite"):
        plan = compile_report(definition, ReportSource(forms, dialect=dialect))
        assert [d.key for d in plan.titled] == ["customer"] and plan.reads == {"complaint": frozenset(
            {"customer", "category"})}  # the name is not a field the report needs the reader to read
        text = sql(build_statement(plan, RowScope(where=sa.true()), bind_params(plan, {}, today=date(2026, 1, 1))),
                   dialect)
        assert ("LEFT OUTER JOIN f1_customer AS t_customer ON t_customer.id = f1_complaint.customer "
                "AND t_customer.deleted_at IS NULL") in text
        assert "max(t_customer.name)" in text
    rows = [(0, 0, 7, "a", 2, "王芳"), (0, 0, None, "b", 1, None), (1, 0, None, None, 3, "王芳")]
    result = shape(plan, rows, bind_params(plan, {}, today=date(2026, 1, 1)))
    assert result.labels["customer"]["7"] == {"zh-CN": "王芳", "en": "王芳"}
    assert result.labels["customer"]["None"] == {"zh-CN": "(空)", "en": "(empty)"}  # not the total's name
    assert result.total is not None and result.total.values["n"] == 3
    untitled = compile_report(report(dimensions=[{"field": "customer"}]), source())
    assert untitled.titles == () and untitled.rows[0].title is None  # no title field: ids, as before


def test_empty_buckets_are_filled_up_to_today_not_into_the_future() -> None:
    plan = compile_report(report(params=[{"key": "period", "type": "date_range", "field": "opened_at"}],
                                 dimensions=[{"field": "opened_at", "granularity": "day"}]), source())
    rows = [(0, 0, datetime(2026, 3, 2), 4)]
    now = shape(plan, rows, bind_params(plan, {"period": "this_month"}, today=date(2026, 3, 4)))
    assert [r.dims["opened_at_day"] for r in now.rows] == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    march = {"period": {"from": "2026-03-01", "to": "2026-03-31"}}
    past = shape(plan, rows, bind_params(plan, march, today=date(2026, 4, 2)))
    assert len(past.rows) == 31  # a month that has passed is filled to its end
