"""Field kinds: one registry entry per kind, each a column type, a value
coercer and an expression type. ``register_field_kind`` extends it.

``coerce`` turns a JSON value from a client (or a stored value of another
kind, during a retype) into the Python value stored in the column, or raises
``ValueError`` with a message a user understands.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, BigInteger, Boolean, Date, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from dajian.engines.form.model import FieldDef
from dajian.engines.regex import regex_fullmatch
from dajian.engines.sqltypes import ExactDecimal, UtcDateTime

Coercer = Callable[[FieldDef, Any], Any]
TextOf = Callable[[FieldDef, Any], str]
ColumnTypeFactory = Callable[[FieldDef], TypeEngine[Any]]

JSON_LIST: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")
INT64_MAX = 2**63 - 1
NUL_MESSAGE = "must not contain the NUL character (U+0000)"
UNORDERED_TYPES = frozenset({"text_list", "any"})  # JSON values: no order, no single group
EXPR_TYPE_SCHEMAS: dict[str, Mapping[str, Any]] = {  # a value in JSON, when its kind says no more
    "text": {"type": "string"}, "integer": {"type": "integer"}, "decimal": {"type": "string", "format": "decimal"},
    "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"}, "text_list": {"type": "array", "items": {"type": "string"}},
    "user": {"type": "integer"}, "department": {"type": "integer"},
}
# what reports group by (report/compile.py reads it); a date-time needs a granularity
GROUPABLE_TYPES = frozenset({"text", "integer", "decimal", "boolean", "date", "datetime", "user", "department"})


def plain_text(field: FieldDef, value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class FieldKind:
    name: str
    column_type: ColumnTypeFactory
    coerce: Coercer
    expr_type: str
    dump: Callable[[Any], Any] | None = None  # None: the stored value is already JSON
    # a signature change between versions means the column must be retyped
    signature: Callable[[FieldDef], str] = lambda f: f.kind
    references: str | None = None  # "user" | "department" | …: ids the platform checks exist
    # the kind's settings in ``FieldDef.config``; None means the kind takes none
    config_model: type[BaseModel] | None = None
    has_column: bool = True  # sub-tables and lookups live elsewhere
    client_writable: bool = True  # formulas and serial numbers are computed by the server
    # full-text search: the words of a value, for fields saying ``"indexed": true``; None: not searchable
    search_text: TextOf | None = None
    # JSON Schema of a value in the record API; None: the one of its expression type
    json_schema: Mapping[str, Any] | None = None
    importable: bool = True  # a spreadsheet cell can give its value (files cannot)
    grouped_by_level: bool = False  # reports group a tree path (cascade select) by one of its levels

    def value_schema(self) -> dict[str, Any]:
        """``{"type": "string", "format": "date"}`` for a date: what a value looks like in JSON."""
        return dict(self.json_schema if self.json_schema is not None else EXPR_TYPE_SCHEMAS.get(self.expr_type, {}))

    @property
    def searchable(self) -> bool:
        return self.search_text is not None

    @property
    def filterable(self) -> bool:
        return self.has_column

    @property
    def sortable(self) -> bool:
        return self.has_column and self.expr_type not in UNORDERED_TYPES

    @property
    def groupable(self) -> bool:
        """Reports may group by it (a date-time through a date bucket, a cascade select by a level)."""
        return self.has_column and (self.expr_type in GROUPABLE_TYPES or self.grouped_by_level)


FIELD_KINDS: dict[str, FieldKind] = {}
_DERIVED: dict[tuple[int, str], tuple[FieldDef, Any]] = {}


def derived(field: FieldDef, name: str, build: Callable[[FieldDef], Any]) -> Any:
    """``build(field)`` computed once per field definition (definitions are immutable), e.g. an option set."""
    key = (id(field), name)
    hit = _DERIVED.get(key)
    if hit is not None and hit[0] is field:
        return hit[1]
    value = build(field)
    _DERIVED[key] = (field, value)
    return value


def register_field_kind(kind: FieldKind) -> None:
    FIELD_KINDS[kind.name] = kind


def field_kind(name: str) -> FieldKind:
    return FIELD_KINDS[name]


def nul_path(value: Any, path: str = "") -> str | None:
    """The JSON path of the first text holding NUL in ``value``, keys included, else None.

    ``nul_path({"items": [{"sku": "a\\x00"}]})`` is ``"/items/0/sku"``.
    """
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        here, item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return here
        if isinstance(item, dict):
            stack += [(f"{here}/{k}", k if "\x00" in str(k) else v) for k, v in reversed(item.items())]
        elif isinstance(item, list):
            stack += [(f"{here}/{i}", v) for i, v in reversed(list(enumerate(item)))]
    return None


def _text(field: FieldDef, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError("expected text")
    text = str(value)
    if field.max_length is not None and len(text) > field.max_length:
        raise ValueError(f"at most {field.max_length} characters")
    if field.min_length is not None and len(text) < field.min_length:
        raise ValueError(f"at least {field.min_length} characters")
    if field.pattern is not None and not regex_fullmatch(field.pattern, text):  # RE2: linear in the text
        raise ValueError("does not match the required pattern")
    return text


def _short_text(field: FieldDef, value: Any) -> str:
    text = _text(field, value)
    if field.max_length is None and len(text) > 1000:
        raise ValueError("at most 1000 characters")
    return text


def _bounded(field: FieldDef, value: Any) -> Any:
    if field.min is not None and value < type(value)(field.min):
        raise ValueError(f"must be at least {field.min}")
    if field.max is not None and value > type(value)(field.max):
        raise ValueError(f"must be at most {field.max}")
    return value


def _integer(field: FieldDef, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    integral_text = isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,19}\s*", value)
    integral_number = isinstance(value, float | Decimal) and math.isfinite(value) and value == int(value)
    if integral_text or integral_number:
        value = int(value)
    if not isinstance(value, int):
        raise ValueError("expected an integer")
    if abs(value) > INT64_MAX:
        raise ValueError("integer out of range")
    return int(_bounded(field, value))


def _decimal(field: FieldDef, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("expected a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("expected a number") from None
    if not number.is_finite():
        raise ValueError("expected a finite number")
    scale, precision = _decimal_shape(field)
    if number.copy_abs() >= Decimal(10) ** (precision - scale):  # exact; first, or 1e30 overflows quantize
        raise ValueError(f"at most {precision - scale} digits before the decimal point")
    with localcontext(prec=precision + 1):  # precision is up to 38 digits, the default context has 28
        rounded = number.quantize(Decimal(1).scaleb(-scale))
    if number != rounded:
        raise ValueError(f"at most {scale} decimal places")
    return Decimal(_bounded(field, rounded))


def _decimal_shape(field: FieldDef) -> tuple[int, int]:
    scale = 2 if field.scale is None else field.scale
    precision = field.precision or 18
    return scale, max(precision, scale + 1)


def _boolean(field: FieldDef, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise ValueError("expected true or false")


def _date(field: FieldDef, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]) if "T" in value else date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("expected a date like 2026-01-31")


def _datetime(field: FieldDef, value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("expected a date-time like 2026-01-31T09:30:00+08:00") from None
    else:
        raise ValueError("expected a date-time like 2026-01-31T09:30:00+08:00")
    # a time without offset is read as UTC (documented in the API)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _option_values(field: FieldDef) -> frozenset[str]:
    return derived(field, "options", lambda f: frozenset(o.value for o in f.options or []))  # type: ignore[no-any-return]


def _single_select(field: FieldDef, value: Any) -> str:
    if not isinstance(value, str) or value not in _option_values(field):
        raise ValueError(f"not one of the options: {', '.join(sorted(_option_values(field)))}")
    return value


def _multi_select(field: FieldDef, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    if not isinstance(value, list):
        raise ValueError("expected a list of options")
    allowed = _option_values(field)
    bad = [v for v in value if not isinstance(v, str) or v not in allowed]
    if bad:
        raise ValueError(f"not among the options: {bad[:5]!r}")
    return list(dict.fromkeys(value))


EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,63}$")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")


def _email(field: FieldDef, value: Any) -> str:
    text = _short_text(field, value).strip()
    if not EMAIL.match(text):
        raise ValueError("not a valid e-mail address")
    return text


def _phone(field: FieldDef, value: Any) -> str:
    text = _short_text(field, value).strip()
    if not PHONE.match(text):
        raise ValueError("not a valid phone number")
    return text


def _reference(field: FieldDef, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an id")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or value <= 0 or value > INT64_MAX:
        raise ValueError("expected an id")
    return value


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _decimal_str(value: Any) -> Any:
    return str(value) if value is not None else None


def _decimal_signature(field: FieldDef) -> str:
    scale, precision = _decimal_shape(field)
    return f"decimal({precision},{scale})"


def _register_builtin() -> None:
    text_type: ColumnTypeFactory = lambda f: Text()  # noqa: E731 - lengths are checked in Python
    string: Mapping[str, Any] = {"type": "string"}
    kinds = [
        FieldKind("text", text_type, _short_text, "text", search_text=plain_text, json_schema=string),
        FieldKind("long_text", text_type, _text, "text", search_text=plain_text, json_schema=string),
        FieldKind("email", text_type, _email, "text", json_schema={"type": "string", "format": "email"}),
        FieldKind("phone", text_type, _phone, "text", json_schema=string),
        FieldKind("integer", lambda f: BigInteger(), _integer, "integer"),
        FieldKind(
            "decimal",
            lambda f: ExactDecimal(*reversed(_decimal_shape(f))),
            _decimal,
            "decimal",
            dump=_decimal_str,
            signature=_decimal_signature,
            json_schema={"type": "string", "format": "decimal"},
        ),
        FieldKind("boolean", lambda f: Boolean(), _boolean, "boolean"),
        FieldKind("date", lambda f: Date(), _date, "date", dump=_iso),
        FieldKind("datetime", lambda f: UtcDateTime(), _datetime, "datetime", dump=_iso),
        FieldKind("single_select", text_type, _single_select, "text"),
        FieldKind("multi_select", lambda f: JSON_LIST, _multi_select, "text_list"),
        FieldKind("user", lambda f: BigInteger().with_variant(Integer(), "sqlite"), _reference, "user",
                  references="user", json_schema={"type": "integer", "description": "user id"}),
        FieldKind("department", lambda f: BigInteger().with_variant(Integer(), "sqlite"), _reference,
                  "department", references="department",
                  json_schema={"type": "integer", "description": "department id"}),
    ]
    for kind in kinds:
        register_field_kind(kind)


_register_builtin()
from dajian.engines.form import kinds as _kinds  # noqa: E402,F401 (register the extra kinds)
