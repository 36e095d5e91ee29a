"""Form definitions compile without a database: checks, coercion, migration plans."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from dajian.engines.form.compile import check_form, compile_form, sql_name
from dajian.engines.form.evolve import initial_state, plan_form_migration
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef, FormDef

OPTS = [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}]


def form(*fields: dict[str, Any]) -> FormDef:
    return FormDef.model_validate({"key": "f", "label": {"en": "F"}, "fields": list(fields)})


def fld(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"en": key}, **extra}


def test_check_form_reports_every_problem_with_its_path() -> None:
    f = form(fld("id", "text"), fld("a", "nope"), fld("a", "text"), fld("s", "single_select"),
             fld("n", "integer", default="x"))
    issues = list(check_form(f, "/forms/3"))
    paths = {i["path"] for i in issues}
    assert paths == {"/forms/3/fields/0/key", "/forms/3/fields/1/kind", "/forms/3/fields/2/key",
                     "/forms/3/fields/3/options", "/forms/3/fields/4/default"}


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "expected"),
    [
        ("text", {}, "hello", "hello"),
        ("integer", {}, "42", 42),
        ("integer", {}, 7, 7),
        ("decimal", {"scale": 2}, "12.3", Decimal("12.30")),
        ("decimal", {"scale": 2}, 0.1, Decimal("0.1")),
        ("boolean", {}, "true", True),
        ("date", {}, "2026-02-28", date(2026, 2, 28)),
        ("datetime", {}, "2026-01-01T08:00:00+08:00", datetime(2026, 1, 1, tzinfo=UTC)),
        ("datetime", {}, "2026-01-01T08:00:00", datetime(2026, 1, 1, 8, tzinfo=UTC)),
        ("single_select", {"options": OPTS}, "a", "a"),
        ("multi_select", {"options": OPTS}, ["b", "a", "b"], ["b", "a"]),
        ("email", {}, "x@example.com", "x@example.com"),
        ("phone", {}, "+86 138-0000-0000", "+86 138-0000-0000"),
        ("user", {}, 5, 5),
        ("department", {}, "9", 9),
    ],
)
def test_coerce_accepts(kind: str, extra: dict[str, Any], raw: Any, expected: Any) -> None:
    fdef = FieldDef.model_validate(fld("x", kind, **extra))
    assert FIELD_KINDS[kind].coerce(fdef, raw) == expected


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "message"),
    [
        ("text", {"max_length": 3}, "long", "at most 3 characters"),
        ("integer", {}, True, "expected an integer"),
        ("integer", {"max": 10}, 11, "at most 10"),
        ("integer", {}, 2**70, "out of range"),
        ("decimal", {"scale": 2}, "1.234", "at most 2 decimal places"),
        ("decimal", {"precision": 5, "scale": 2}, "1234.5", "digits before the decimal point"),
        ("decimal", {}, "NaN", "finite"),
        ("decimal", {"precision": 12, "scale": 2}, "1e30", "at most 10 digits before"),
        ("decimal", {"precision": 12, "scale": 2}, 1e30, "at most 10 digits before"),
        ("relation", {"config": {"form": "f"}}, 2**63, "expected the id of a record"),
        ("boolean", {}, "maybe", "true or false"),
        ("date", {}, "31/01/2026", "expected a date"),
        ("single_select", {"options": OPTS}, "c", "not one of the options"),
        ("multi_select", {"options": OPTS}, ["a", "z"], "not among the options"),
        ("email", {}, "nobody", "valid e-mail"),
        ("phone", {}, "call me", "valid phone"),
        ("user", {}, -1, "expected an id"),
    ],
)
def test_coerce_refuses_with_a_message(kind: str, extra: dict[str, Any], raw: Any, message: str) -> None:
    fdef = FieldDef.model_validate(fld("x", kind, **extra))
    with pytest.raises(ValueError, match=message):
        FIELD_KINDS[kind].coerce(fdef, raw)


def test_compiled_form_coerce_lists_all_field_errors() -> None:
    compiled = compile_form(form(fld("t", "text", required=True), fld("n", "integer"), fld("d", "date")),
                            table_name="f1_f")
    clean, issues = compiled.coerce({"n": "x", "d": "bad", "zz": 1}, partial=False)
    assert {i["path"] for i in issues} == {"/t", "/n", "/d", "/zz"}
    clean, issues = compiled.coerce({"n": "4"}, partial=True)
    assert (clean, issues) == ({"n": 4}, [])


def test_compiled_form_coerce_refuses_nul_in_any_kind_with_its_path() -> None:
    """Whatever the source (API, Excel, CSV, webhook), NUL never reaches a column: PostgreSQL refuses it."""
    compiled = compile_form(form(fld("t", "text"), fld("tags", "tags"), fld("j", "json"), fld("e", "email")),
                            table_name="f1_f")
    clean, issues = compiled.coerce({"t": "a\x00", "tags": ["x", "\x00"], "j": {"k": ["\x00"]}, "e": "ab@example.com"},
                                    partial=True)
    assert issues == [{"path": p, "message": "must not contain the NUL character (U+0000)"}
                      for p in ("/t", "/tags/1", "/j/k/0")]
    assert clean == {"e": "ab@example.com"}


def test_decimal_edges_are_exact_beyond_the_default_context() -> None:
    fdef = FieldDef.model_validate(fld("x", "decimal", precision=18, scale=6))
    assert FIELD_KINDS["decimal"].coerce(fdef, "-999999999999.999999") == Decimal("-999999999999.999999")


def test_table_has_standard_columns_and_indexes() -> None:
    compiled = compile_form(form(fld("title", "text", unique=True)), table_name="f1_f")
    cols = list(compiled.table.c.keys())
    assert cols[:8] == ["id", "created_at", "updated_at", "created_by", "owner_id", "dept_id", "row_version",
                        "deleted_at"]
    assert "title" in cols
    unique = [ix for ix in compiled.table.indexes if ix.unique]
    assert [c.name for c in unique[0].columns] == ["title"]


def test_sql_name_stays_within_63_characters_and_unique() -> None:
    a, b = sql_name("ix", "f1_" + "a" * 60, "x"), sql_name("ix", "f1_" + "a" * 60, "y")
    assert len(a) <= 63 and len(b) <= 63 and a != b


def test_plan_add_rename_retype_archive_relabel() -> None:
    v1 = form(fld("a", "text"), fld("b", "integer"), fld("c", "text"), fld("d", "text"))
    state = initial_state(v1)
    v2 = form(fld("a2", "text", renamed_from="a", label={"en": "a"}), fld("b", "decimal"),
              fld("d", "text", label={"en": "D!"}), fld("e", "date"))
    plan = plan_form_migration(state, v2, table_name="f1_f", version=2, previous=v1)
    ops = [(s.op, s.field) for s in plan.steps]
    assert ops == [("rename_field", "a2"), ("archive_field", "c"), ("retype_field", "b"), ("add_field", "e"),
                   ("relabel", "d")]
    assert [s.ddl for s in plan.steps] == [True, True, True, True, False]
    assert set(plan.new_state["fields"]) == {"a2", "b", "d", "e"}
    assert {a["key"] for a in plan.new_state["archived"]} == {"b", "c"}


def test_plan_first_publish_creates_the_table() -> None:
    plan = plan_form_migration(None, form(fld("a", "text")), table_name="f1_f", version=1)
    assert [s.op for s in plan.steps] == ["create_table"]


def test_plan_unchanged_form_has_no_steps() -> None:
    v1 = form(fld("a", "text"), fld("n", "decimal", scale=2))
    assert plan_form_migration(initial_state(v1), v1, table_name="t", version=2, previous=v1).steps == []


def test_decimal_scale_change_is_a_retype() -> None:
    v1 = form(fld("n", "decimal", scale=2))
    v2 = form(fld("n", "decimal", scale=4))
    plan = plan_form_migration(initial_state(v1), v2, table_name="t", version=2)
    assert [(s.op, s.detail["to"]) for s in plan.steps] == [("retype_field", "decimal(18,4)")]
