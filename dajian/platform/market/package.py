"""Template packages (``.dajian``): a template folder as one signed zip, read as hostile input.

A package holds, at its top level, ``manifest.json`` (the template manifest of ``templates.py`` plus the
market fields below and ``hashes``: the sha256 of every other file), the files the manifest names (app
JSON parts, seed and demo data, screenshots) and, once signed, ``signature.json``::

    {"algorithm": "ed25519", "public_key": "ed25519:3q2+7w…", "key_id": "5f1c…", "signature": "…"}

The signature covers the canonical manifest (sorted keys, no spaces, UTF-8), hence every file's hash:
changing any file after signing breaks the hash, changing a hash breaks the signature.

Market fields of the manifest (all optional but ``key``): ``name`` (the title) and ``description`` per
locale, ``author``, ``publisher``, ``licence``, ``category``, ``tags``, ``screenshots`` (paths of images in
the package), ``changelog`` (``[{"version": "1.1.0", "notes": {"zh-CN": …, "en": …}}]``).

The API (stable; ``market-center`` builds on it):

- ``pack_folder(folder) -> bytes``, ``read_package(data) -> Package`` (integrity checked),
  ``load_package(package) -> LoadedPackage`` (definition assembled and validated, errors per file),
- ``new_key() -> (private_pem, public_key)``, ``sign_package(data, private_pem) -> bytes``,
  ``verify_signature(package, trusted) -> Verdict``,
- ``semver.semver_issues`` in the sibling module.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dajian.platform.definition import validate_definition
from dajian.platform.errors import Invalid, PayloadTooLarge
from dajian.platform.template_archive import MAX_ARCHIVE, SUFFIXES, MiB, entries
from dajian.platform.templates import MANIFEST, SECTIONS, Issue, Seed, load_template, manifest_issues

SUFFIX = ".dajian"
MIME = "application/vnd.dajian.template+zip"
SIGNATURE = "signature.json"
IMAGES = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".webp": b"RIFF"}
PACKAGE_SUFFIXES = (*SUFFIXES, *IMAGES)
KEY_PREFIX = "ed25519:"
DOMAIN = b"dajian-template-package-v1\n"  # signatures made for packages are no use for anything else
Status = Literal["trusted", "untrusted", "unsigned", "bad"]
TEXT_FIELDS = ("author", "publisher", "licence", "category")


def _invalid(message: str, path: str = "/file") -> Invalid:
    return Invalid(message, errors=[{"path": path, "message": message}])


@dataclass(frozen=True)
class Package:
    """A package's manifest (with ``hashes``), its files by path (not the manifest or the signature),
    and its signature block if signed. Made by ``read_package``: the hashes match the files."""

    manifest: dict[str, Any]
    files: dict[str, bytes]
    signature: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return str(self.manifest["key"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    def info(self) -> dict[str, Any]:
        """The manifest without its hashes and file list: what a listing or a preview shows."""
        return {k: v for k, v in self.manifest.items() if k not in ("hashes", "files")}


@dataclass(frozen=True)
class LoadedPackage:
    package: Package
    doc: dict[str, Any]
    seed: Seed


@dataclass(frozen=True)
class Verdict:
    """``trusted``: signed by one of the trusted keys; ``untrusted``: a valid signature by another key;
    ``unsigned``; ``bad``: a signature that does not verify."""

    status: Status
    key_id: str | None
    message: str

    @property
    def trusted(self) -> bool:
        return self.status == "trusted"


# -- hashes and the canonical manifest ------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(manifest: dict[str, Any]) -> bytes:
    """``{"b": 1, "a": "é"}`` → ``b'{"a":"\\xc3\\xa9","b":1}'``: what the signature covers."""
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def check_integrity(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    """Every file listed in ``hashes`` with its sha256, and nothing else; else 422 naming the file."""
    hashes = manifest.get("hashes")
    if not isinstance(hashes, dict) or not all(isinstance(v, str) for v in hashes.values()):
        raise _invalid("the manifest has no hashes: build the package with `dajian template pack`", "/hashes")
    for name, data in sorted(files.items()):
        if name not in hashes:
            raise _invalid(f"{name} is not listed in the manifest's hashes (added after packing?)", f"/hashes/{name}")
        if sha256(data) != hashes[name]:
            raise _invalid(f"{name} was changed after the package was made (its sha256 differs)", f"/hashes/{name}")
    missing = sorted(set(hashes) - set(files))
    if missing:
        raise _invalid(f"{missing[0]} is listed in the manifest's hashes but missing", f"/hashes/{missing[0]}")


# -- writing --------------------------------------------------------------------------------------


def _zip(manifest: dict[str, Any], files: dict[str, bytes], signature: dict[str, Any] | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for name in sorted(files):
            archive.writestr(name, files[name])
        if signature is not None:
            archive.writestr(SIGNATURE, json.dumps(signature, indent=2) + "\n")
    return out.getvalue()


def build(manifest: dict[str, Any], files: dict[str, bytes]) -> bytes:
    """An unsigned package of ``files`` with ``manifest`` (its ``hashes`` are computed here)."""
    stamped = {**{k: v for k, v in manifest.items() if k != "hashes"},
               "hashes": {name: sha256(data) for name, data in sorted(files.items())}}
    return _zip(stamped, files, None)


def pack_folder(folder: Path | str) -> bytes:
    """A template folder (``manifest.json`` and its parts) as an unsigned package; checked as it would be
    read, so a folder that packs is a package that installs."""
    root = Path(folder).resolve()
    load_template(root)  # the folder itself must be a valid template
    files: dict[str, bytes] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name in (MANIFEST, SIGNATURE) or path.name == ".DS_Store" or path.suffix.lower() not in PACKAGE_SUFFIXES:
            continue
        files[name] = path.read_bytes()
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    data = build(manifest, files)
    load_package(read_package(data))
    return data


# -- reading --------------------------------------------------------------------------------------


def _market_issues(manifest: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    if not isinstance(manifest.get("key"), str):
        issues.append({"path": "/key", "message": "required: the template's key (its app key)"})
    for name in TEXT_FIELDS:
        if name in manifest and not isinstance(manifest[name], str):
            issues.append({"path": f"/{name}", "message": "expected text"})
    for name in ("tags", "screenshots"):
        value = manifest.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            issues.append({"path": f"/{name}", "message": "expected a list of strings"})
    changelog = manifest.get("changelog", [])
    if not isinstance(changelog, list) or not all(isinstance(c, dict) and isinstance(c.get("version"), str)
                                                  for c in changelog):
        issues.append({"path": "/changelog", "message": 'expected [{"version": "1.0.0", "notes": {...}}]'})
    return issues


def _image_check(name: str, data: bytes) -> None:
    magic = IMAGES.get(Path(name).suffix.lower())
    if magic is not None and not data.startswith(magic):
        raise _invalid(f"{name} is not the image its name says")


def read_package(data: bytes) -> Package:
    """Check and read a package: the archive's limits (``template_archive``), files at its top level, a
    valid manifest, every file's hash. Raises ``Invalid`` (422) or ``PayloadTooLarge`` (413)."""
    if len(data) > MAX_ARCHIVE:
        message = f"a package is at most {MAX_ARCHIVE // MiB} MiB"
        raise PayloadTooLarge(message, errors=[{"path": "/file", "message": message}])
    files: dict[str, bytes] = {}
    for path, content in entries(io.BytesIO(data), suffixes=PACKAGE_SUFFIXES):
        name = path.as_posix()
        if name in files:
            raise _invalid(f"{name}: the archive holds this file twice")
        _image_check(name, content)
        files[name] = content
    if MANIFEST not in files:
        raise _invalid(f"no {MANIFEST} at the top of the package (build it with `dajian template pack`)")
    manifest = json.loads(files.pop(MANIFEST).decode("utf-8-sig"))
    issues = manifest_issues(manifest) or _market_issues(manifest)
    if issues:
        raise Invalid("the package manifest is invalid", errors=issues)
    raw = files.pop(SIGNATURE, None)
    signature = json.loads(raw.decode("utf-8-sig")) if raw is not None else None
    check_integrity(manifest, files)
    block = signature if signature is None or isinstance(signature, dict) else {"malformed": signature}
    return Package(manifest=manifest, files=files, signature=block)


