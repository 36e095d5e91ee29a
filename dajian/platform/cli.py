"""The ``dajian`` command line: serve, migrate, users, apps, demo data."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import Connection, Engine, select

from dajian.platform import apps as app_service
from dajian.platform import features as _features  # noqa: F401 - job handlers, listeners, reference kinds
from dajian.platform.auth import create_organisation, create_user, hash_password, verify_password
from dajian.platform.config import get_settings
from dajian.platform.db import make_engine
from dajian.platform.errors import DajianError
from dajian.platform.market.center_cli import market_cli
from dajian.platform.market.cli import keys_cli, template_cli
from dajian.platform.migrate import upgrade
from dajian.platform.models import organisations, users
from dajian.platform.principal import Principal

cli = typer.Typer(help="Dajian (搭建) no-code platform", no_args_is_help=True)
db_cli = typer.Typer(help="The platform's own database tables")
user_cli = typer.Typer(help="Users")
app_cli = typer.Typer(help="App definitions")
cli.add_typer(db_cli, name="db")
cli.add_typer(user_cli, name="user")
cli.add_typer(app_cli, name="app")
records_cli = typer.Typer(help="Records of a published form (Excel import and export)")
cli.add_typer(records_cli, name="records")
cli.add_typer(template_cli, name="template")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(market_cli, name="market")
console = Console()

DEFAULT_ORG = "default"
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "app_templates"


@contextmanager
def _database() -> Iterator[Engine]:
    """A migrated engine for one command, disposed when the command ends."""
    engine = make_engine(get_settings().database_url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def _org_id(conn: Connection, key: str) -> int:
    org_id = conn.execute(select(organisations.c.id).where(organisations.c.key == key)).scalar_one_or_none()
    if org_id is None:
        raise typer.BadParameter(f"no organisation '{key}'")
    return int(org_id)


def admin_principal(conn: Connection, org_key: str) -> Principal:
    """Act as the organisation's first administrator (for CLI imports and demos)."""
    org_id = _org_id(conn, org_key)
    row = conn.execute(select(users).where(users.c.org_id == org_id, users.c.is_org_admin)
                       .order_by(users.c.id)).mappings().first()
    if row is None:
        raise typer.BadParameter(f"organisation '{org_key}' has no administrator")
    return Principal(user_id=row["id"], org_id=org_id, dept_id=row["dept_id"], is_org_admin=True, via="system")


