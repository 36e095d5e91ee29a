"""What the public pages (no sign-in) read: a public form's fields and a survey link's form."""

from __future__ import annotations

from pydantic import Field

from dajian.platform.api.schemas.common import Json, Out, Timestamp


class PublicOption(Out):
    value: str
    label: dict[str, str]
    color: str | None = None


class TreeOption(Out):
    value: str
    label: dict[str, str]
    children: list[TreeOption] = Field(default_factory=list)


class PublicField(Out):
    key: str
    kind: str
    label: dict[str, str]
    help: dict[str, str] | None = None
    required: bool = False
    options: list[PublicOption] | None = None
    min: Json = None
    max: Json = None
    max_length: int | None = None
    config: dict[str, Json] | None = None
    tree: list[TreeOption] | None = Field(default=None, description="cascade selects: the option tree")
    visible_if: Json = Field(default=None, description="linkage: JSON AST or formula text over the form's fields")
    required_if: Json = None
    readonly_if: Json = None
    upload_max_bytes: int | None = Field(default=None, description="file fields: the largest file taken anonymously")


class PublicUpload(Out):
    """An anonymous upload: put this object, token included, into the file field's list of the submission."""

    id: int
    name: str
    size: int = Field(description="bytes")
    mime: str
    sha256: str
    token: str = Field(description="claims the upload for one submission; sent once, only its hash is kept")


class PublicForm(Out):
    form: str
    label: dict[str, str]
    fields: list[PublicField]
    channel: str = Field(description="the channel's key, stored in the record's 'channel' field (linkage reads it)")
    honeypot: str = Field(description="leave this field empty: bots fill it and their submissions are dropped")
    contact_field: str | None = Field(default=None, description="the second factor the status lookup asks for")
    contact_label: dict[str, str] | None = None
    status_lookup: bool
    status_options: list[PublicOption] | None = Field(default=None, description="labels of the statuses a lookup shows")


class SurveyForm(Out):
    form: str
    label: dict[str, str]
    fields: list[PublicField]
    about: str | None = Field(default=None, description="the display value of the record the survey is about")
    expires_at: Timestamp


class SurveyAnswered(Out):
    accepted: bool
    id: int
