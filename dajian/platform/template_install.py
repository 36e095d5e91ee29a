"""Installing and upgrading an app from an uploaded template (a .zip of its folder) or a bare app document
(a JSON file, as ``GET /apps/A/export`` writes it), with the migration plan shown first.

The dry run runs the whole import in a savepoint that is rolled back, so it creates no app and leaves
the installed app's draft alone. Applying names the version the plan was made against
(``expected_version``, 0 for "not installed"): if someone published meanwhile, the plan shown is no
longer the plan that would run, and the import is refused with 409. The version note records which
template and version made it (``template complaint_management 1.2.0``), which the export reads back.
Seed data and demo specs are not loaded here (``dajian demo`` does that for the featured template).
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dajian.platform import apps as app_service
from dajian.platform.errors import Conflict, Invalid
from dajian.platform.models import app_versions, apps
from dajian.platform.principal import Principal
from dajian.platform.template_archive import pack, unpack
from dajian.platform.templates import load_template, parse_version

ZIP_MAGIC = b"PK\x03\x04"
NOTE = re.compile(r"^template (?P<key>[a-z][a-z0-9_]{0,62}) (?P<version>\S+)$")


def read_upload(data: bytes) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """``(app document, manifest or None)`` of an uploaded .zip template or JSON app document."""
    if data.startswith(ZIP_MAGIC):
        with tempfile.TemporaryDirectory(prefix="dajian-template-") as folder:
            manifest, doc, _ = load_template(unpack(io.BytesIO(data), Path(folder)))
        return doc, manifest
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Invalid("expected a template folder as a .zip, or an app definition as JSON",
                      errors=[{"path": "/file", "message": "neither a .zip archive nor JSON"}]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("key"), str):
        raise Invalid("the JSON is not an app definition", errors=[{"path": "/file", "message": "no app key"}])
    return doc, None


def installed(conn: Connection, org_id: int, key: str) -> tuple[int | None, str | None]:
    """The app's current version number and the template version that made it, if any."""
    query = (select(app_versions.c.number, app_versions.c.note)
             .join(apps, apps.c.current_version_id == app_versions.c.id)
             .where(apps.c.org_id == org_id, apps.c.key == key))  # fmt: skip
    row = conn.execute(query).first()
    if row is None:
        return None, None
    match = NOTE.match(row.note or "")
    return int(row.number), match["version"] if match and match["key"] == key else None


def _template_info(manifest: dict[str, Any]) -> dict[str, Any]:
    return {"key": manifest.get("key"), "name": manifest["name"], "version": manifest["version"],
            "description": manifest.get("description"), "author": manifest.get("author")}


def import_upload(conn: Connection, principal: Principal, data: bytes, *, dry_run: bool,
                  expected_version: int | None = None) -> dict[str, Any]:
    doc, manifest = read_upload(data)
    key = str(doc["key"])
    number, template_version = installed(conn, principal.org_id, key)
    if expected_version is not None and expected_version != (number or 0):
        raise Conflict(f"app '{key}' is at version {number or 0} now, not {expected_version}: review the new plan",
                       errors=[{"path": "/expected_version", "message": f"the installed version is {number or 0}"}])
    note = f"template {key} {manifest['version']}" if manifest else None
    if dry_run:
        with conn.begin_nested() as savepoint:
            result = app_service.import_definition(conn, principal, doc, dry_run=True)
            savepoint.rollback()
    else:
        result = app_service.import_definition(conn, principal, doc, note=note)
    return {"app": key, "template": _template_info(manifest) if manifest else None, "installed_version": number,
            "installed_template": template_version, "result": result}


def export_zip(conn: Connection, principal: Principal, key: str, *, version: str | None = None) -> bytes:
    """The published app as a template package; its version is ``version``, else the template version
    that installed it, else ``1.0.<app version>``."""
    doc = app_service.export_definition(conn, principal, key)
    number, template_version = installed(conn, principal.org_id, key)
    if version is not None:
        try:
            parse_version(version)
        except ValueError as exc:
            raise Invalid("not a semantic version", errors=[{"path": "/version", "message": str(exc)}]) from None
    return pack(doc, version=version or template_version or f"1.0.{number or 0}")
