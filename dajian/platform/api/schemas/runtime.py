"""What the web UI's record and list pages read beside records: the form as the caller may use it,
comments, reverse relations and the count of a bulk change."""

from __future__ import annotations

from pydantic import Field

from dajian.engines.form.model import FormDef
from dajian.platform.api.schemas.common import IsoText, Label, Out
from dajian.platform.api.schemas.files import FileRef


class RuntimeForm(Out):
    """A published form as the caller may use it: its definition (cascade fields carry their option tree
    inline, app-level trees substituted) and the caller's actions and fields (``null``: every field)."""

    app_version: int
    timezone: str
    form: FormDef
    actions: list[str] = Field(description="read plus whichever of create, update, delete the caller may do")
    read_fields: list[str] | None
    write_fields: list[str] | None


class Person(Out):
    id: int
    name: str


class Comment(Out):
    id: int
    at: IsoText
    author: str = Field(description="the author's name, or the sender's address for e-mail replies")
    author_id: int | None
    channel: str = Field(description="web, or the inbound channel an e-mail reply came through")
    body: str
    public: bool = Field(description="shown to the customer in the status look-up")
    mentions: list[Person]
    files: list[FileRef]


class CommentList(Out):
    items: list[Comment]


class BacklinkItem(Out):
    id: int
    title: str | None = Field(description="the value of the form's title field")
    created_at: IsoText | None


class BacklinkGroup(Out):
    form: str
    form_label: Label
    field: str = Field(description="the relation field of ``form`` that points at this record")
    field_label: Label
    title_field: str | None
    total: int
    total_is_exact: bool = Field(description="false: there are more than ``total`` (the list count cap)")
    items: list[BacklinkItem]


class SuggestTarget(Out):
    form: str
    form_label: Label
    field: str = Field(description="the relation field of this record's form that points at ``form``")
    field_label: Label
    title_field: str | None


class Backlinks(Out):
    groups: list[BacklinkGroup]
    suggest: list[SuggestTarget] = Field(description="forms to ask ``/related?target=`` for suggestions")


class BulkDone(Out):
    count: int = Field(description="how many records were changed (all of them, or none on an error)")
