"""The ``attachment`` and ``image`` field kinds: a JSON list of uploaded files.

A value is what the upload API returned, one object per file::

    [{"id": 12, "name": "合同.pdf", "size": 48213, "mime": "application/pdf",
      "sha256": "9f86d0…"}]

``id`` points at the platform's file table (``references = "file"``, checked
per organisation); ``sha256`` must be the file's hash, so a record can only
name a file whose content its writer already knows. The kind's config says
how many files, how large, and which types (``accept``) the field takes.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dajian.engines.form.fields import JSON_LIST, FieldKind, register_field_kind
from dajian.engines.form.model import FieldDef

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
KEPT = ("id", "name", "size", "mime", "sha256")
MAX_FILES = 100


class FilesConfig(BaseModel):
    """``{"max_files": 3, "max_size_mb": 10, "accept": [".pdf", "image/*"]}``"""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_files: int | None = Field(default=None, ge=1, le=MAX_FILES)
    max_size_mb: float | None = Field(default=None, gt=0, le=10_240)
    accept: list[str] | None = Field(
        default=None, max_length=50,
        description='Extensions (".pdf") or MIME types ("application/pdf", "image/*"); none means any.',
    )


def files_config(field: FieldDef) -> FilesConfig:
    config = FilesConfig.model_validate(field.config or {})
    if field.kind == "image" and config.accept is None:
        return config.model_copy(update={"accept": list(IMAGE_EXTENSIONS)})
    return config


def accepts(config: FilesConfig, *, name: str, mime: str) -> bool:
    """Does ``accept`` allow a file? ``[".pdf", "image/*"]`` takes ``a.PDF`` and ``image/png``."""
    if not config.accept:
        return True
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for entry in (a.strip().lower() for a in config.accept):
        if entry.endswith("/*") and mime.lower().startswith(entry[:-1]):
            return True
        if entry in (mime.lower(), extension) or (extension and entry == extension[1:]):
            return True
    return False


def _item(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected file objects as returned by the upload")
    ident = value.get("id")
    if isinstance(ident, bool) or not isinstance(ident, int) or ident <= 0:
        raise ValueError("each file needs the id returned by the upload")
    if not isinstance(value.get("sha256"), str) or not SHA256.match(value["sha256"]):
        raise ValueError("each file needs the sha256 returned by the upload")
    name = value.get("name")
    if not isinstance(name, str) or not name or len(name) > 255:
        raise ValueError("each file needs a name of at most 255 characters")
    return {k: value[k] for k in KEPT if k in value}


def _files(field: FieldDef, value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    config = files_config(field)
    if config.max_files is not None and len(items) > config.max_files:
        raise ValueError(f"at most {config.max_files} files")
    clean = [_item(v) for v in items]
    if len({i["id"] for i in clean}) != len(clean):
        raise ValueError("the same file is listed twice")
    for item in clean:
        if field.kind == "image" and not item["name"].lower().endswith(IMAGE_EXTENSIONS):
            raise ValueError(f"'{item['name']}' is not an image")
    return clean


def _register() -> None:
    for name in ("attachment", "image"):
        register_field_kind(FieldKind(name, lambda f: JSON_LIST, _files, "text_list",
                                      references="file", config_model=FilesConfig, importable=False,
                                      json_schema={"type": "array",
                                                   "items": {"type": "object", "required": ["id", "sha256"]}}))


_register()
