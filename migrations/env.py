"""Alembic environment for the platform's own tables (form tables are not here)."""

from __future__ import annotations

from alembic import context

import dajian.platform.features  # noqa: F401 - every feature's tables join the metadata
from dajian.platform.config import get_settings
from dajian.platform.db import make_engine
from dajian.platform.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # SQLite's FTS5 shadow tables (search_fts, search_fts_data, …) are made by the search migration
    return not (type_ == "table" and name is not None and name.startswith("search_fts"))


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=_include_name,
    )
    context.run_migrations()


run_migrations_online()
