"""A template folder as a .zip: unpacked from hostile input, packed from an installed app.

``unpack`` checks the archive before anything of it is believed, as ``xlsx_guard`` does for workbooks:
at most ``MAX_ENTRIES`` entries and ``MAX_TOTAL`` bytes once expanded (counted on the bytes really
read, not the sizes the archive declares), no part over ``MAX_ENTRY``, none compressed more than
``MAX_RATIO`` : 1 past 1 MiB, no encrypted entries or symbolic links, no name that is absolute, climbs
out (``..``), uses a backslash or a drive, or has characters outside ``SAFE_PART``, and only JSON and
CSV files (a template is data, never code). Every JSON file must parse. The files are then written
into a fresh folder, whose template ``templates.load_template`` reads as it reads one on disk. The
manifest sits at the top of the archive or in its one top-level folder (what zipping a folder gives).
"""

from __future__ import annotations

import io
import json
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

import dajian
from dajian.platform.errors import Invalid, PayloadTooLarge
from dajian.platform.templates import MANIFEST, SECTIONS

MiB = 1 << 20
MAX_ARCHIVE = 8 * MiB  # the upload itself
MAX_ENTRIES = 500
MAX_TOTAL = 32 * MiB
MAX_ENTRY = 16 * MiB
MAX_RATIO = 100
RATIO_FROM = 1 * MiB
MAX_DEPTH = 8
SUFFIXES = (".json", ".csv")
SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
CHUNK = 1 << 16
ZIP_MIME = "application/zip"


def _invalid(message: str, entry: str | None = None) -> Invalid:
    return Invalid(message, errors=[{"path": "/file", "message": f"{entry}: {message}" if entry else message}])


def _too_large(message: str) -> PayloadTooLarge:
    return PayloadTooLarge(message, errors=[{"path": "/file", "message": message}])


def _skipped(name: str) -> bool:
    """What archivers add beside the files (macOS resource forks and Finder state)."""
    return name.startswith("__MACOSX/") or PurePosixPath(name).name == ".DS_Store"


def _checked_name(info: zipfile.ZipInfo, suffixes: tuple[str, ...] = SUFFIXES) -> PurePosixPath:
    name = info.filename
    if "\\" in name or ":" in name or name.startswith("/"):
        raise _invalid("an absolute or Windows-style path", name)
    path = PurePosixPath(name)
    if len(path.parts) > MAX_DEPTH or not all(SAFE_PART.fullmatch(part) for part in path.parts):
        raise _invalid("names may hold letters, digits, '_', '-' and '.', and may not start with '.'", name)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _invalid("symbolic links are refused", name)
    if info.flag_bits & 0x1:
        raise _invalid("encrypted entries are refused", name)
    if not info.is_dir() and path.suffix.lower() not in suffixes:
        raise _invalid(f"a template holds only {', '.join(suffixes)} files", name)
    return path


def _content(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> bytes:
    """The entry's bytes, counted as they are decompressed: a lying header does not get past."""
    out = io.BytesIO()
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            out.write(chunk)
            size = out.tell()
            if total + size > MAX_TOTAL:
                raise _too_large(f"the archive expands to more than {MAX_TOTAL // MiB} MiB")
            if size > MAX_ENTRY:
                raise _too_large(f"{info.filename} expands to more than {MAX_ENTRY // MiB} MiB")
            if size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
                raise _invalid(f"compressed more than {MAX_RATIO}:1 (a zip bomb?)", info.filename)
    return out.getvalue()


def _check_json(name: str, data: bytes) -> None:
    try:
        json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _invalid("not UTF-8 text", name) from None
    except json.JSONDecodeError as exc:
        raise _invalid(f"not valid JSON ({exc.lineno}:{exc.colno}: {exc.msg})", name) from None
    except RecursionError:
        raise _invalid("JSON nested too deeply", name) from None


def entries(source: IO[bytes], *, suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[tuple[PurePosixPath, bytes]]:
    """Every file of a hostile archive with its checked path, JSON files parsed once to prove they are JSON;
    ``suffixes`` are the kinds of file allowed (``market.package`` adds screenshots)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _invalid("not a .zip archive") from None
    with archive:
        infos = [i for i in archive.infolist() if not _skipped(i.filename)]
        if len(infos) > MAX_ENTRIES:
            raise _invalid(f"the archive has more than {MAX_ENTRIES} entries")
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise _too_large(f"the archive expands to more than {MAX_TOTAL // MiB} MiB")
        total = 0
        for info in infos:
            path = _checked_name(info, suffixes)
            if info.is_dir():
                continue
            try:
                data = _content(archive, info, total)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                raise _invalid(f"damaged ({type(exc).__name__})", info.filename) from None
            total += len(data)
            if path.suffix.lower() == ".json":
                _check_json(info.filename, data)
            yield path, data


def unpack(source: IO[bytes], into: Path) -> Path:
    """Check and write the archive's files under ``into`` (an empty folder); the template's root."""
    for path, data in entries(source):
        target = into.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("xb") as handle:  # "x": an archive naming one file twice is refused
                handle.write(data)
        except FileExistsError:
            raise _invalid("the archive holds this file twice", str(path)) from None
    if (into / MANIFEST).is_file():
        return into
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) == 1 and (folders[0] / MANIFEST).is_file():
        return folders[0]
    raise _invalid(f"no {MANIFEST} at the top of the archive or in its one folder")


# -- packing ------------------------------------------------------------------------------------


def pack(doc: dict[str, Any], *, version: str, author: str | None = None) -> bytes:
    """An app document as a template package: ``manifest.json``, ``app.json`` and one file per
    element of each keyed section (``forms/complaint.json``), so a diff of two exports reads well."""
    base = {k: v for k, v in doc.items() if k not in (*SECTIONS, "trees")}
    files: dict[str, Any] = {"app": "app.json"}
    parts: dict[str, Any] = {"app.json": base}
    for section in SECTIONS:
        names = []
        for i, element in enumerate(doc.get(section) or []):
            name = f"{section}/{element.get('key', i)}.json"
            if name in parts:  # a rule and a decision table may share a key
                name = f"{section}/{element.get('key', i)}_{i}.json"
            parts[name] = element
            names.append(name)
        if names:
            files[section] = names
    if doc.get("trees"):
        parts["trees.json"] = doc["trees"]
        files["trees"] = ["trees.json"]
    manifest = {"key": doc["key"], "name": doc["label"], "version": version,
                "min_platform_version": dajian.__version__, "files": files}
    if doc.get("description"):
        manifest["description"] = doc["description"]
    if author:
        manifest["author"] = author
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in {MANIFEST: manifest, **parts}.items():
            text = json.dumps(content, ensure_ascii=False, indent=2) + "\n"
            archive.writestr(f"{doc['key']}/{name}", text)
    return out.getvalue()
