from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from .support import SqlRunner, tables_on


@pytest.fixture(scope="session")
def db(engine: sa.Engine) -> Iterator[SqlRunner]:
    """The expression test tables on each database of the ``engine`` fixture."""
    yield from tables_on(engine)
