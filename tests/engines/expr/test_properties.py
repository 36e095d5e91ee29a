"""Property: for random well-typed expressions and random records (nulls included),
the compiled Python function and the compiled SQL give the same answers on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dajian.engines.expr import check, compile_python

from .support import CONTEXT, SCHEMA, SqlRunner, same

Strategy = st.SearchStrategy[Any]
VARS = {
    "boolean": ["flag"],
    "integer": ["qty", "priority"],
    "decimal": ["amount", "rate", "customer.credit"],
    "text": ["name", "category", "customer.level"],
    "date": ["due"],
    "datetime": ["created_at", "closed_at"],
}
TEXTS = st.text(alphabet="abAB -", max_size=5)
DATES = st.dates(date(2023, 1, 1), date(2025, 12, 31))
DATETIMES = st.datetimes(datetime(2023, 1, 1), datetime(2025, 12, 31), timezones=st.just(UTC))
LITERALS: dict[str, Strategy] = {
    "boolean": st.booleans(),
    "integer": st.integers(-5, 20),
    "decimal": st.decimals(-100, 100, places=2, allow_nan=False, allow_infinity=False),
    "text": TEXTS,
    "date": DATES.map(lambda d: {"date": d.isoformat()}),
    "datetime": DATETIMES.map(lambda d: {"datetime": d.isoformat()}),
}


def var(kind: str) -> Strategy:
    return st.sampled_from(VARS[kind]).map(lambda name: {"var": name})


def leaf(kind: str) -> Strategy:
    return st.one_of(var(kind), LITERALS[kind])


def op(name: str, *parts: Strategy) -> Strategy:
    return st.tuples(*parts).map(lambda args: {name: list(args)})


def expr(kind: str, depth: int) -> Strategy:
    if depth <= 0:
        return leaf(kind)
    return st.one_of(leaf(kind), *BUILDERS[kind](depth - 1))


def numeric(depth: int) -> Strategy:
    return st.one_of(expr("integer", depth), expr("decimal", depth))


def booleans(d: int) -> list[Strategy]:
    comparisons = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    temporal = st.sampled_from(["date", "datetime"])
    return [
        st.tuples(comparisons, numeric(d), numeric(d)).map(lambda t: {t[0]: [t[1], t[2]]}),
        st.tuples(comparisons, expr("text", d), expr("text", d)).map(lambda t: {t[0]: [t[1], t[2]]}),
        st.tuples(comparisons, temporal.flatmap(lambda k: expr(k, d)), temporal.flatmap(lambda k: expr(k, d))).map(
            lambda t: {t[0]: [t[1], t[2]]}
        ),
        st.lists(expr("boolean", d), min_size=1, max_size=3).map(lambda a: {"and": a}),
        st.lists(expr("boolean", d), min_size=1, max_size=3).map(lambda a: {"or": a}),
        expr("boolean", d).map(lambda a: {"!": a}),
        op("==", st.sampled_from([v for vs in VARS.values() for v in vs]).map(lambda n: {"var": n}), st.none()),
        op("between", expr("integer", d), LITERALS["integer"], LITERALS["integer"]),
        op("in", expr("text", d), st.lists(TEXTS, max_size=3)),
        op("in", expr("integer", d), st.lists(LITERALS["integer"], max_size=3)),
        op("in", TEXTS, st.just({"var": "tags"})),
        op("contains", expr("text", d), TEXTS),
        op("starts_with", expr("text", d), TEXTS),
        op("ends_with", expr("text", d), expr("text", d)),
        op("regex", expr("text", d), st.sampled_from(["^a", "b$", "[AB]+", "a.?b", "^$"])),
        op("is_null", st.sampled_from(["name", "amount", "due", "tags", "flag"]).map(lambda n: {"var": n})),
        op("is_empty", st.sampled_from(["name", "tags", "items", "created_at"]).map(lambda n: {"var": n})),
        op("any", st.just({"var": "items"}), st.sampled_from(ITEM_PREDICATES)),
        op("all", st.just({"var": "items"}), st.sampled_from(ITEM_PREDICATES)),
        op("if", expr("boolean", d), expr("boolean", d), expr("boolean", d)),
    ]


ITEM_PREDICATES = [
    {">": [{"var": "qty"}, 1]},
    {"var": "shipped"},
    {"<=": [{"var": "price"}, 5]},
    {"==": [{"var": "sku"}, "a"]},
    {"!": {"var": "shipped"}},
]


def integers(d: int) -> list[Strategy]:
    return [
        op("+", expr("integer", d), expr("integer", d)),
        op("-", expr("integer", d), expr("integer", d)),
        op("*", leaf("integer"), leaf("integer")),
        op("%", expr("integer", d), expr("integer", d)),
        op("length", expr("text", d)),
        op("abs", expr("integer", d)),
        st.sampled_from(
            [
                {"count": {"var": "items"}},
                {"count": {"var": "tags"}},
                {"count": {"var": "items.price"}},
                {"sum": {"var": "items.qty"}},
            ]
        ),
        op(
            "datediff",
            st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d)),
            st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d)),
            st.sampled_from(["d", "h"]),
        ),
        op("year", expr("datetime", d)),
        op("month", expr("date", d)),
        op("if", expr("boolean", d), expr("integer", d), expr("integer", d)),
        # Excel functions
        op("day", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d))),
        op("hour", expr("datetime", d)),
        op("minute", expr("datetime", d)),
        op("weekday", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d)), st.sampled_from([1, 2, 3])),
        op("weeknum", expr("date", d)),
        op("datediff", expr("date", d), st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d)),
           st.sampled_from(["m", "y"])),
        op("-", expr("date", d), expr("date", d)),
        op("int", expr("decimal", d)),
        st.lists(st.one_of(expr("integer", d), expr("text", d)), min_size=1, max_size=3).map(lambda a: {"count_of": a}),
        op("find", TEXTS, expr("text", d), st.integers(-1, 6)),
        op("search", TEXTS, expr("text", d)),
        st.lists(expr("integer", d), min_size=1, max_size=3).map(lambda a: {"sum": a}),
        op("%", expr("integer", d), st.sampled_from([-3, 3, 0])),
    ]


def decimals(d: int) -> list[Strategy]:
    return [
        op("+", expr("decimal", d), numeric(d)),
        op("-", numeric(d), expr("decimal", d)),
        op("*", leaf("decimal"), leaf("integer")),
        op("*", var("decimal"), var("decimal")),
        op("%", expr("decimal", d), numeric(d)),
        op("round", expr("decimal", d), st.integers(0, 3)),
        op("abs", expr("decimal", d)),
        op("-", expr("decimal", d)),
        st.sampled_from(
            [
                {"sum": {"var": "items.price"}},
                {"min": {"var": "items.price"}},
                {"max": {"var": "items.price"}},
                {"sum": [{"var": "items"}, {"*": [{"var": "price"}, {"var": "qty"}]}]},
            ]
        ),
        op("if", expr("boolean", d), expr("decimal", d), numeric(d)),
        # division is exact to six places, so it may now sit anywhere, also inside comparisons
        op("/", numeric(d), numeric(d)),
        st.lists(numeric(d), min_size=1, max_size=3).map(lambda a: {"sum": [*a, {"var": "amount"}]}),
        st.lists(numeric(d), min_size=1, max_size=3).map(lambda a: {"avg": a}),
        st.lists(numeric(d), min_size=2, max_size=3).map(lambda a: {"max": [*a, {"var": "rate"}]}),
        st.lists(numeric(d), min_size=2, max_size=3).map(lambda a: {"min": [*a, {"var": "amount"}]}),
        st.tuples(var("decimal"), leaf("integer")).map(lambda a: {"product": list(a)}),
        op("roundup", expr("decimal", d), st.integers(0, 3)),
        op("rounddown", expr("decimal", d), st.integers(0, 3)),
        op("ceiling", expr("decimal", d), st.sampled_from([1, Decimal("0.5"), Decimal("0.05"), 3])),
        op("floor", expr("decimal", d), st.sampled_from([1, Decimal("0.5"), Decimal("0.05"), 3])),
        op("coalesce", expr("decimal", d), numeric(d)),
        op("power", var("decimal"), st.integers(0, 2)),
        st.just({"avg": {"var": "items.price"}}),
    ]


def texts(d: int) -> list[Strategy]:
    return [
        st.lists(st.one_of(expr("text", d), leaf("integer")), min_size=1, max_size=3).map(lambda a: {"cat": a}),
        op("upper", expr("text", d)),
        op("lower", expr("text", d)),
        op("left", expr("text", d), st.integers(-2, 6)),
        op("right", expr("text", d), st.integers(-2, 6)),
        op("mid", expr("text", d), st.integers(-1, 6), st.integers(-1, 6)),
        op("if", expr("boolean", d), expr("text", d), expr("text", d)),
        op("trim", expr("text", d)),
        op("substitute", expr("text", d), TEXTS, TEXTS),
        op("replace", expr("text", d), st.integers(-1, 6), st.integers(-1, 6), TEXTS),
        op("rept", expr("text", d), st.integers(-1, 3)),
        op("cat", TEXTS, expr("decimal", d)),
    ]


def dates(d: int) -> list[Strategy]:
    return [
        op("date_add", expr("date", d), st.integers(-400, 400), st.just("days")),
        op("date_sub", expr("date", d), leaf("integer"), st.just("days")),
        op("to_date", expr("datetime", d)),
        op("week_start", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d))),
        op("month_start", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d))),
        op("edate", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d)), st.integers(-25, 25)),
        op("eomonth", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, d)), leaf("integer")),
        op("make_date", st.integers(2020, 2026), st.one_of(var("integer"), st.integers(-14, 26)),
           st.one_of(var("integer"), st.integers(-40, 70))),
        op("+", expr("date", d), leaf("integer")),
        op("-", expr("date", d), leaf("integer")),
    ]


def datetimes(d: int) -> list[Strategy]:
    return [
        op("date_add", expr("datetime", d), st.integers(-1000, 1000), st.sampled_from(["days", "hours", "minutes"])),
        op("date_sub", expr("datetime", d), leaf("integer"), st.sampled_from(["hours", "minutes"])),
        op("if", expr("boolean", d), expr("datetime", d), expr("date", d)),
    ]


BUILDERS = {
    "boolean": booleans,
    "integer": integers,
    "decimal": decimals,
    "text": texts,
    "date": dates,
    "datetime": datetimes,
}
TOP = st.one_of(
    *[expr(kind, 2) for kind in BUILDERS],
    op("/", numeric(1), numeric(1)),
    st.just({"avg": {"var": "items.price"}}),
)


def maybe(strategy: Strategy) -> Strategy:
    return st.one_of(st.none(), strategy)


ITEM = st.fixed_dictionaries(
    {
        "price": maybe(st.decimals(-20, 20, places=2, allow_nan=False, allow_infinity=False)),
        "qty": maybe(st.integers(-3, 5)),
        "sku": maybe(st.sampled_from(["a", "b"])),
        "shipped": maybe(st.booleans()),
    }
)
RECORD = st.fixed_dictionaries(
    {
        "amount": maybe(st.decimals(-10000, 10000, places=2, allow_nan=False, allow_infinity=False)),
        "rate": maybe(st.decimals(-10, 10, places=4, allow_nan=False, allow_infinity=False)),
        "qty": maybe(st.integers(-10, 10)),
        "priority": maybe(st.integers(0, 5)),
        "name": maybe(TEXTS),
        "category": maybe(TEXTS),
        "flag": maybe(st.booleans()),
        "due": maybe(DATES),
        "created_at": maybe(DATETIMES),
        "closed_at": maybe(DATETIMES),
        "tags": maybe(st.lists(st.sampled_from(["a", "b", "vip"]), max_size=3, unique=True)),
        "customer": maybe(
            st.fixed_dictionaries({"level": maybe(TEXTS), "credit": maybe(st.decimals(-50, 50, places=2))})
        ),
        "items": st.lists(ITEM, max_size=3),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(exprs=st.lists(TOP, min_size=1, max_size=6), records=st.lists(RECORD, min_size=1, max_size=4))
def test_python_and_sql_agree(db: SqlRunner, exprs: list[Any], records: list[dict[str, Any]]) -> None:
    assert all(check(e, SCHEMA) == [] for e in exprs)
    db.load(records)
    sql_results = db.evaluate(exprs)
    for e, sql_values in zip(exprs, sql_results, strict=True):
        function = compile_python(e, SCHEMA)
        python_values = [function(r, CONTEXT) for r in records]
        for r, p, s in zip(records, python_values, sql_values, strict=True):
            assert same(p, s), f"{e} on {r}: python {p!r}, sql {s!r}"


THRESHOLD_COMPARISONS = st.sampled_from([">=", ">", "==", "<=", "<", "!="])


@st.composite
def on_threshold(draw: st.DrawFn) -> tuple[list[Any], list[dict[str, Any]]]:
    """Records whose ratios land exactly on (or one cent beside) the thresholds compared with."""
    thresholds = draw(st.lists(st.decimals(-50, 50, places=2), min_size=1, max_size=4))
    exprs: list[Any] = []
    records: list[dict[str, Any]] = []
    for t in thresholds:
        qty = draw(st.integers(-9, 9).filter(bool))
        rate = draw(st.decimals(-5, 5, places=4).filter(bool))
        delta = draw(st.sampled_from([Decimal("-0.01"), Decimal(0), Decimal("0.01")]))
        price = draw(st.decimals(-20, 20, places=2))
        records.append({
            "amount": t * qty + delta, "qty": qty, "rate": rate, "customer": None,
            "items": [{"price": price}, {"price": 2 * t - price}, {"price": None}],
        })
        compare = draw(THRESHOLD_COMPARISONS)
        exprs += [
            {compare: [{"/": [{"var": "amount"}, {"var": "qty"}]}, t]},
            {compare: [{"/": [{"var": "amount"}, {"var": "rate"}]}, draw(st.decimals(-1000, 1000, places=6))]},
            {compare: [{"avg": {"var": "items.price"}}, t]},
            {compare: [{"avg": [{"var": "amount"}, {"var": "qty"}, t]}, t]},
            {compare: [{"*": [{"/": [{"var": "amount"}, {"var": "qty"}]}, {"var": "qty"}]}, {"var": "amount"}]},
        ]
    return exprs, records


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=on_threshold())
def test_divisions_and_averages_agree_on_their_thresholds(db: SqlRunner, case: tuple[list[Any], list[Any]]) -> None:
    exprs, records = case
    db.load(records)
    sql_results = db.evaluate(exprs)
    for e, sql_values in zip(exprs, sql_results, strict=True):
        function = compile_python(e, SCHEMA)
        for r, s in zip(records, sql_values, strict=True):
            assert function(r, CONTEXT) is s, f"{e} on {r}: python {function(r, CONTEXT)!r}, sql {s!r}"
