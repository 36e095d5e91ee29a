"""Dajian's one expression language: JSON AST, formulas, type checking, Python and SQL compilers.

Public API::

    parse_formula(text) -> ast                      # 'amount > 5000 AND IN(status, "a", "b")'
    to_formula(ast) -> str                          # back to a formula for the designer
    check(ast, schema) -> list[ExprIssue]           # every issue, with a JSON pointer path
    compile_python(ast, schema) -> f(record, ctx)   # generated once; cache it per definition
    compile_sql(ast, scope, *, context=None, as_value=False) -> ColumnElement
    TableScope(table, children=..., relations=..., types=...)   # the SqlScope for plain tables

AST
    JsonLogic style: ``{"op": [args...]}`` (a single argument need not be a list),
    constants as JSON values, ``{"var": "amount"}``, ``{"var": "customer.level"}``
    (through a relation), ``{"var": "items.price"}`` (only inside an aggregate),
    ``{"date": "2024-01-31"}``, ``{"datetime": "2024-01-31T09:00:00Z"}``. Text
    constants compared with a date field are read as dates. Fractional numbers
    are ``Decimal`` (JSON floats are read through their shortest repr).

Operators
    logic ``and or ! if xor coalesce``; comparison ``== != < <= > >= between in``;
    arithmetic ``+ - * / %`` (``date - date`` is days, ``date ± n`` moves by days); text ``cat
    contains starts_with ends_with length upper lower left right mid regex trim substitute
    replace find search rept`` (``value text`` Python-only); null tests ``is_null is_empty``; dates
    ``now today date_add date_sub (unit days|hours|minutes) datediff (unit d|h|m|y) workdays
    year month day hour minute weekday weeknum edate eomonth make_date week_start month_start
    to_date``; numbers ``round roundup rounddown int abs power ceiling floor`` (``sqrt``
    Python-only); ``sum_of avg_of min_of max_of count_of product`` over values (the formula
    names SUM/AVERAGE/MIN/MAX/COUNT pick these unless given a sub-table); aggregates ``count
    sum avg min max any all`` over a sub-table — ``{"sum": [{"var": "items.price"}]}`` or
    ``{"sum": [{"var": "items"}, <row expr>]}`` — and ``count`` over a multi-select.
    ``catalog.CATALOG`` lists every formula function with its signature, a bilingual
    description and whether it runs in SQL; ``check(..., sql=True)`` refuses the Python-only
    ones where SQL runs the expression (filters, row scopes, reports).

Context values (``{"var": "$user.id"}``; in formulas ``$user.id``)
    ``$user.id`` (user), ``$user.dept_id`` (department), ``$now`` (datetime, UTC),
    ``$today`` (date). Supplied by ``EvalContext``; in SQL as literals when a
    context is given, else as required bind parameters (``context_params``).

Schema
    ``Schema(fields={"amount": "decimal"}, collections={"items": Schema(...)},
    relations={"customer": Schema(...)})``; types: text, integer, decimal,
    boolean, date, datetime, text_list, user, department, any. Records given to
    the Python function are dicts: a relation is a nested dict (or None), a
    sub-table a list of dicts, a multi-select a list of strings.

Null semantics (the same in Python and SQL)
    * A missing field, a missing related record and NULL are all null.
    * ``==`` / ``!=`` are null-safe: ``null == null`` is true, ``null == 1`` false.
    * ``< <= > >= between in contains starts_with ends_with regex`` with a null operand are false.
    * ``and``/``or``/``!``/``if`` treat null as false; their results are never null.
    * Arithmetic, text functions (except ``cat``) and date functions return null for a null input;
      ``/`` and ``%`` by zero return null; ``cat`` treats null as "".
    * ``is_null`` is true only for null; ``is_empty`` also for "" and an empty multi-select/sub-table.
    * Aggregates skip nulls; ``count`` and ``sum`` of nothing are 0; ``avg``/``min``/``max`` of nothing
      are null; ``any`` of nothing is false, ``all`` of nothing is true.
    In SQL a boolean used directly in ``WHERE`` may be NULL where Python says false — both exclude the
    row; ``compile_sql(..., as_value=True)`` returns exact ``True``/``False``.

Other shared rules: ``/`` (and an average) gives a decimal with six places, rounded half away
from zero from the exact quotient (``numbers.divide``), identically in Python, SQLite and
PostgreSQL; ``%`` (MOD) takes the sign of the divisor as in Excel; ``round`` rounds half away
from zero; text order is by code point; ``datediff`` truncates toward zero
and ignores sub-seconds; a date compared with a date-time is midnight UTC; ``year``/``month``/
buckets of a date-time use UTC; ``upper``/``lower`` agree only on ASCII letters (SQLite).

Limits (``Limits``): 500 nodes, depth 32, text constants 1000 characters, lists 200 values,
regex patterns 100 characters from a safe subset (``limits.regex_issues``), regex input
10 000 characters. Everything is refused at check time with a located ``ExprError``.
"""

from __future__ import annotations

from .check import analyze, check
from .compile_py import compile_python, python_source
from .compile_sql import compile_sql
from .errors import ExprError, ExprIssue
from .formula import to_formula
from .limits import DEFAULT_LIMITS, Limits
from .model import CONTEXT_TYPES, FIELD_TYPES, BusinessCalendar, EvalContext, Schema, WeekdayCalendar
from .parse import parse_formula
from .sql_scope import Link, SqlScope, TableScope, field_type
from .sql_values import context_params

__all__ = [
    "CONTEXT_TYPES",
    "DEFAULT_LIMITS",
    "FIELD_TYPES",
    "BusinessCalendar",
    "EvalContext",
    "ExprError",
    "ExprIssue",
    "Limits",
    "Link",
    "Schema",
    "SqlScope",
    "TableScope",
    "WeekdayCalendar",
    "analyze",
    "check",
    "compile_python",
    "compile_sql",
    "context_params",
    "field_type",
    "parse_formula",
    "python_source",
    "to_formula",
]
