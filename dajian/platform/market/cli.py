"""``dajian template pack|sign|verify`` and ``dajian keys new``: template packages on a publisher's machine
(no database)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dajian.platform.errors import DajianError
from dajian.platform.market.package import (
    SUFFIX,
    load_package,
    new_key,
    pack_folder,
    read_package,
    sign_package,
    verify_signature,
)

template_cli = typer.Typer(help="Template packages (.dajian): pack, sign, verify")
keys_cli = typer.Typer(help="Ed25519 keys that sign template packages")
console = Console()


def _fail(exc: DajianError) -> typer.Exit:
    console.print(f"[red]{exc.message}[/]")
    for err in exc.errors:
        console.print(f"  {err['path'] or '/'}: {err['message']}")
    return typer.Exit(1)


@template_cli.command("pack")
def pack(folder: Path, output: Annotated[Path | None, typer.Option("-o", "--output")] = None) -> None:
    """Build an unsigned .dajian package from a template FOLDER (checked as an install would check it)."""
    try:
        data = pack_folder(folder)
    except DajianError as exc:
        raise _fail(exc) from None
    target = output or Path(f"{folder.resolve().name}{SUFFIX}")
    target.write_bytes(data)
    console.print(f"wrote {target} ({len(data)} bytes)")


@template_cli.command("sign")
def sign(package: Path, key: Annotated[Path, typer.Option("--key", "-k", help="the private key file")],
         output: Annotated[Path | None, typer.Option("-o", "--output", help="default: in place")] = None) -> None:
    """Sign PACKAGE: the signature covers its manifest and thereby every file's hash."""
    try:
        data = sign_package(package.read_bytes(), key.read_bytes())
    except DajianError as exc:
        raise _fail(exc) from None
    except ValueError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    (output or package).write_bytes(data)
    console.print(f"signed {output or package}")


@template_cli.command("verify")
def verify(package: Path,
           trust: Annotated[list[str] | None, typer.Option(help="a trusted public key (ed25519:…) or a .pub file")]
           = None) -> None:
    """Check PACKAGE (limits, hashes, definition) and its signature; exit 1 unless signed by a trusted key
    (without --trust, any valid signature will do)."""
    try:
        package_ = read_package(package.read_bytes())
        load_package(package_)
    except DajianError as exc:
        raise _fail(exc) from None
    keys = [Path(t).read_text().strip() if Path(t).is_file() else t for t in trust or []]
    signer = (package_.signature or {}).get("public_key")
    verdict = verify_signature(package_, keys if trust else [signer] if isinstance(signer, str) else [])
    console.print(f"{package_.key} {package_.version}: {len(package_.files)} files, hashes match")
    console.print(("[green]" if verdict.trusted else "[red]") + verdict.message + "[/]")
    if not verdict.trusted:
        raise typer.Exit(1)


@keys_cli.command("new")
def keys_new(output: Annotated[Path, typer.Option("-o", "--output")] = Path("publisher.key")) -> None:
    """Make an Ed25519 key pair: the private key in OUTPUT (mode 0600), the public one in OUTPUT.pub."""
    if output.exists():
        console.print(f"[red]{output} exists: not overwritten[/]")
        raise typer.Exit(1)
    pem, public = new_key()
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    output.with_name(output.name + ".pub").write_text(public + "\n")
    console.print(f"private key: {output} (keep it secret)\npublic key:  {public}")
