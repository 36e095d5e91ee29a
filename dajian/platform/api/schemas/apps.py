"""The designer's routes: apps, drafts, validation, publishing, versions, import and export, schemas."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dajian.platform.api.schemas.common import Json, Label, Open, Out, Timestamp, Validation


class AppIcon(Out):
    name: str = Field(description="one of the catalog's app_icons")
    color: str = Field(description="#rrggbb")


class AppSummary(Out):
    key: str
    label: Label
    icon: AppIcon | None = Field(default=None, description="the published definition's settings.icon")
    current_version_id: int | None = Field(description="null until the app is first published")
    draft_updated_at: Timestamp | None


class AppDetail(AppSummary):
    current_version: int | None = Field(description="the published version's number")
    draft: Json = Field(description="the draft as saved: any JSON, possibly half-finished")


class DraftSaved(Validation):
    saved: bool


class DraftHistoryEntry(Out):
    """One save of the draft (a minute of one author's autosaves is one entry)."""

    id: int
    author_id: int | None
    saved_at: Timestamp
    content_hash: str
    size: int = Field(description="the saved document's length in characters")


class DraftHistoryDocument(DraftHistoryEntry):
    draft: Json = Field(description="the draft as it was saved")


class TrashItem(BaseModel):
    """A deleted element of the draft, with the JSON operations (the designer's ``ops``) that put it back."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=100)
    label: str = Field(max_length=500)
    kind: str = Field(max_length=50)
    deleted_at: str = Field(max_length=40, description="when it was deleted, ISO 8601")
    restore: list[dict[str, Json]] = Field(max_length=200)


class DraftTrash(BaseModel):
    """The designer's recycle bin for an app, newest first (at most 100 items are kept)."""

    model_config = ConfigDict(extra="forbid")
    items: list[TrashItem] = Field(max_length=500)


class AppDocument(Open):
    """An app definition, as ``/api/schema/app.json`` describes it (forms, flows, rules, reports …)."""

    schema_version: int | None = None
    key: str
    label: Label


class MigrationStep(Open):
    """One step of a form table's migration; ``detail`` keys of the step follow ``op``."""

    op: str = Field(description="create_table | add_field | rename_field | retype_field | archive_field | "
                                "relabel | index")
    field: str | None
    ddl: bool = Field(description="whether the step changes the table (else only the stored definition)")


class FormPlan(Out):
    form: str = Field(description='the form, or "form__subtable" for a sub-table')
    table: str
    steps: list[MigrationStep]


class Published(Out):
    """What a publish (or its dry run, or an import) did or would do."""

    dry_run: bool
    unchanged: bool = Field(description="the draft equals the current version: nothing was published")
    version: int
    plan: list[FormPlan]
    unconvertible: dict[str, dict[str, list[int]]] | None = Field(
        default=None, description="form -> field -> ids of records whose values a retype cannot convert")
    instances: list[RunningFlow] | None = Field(
        default=None, description="dry run: the current version's running flow instances, per flow and node")
    migrated: dict[str, int] | None = Field(default=None, description="flow -> instances moved to the new version")


class RunningNode(Out):
    node: str
    running: int = Field(description="running instances standing on this node")
    maps_to: str | None = Field(description="the draft's node of the same id, or null when the draft lacks it")


class RunningFlow(Out):
    flow: str
    running: int
    in_draft: bool = Field(description="the draft still has this flow")
    nodes: list[RunningNode]
    new_nodes: list[str] = Field(description="the draft's node ids of this flow, to map onto")


class VersionSummary(Out):
    id: int
    number: int
    content_hash: str
    parent_id: int | None
    author_id: int | None
    note: str | None
    created_at: Timestamp


class Version(VersionSummary):
    app_id: int
    schema_version: int
    definition: AppDocument


class JsonSchemaDocument(Open):
    """A JSON Schema (draft 2020-12) document."""

    schema_: str = Field(alias="$schema")
    id_: str = Field(alias="$id")
    title: str
    type: str


class OpenApiDocument(Open):
    """An OpenAPI 3.1 document."""

    openapi: str
    info: dict[str, Any]
    paths: dict[str, dict[str, Any]]
    components: dict[str, Any]



__all__ = ["AppDetail", "AppDocument", "AppSummary", "DraftSaved", "FormPlan", "JsonSchemaDocument", "MigrationStep",
           "OpenApiDocument", "Published", "Validation", "Version", "VersionSummary"]
