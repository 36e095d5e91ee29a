"""Form definitions: the JSON a designer saves, as Pydantic models.

A form is a list of fields with stable ``key``s. Keys become SQL column
names, so they match ``KEY_PATTERN`` and never change on relabel; a rename is
explicit (``renamed_from``) so data follows it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
Key = Annotated[str, Field(pattern=KEY_PATTERN, description="Stable identifier; becomes a SQL name.")]
Label = Annotated[
    dict[str, str],
    Field(min_length=1, description='Display text per locale, e.g. {"zh-CN": "客户", "en": "Customer"}.'),
]

# Columns every form table has; field keys may not use these names.
STANDARD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "owner_id",
    "dept_id",
    "row_version",
    "deleted_at",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    value: Annotated[str, Field(min_length=1, max_length=100)]
    label: Label
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None


class FieldDef(Strict):
    key: Key
    kind: Annotated[str, Field(min_length=1, max_length=40, description="Field kind, e.g. text, decimal.")]
    label: Label
    help: Label | None = None
    required: bool = False
    unique: bool = False
    unique_within: list[Key] | None = Field(
        default=None, description="With unique: unique per combination of these fields, e.g. [\"customer\"].")
    indexed: bool = False
    default: Any = None
    renamed_from: Key | None = None
    options: list[Option] | None = None
    min_length: Annotated[int, Field(ge=0)] | None = None
    max_length: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    min: float | int | str | None = None
    max: float | int | str | None = None
    precision: Annotated[int, Field(ge=1, le=38)] | None = None
    scale: Annotated[int, Field(ge=0, le=18)] | None = None
    pattern: Annotated[str, Field(max_length=500)] | None = None
    config: dict[str, Any] | None = Field(
        default=None, description="Settings of this field's kind, checked by the kind's own model."
    )
    # linkage: expressions (JSON AST or an Excel-like formula string) over the record
    visible_if: Any = None
    required_if: Any = None
    readonly_if: Any = None
    readonly: bool = False
    default_from: Literal["current_user", "current_dept", "now", "today"] | None = None
    default_formula: Any = None
    formula: Any = Field(default=None, description="For kind 'formula': the expression computing the value.")
    fields: list[FieldDef] | None = Field(default=None, description="For kind 'subtable': the row fields.")


class LayoutSection(Strict):
    """A titled group of fields shown in ``columns`` columns, optionally on a tab."""

    key: Key
    label: Label | None = None
    help: Label | None = None
    tab: Key | None = None
    columns: Annotated[int, Field(ge=1, le=4)] = 2
    fields: list[Key] = Field(default_factory=list)
    collapsed: bool = False


class Tab(Strict):
    key: Key
    label: Label


class Validation(Strict):
    """A rule the record must satisfy: ``condition`` must hold, else ``message``."""

    key: Key
    condition: Any
    message: Label
    fields: list[Key] = Field(default_factory=list, description="Fields the message is shown on.")


class FormDef(Strict):
    key: Key
    label: Label
    description: Label | None = None
    fields: list[FieldDef] = Field(default_factory=list)
    title_field: Key | None = None
    tabs: list[Tab] = Field(default_factory=list)
    layout: list[LayoutSection] | None = Field(
        default=None, description="Sections (on tabs, in columns) for the designer and runtime UI.")
    validations: list[Validation] = Field(default_factory=list)

    def field(self, key: str) -> FieldDef | None:
        return next((f for f in self.fields if f.key == key), None)
