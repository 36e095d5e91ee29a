"""Anonymous uploads to a public form: a customer attaches photos or documents before submitting.

A public form whose channel lists an attachment or image field takes uploads without a sign-in, under
the checks of a signed-in upload (the field's accepted types and size, image content sniffed, names
cleaned) and what an open door needs besides:

- a smaller size cap, ``DAJIAN_PUBLIC_MAX_UPLOAD_BYTES`` (default 10 MiB), under the field's own limit;
- a count per client address in the database (``channels.take_upload``), as for submissions;
- at most ``PUBLIC_MAX_FILES`` files per field when the field sets no ``max_files``;
- a binding to one submission: each upload answers with a one-time ``token`` (only its hash is kept);
  the submission carries it in the file's object, and submitting claims the upload for the record it
  makes — once, within ``CLAIM_WINDOW``, for the channel and field it was uploaded to. A file nobody
  claimed is readable by nobody; a claimed one by the readers of the record holding it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Column, Connection, ForeignKey, String, Table, exists, insert, update

from dajian.engines.form.kind_files import files_config
from dajian.engines.rule.model import PublicFormDef
from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.files import FILE_KINDS, Received, UploadRules, field_rules, files, insert_file, max_upload_bytes
from dajian.platform.models import Id, metadata

PUBLIC_MAX_UPLOAD_DEFAULT = 10 * 1024 * 1024
PUBLIC_MAX_FILES = 10
CLAIM_WINDOW = timedelta(hours=24)  # an upload not submitted within a day cannot be attached any more

public_uploads = Table(
    "public_uploads",
    metadata,
    Column("file_id", Id, ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
    Column("app_id", Id, nullable=False),
    Column("channel_key", String(63), nullable=False),
    Column("field_key", String(63), nullable=False),
    Column("token_sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("record_id", Id, nullable=True),
)


def public_max_bytes() -> int:
    """``DAJIAN_PUBLIC_MAX_UPLOAD_BYTES`` (default 10 MiB), never above the signed-in limit; read per upload."""
    raw = os.environ.get("DAJIAN_PUBLIC_MAX_UPLOAD_BYTES")
    cap = int(raw) if raw and raw.isdigit() else PUBLIC_MAX_UPLOAD_DEFAULT
    return min(cap, max_upload_bytes())


@dataclass(frozen=True)
class UploadTarget:
    org_id: int
    app_id: int
    channel: str
    form: str
    field: str
    rules: UploadRules


def file_fields(runtime: RuntimeApp, channel: PublicFormDef) -> dict[str, str]:
    """The channel's file fields: key -> kind."""
    form = runtime.form(channel.form).form
    return {f.key: f.kind for f in form.fields if f.key in channel.fields and f.kind in FILE_KINDS}


def target(runtime: RuntimeApp, channel: PublicFormDef, field_key: str) -> UploadTarget:
    """Where an anonymous upload to ``field_key`` goes and the rules it meets; 404 unless the channel lists it."""
    if field_key not in file_fields(runtime, channel):
        raise NotFound(f"the public form has no file field '{field_key}'")
    fdef = runtime.form(channel.form).fields[field_key]
    signed_in = field_rules(field_key, files_config(fdef), kind=fdef.kind)
    rules = UploadRules(path=signed_in.path, label=signed_in.label, config=signed_in.config,
                        images_only=signed_in.images_only, max_bytes=min(signed_in.max_bytes, public_max_bytes()))
    return UploadTarget(org_id=runtime.org_id, app_id=runtime.app_id, channel=channel.key, form=channel.form,
                        field=field_key, rules=rules)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def record(conn: Connection, received: Received, to: UploadTarget) -> dict[str, Any]:
    """The uploaded file's row, unclaimed, and the token a submission claims it with."""
    saved = insert_file(conn, received, org_id=to.org_id, uploaded_by=None, app_id=to.app_id, form_key=to.form,
                        field_key=to.field)
    token = secrets.token_urlsafe(24)
    conn.execute(insert(public_uploads).values(
        file_id=saved["id"], app_id=to.app_id, channel_key=to.channel, field_key=to.field,
        token_sha256=_hash(token), created_at=utcnow()))
    return {**saved, "token": token}


def _refused(path: str, why: str) -> Invalid:
    return Invalid("an attached file is not an upload to this form", errors=[{"path": path, "message": why}])


def claim(conn: Connection, runtime: RuntimeApp, channel: PublicFormDef,
          values: Mapping[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The values with every file field's uploads claimed for this submission (tokens removed) and the
    claimed file ids. Each file must be an unclaimed upload of this channel's field, sent with its token."""
    out, claimed, now = dict(values), [], utcnow()
    for key in file_fields(runtime, channel):
        if values.get(key) is None:
            continue
        items = values[key] if isinstance(values[key], list) else [values[key]]
        limit = files_config(runtime.form(channel.form).fields[key]).max_files or PUBLIC_MAX_FILES
        if len(items) > limit:
            raise Invalid("too many files", errors=[{"path": f"/{key}", "message": f"at most {limit} files"}])
        kept = []
        for i, item in enumerate(items):
            file_id = _claim_one(conn, runtime, channel, key, item, path=f"/{key}/{i}", now=now)
            claimed.append(file_id)
            kept.append({k: v for k, v in item.items() if k != "token"})
        out[key] = kept
    return out, claimed


def _claim_one(conn: Connection, runtime: RuntimeApp, channel: PublicFormDef, field: str, item: Any, *,
               path: str, now: Any) -> int:
    if not isinstance(item, dict):
        raise _refused(path, "expected the file object the upload returned")
    file_id, token, sha = item.get("id"), item.get("token"), item.get("sha256")
    if isinstance(file_id, bool) or not isinstance(file_id, int) or not isinstance(token, str) or not token:
        raise _refused(path, "each file needs the id and token the upload returned")
    u = public_uploads.c
    same_content = exists().where(files.c.id == u.file_id, files.c.sha256 == sha)
    done = conn.execute(update(public_uploads).where(
        u.file_id == file_id, u.token_sha256 == _hash(token[:200]), u.app_id == runtime.app_id,
        u.channel_key == channel.key, u.field_key == field, u.claimed_at.is_(None),
        u.created_at > now - CLAIM_WINDOW, same_content).values(claimed_at=now))
    if done.rowcount != 1:
        raise _refused(path, "unknown, expired or already submitted upload")
    return file_id


def bind(conn: Connection, file_ids: list[int], record_id: int) -> None:
    """Note the record that holds the claimed uploads (for support: which submission brought a file)."""
    if file_ids:
        conn.execute(update(public_uploads).where(public_uploads.c.file_id.in_(file_ids)).values(record_id=record_id))

