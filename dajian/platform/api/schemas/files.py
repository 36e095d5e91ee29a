"""File uploads and their metadata (downloads stream the bytes and have no JSON body)."""

from __future__ import annotations

from pydantic import Field

from dajian.platform.api.schemas.common import Out, Timestamp


class FileRef(Out):
    """An uploaded file: put this object into the file field's list."""

    id: int
    name: str
    size: int = Field(description="bytes")
    mime: str
    sha256: str


class FileMeta(FileRef):
    created_at: Timestamp
    uploaded_by: int | None
    form: str | None
    field: str | None = Field(description="null for an Excel import's workbook")
