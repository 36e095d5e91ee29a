"""Uploaded files: the ``files`` table, a content-addressed store, streamed
uploads and the download permission check.

Bytes live in a ``FileStore`` under a key derived from their SHA-256
(``sha256/9f/86/9f86d0…``), so the same content is stored once however often
it is uploaded; each upload still gets its own ``files`` row (name, uploader,
the app/form/field it was uploaded for). ``LocalFileStore`` keeps blobs under
``Settings.files_dir``; an S3 store only has to implement ``FileStore``.

Who may download: anyone who can read a live record whose field holds the
file (the file's id *and* hash, see ``kind_files``) and can read that field;
a file attached nowhere, only its uploader. Everyone else gets 404.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import unicodedata
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    ForeignKey,
    Index,
    String,
    Table,
    exists,
    func,
    insert,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import RowMapping

from dajian.engines.form import kind_files  # noqa: F401 - registers the attachment and image kinds
from dajian.engines.form.kind_files import IMAGE_EXTENSIONS, FilesConfig, accepts, files_config
from dajian.engines.form.model import FieldDef
from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.apps import RuntimeApp, load_runtime
from dajian.platform.clock import utcnow
from dajian.platform.errors import DajianError, Forbidden, Invalid, NotFound, PayloadTooLarge
from dajian.platform.models import Id, apps, metadata
from dajian.platform.permissions import visible
from dajian.platform.principal import Principal
from dajian.platform.records import FormContext, form_context
from dajian.platform.references import register_reference

MAX_UPLOAD_DEFAULT = 20 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
FILE_KINDS = frozenset({"attachment", "image"})
KEY_RE = re.compile(r"^sha256/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")
UPLOAD_PATH = re.compile(
    r"^/api/(?:v1/)?(?:apps/[^/]+/forms/[^/]+/(?:fields/[^/]+/files|import/preview|comments/files)"
    r"|admin/templates/import|admin/market/packages|market/publisher/versions|public/[^/]+/[^/]+/forms/[^/]+/fields/[^/]+/files)/?$")

files = Table(
    "files",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("org_id", Id, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("mime", String(200), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(200), nullable=False),
    Column("uploaded_by", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("app_id", Id, nullable=True),
    Column("form_key", String(63), nullable=True),
    Column("field_key", String(63), nullable=True),
    Index("ix_files_org_sha256", "org_id", "sha256"),
)
register_reference("file", files)


def max_upload_bytes() -> int:
    """``DAJIAN_MAX_UPLOAD_BYTES`` (default 20 MiB), read on every upload."""
    raw = os.environ.get("DAJIAN_MAX_UPLOAD_BYTES")
    return int(raw) if raw and raw.isdigit() else MAX_UPLOAD_DEFAULT


def is_upload_path(path: str) -> bool:
    """Paths whose raw body is a file: exempt from the JSON body limit, they enforce their own."""
    return UPLOAD_PATH.match(path) is not None


# --- the store -------------------------------------------------------------------


class PendingBlob(Protocol):
    def write(self, chunk: bytes) -> None: ...
    def commit(self, key: str) -> None: ...  # keep the bytes under key (a no-op if key is stored)
    def discard(self) -> None: ...


class FileStore(Protocol):
    def begin(self) -> PendingBlob: ...
    def open(self, key: str) -> IO[bytes]: ...


def storage_key(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class _LocalPending:
    def __init__(self, root: Path) -> None:
        self.root = root
        tmp = root / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        self.path = tmp / uuid.uuid4().hex
        self.handle = self.path.open("xb")

    def write(self, chunk: bytes) -> None:
        self.handle.write(chunk)

    def commit(self, key: str) -> None:
        self.handle.close()
        target = self.root / key
        if target.exists():
            self.path.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path, target)

    def discard(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class LocalFileStore:
    root: Path

    def begin(self) -> PendingBlob:
        return _LocalPending(self.root)

    def open(self, key: str) -> IO[bytes]:
        if not KEY_RE.match(key):
            raise NotFound("no such file")
        try:
            return (self.root / key).open("rb")
        except FileNotFoundError:
            raise NotFound("the file's content is missing from the store") from None


def iter_blob(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


# --- receiving an upload -----------------------------------------------------------

MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"BM", "image/bmp"),
]


def sniff_image(head: bytes) -> str | None:
    """The MIME type of a raster image from its first bytes, else None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in MAGIC if head.startswith(magic)), None)


