"""A formula's result is rounded to its field's scale (half away from zero, as Excel's ROUND):
the user cannot change a computed value, so it never makes the record unsavable."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from dajian.engines.expr import EvalContext
from dajian.engines.form.compile import compile_form
from dajian.engines.form.model import FormDef
from dajian.engines.form.prepare import prepare

CTX = EvalContext(now=datetime(2024, 3, 15, 12, 0, tzinfo=UTC), user_id=1, dept_id=1)


def order_form(result: str = "decimal", scale: int = 2, formula: str = "amount / qty") -> FormDef:
    return FormDef.model_validate({"key": "o", "label": {"en": "O"}, "fields": [
        {"key": "amount", "kind": "decimal", "label": {"en": "amount"}, "scale": 2},
        {"key": "qty", "kind": "integer", "label": {"en": "qty"}},
        {"key": "unit", "kind": "formula", "label": {"en": "unit"}, "formula": formula,
         "config": {"result": result, "scale": scale}},
    ]})


def computed(incoming: dict[str, Any], **shape: Any) -> tuple[Any, list[Any]]:
    done = prepare(compile_form(order_form(**shape), table_name="f1_o"), incoming, existing=None, ctx=CTX)
    return done.values.get("unit"), done.issues


@pytest.mark.parametrize(
    ("amount", "qty", "scale", "expected"),
    [
        ("800", 3, 2, Decimal("266.67")),
        ("-800", 3, 2, Decimal("-266.67")),
        ("0.05", 2, 2, Decimal("0.03")),  # 0.025: half away from zero, not half-even
        ("-0.05", 2, 2, Decimal("-0.03")),
        ("1", 8, 2, Decimal("0.13")),
        ("100", 3, 0, Decimal("33")),
        ("1", 8, 4, Decimal("0.1250")),
    ],
)
def test_a_division_is_rounded_to_the_field_scale(amount: str, qty: int, scale: int, expected: Decimal) -> None:
    value, issues = computed({"amount": amount, "qty": qty}, scale=scale)
    assert issues == []
    assert value == expected and str(value) == str(expected)


def test_an_integer_result_is_rounded_half_away_from_zero() -> None:
    assert computed({"amount": "5", "qty": 2}, result="integer") == (3, [])
    assert computed({"amount": "-5", "qty": 2}, result="integer") == (-3, [])


def test_what_the_user_typed_is_still_refused() -> None:
    _, issues = computed({"amount": "1.234", "qty": 1})
    assert issues == [{"path": "/amount", "message": "at most 2 decimal places"}]


def test_a_sub_table_total_is_recomputed_from_stored_rows_read_back_as_text() -> None:
    """Editing another field of a record: its stored sub-table rows come back as dumped JSON (decimals as
    text), and ``qty * price`` must still multiply numbers (it once repeated the text: "35.5035.50")."""
    form = compile_form(FormDef.model_validate({"key": "r", "label": {"en": "R"}, "fields": [
        {"key": "note", "kind": "text", "label": {"en": "note"}},
        {"key": "parts", "kind": "subtable", "label": {"en": "parts"}, "fields": [
            {"key": "qty", "kind": "integer", "label": {"en": "qty"}},
            {"key": "price", "kind": "decimal", "label": {"en": "price"}, "scale": 2}]},
        {"key": "total", "kind": "formula", "label": {"en": "total"}, "formula": "SUM(parts, qty * price)",
         "config": {"result": "decimal", "scale": 2}},
    ]}), table_name="f1_r")
    stored = {"note": None, "total": Decimal("191.00"),
              "parts": [{"id": 1, "qty": 2, "price": "35.50"}, {"id": 2, "qty": 1, "price": "120.00"}]}
    done = prepare(form, {"note": "called back"}, existing=stored, ctx=CTX)
    assert done.issues == [] and done.record["total"] == Decimal("191.00")