def _part_index(manifest: dict[str, Any], files: dict[str, bytes]) -> dict[str, list[tuple[str, str]]]:
    """Where each element of a section came from: ``{"forms": [("forms/a.json", ""), ("roles.json", "/1")]}``
    (the file and the JSON path of the element inside it), in the order ``templates.assemble`` appends."""
    listed = manifest["files"]
    base = json.loads(files[listed["app"]]) if listed["app"] in files else {}
    index: dict[str, list[tuple[str, str]]] = {}
    for section in SECTIONS:
        own = base.get(section) if isinstance(base, dict) else None
        places = [(listed["app"], f"/{section}/{i}") for i in range(len(own))] if isinstance(own, list) else []
        names = listed.get(section) or []
        for name in [names] if isinstance(names, str) else names:
            loaded = json.loads(files.get(name, b"{}"))
            places += [(name, f"/{i}") for i in range(len(loaded))] if isinstance(loaded, list) else [(name, "")]
        index[section] = places
    return index


def locate(issues: list[Issue], manifest: dict[str, Any], files: dict[str, bytes]) -> list[Issue]:
    """Definition issues (``/forms/4/fields/2/kind``) with the file and the path inside it
    (``forms/ticket.json`` ``/fields/2/kind``)."""
    index = _part_index(manifest, files)
    located = []
    for issue in issues:
        parts = issue["path"].split("/")
        places = index.get(parts[1], []) if len(parts) > 2 else []
        if len(parts) > 2 and parts[2].isdigit() and int(parts[2]) < len(places):
            name, inner = places[int(parts[2])]
            rest = inner + "".join(f"/{p}" for p in parts[3:])
        else:
            name, rest = manifest["files"]["app"], issue["path"]
        located.append({**issue, "file": name, "file_path": rest or "/",
                        "message": f"{name} {rest or '/'}: {issue['message']}"})
    return located