def clean_name(raw: str) -> str:
    """A display name without directories or control characters: ``"../a\\x00b.pdf"`` -> ``"ab.pdf"``."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 250 - len(ext)] + dot + ext if dot and len(ext) < 10 else name[:255]
    return name or "file"


@dataclass(frozen=True)
class UploadRules:
    path: str  # where errors point, e.g. "/contract"
    label: str  # what the messages name, e.g. "field 'contract'"
    max_bytes: int
    config: FilesConfig | None = None
    images_only: bool = False
    check_head: Callable[[str, bytes], str | None] | None = None  # (name, head) -> error or None


@dataclass(frozen=True)
class Received:
    name: str
    mime: str
    size: int
    sha256: str
    storage_key: str


def guess_mime(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def _wrong_type(rules: UploadRules, name: str, why: str) -> Invalid:
    return Invalid(f"{rules.label} does not accept '{name}'", errors=[{"path": rules.path, "message": why}])


def _too_large(rules: UploadRules) -> PayloadTooLarge:
    return PayloadTooLarge(f"{rules.label} takes files of at most {rules.max_bytes} bytes",
                           errors=[{"path": rules.path, "message": f"larger than {rules.max_bytes} bytes"}])


def check_declared(rules: UploadRules, name: str, declared_length: int | None) -> None:
    """Refuse before reading a byte: a declared length over the limit, or a type not accepted."""
    if declared_length is not None and declared_length > rules.max_bytes:
        raise _too_large(rules)
    if rules.config is not None and not accepts(rules.config, name=name, mime=guess_mime(name)):
        raise _wrong_type(rules, name, f"not an accepted type ({', '.join(rules.config.accept or [])})")
    if rules.images_only and not name.lower().endswith(IMAGE_EXTENSIONS):
        raise _wrong_type(rules, name, f"not an image ({', '.join(IMAGE_EXTENSIONS)})")


def _content_mime(rules: UploadRules, name: str, head: bytes) -> str:
    sniffed = sniff_image(head)
    claims_image = name.lower().endswith(IMAGE_EXTENSIONS) or rules.images_only
    if claims_image and sniffed is None:
        raise _wrong_type(rules, name, "the content is not a JPEG, PNG, GIF, WebP or BMP image")
    if rules.check_head is not None and (problem := rules.check_head(name, head)):
        raise _wrong_type(rules, name, problem)
    return sniffed or guess_mime(name)


async def receive(chunks: AsyncIterator[bytes], *, store: FileStore, name: str, rules: UploadRules) -> Received:
    """Stream ``chunks`` into the store, hashing and counting as they come; refuse early."""
    pending, digest, size, head = store.begin(), hashlib.sha256(), 0, b""
    mime: str | None = None
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > rules.max_bytes:
                raise _too_large(rules)
            if mime is None and len(head) < 16:
                head += chunk[: 16 - len(head)]
                mime = _content_mime(rules, name, head) if len(head) >= 16 else None
            digest.update(chunk)
            pending.write(chunk)
        mime = mime or _content_mime(rules, name, head)
        sha = digest.hexdigest()
        pending.commit(storage_key(sha))
    except BaseException:
        pending.discard()
        raise
    return Received(name=name, mime=mime, size=size, sha256=sha, storage_key=storage_key(sha))


# --- rows ----------------------------------------------------------------------------


def public(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """What the API returns and what an attachment field stores."""
    return {"id": row["id"], "name": row["name"], "size": row["size"], "mime": row["mime"],
            "sha256": row["sha256"]}


def meta(row: RowMapping) -> dict[str, Any]:
    return {**public(row), "created_at": row["created_at"].isoformat(), "uploaded_by": row["uploaded_by"],
            "form": row["form_key"], "field": row["field_key"]}


def save_file(conn: Connection, principal: Principal, received: Received, *, app_id: int | None,
              form_key: str | None, field_key: str | None) -> dict[str, Any]:
    return insert_file(conn, received, org_id=principal.org_id, uploaded_by=principal.user_id, app_id=app_id,
                       form_key=form_key, field_key=field_key)


def insert_file(conn: Connection, received: Received, *, org_id: int, uploaded_by: int | None, app_id: int | None,
                form_key: str | None, field_key: str | None) -> dict[str, Any]:
    """The file's row (``uploaded_by`` None: an anonymous upload through a public form)."""
    values = {"org_id": org_id, "name": received.name, "mime": received.mime, "size": received.size,
              "sha256": received.sha256, "storage_key": received.storage_key, "uploaded_by": uploaded_by,
              "created_at": utcnow(), "app_id": app_id, "form_key": form_key, "field_key": field_key}
    file_id = conn.execute(insert(files).values(values).returning(files.c.id)).scalar_one()
    return public({**values, "id": int(file_id)})


