"""Template packages: an app split over many JSON files plus seed data, described by a manifest.

A template folder holds ``manifest.json``::

    {"key": "visits", "name": {"zh-CN": "来访登记", "en": "Visitor log"}, "version": "1.2.0",
     "min_platform_version": "0.1.0", "description": {...}, "author": "...", "licence": "Apache-2.0",
     "files": {"app": "app.json", "trees": ["trees.json"], "forms": ["forms/visit.json"],
               "flows": ["flows/approve.json"], "roles": ["roles.json"]},
     "seed": "data/seed.json", "demo": "demo.json"}

``files.app`` is the base document (key, label, settings, …). Each file of a keyed section
(forms, flows, rules, reports, dashboards, pages, roles, prints) holds one element or a list of them,
appended in manifest order; each ``trees`` file maps tree keys to option trees. ``seed`` names
departments, users (with their roles) and record files (CSV or JSON) to load on install;
``demo`` is a spec for ``dajian.platform.demo``. Every path stays inside the template folder.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dajian
from dajian.platform.definition import upgrade_definition
from dajian.platform.errors import Invalid

MANIFEST = "manifest.json"
SECTIONS = ("forms", "flows", "rules", "reports", "dashboards", "pages", "roles", "prints")
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
Issue = dict[str, str]


@dataclass(frozen=True)
class SeedRecords:
    """Rows for one form; ``key_field`` names the column other seed rows use to refer to them."""

    form: str
    rows: list[dict[str, Any]]
    key_field: str | None = None


@dataclass(frozen=True)
class Seed:
    departments: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    records: list[SeedRecords] = field(default_factory=list)
    demo: dict[str, Any] | None = None


def is_template(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST).is_file()


def demo_template(root: Path) -> Path | None:
    """The template ``dajian demo`` installs: one whose manifest has a demo spec, ``"featured": true`` first."""
    candidates = []
    for folder in sorted(p for p in root.iterdir() if is_template(p)):
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and manifest.get("demo"):
            candidates.append((not manifest.get("featured", False), folder.name, folder))
    return min(candidates)[2] if candidates else None


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.10.2-rc1"`` → ``(1, 10, 2)``; a pre-release counts as its release here."""
    match = SEMVER.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a semantic version like 1.2.3")
    return int(match[1]), int(match[2]), int(match[3])


def manifest_issues(manifest: Any, platform_version: str = dajian.__version__) -> list[Issue]:
    if not isinstance(manifest, dict):
        return [{"path": "", "message": "the manifest must be a JSON object"}]
    issues: list[Issue] = []
    for key in ("name", "version", "min_platform_version", "files"):
        if key not in manifest:
            issues.append({"path": f"/{key}", "message": "required"})
    name = manifest.get("name")
    if name is not None and not (isinstance(name, dict) and name and all(isinstance(v, str) for v in name.values())):
        issues.append({"path": "/name", "message": 'expected labels per locale, e.g. {"zh-CN": "…", "en": "…"}'})
    for key in ("version", "min_platform_version"):
        if key in manifest:
            try:
                parse_version(str(manifest[key]))
            except ValueError as exc:
                issues.append({"path": f"/{key}", "message": str(exc)})
    if not issues and parse_version(manifest["min_platform_version"]) > parse_version(platform_version):
        issues.append({"path": "/min_platform_version",
                       "message": f"needs Dajian {manifest['min_platform_version']} or later, "
                                  f"this is {platform_version}"})
    files = manifest.get("files")
    if files is not None and not (isinstance(files, dict) and isinstance(files.get("app"), str)):
        issues.append({"path": "/files", "message": 'expected an object naming at least "app"'})
    return issues


