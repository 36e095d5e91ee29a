"""``dajian keys new`` and ``dajian template pack|sign|verify`` on a publisher's machine (no database)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from dajian.platform.cli import cli

TEMPLATE = Path(__file__).resolve().parents[2] / "app_templates" / "complaint_management"


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_keys_pack_sign_verify(tmp_path: Path) -> None:
    key, package = tmp_path / "acme.key", tmp_path / "complaint.dajian"
    shown = run("keys", "new", "-o", str(key))
    assert key.stat().st_mode & 0o777 == 0o600
    public = (tmp_path / "acme.key.pub").read_text().strip()
    assert public.startswith("ed25519:") and public in shown
    run("keys", "new", "-o", str(key), code=1)  # never overwrites a key

    assert "wrote" in run("template", "pack", str(TEMPLATE), "-o", str(package))
    assert "the package is not signed" in run("template", "verify", str(package), code=1)
    run("template", "sign", str(package), "--key", str(key))
    assert "signed by trusted key" in run("template", "verify", str(package), "--trust", str(key) + ".pub")
    run("keys", "new", "-o", str(tmp_path / "other.key"))
    assert "not a trusted publisher" in run("template", "verify", str(package), "--trust",
                                            str(tmp_path / "other.key.pub"), code=1)

    out = io.BytesIO()
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b"P1", b"P9") if info.filename == "forms/complaint.json" else data)
    tampered = tmp_path / "tampered.dajian"
    tampered.write_bytes(out.getvalue())
    assert "forms/complaint.json was changed after the package was made" in run("template", "verify",
                                                                                str(tampered), code=1)
