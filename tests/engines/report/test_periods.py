"""The named periods of list filters, as expressions, give the days of the dashboard presets: in Python
and in SQL (SQLite and PostgreSQL), on days that end weeks, months, quarters and (leap) years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from dajian.engines.expr import EvalContext, Schema, TableScope, compile_python, compile_sql
from dajian.engines.report.params import PRESETS
from dajian.engines.report.periods import PERIODS, period_bounds

DAYS = [date(2024, 2, 29), date(2024, 3, 31), date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 15),
        date(2025, 6, 16), date(2025, 9, 30), date(2025, 10, 1), date(2026, 11, 30), date(2023, 5, 31)]
PROBE = TableScope(sa.Table("period_probe", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True)))


def context(today: date) -> EvalContext:
    return EvalContext(now=datetime.combine(today, datetime.min.time(), tzinfo=UTC), today=today)


def expected(key: str, today: date) -> tuple[date, date]:
    first, last = PRESETS[key](today)
    return first, last + timedelta(days=1)


def test_every_dashboard_preset_is_a_period_and_back() -> None:
    assert list(PERIODS) == list(PRESETS)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_python_gives_the_presets_days(today: date) -> None:
    for key in PERIODS:
        start, stop = (compile_python(ast, Schema(fields={}))({}, context(today)) for ast in period_bounds(key))
        assert (start, stop) == expected(key, today), key


def test_sql_gives_the_presets_days(engine: sa.Engine) -> None:
    columns, wanted = [], []
    for today in DAYS:
        for key in PERIODS:
            for i, ast in enumerate(period_bounds(key)):
                columns.append(compile_sql(ast, PROBE, context=context(today), as_value=True).label(f"c{len(columns)}"))
                wanted.append(expected(key, today)[i])
    with engine.connect() as conn:
        got = list(conn.execute(sa.select(*columns)).one())
    assert [date.fromisoformat(str(v)[:10]) for v in got] == wanted