def load_template(path: Path | str) -> tuple[dict[str, Any], dict[str, Any], Seed]:
    """Read a template folder: ``(manifest, app document, seed)``.

    Raises ``Invalid`` listing every problem of the manifest and the files it names. The app
    document is upgraded to the current schema version but not validated here;
    ``apps.import_definition`` does that when it publishes.
    """
    root = Path(path).resolve()
    manifest = _read_json(root, MANIFEST)
    issues = manifest_issues(manifest)
    if issues:
        raise Invalid(f"template manifest {root / MANIFEST} is invalid", errors=issues)
    doc = upgrade_definition(assemble(root, manifest))
    if "key" in manifest and doc.get("key") != manifest["key"]:
        raise Invalid("the template's key and its app key differ",
                      errors=[{"path": "/key", "message": f"manifest says '{manifest['key']}', "
                                                         f"the app '{doc.get('key')}'"}])
    return manifest, doc, _seed(root, manifest)


def assemble(root: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The one app document made of the files the manifest lists, in manifest order."""
    files: dict[str, Any] = manifest["files"]
    base = _read_json(root, files["app"])
    if not isinstance(base, dict):
        raise Invalid("the app file must hold a JSON object", errors=[{"path": "/files/app", "message": files["app"]}])
    doc = dict(base)
    for section in SECTIONS:
        elements = list(doc.get(section) or [])
        for i, name in enumerate(_names(files, section)):
            loaded = _read_json(root, name)
            items = loaded if isinstance(loaded, list) else [loaded]
            if not all(isinstance(item, dict) for item in items):
                raise Invalid(f"{name}: expected an object or a list of objects",
                              errors=[{"path": f"/files/{section}/{i}", "message": name}])
            elements += items
        if elements or section in doc:
            doc[section] = elements
    trees = dict(doc.get("trees") or {})
    for i, name in enumerate(_names(files, "trees")):
        loaded = _read_json(root, name)
        if not isinstance(loaded, dict):
            raise Invalid(f"{name}: expected an object of option trees by key",
                          errors=[{"path": f"/files/trees/{i}", "message": name}])
        trees.update(loaded)
    if trees:
        doc["trees"] = trees
    return doc


def _names(files: dict[str, Any], section: str) -> list[str]:
    names = files.get(section) or []
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Invalid(f"files.{section} must list file names", errors=[{"path": f"/files/{section}",
                                                                       "message": "expected a list of paths"}])
    return names


def _inside(root: Path, name: str) -> Path:
    target = (root / name).resolve()
    if not target.is_relative_to(root):
        raise Invalid(f"'{name}' is outside the template folder", errors=[{"path": "/files", "message": name}])
    if not target.is_file():
        raise Invalid(f"the template has no file '{name}'", errors=[{"path": "/files", "message": name}])
    return target


def _read_json(root: Path, name: str) -> Any:
    target = _inside(root, name)
    try:
        return json.loads(target.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise Invalid(f"{name} is not valid JSON: {exc}",
                      errors=[{"path": "/files", "message": f"{name}:{exc.lineno}:{exc.colno}: {exc.msg}"}]) from None


def read_rows(root: Path, name: str) -> list[dict[str, Any]]:
    """Rows of a CSV file (header = field keys, empty cells left out) or a JSON list of objects."""
    if name.endswith(".csv"):
        with _inside(root, name).open(encoding="utf-8-sig", newline="") as handle:
            return [{k: v for k, v in row.items() if k and v not in (None, "")} for row in csv.DictReader(handle)]
    rows = _read_json(root, name)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise Invalid(f"{name}: expected a list of objects", errors=[{"path": "/seed", "message": name}])
    return rows


def _seed(root: Path, manifest: dict[str, Any]) -> Seed:
    spec = _read_json(root, manifest["seed"]) if manifest.get("seed") else {}
    demo = _read_json(root, manifest["demo"]) if manifest.get("demo") else None
    if not isinstance(spec, dict) or (demo is not None and not isinstance(demo, dict)):
        raise Invalid("seed and demo files must hold JSON objects", errors=[{"path": "/seed", "message": "object"}])
    records = [SeedRecords(form=str(item["form"]), rows=read_rows(root, str(item["file"])),
                           key_field=item.get("key_field"))
               for item in spec.get("records", [])]
    return Seed(departments=list(spec.get("departments", [])), users=list(spec.get("users", [])),
                records=records, demo=demo)
