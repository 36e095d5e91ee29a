"""Template packages (no database): pack, sign, verify; hostile packages refused with the file named."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dajian.platform.errors import Invalid, PayloadTooLarge
from dajian.platform.market.package import (
    MANIFEST,
    SIGNATURE,
    load_package,
    new_key,
    pack_folder,
    read_package,
    sign_package,
    verify_signature,
)
from dajian.platform.market.semver import breaking_changes, required_bump, semver_issues

ROOT = Path(__file__).resolve().parents[2] / "app_templates"
COMPLAINT = ROOT / "complaint_management"


@pytest.fixture(scope="module")
def packed() -> bytes:
    return pack_folder(COMPLAINT)


def rewrite(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The package with each file passed through ``change`` (``None`` drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = change(info.filename, src.read(info))
            if new is not None:
                dst.writestr(info.filename, new)
    return out.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(Invalid) as caught:
        load_package(read_package(data))
    return " | ".join(e["message"] for e in caught.value.errors)


def test_pack_reads_back_with_hashes_and_the_market_fields(packed: bytes) -> None:
    package = read_package(packed)
    assert package.key == "complaint_management" and package.version == "1.0.0"
    assert set(package.manifest["hashes"]) == set(package.files) and "forms/complaint.json" in package.files
    loaded = load_package(package)
    assert {f["key"] for f in loaded.doc["forms"]} >= {"complaint", "customer"}
    assert loaded.seed.users  # seed data travels in the package
    assert "hashes" not in package.info() and package.info()["licence"] == "Apache-2.0"


def test_signed_by_a_trusted_key_untrusted_unsigned_and_bad(packed: bytes) -> None:
    pem, public = new_key()
    _, other = new_key()
    signed = sign_package(packed, pem)
    package = read_package(signed)
    assert verify_signature(package, [public]).status == "trusted"
    assert verify_signature(package, [other]).status == "untrusted"
    assert verify_signature(read_package(packed), [public]).status == "unsigned"
    forged = rewrite(signed, lambda name, data: data.replace(b'"1.0.0"', b'"1.0.1"') if name == MANIFEST else data)
    assert verify_signature(read_package(forged), [public]).status == "bad"  # manifest changed after signing
    resigned_by_other = sign_package(signed, new_key()[0])
    assert verify_signature(read_package(resigned_by_other), [public]).status == "untrusted"


def test_a_file_changed_after_signing_is_refused_naming_it(packed: bytes) -> None:
    signed = sign_package(packed, new_key()[0])

    def change(name: str, data: bytes) -> bytes:
        return data.replace("投诉".encode(), "抱怨".encode()) if name == "forms/complaint.json" else data

    with pytest.raises(Invalid) as caught:
        read_package(rewrite(signed, change))
    assert caught.value.errors[0]["path"] == "/hashes/forms/complaint.json"
    assert "forms/complaint.json was changed after the package was made" in caught.value.message
    with pytest.raises(Invalid, match=r"extra.json is not listed"):
        read_package(_add(signed, "extra.json", b"{}"))
    with pytest.raises(Invalid, match=r"roles.json is listed in the manifest.s hashes but missing"):
        read_package(rewrite(signed, lambda name, data: None if name == "roles.json" else data))


def _add(data: bytes, name: str, content: bytes, *, attr: int | None = None) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        info = zipfile.ZipInfo(name)
        if attr is not None:
            info.external_attr = attr
        archive.writestr(info, content)
    return out.getvalue()


def test_hostile_archives_are_refused(packed: bytes) -> None:
    with pytest.raises(Invalid, match=r"absolute or Windows-style|may not start with"):
        read_package(_add(packed, "../evil.json", b"{}"))
    with pytest.raises(Invalid, match=r"symbolic links"):
        read_package(_add(packed, "link.json", b"/etc/passwd", attr=(stat.S_IFLNK | 0o777) << 16))
    with pytest.raises(Invalid, match=r"only .json, .csv"):
        read_package(_add(packed, "run.py", b"import os"))
    with pytest.raises(Invalid, match=r"not valid JSON"):
        read_package(_add(packed, "broken.json", b"{nope"))
    with pytest.raises(Invalid, match=r"not the image its name says"):
        read_package(_add(packed, "shot.png", b"MZ\x90\x00 not a png"))
    with pytest.raises(Invalid, match=r"not a .zip"):
        read_package(b"PK\x03\x04 but not really a zip")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", b" " * (12 << 20))
    with pytest.raises((Invalid, PayloadTooLarge), match=r"zip bomb|expands to more"):
        read_package(bomb.getvalue())
    with pytest.raises(PayloadTooLarge):
        read_package(b"x" * (9 << 20))


def test_a_schema_error_names_the_file_and_its_json_path(packed: bytes) -> None:
    def bad_kind(name: str, data: bytes) -> bytes:
        if name != "forms/customer.json":
            return data
        form = json.loads(data)
        form["fields"][1]["kind"] = "telepathy"
        return json.dumps(form, ensure_ascii=False).encode()

    with pytest.raises(Invalid) as caught:
        load_package(read_package(_restamp(rewrite(packed, bad_kind))))
    [error] = [e for e in caught.value.errors if e["file"] == "forms/customer.json"]
    assert error["file_path"] == "/fields/1/kind" and "telepathy" in error["message"]


def _restamp(data: bytes) -> bytes:
    """A package whose hashes are recomputed, as a careless (or hostile) publisher would make it."""
    from dajian.platform.market.package import build

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if n not in (MANIFEST, SIGNATURE)}
        manifest = json.loads(archive.read(MANIFEST))
    return build(manifest, files)


def test_semver_rules() -> None:
    old = {"forms": [{"key": "a", "fields": [{"key": "x", "kind": "text"}, {"key": "y", "kind": "decimal"}]}]}
    added = {"forms": [{"key": "a", "fields": [{"key": "x", "kind": "text"}, {"key": "y", "kind": "decimal"},
                                               {"key": "z", "kind": "text"}]}]}
    retyped = {"forms": [{"key": "a", "fields": [{"key": "x", "kind": "text"}, {"key": "y", "kind": "text"}]}]}
    renamed = {"forms": [{"key": "a", "fields": [{"key": "x", "kind": "text"},
                                                 {"key": "amount", "kind": "decimal", "renamed_from": "y"}]}]}
    assert required_bump(old, added) == "minor" and required_bump(old, renamed) == "minor"
    assert breaking_changes(old, retyped) == [{"path": "a.y", "message": "retyped from decimal to text"}]
    assert semver_issues(old_version="1.0.0", new_version="1.1.0", old=old, new=added) == []
    [issue] = semver_issues(old_version="1.0.0", new_version="1.1.0", old=old, new=retyped)
    assert "needs a major" in issue["message"] and "a.y retyped" in issue["message"]
    assert semver_issues(old_version="1.0.0", new_version="2.0.0", old=old, new=retyped) == []
    assert "not greater" in semver_issues(old_version="1.0.0", new_version="1.0.0", old=old, new=old)[0]["message"]