def upload_target(conn: Connection, principal: Principal, runtime: RuntimeApp, form_key: str,
                  field_key: str) -> tuple[FieldDef, FilesConfig]:
    """The file field a user may upload to: they may create or update records and write the field."""
    ctx = writer_context(conn, principal, runtime, form_key)
    fdef = ctx.form.fields.get(field_key)
    if fdef is None or fdef.kind not in FILE_KINDS:
        raise NotFound(f"form '{form_key}' has no file field '{field_key}'")
    if not ctx.grant.can_write(field_key):
        raise Forbidden(f"you may not write field '{field_key}'",
                        reason="fields_not_writable", params={"fields": field_key},
                        errors=[{"path": f"/{field_key}", "message": "not writable for you"}])
    return fdef, files_config(fdef)


def writer_context(conn: Connection, principal: Principal, runtime: RuntimeApp, form_key: str) -> FormContext:
    try:
        return form_context(conn, principal, runtime, form_key, "create")
    except Forbidden:
        return form_context(conn, principal, runtime, form_key, "update")


def field_rules(field_key: str, config: FilesConfig, *, kind: str) -> UploadRules:
    limit = max_upload_bytes()
    if config.max_size_mb is not None:
        limit = min(limit, int(config.max_size_mb * 1024 * 1024))
    return UploadRules(path=f"/{field_key}", label=f"field '{field_key}'", max_bytes=limit, config=config,
                       images_only=kind == "image")


# --- who may download ------------------------------------------------------------------


def contains_file(conn: Connection, column: Any, file_id: int, sha256: str) -> ColumnElement[bool]:
    """The field's JSON list holds ``{"id": file_id, "sha256": sha256}``."""
    if conn.dialect.name == "postgresql":
        return type_coerce(column, JSONB).contains([{"id": file_id, "sha256": sha256}])
    each = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(
        func.json_extract(each.c.value, "$.id") == file_id,
        func.json_extract(each.c.value, "$.sha256") == sha256))


def readable_file(conn: Connection, principal: Principal, file_id: int) -> RowMapping:
    """The file row if ``principal`` may download it, else ``NotFound`` (never telling which)."""
    row = conn.execute(select(files).where(files.c.id == file_id, files.c.org_id == principal.org_id)
                       ).mappings().first()
    if row is None:
        raise NotFound(f"no file {file_id}")
    holder = _holder(conn, principal, row)
    if holder is not None and _readable_in_record(conn, principal, row, holder):
        return row
    if row["uploaded_by"] == principal.user_id and not (holder is not None and _attached(conn, row, holder)):
        return row
    raise NotFound(f"no file {file_id}")


def _holder(conn: Connection, principal: Principal, row: RowMapping) -> RuntimeApp | None:
    """The current version of the app the file was uploaded for, if it still has that file field."""
    if row["app_id"] is None or row["field_key"] is None:
        return None
    key = conn.execute(select(apps.c.key).where(apps.c.id == row["app_id"])).scalar_one_or_none()
    try:
        runtime = load_runtime(conn, principal, key) if key else None
    except DajianError:
        return None
    form = runtime.forms.get(row["form_key"]) if runtime else None
    kind = form.kinds.get(row["field_key"]) if form else None
    return runtime if kind is not None and kind.name in FILE_KINDS else None


def _readable_in_record(conn: Connection, principal: Principal, row: RowMapping, runtime: RuntimeApp) -> bool:
    try:
        ctx = form_context(conn, principal, runtime, row["form_key"], "read")
    except DajianError:
        return False
    if not ctx.grant.can_read(row["field_key"]):
        return False
    table = ctx.table
    found = contains_file(conn, table.c[row["field_key"]], row["id"], row["sha256"])
    return conn.execute(select(table.c.id).where(visible(ctx.grant, table, found)).limit(1)).first() is not None


def _attached(conn: Connection, row: RowMapping, runtime: RuntimeApp) -> bool:
    table = runtime.forms[row["form_key"]].table
    found = contains_file(conn, table.c[row["field_key"]], row["id"], row["sha256"])
    return conn.execute(select(table.c.id).where(found).limit(1)).first() is not None


def content_disposition(name: str, *, inline: bool = False) -> str:
    """``合同.pdf`` -> ``attachment; filename="_.pdf"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf`` (RFC 6266/5987)."""
    from urllib.parse import quote

    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
