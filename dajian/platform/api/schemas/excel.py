"""Excel import: the preview of an uploaded workbook and the import's report."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dajian.platform.api.schemas.common import Json, Out


class ImportPreview(Out):
    import_id: int = Field(description="pass it to POST …/import")
    columns: list[str] = Field(description="the first sheet's column headers")
    suggested_mapping: dict[str, str] = Field(description="column header -> field key, by key or label")
    sample_rows: list[dict[str, Json]] = Field(description="the first rows, by column header")
    rows: int | None = Field(description="data rows, when the workbook says")


class CellProblem(Out):
    path: str = Field(description="the field, e.g. /qty")
    message: str
    column: str | None = Field(description="the sheet column mapped to the field")


class RejectedRow(Out):
    row: int = Field(description="the row number in the sheet")
    errors: list[CellProblem]


class ImportReport(Out):
    mode: Literal["all_or_nothing", "keep_valid"]
    rows: int
    created: int
    rejected: list[RejectedRow]


class ImportProgress(Out):
    state: Literal["running", "finished", "unknown"] = Field(
        description="unknown: no run of this import on this server (not started, long over, or elsewhere)")
    done: int = Field(description="rows read and checked so far")
    total: int | None = Field(description="rows in the workbook when known")