def load_package(package: Package) -> LoadedPackage:
    """The package's app document (assembled and upgraded by ``templates.load_template``) and seed, the
    document validated against the definition schema with every error's file and path."""
    with tempfile.TemporaryDirectory(prefix="dajian-package-") as folder:
        root = Path(folder)
        (root / MANIFEST).write_text(json.dumps(package.manifest, ensure_ascii=False), encoding="utf-8")
        for name, data in package.files.items():
            target = root.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _, doc, seed = load_template(root)
    issues = validate_definition(doc)
    if issues:
        raise Invalid("the package's app definition is invalid",
                      errors=locate(issues, package.manifest, package.files))
    return LoadedPackage(package=package, doc=doc, seed=seed)


# -- keys and signatures --------------------------------------------------------------------------


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """``"ed25519:<base64 of 32 bytes>"`` → the key; ``ValueError`` otherwise."""
    if not text.startswith(KEY_PREFIX):
        raise ValueError(f"a public key looks like '{KEY_PREFIX}<base64>'")
    try:
        raw = base64.b64decode(text[len(KEY_PREFIX):].strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ValueError("not an Ed25519 public key (32 bytes in base64)") from None


def key_id(public_key: str) -> str:
    """A short fingerprint shown beside a key: the first 16 hex digits of the sha256 of its text."""
    return sha256(public_key.strip().encode("ascii"))[:16]


def new_key() -> tuple[bytes, str]:
    """``(private key as unencrypted PKCS#8 PEM, public key text)``; keep the first in a 0600 file."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return pem, public_key_text(key.public_key())


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def sign_package(data: bytes, private_pem: bytes) -> bytes:
    """The package re-written with ``signature.json`` over its canonical manifest (a previous one replaced)."""
    package = read_package(data)
    key = load_private_key(private_pem)
    public = public_key_text(key.public_key())
    signature = {"algorithm": "ed25519", "public_key": public, "key_id": key_id(public),
                 "signature": base64.b64encode(key.sign(DOMAIN + canonical(package.manifest))).decode("ascii")}
    return _zip(package.manifest, package.files, signature)


def verify_signature(package: Package, trusted: Iterable[str]) -> Verdict:
    """Check the signature of a package ``read_package`` made (whose hashes therefore match its files)
    against the public keys in ``trusted`` (``"ed25519:…"`` texts)."""
    block = package.signature
    if block is None:
        return Verdict("unsigned", None, "the package is not signed")
    public, signature = block.get("public_key"), block.get("signature")
    if block.get("algorithm") != "ed25519" or not isinstance(public, str) or not isinstance(signature, str):
        return Verdict("bad", None, "the signature block is malformed")
    try:
        parse_public_key(public).verify(base64.b64decode(signature, validate=True),
                                        DOMAIN + canonical(package.manifest))
    except (ValueError, InvalidSignature):
        return Verdict("bad", key_id(public), "the signature does not match the manifest (tampered or re-signed?)")
    fingerprint = key_id(public)
    if public.strip() not in {t.strip() for t in trusted}:
        return Verdict("untrusted", fingerprint, f"signed by key {fingerprint}, which is not a trusted publisher's")
    return Verdict("trusted", fingerprint, f"signed by trusted key {fingerprint}")
