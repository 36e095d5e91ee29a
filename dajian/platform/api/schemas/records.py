"""The generic record API and search: a record's envelope with the form's field keys beside it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dajian.platform.api.schemas.common import IsoText, Json, Open, Out, Problem, Timestamp


class Record(Open):
    """A record: the standard columns, then one key per field you may read (typed per form in the
    app's own OpenAPI, ``/api/apps/A/openapi.json``). With ``?fields=`` only ``id``, ``row_version``
    and the fields asked for are present."""

    id: int
    row_version: int = Field(description="send it back on update; a stale one gives 409")
    created_at: IsoText | None = None
    updated_at: IsoText | None = None
    created_by: int | None = None
    owner_id: int | None = None
    dept_id: int | None = None


class CreatedRecord(Record):
    warnings: list[Problem] | None = Field(
        default=None, alias="_warnings",
        description="what did not happen after the record was saved (e.g. a rule's flow could not start), "
                    "by rule (path /rules/<rule key>); only when something did not")


class Records(Out):
    items: list[CreatedRecord]


class Page(Out):
    items: list[Record]
    next_cursor: str | None = Field(description="pass it as ?after= for the next page; null on the last")
    total: int | None = Field(default=None, description="absent on later pages or with count=none")
    total_is_exact: bool | None = Field(default=None, description="false: there are at least ``total``")


class FieldStates(Out):
    hidden: list[str]
    required: list[str]
    readonly: list[str]


class RecordPreview(Out):
    """Defaults, formulas and linkage evaluated for unsaved values."""

    values: dict[str, Json]
    states: FieldStates | None
    errors: list[Problem]
    valid: bool


class HistoryEntry(Out):
    at: Timestamp
    actor_id: int | None
    action: str = Field(description="create | update | delete | restore | …")
    changes: dict[str, Any] = Field(description="field -> [before, after], fields you may read only")
    request_id: str | None


class Hit(Record):
    score: float = Field(alias="_score", description="higher is more relevant")


class Hits(Out):
    items: list[Hit]
    words: list[str] = Field(description="how the query (or the record's fields) was cut into words")