def ensure_admin(engine: Engine, files_dir: Path) -> tuple[str, str | None]:
    """Create the default organisation and an ``admin`` user on first start.

    The generated password is kept in ``files_dir`` (mode 0600) and shown at
    every start until someone changes it.
    """
    secret_file = files_dir / "initial_admin_password.txt"
    with engine.begin() as conn:
        org = conn.execute(select(organisations.c.id).where(organisations.c.key == DEFAULT_ORG)).scalar()
        if org is None:
            org = create_organisation(conn, key=DEFAULT_ORG, name="Default organisation")
        row = conn.execute(select(users).where(users.c.org_id == org, users.c.username == "admin")).mappings().first()
        if row is None:
            password = secrets.token_urlsafe(12)
            create_user(conn, org_id=org, username="admin", password=password, display_name="Administrator",
                        is_org_admin=True)
            files_dir.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(password)
            secret_file.chmod(0o600)
            return "admin", password
    if secret_file.exists() and verify_password(row["password_hash"], secret_file.read_text().strip()):
        return "admin", secret_file.read_text().strip()
    return "admin", None


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    demo: Annotated[bool, typer.Option(help="Install the featured template with demo data if missing")] = False,
    worker: Annotated[bool, typer.Option(help="Run one background worker in this process")] = True,
) -> None:
    """Migrate, make sure an admin exists, and serve the API (with an in-process worker)."""
    import uvicorn

    from dajian.platform.app import create_app
    from dajian.platform.jobs import Worker

    settings = get_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    username, password = ensure_admin(engine, settings.files_dir)
    if demo:
        _install_demo(engine, DEFAULT_ORG, records=10_000, skip_if_present=True)
    console.print(f"[bold green]Dajian[/] on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    console.print(f"Database: {settings.database_url}")
    if password:
        console.print(f"Log in as [bold]{username}[/] with password [bold]{password}[/]")
    else:
        console.print(f"Log in as [bold]{username}[/] (password changed since first start)")
    background = Worker(engine, worker_id="embedded", settings=settings) if worker else None
    if background is not None:
        background.run_in_thread()
    mail = _inbound_mail(engine)
    try:
        # proxy headers are the app's business (DAJIAN_TRUSTED_PROXIES), not uvicorn's loopback default
        uvicorn.run(create_app(settings, engine=engine), host=host, port=port, log_level="info",
                    proxy_headers=False)
    finally:
        if background is not None:
            background.stop()
        if mail is not None:
            mail.stop()


def _inbound_mail(engine: Engine) -> Any:
    """With DAJIAN_INBOUND_SMTP_PORT set, receive mail for the inbound-email channels of an organisation."""
    port = os.environ.get("DAJIAN_INBOUND_SMTP_PORT")
    if not port:
        return None
    from dajian.platform.rules.inbound_mail import start_receiver

    host = os.environ.get("DAJIAN_INBOUND_SMTP_HOST", "127.0.0.1")
    org = os.environ.get("DAJIAN_INBOUND_SMTP_ORG", DEFAULT_ORG)
    console.print(f"receiving mail for organisation {org} on {host}:{port}")
    return start_receiver(engine, org, host=host, port=int(port))


@cli.command("worker")
def run_worker(
    batch: int = 100,
    poll_interval: Annotated[float, typer.Option(help="Seconds to sleep when no job is due")] = 1.0,
) -> None:
    """Run background jobs (timers, SLA checks, notifications, webhooks) until interrupted.

    Any number of workers may run against one PostgreSQL database: jobs are
    claimed with FOR UPDATE SKIP LOCKED, so none runs twice.
    """
    import signal
    import socket
    import threading

    from dajian.platform.jobs import Worker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with _database() as engine:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        console.print(f"worker {worker_id} started")
        with suppress(KeyboardInterrupt):
            Worker(engine, worker_id=worker_id, batch=batch, poll_interval=poll_interval,
                   settings=get_settings()).run_forever(stop)
    console.print("worker stopped")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply the platform's Alembic migrations."""
    with _database():
        console.print("database is up to date")


@cli.command("org-create")
def org_create(key: str, name: str) -> None:
    """Create an organisation (tenant)."""
    with _database() as engine, engine.begin() as conn:
        org_id = create_organisation(conn, key=key, name=name)
    console.print(f"organisation {key} created (id {org_id})")


@user_cli.command("create")
def user_create(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    org: str = DEFAULT_ORG,
    admin: bool = False,
    email: str | None = None,
) -> None:
    """Create a user, or reset the password of an existing one."""
    from sqlalchemy import update

    with _database() as engine, engine.begin() as conn:
        org_id = _org_id(conn, org)
        existing = conn.execute(select(users.c.id).where(users.c.org_id == org_id, users.c.username == username))
        user_id = existing.scalar()
        if user_id is not None:
            conn.execute(update(users).where(users.c.id == user_id)
                         .values(password_hash=hash_password(password), is_org_admin=admin or users.c.is_org_admin))
            console.print(f"password of {username} reset")
            return
        user_id = create_user(conn, org_id=org_id, username=username, password=password, email=email,
                              is_org_admin=admin)
    console.print(f"user {username} created (id {user_id})")


def _load_definition(path: Path) -> dict[str, Any]:
    from dajian.platform.templates import is_template, load_template

    if is_template(path):  # a template package: manifest.json naming the split files
        return load_template(path)[1]
    target = path / "app.json" if path.is_dir() else path
    loaded: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return loaded


@app_cli.command("import")
def app_import(path: Path, org: str = DEFAULT_ORG, dry_run: bool = False) -> None:
    """Validate, publish and migrate an app definition (a JSON file or a template folder)."""
    try:
        with _database() as engine, engine.begin() as conn:
            result = app_service.import_definition(conn, admin_principal(conn, org), _load_definition(path),
                                                   dry_run=dry_run)
    except DajianError as exc:
        console.print(f"[red]{exc.message}[/]")
        for err in exc.errors:
            console.print(f"  {err['path'] or '/'}: {err['message']}")
        raise typer.Exit(1) from None
    console.print_json(data=result)


@app_cli.command("export")
def app_export(app: str, path: Path, org: str = DEFAULT_ORG) -> None:
    """Write the published definition of APP to PATH."""
    with _database() as engine, engine.begin() as conn:
        definition = app_service.export_definition(conn, admin_principal(conn, org), app)
    path.write_text(json.dumps(definition, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {path}")


@records_cli.command("import")
def records_import(
    app: str,
    form: str,
    path: Path,
    org: str = DEFAULT_ORG,
    map_: Annotated[list[str] | None, typer.Option("--map", help="COLUMN=field (default: by key or label)")] = None,
    mode: Annotated[str, typer.Option(help="all_or_nothing | keep_valid")] = "all_or_nothing",
) -> None:
    """Import an .xlsx file into FORM with a progress bar; rejected rows are listed."""
    from dajian.platform import excel
    from dajian.platform.records import form_context

    if mode not in ("all_or_nothing", "keep_valid"):
        raise typer.BadParameter("mode is all_or_nothing or keep_valid")
    try:
        with _database() as engine, engine.begin() as conn, Progress(console=console) as progress:
            principal = admin_principal(conn, org)
            ctx = form_context(conn, principal, app_service.load_runtime(conn, principal, app), form, "create")
            mapping = dict(m.split("=", 1) for m in map_) if map_ else excel.preview(ctx, path)["suggested_mapping"]
            task = progress.add_task(f"importing {path.name}", total=None)
            report = excel.import_xlsx(conn, ctx, path, mapping=mapping, mode=mode,  # type: ignore[arg-type]
                                       progress=lambda done, total: progress.update(task, completed=done, total=total))
    except DajianError as exc:
        console.print(f"[red]{exc.message}[/]")
        for err in exc.errors:
            console.print(f"  {err['path'] or '/'}: {err['message']}")
        raise typer.Exit(1) from None
    console.print(f"{report['created']} of {report['rows']} rows created ({mode})")
    for bad in report["rejected"][:50]:
        console.print(f"  row {bad['row']}: " + "; ".join(f"{e['column'] or e['path']}: {e['message']}"
                                                           for e in bad["errors"]))
    if report["rejected"] and mode == "all_or_nothing":
        raise typer.Exit(1)


@records_cli.command("export")
def records_export(app: str, form: str, path: Path, org: str = DEFAULT_ORG, lang: str = "zh-CN") -> None:
    """Export every record of FORM to an .xlsx file (streamed)."""
    from dajian.platform import excel
    from dajian.platform.records import form_context

    with _database() as engine, engine.begin() as conn:
        principal = admin_principal(conn, org)
        ctx = form_context(conn, principal, app_service.load_runtime(conn, principal, app), form, "export")
        count = excel.export_xlsx(conn, ctx, excel.ExportQuery(lang=lang), path)
    console.print(f"wrote {count} records to {path}")


@cli.command()
def demo(org: str = DEFAULT_ORG, records: int = 10_000) -> None:
    """Install the featured template with its seed users and RECORDS demo records (progress shown)."""
    with _database() as engine:
        ensure_admin(engine, get_settings().files_dir)
        _install_demo(engine, org, records=records, skip_if_present=False)


def _demo_template() -> Path:
    from dajian.platform.templates import demo_template

    found = demo_template(TEMPLATES_DIR)
    if found is None:
        raise typer.BadParameter(f"no template in {TEMPLATES_DIR} has a demo spec")
    return found


def _install_demo(engine: Engine, org: str, *, records: int, skip_if_present: bool) -> None:
    from dajian.platform.demo import install_demo

    with engine.begin() as conn:
        principal = admin_principal(conn, org)
    password_file = get_settings().files_dir / "demo_users_password.txt"
    password = password_file.read_text().strip() if password_file.exists() else secrets.token_urlsafe(12)
    with Progress(console=console) as progress:
        bars: dict[str, Any] = {}

        def report(form: str, done: int, total: int) -> None:
            if form not in bars:
                bars[form] = progress.add_task(f"creating {total} {form} records", total=total)
            progress.update(bars[form], completed=done)

        made = install_demo(engine, principal, _demo_template(), password=password, records=records,
                            skip_if_present=skip_if_present, on_progress=report)
    if not made:
        console.print("demo app present")
        return
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password)
    password_file.chmod(0o600)
    console.print(f"demo users (agents, supervisors, handlers, managers, committee) log in with [bold]{password}[/]"
                  f" (kept in {password_file})")


def main() -> None:
    cli()


if __name__ == "__main__":  # python -m dajian.platform.cli ... (subprocesses of tests and benchmarks)
    main()
