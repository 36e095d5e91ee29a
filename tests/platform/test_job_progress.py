"""A job's progress figures: written while it runs, read by the page that polls it, and not kept forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from dajian.platform import job_progress
from dajian.platform import jobs as q
from dajian.platform.clock import utcnow
from dajian.platform.models import job_progress as progress_rows


def _job(engine: Engine) -> int:
    with engine.begin() as conn:
        job_id = q.enqueue(conn, "progress.test", {})
    assert job_id is not None
    return job_id


def test_figures_not_written_for_a_week_go_when_a_new_job_starts(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite keeps the figures in the worker's process (at most KEEP), never in a table")
    old, recent = _job(engine), _job(engine)
    job_progress.write(engine, old, job_progress.Progress(3, 3))
    job_progress.write(engine, recent, job_progress.Progress(1, 3, "step"))
    with engine.begin() as conn:
        conn.execute(progress_rows.update().where(progress_rows.c.job_id == old)
                     .values(updated_at=utcnow() - job_progress.STALE_AFTER - timedelta(minutes=1)))
    job_progress.Tracker(engine, _job(engine))  # a new job starts
    with engine.connect() as conn:
        kept = set(conn.execute(select(progress_rows.c.job_id).where(
            progress_rows.c.job_id.in_([old, recent]))).scalars())
        assert kept == {recent}
        assert job_progress.read(conn, recent) == job_progress.Progress(1, 3, "step")
