"""Print templates as the runtime lists them (which templates a form's record page and list offer), and the
bulk PDF jobs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dajian.platform.api.schemas.common import Json, Label, Out, Timestamp
from dajian.platform.api.schemas.files import FileRef
from dajian.platform.api.schemas.market_install import JobError


class PrintTemplateSummary(Out):
    key: str
    label: Label
    form: str


class PrintJobProgress(Out):
    done: int = Field(description="parts rendered")
    total: int = Field(description="parts planned")
    step: Literal["records"] | None = Field(description="the step under way: rendering the records (params.done of "
                                                        "params.count)")
    params: dict[str, Json] = Field(default_factory=dict)
    plan: list[dict[str, Json]] = Field(default_factory=list)


class PrintJob(Out):
    """A selection printed to one PDF in the background: poll it until ``state`` is final, then download
    ``file`` (``GET /api/v1/files/{file.id}``; only the person who asked may)."""

    id: int
    template: str
    count: int = Field(description="records asked for")
    state: Literal["queued", "running", "succeeded", "failed"]
    progress: PrintJobProgress | None = Field(description="null until a worker starts it")
    file: FileRef | None = Field(description="when succeeded: the PDF")
    pages: int | None = Field(description="when succeeded: the PDF's pages")
    error: JobError | None = Field(description="when failed: why")
    created_at: Timestamp
    finished_at: Timestamp | None
