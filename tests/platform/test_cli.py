"""The ``dajian`` command line against a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from dajian.platform.auth import verify_password
from dajian.platform.cli import cli, ensure_admin
from dajian.platform.market.tables import market_installs
from dajian.platform.models import apps, organisations

TEMPLATE = Path(__file__).resolve().parents[2] / "app_templates" / "service_desk"


@pytest.fixture
def env(engine: Engine, tmp_path: Path) -> dict[str, str]:
    return {"DAJIAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DAJIAN_FILES_DIR": str(tmp_path / "files")}


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_first_start_creates_an_admin_and_keeps_showing_its_password(tmp_path: Path) -> None:
    from dajian.platform.db import make_engine
    from dajian.platform.migrate import upgrade
    from dajian.platform.models import users

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh)
    try:
        username, password = ensure_admin(fresh, tmp_path)
        assert username == "admin" and password
        assert ensure_admin(fresh, tmp_path) == ("admin", password)
        assert (tmp_path / "initial_admin_password.txt").stat().st_mode & 0o777 == 0o600
        with fresh.connect() as conn:
            stored = conn.execute(select(users.c.password_hash, users.c.is_org_admin)).one()
        assert verify_password(stored[0], password) and stored[1]
        (tmp_path / "initial_admin_password.txt").write_text("changed elsewhere")
        assert ensure_admin(fresh, tmp_path) == ("admin", None)
    finally:
        fresh.dispose()


def test_import_demo_and_export(env: dict[str, str], engine: Engine, tmp_path: Path) -> None:
    run(env, "db", "upgrade")
    ensure_admin(engine, Path(env["DAJIAN_FILES_DIR"]))
    dry = run(env, "app", "import", str(TEMPLATE), "--dry-run")
    assert '"dry_run": true' in dry
    run(env, "app", "import", str(TEMPLATE))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(apps).where(apps.c.key == "service_desk")).scalar()
    output = run(env, "demo", "--records", "120")
    assert "creating 120 complaint records" in output
    with engine.connect() as conn:  # installed from its package: upgrades to a newer package version merge
        installed = conn.execute(select(market_installs.c.version, market_installs.c.base_definition)
                                 .join(apps, apps.c.id == market_installs.c.app_id)
                                 .join(organisations, organisations.c.id == apps.c.org_id)
                                 .where(apps.c.key == "complaint_management",
                                        organisations.c.key == "default")).one()  # other tests' orgs have it too
    assert installed.version == "1.0.0" and installed.base_definition["key"] == "complaint_management"
    out = tmp_path / "export.json"
    run(env, "app", "export", "service_desk", str(out))
    assert json.loads(out.read_text()) == json.loads((TEMPLATE / "app.json").read_text())


def test_import_of_an_invalid_file_lists_problems_and_exits_1(env: dict[str, str], engine: Engine,
                                                               tmp_path: Path) -> None:
    ensure_admin(engine, Path(env["DAJIAN_FILES_DIR"]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"key": "bad", "label": {"en": "B"}, "forms": [{"key": "X"}]}))
    result = CliRunner().invoke(cli, ["app", "import", str(bad)], env=env)
    assert result.exit_code == 1
    assert "/forms/0/key" in result.output and "/forms/0: " in result.output


def test_records_export_and_import_with_progress(env: dict[str, str], engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    ensure_admin(engine, Path(env["DAJIAN_FILES_DIR"]))
    run(env, "app", "import", str(TEMPLATE))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["标题", "类别", "工时"])
    sheet.append(["打印机卡纸", "硬件", 2])
    sheet.append(["VPN 连不上", "network", 1])
    sheet.append(["", "software", "many"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    refused = CliRunner().invoke(cli, ["records", "import", "service_desk", "ticket", str(source)], env=env)
    assert refused.exit_code == 1 and "row 4" in refused.output and "0 of 3 rows created" in refused.output
    kept = run(env, "records", "import", "service_desk", "ticket", str(source), "--mode", "keep_valid")
    assert "2 of 3 rows created" in kept
    out = tmp_path / "out.xlsx"
    assert "records to" in run(env, "records", "export", "service_desk", "ticket", str(out), "--lang", "en")
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    try:
        rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    finally:
        book.close()
    titles = {r[rows[0].index("Title")] for r in rows[1:]}
    assert {"打印机卡纸", "VPN 连不上"} <= titles
