"""Browser tests: Playwright (Python) driving Debian's Chromium against the real server.

The server is the real app under uvicorn in a thread (with a worker for template installs), on each
backend of DAJIAN_TEST_BACKENDS (the ``engine`` fixture), with the featured template, its seed users
and a little demo data installed in an organisation of its own. The UI is built once per session when
designer_ui/dist is missing or stale (scripts/build_ui). Without /usr/bin/chromium, npm or the
``playwright`` package the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, select

from dajian.platform.app import create_app
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.config import Settings
from dajian.platform.demo import install_demo
from dajian.platform.flows.tables import flow_tasks
from dajian.platform.jobs import Worker
from dajian.platform.market.install_jobs import KIND as INSTALL_JOBS
from dajian.platform.models import users
from dajian.platform.principal import Principal
from dajian.platform.printing.jobs import KIND as PRINT_JOBS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TEMPLATE = ROOT / "app_templates" / "complaint_management"
PASSWORD = "demo password 2026"
SCREENSHOTS = Path(__file__).resolve().parent / ".screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def ui_built() -> None:
    if shutil.which("npm") is None:
        _unavailable("npm is not installed: the web UI cannot be built")
    result = subprocess.run([str(ROOT / "scripts" / "build_ui")], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (ROOT / "designer_ui" / "dist" / "index.html").is_file()


# Module scope, not session: Playwright's sync API keeps an event loop current in this thread while it
# runs, and later tests that call asyncio.run() (or start an app's lifespan) must not find one.
@pytest.fixture(scope="module")
def browser(ui_built: None) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # a loaded CI machine: assertions wait as long as a patient person
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Site:
    """The running server: its URL, the organisation's key and the backend's name."""

    url: str
    org: str
    backend: str
    busiest: str  # the seed user with the most open tasks, for a home page that has something to show
    app: str = "complaint_management"

    @contextmanager
    def api_login(self, username: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """The HTTP API as ``username``: to learn what the page should show, independently of the page."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            body = {"username": username, "password": password, "org": self.org}
            response = client.post("/api/v1/auth/login", json=body)
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            yield client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def site(engine: Engine, ui_built: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    org_key = f"ui_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=org_key, name="演示公司")
        admin_id = create_user(conn, org_id=org_id, username="admin", password=PASSWORD, is_org_admin=True)
    admin = Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
    install_demo(engine, admin, TEMPLATE, password=PASSWORD, records=40)
    with engine.connect() as conn:
        busiest = conn.execute(
            select(users.c.username).join(flow_tasks, flow_tasks.c.assignee_id == users.c.id)
            .where(users.c.org_id == org_id, flow_tasks.c.status == "pending", ~users.c.is_org_admin)
            .group_by(users.c.username).order_by(func.count().desc(), users.c.username).limit(1)).scalar_one()

    settings = Settings(database_url=str(engine.url), files_dir=tmp_path_factory.mktemp("ui_files"))
    port = _free_port()
    config = uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ui-test-server", daemon=True)
    thread.start()
    # template installs and bulk prints run as jobs, as under `dajian serve`'s embedded worker; only those: the
    # other jobs (messages, timers) stay queued, so pages show what the tests made
    installs = Worker(engine, worker_id=f"ui-test-{port}", kinds=[INSTALL_JOBS, PRINT_JOBS], poll_interval=0.2,
                      settings=settings)
    installs.run_in_thread()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield Site(url=f"http://127.0.0.1:{port}", org=org_key, backend=engine.dialect.name, busiest=busiest)
    finally:
        installs.stop()
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(base_url=site.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def keep_screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    """The page at its current size into the test's tmp dir as ``<name>-<width>x<height>.png``; also into
    docs/screenshots/ when DAJIAN_DOCS_SCREENSHOTS=1 asks for it (the README shows those)."""
    size = page.viewport_size
    path = tmp_path / f"{name}-{size['width']}x{size['height']}.png"
    page.wait_for_timeout(400)  # antd's open animations end
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("DAJIAN_DOCS_SCREENSHOTS") == "1":
        shutil.copy(path, ROOT / "docs" / "screenshots" / path.name)
    return path


def shoot(page: Any, name: str, site: Site, *, as_is: bool = False) -> None:
    """The page at 1280×800 and at 390×844 (a phone), into tests/browser/.screenshots/ (not committed).

    ``as_is``: one shot at the current size (an open drawer or menu would close or move on resize)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    if as_is:
        page.wait_for_timeout(500)  # antd's open animations end
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{site.backend}.png"))
        return
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # antd's responsive layout settles on resize
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}-{site.backend}.png"), full_page=True)
    page.set_viewport_size(size)
