"""Template installs and upgrades run as jobs: run them as a worker would and read them as the page does."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dajian.platform.jobs import Worker
from dajian.platform.market.install_jobs import KIND

JOBS = "/api/v1/admin/market/jobs"
FINAL = ("succeeded", "failed")


def finish(client: TestClient, engine: Engine, queued: httpx.Response) -> dict[str, Any]:
    """The install job ``queued`` (a 202 answer) once a worker has run it, as ``GET …/jobs/{id}`` shows it."""
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert job["state"] == "queued" and job["progress"] is None and job["result"] is None
    worker = Worker(engine, kinds=[KIND])
    for _ in range(50):  # other tests' queued installs may be claimed first
        shown = client.get(f"{JOBS}/{job['id']}")
        assert shown.status_code == 200, shown.text
        if shown.json()["state"] in FINAL:
            return dict(shown.json())
        if worker.run_once() == 0:
            break
    raise AssertionError(f"install job {job['id']} did not finish: {shown.json()}")
