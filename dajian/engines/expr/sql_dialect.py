"""SQL fragments that differ between SQLite and PostgreSQL, chosen when the statement compiles.

``ByDialect(type_, sqlite=..., postgresql=...)`` holds both spellings, so the
expression built by ``compile_sql`` is independent of the database (plans stay
cacheable) and renders correctly on either. Storage conventions (see
``dajian.engines.sqltypes``): SQLite keeps ``UtcDateTime`` as naive UTC text
``YYYY-MM-DD HH:MM:SS.ffffff``, dates as ``YYYY-MM-DD``, ``ExactDecimal`` as a
scaled integer; PostgreSQL keeps ``timestamptz``, ``date`` and ``NUMERIC``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from ..sqltypes import ExactDecimal, UtcDateTime

Col = ColumnElement[Any]


class ByDialect(ColumnElement[Any]):
    """One expression per dialect; other dialects use the PostgreSQL spelling."""

    __visit_name__ = "dajian_by_dialect"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's declaration style
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("postgresql", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, type_: Any, *, sqlite: Col, postgresql: Col) -> None:
        self.sqlite = sqlite
        self.postgresql = postgresql
        self.type = sa.types.to_instance(type_)

    @property
    def _from_objects(self) -> list[Any]:
        seen = dict.fromkeys([*self.sqlite._from_objects, *self.postgresql._from_objects])
        return list(seen)


@compiles(ByDialect)
def _compile_by_dialect(element: ByDialect, compiler: SQLCompiler, **kw: Any) -> str:
    chosen = element.sqlite if compiler.dialect.name == "sqlite" else element.postgresql
    return "(" + compiler.process(chosen, **kw) + ")"


def utc(value: Col) -> Col:
    """PostgreSQL: a ``timestamptz`` as UTC wall-clock time, whatever the session time zone."""
    return sa.func.timezone("UTC", value)


def scaled_column(column: Col, scale: int) -> Col:
    """An ``ExactDecimal`` column as an integer count of ``10**-scale`` units."""
    return ByDialect(
        sa.BigInteger(),
        sqlite=sa.type_coerce(column, sa.BigInteger()),
        postgresql=sa.type_coerce(column, sa.Numeric()) * (10**scale),
    )


def unscaled(value: Col, scale: int) -> Col:
    """Back from a scaled integer to an exact ``Decimal`` result."""
    result_type = ExactDecimal(38, scale)
    return ByDialect(
        result_type,
        sqlite=sa.type_coerce(sa.cast(value, sa.BigInteger()), result_type),
        postgresql=sa.type_coerce(sa.cast(value / (10**scale), sa.Numeric(38, scale)), result_type),
    )


def int_div(a: Col, b: Col) -> Col:
    """Integer division truncating toward zero (never SQLAlchemy's SQLite ``FLOOR``, a Python
    function that fails on NULL)."""
    whole = sa.type_coerce(a, sa.BigInteger()) // sa.type_coerce(b, sa.BigInteger())
    return ByDialect(
        sa.BigInteger(), sqlite=sa.cast(whole, sa.BigInteger()), postgresql=sa.cast(sa.func.div(a, b), sa.BigInteger())
    )


def rounded_quotient(x: Col, y: Col) -> Col:
    """``x / y`` rounded half away from zero to a whole number (``y`` may be NULL, never 0).

    PostgreSQL: exact ``NUMERIC`` with 20 extra places before ``round``. SQLite: a
    correctly rounded double division, exact while ``|x|`` < 2**53 (about 9·10**15).
    """
    return ByDialect(
        sa.BigInteger(),
        sqlite=sa.cast(sa.func.round(sa.cast(x, sa.Float()) / y), sa.BigInteger()),
        postgresql=sa.func.round(sa.cast(x, sa.Numeric(60, 20)) / y),
    )


def text_less(a: Col, op: str, b: Col) -> Col:
    """Order text by code point on both (PostgreSQL's default collation is the locale's)."""
    return ByDialect(
        sa.Boolean(),
        sqlite=a.op(op, is_comparison=True)(b),
        postgresql=a.collate("C").op(op, is_comparison=True)(b),
    )


def date_to_datetime(value: Col) -> Col:
    return ByDialect(
        UtcDateTime(),
        sqlite=sa.type_coerce(value, sa.String()).concat(" 00:00:00.000000"),
        postgresql=utc(sa.cast(value, sa.TIMESTAMP())),
    )


def add_days(value: Col, n: Col) -> Col:
    return ByDialect(
        sa.Date(),
        sqlite=sa.func.date(value, sa.cast(n, sa.String()).concat(" days")),
        postgresql=sa.type_coerce(value, sa.Date()) + sa.cast(n, sa.Integer()),
    )


def add_seconds(value: Col, seconds: Col) -> Col:
    stamp = sa.func.strftime("%Y-%m-%d %H:%M:%S", value, sa.cast(seconds, sa.String()).concat(" seconds"))
    return ByDialect(
        UtcDateTime(),
        sqlite=stamp.concat(sa.func.substr(value, 20)),
        postgresql=value + sa.func.make_interval(0, 0, 0, 0, 0, 0, seconds),
    )


def days_between(a: Col, b: Col) -> Col:
    return ByDialect(
        sa.BigInteger(),
        sqlite=sa.cast(sa.func.julianday(b) - sa.func.julianday(a), sa.BigInteger()),
        postgresql=sa.cast(sa.type_coerce(b, sa.Date()) - sa.type_coerce(a, sa.Date()), sa.BigInteger()),
    )


def seconds_between(a: Col, b: Col) -> Col:
    def pg_epoch(v: Col) -> Col:
        return sa.func.extract("epoch", sa.func.date_trunc("second", v))

    def lite_epoch(v: Col) -> Col:
        return sa.cast(sa.func.strftime("%s", sa.func.substr(v, 1, 19)), sa.BigInteger())  # whole seconds

    return ByDialect(
        sa.BigInteger(),
        sqlite=lite_epoch(b) - lite_epoch(a),
        postgresql=sa.cast(pg_epoch(b) - pg_epoch(a), sa.BigInteger()),
    )


def date_part(part: str, value: Col, *, is_date: bool) -> Col:
    fmt = {"year": "%Y", "month": "%m"}[part]
    pg_value = value if is_date else utc(value)
    return ByDialect(
        sa.Integer(),
        sqlite=sa.cast(sa.func.strftime(fmt, value), sa.Integer()),
        postgresql=sa.cast(sa.extract(part, pg_value), sa.Integer()),
    )


def truncate(unit: str, value: Col, *, is_date: bool) -> Col:
    """``unit`` is ``day``, ``week`` (ISO, Monday) or ``month``; the result is a date."""
    modifiers = {"day": (), "week": ("weekday 0", "-6 days"), "month": ("start of month",)}[unit]
    pg_value = sa.cast(value, sa.TIMESTAMP()) if is_date else utc(value)
    return ByDialect(
        sa.Date(),
        sqlite=sa.func.date(value, *modifiers),
        postgresql=sa.cast(sa.func.date_trunc(unit, pg_value), sa.Date()),
    )


def list_has(items: Col, item: Col) -> Col:
    each = sa.func.json_each(items).table_valued("value")
    return ByDialect(
        sa.Boolean(),
        sqlite=sa.exists(sa.select(1).select_from(each).where(each.c.value == item)),
        postgresql=sa.cast(items, JSONB()).op("@>", return_type=sa.Boolean())(
            sa.func.jsonb_build_array(sa.cast(item, sa.Text()))
        ),
    )


def list_length(items: Col) -> Col:
    """Items in a multi-select; 0 for SQL NULL and for JSON ``null``."""
    as_jsonb = sa.cast(items, JSONB())
    pg = sa.case((sa.func.jsonb_typeof(as_jsonb) == "array", sa.func.jsonb_array_length(as_jsonb)), else_=0)
    return ByDialect(sa.Integer(), sqlite=sa.func.coalesce(sa.func.json_array_length(items), 0), postgresql=pg)


def list_is_null(items: Col) -> Col:
    """SQL NULL or JSON ``null`` (what SQLAlchemy's ``JSON`` stores for ``None``)."""
    return ByDialect(
        sa.Boolean(),
        sqlite=sa.func.coalesce(sa.func.json_type(items) == "null", sa.true()),
        postgresql=sa.func.coalesce(sa.func.jsonb_typeof(sa.cast(items, JSONB())) == "null", sa.true()),
    )


def find(text: Col, part: Col) -> Col:
    """1-based position of ``part`` in ``text`` (0 when absent)."""
    return ByDialect(sa.Integer(), sqlite=sa.func.instr(text, part), postgresql=sa.func.strpos(text, part))
