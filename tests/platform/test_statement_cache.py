"""psycopg keeps the placeholder conversion of a statement only up to a length and a parameter count that a
record's audited insert exceeds; the engine raises both, so the conversion is done once per statement text."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, bindparam, column, select, text


def test_a_long_statement_with_many_parameters_is_converted_once(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's statement conversion: PostgreSQL only")
    from psycopg import _queries

    # 120 parameters and more than 4 096 characters, like a wide form's insert with its audit entry
    names = [f"value_number_{i:03d}_of_a_wide_form_whose_columns_have_long_names" for i in range(120)]
    statement = select(*[bindparam(name, type_=None).label(f"c{i}") for i, name in enumerate(names)])
    assert len(str(statement.compile(engine))) > 4096
    params = {name: i for i, name in enumerate(names)}
    with engine.connect() as conn:
        conn.execute(statement, params)
        before = _queries._query2pg.cache_info()
        for _ in range(3):
            row = conn.execute(statement, params).one()
        after = _queries._query2pg.cache_info()
    assert row[119] == 119
    assert after.hits - before.hits == 3 and after.misses == before.misses
    with engine.connect() as conn:  # the short path still works as before
        assert conn.execute(select(column("x")).select_from(text("(SELECT 1 AS x) AS t"))).scalar() == 1
