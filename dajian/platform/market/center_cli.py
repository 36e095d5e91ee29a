"""``dajian template publish x.dajian --to URL --token T`` (a partner's machine, over HTTP) and
``dajian market reviewer USERNAME --org ORG`` (the center's server: make a user a reviewer)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from sqlalchemy import select

from dajian.platform.config import get_settings
from dajian.platform.db import make_engine
from dajian.platform.market.center import add_reviewer
from dajian.platform.market.cli import template_cli
from dajian.platform.models import organisations, users

market_cli = typer.Typer(help="The template center on this server")
console = Console()
UPLOAD = "/api/v1/market/publisher/versions"


def publish_package(client: httpx.Client, data: bytes, *, submit: bool) -> dict[str, Any]:
    """Upload a signed package as a draft version and, with ``submit``, send it to review; the version."""
    made = client.post(UPLOAD, content=data, headers={"Content-Type": "application/zip"})
    if made.status_code != 201:
        raise RuntimeError(f"{made.status_code}: {made.text}")
    version: dict[str, Any] = made.json()
    if submit:
        moved = client.post(f"/api/v1/market/versions/{version['id']}/act", json={"action": "submit"})
        if moved.status_code != 200:
            raise RuntimeError(f"{moved.status_code}: {moved.text}")
        version = moved.json()
    return version


@template_cli.command("publish")
def publish(package: Path,
            to: Annotated[str, typer.Option("--to", help="the template center's base URL")],
            token: Annotated[str | None, typer.Option("--token", help="an API token (or DAJIAN_TOKEN)")] = None,
            submit: Annotated[bool, typer.Option("--submit/--draft", help="send it to review")] = True) -> None:
    """Upload a signed .dajian package to a template center as your new version."""
    secret = token or os.environ.get("DAJIAN_TOKEN")
    if not secret:
        console.print("[red]give --token or set DAJIAN_TOKEN[/]")
        raise typer.Exit(2)
    with httpx.Client(base_url=to.rstrip("/"), headers={"Authorization": f"Bearer {secret}"}, timeout=60) as client:
        try:
            version = publish_package(client, package.read_bytes(), submit=submit)
        except (RuntimeError, httpx.HTTPError) as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
    console.print(f"{version['template']} {version['version']}: {version['state']}")


@market_cli.command("reviewer")
def reviewer(username: str, org: Annotated[str, typer.Option("--org", help="the user's organisation key")]) -> None:
    """Let a user review template versions submitted to this server's center."""
    with make_engine(get_settings().database_url).begin() as conn:
        query = (select(users.c.id).join(organisations, organisations.c.id == users.c.org_id)
                 .where(organisations.c.key == org, users.c.username == username))  # fmt: skip
        user_id = conn.execute(query).scalar()
        if user_id is None:
            console.print(f"[red]no user {username} in {org}[/]")
            raise typer.Exit(1)
        add_reviewer(conn, int(user_id))
    console.print(f"{username} reviews templates")
