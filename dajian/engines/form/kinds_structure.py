"""Kinds that give a form structure: formulas, serial numbers, sub-tables,
relations to other forms and lookups through them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Integer, Text

from dajian.engines.expr.numbers import round_half_away
from dajian.engines.form.fields import FIELD_KINDS, FieldKind, derived, register_field_kind
from dajian.engines.form.model import FieldDef, Key

RESULT_KINDS = {"text": "text", "integer": "integer", "decimal": "decimal", "boolean": "boolean",
                "date": "date", "datetime": "datetime"}
SERIAL_TOKENS = re.compile(r"\{(YYYYMMDD|YYYYMM|YYYY|YY|MM|DD|0+)\}")


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FormulaConfig(_Config):
    result: Literal["text", "integer", "decimal", "boolean", "date", "datetime"] = "decimal"
    scale: int = Field(default=2, ge=0, le=18)


class SerialConfig(_Config):
    pattern: str = Field(min_length=1, max_length=100, description='e.g. "TS{YYYYMMDD}-{0000}"')
    reset: Literal["never", "day", "month", "year"] = "day"
    gapless: bool = Field(default=True, description=(
        "true: the number of a create that fails goes to the next create of the same period, so none is "
        "skipped; false: a create that fails leaves its number unused. Either way concurrent creates do "
        "not wait for each other"))


class RelationConfig(_Config):
    form: Key
    display_field: Key | None = None
    on_delete: Literal["restrict", "set_null", "cascade"] = "restrict"


class LookupConfig(_Config):
    relation: Key
    field: Key


def result_field(fdef: FieldDef) -> FieldDef:
    """The plain field a formula's value is stored as."""
    config = FormulaConfig.model_validate(fdef.config or {})
    extra: dict[str, Any] = {"scale": config.scale} if config.result == "decimal" else {}
    return FieldDef(key=fdef.key, kind=RESULT_KINDS[config.result], label=fdef.label, **extra)


def _result_kind(fdef: FieldDef) -> FieldKind:
    return FIELD_KINDS[_result(fdef).kind]


def _result(fdef: FieldDef) -> FieldDef:
    return derived(fdef, "formula_result", result_field)  # type: ignore[no-any-return]


def _formula_coerce(fdef: FieldDef, value: Any) -> Any:
    """A computed number is rounded to the result's scale (half away from zero, as Excel's
    ROUND): the user cannot change it, so it must never be refused for its decimals."""
    result = _result(fdef)
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and result.kind in ("decimal", "integer"):
        places = 0 if result.kind == "integer" else (2 if result.scale is None else result.scale)
        value = round_half_away(Decimal(value), places)
        value = int(value) if result.kind == "integer" else value
    return _result_kind(fdef).coerce(result, value)


def _formula_dump(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, date) else value


def serial_period(reset: str, when: Any) -> str:
    formats = {"never": "", "day": "%Y%m%d", "month": "%Y%m", "year": "%Y"}
    return str(when.strftime(formats[reset]))


def format_serial(pattern: str, number: int, when: Any) -> str:
    """``format_serial("TS{YYYYMMDD}-{0000}", 7, date(2026, 3, 1))`` is ``"TS20260301-0007"``."""
    def token(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("0"):
            return str(number).zfill(len(name))
        return str(when.strftime({"YYYYMMDD": "%Y%m%d", "YYYYMM": "%Y%m", "YYYY": "%Y", "YY": "%y",
                                  "MM": "%m", "DD": "%d"}[name]))
    return SERIAL_TOKENS.sub(token, pattern)


def _text_value(fdef: FieldDef, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def _relation_id(fdef: FieldDef, value: Any) -> int:
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value.bit_length() > 63:  # BIGINT
        raise ValueError("expected the id of a record")
    return value


def _rows(fdef: FieldDef, value: Any) -> list[Any]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ValueError("expected a list of rows (objects)")
    return value


def _not_stored(fdef: FieldDef, value: Any) -> Any:
    raise ValueError("is read through a relation and cannot be written")


def _formula_column(fdef: FieldDef) -> Any:
    return _result_kind(fdef).column_type(result_field(fdef))


def _formula_signature(fdef: FieldDef) -> str:
    return "formula:" + _result_kind(fdef).signature(result_field(fdef))


def _register() -> None:
    ident = BigInteger().with_variant(Integer(), "sqlite")
    for kind in (
        FieldKind("formula", _formula_column, _formula_coerce, "any", dump=_formula_dump,
                  signature=_formula_signature, config_model=FormulaConfig, client_writable=False),
        FieldKind("serial", lambda f: Text(), _text_value, "text", config_model=SerialConfig,
                  client_writable=False),
        FieldKind("subtable", lambda f: Text(), _rows, "any", has_column=False,
                  json_schema={"type": "array", "items": {"type": "object"}}),
        FieldKind("relation", lambda f: ident, _relation_id, "integer", config_model=RelationConfig,
                  json_schema={"type": "integer", "description": "id of the linked record"}),
        FieldKind("lookup", lambda f: Text(), _not_stored, "any", config_model=LookupConfig, has_column=False,
                  client_writable=False),
    ):
        register_field_kind(kind)


_register()
