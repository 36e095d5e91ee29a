"""The whole app document (DESIGN §1). Later engines fill in their parts
(flows, rules, reports, dashboards, pages); until then each is a list of
keyed elements whose own schema is checked by that engine.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dajian.engines.form.model import FormDef, Key, Label, Strict
from dajian.engines.form.trees import OptionTree

SCHEMA_VERSION = 1
Action = Literal["create", "read", "update", "delete", "export", "manage"]
RowScope = Literal["own", "dept", "dept_tree", "all"]


class Element(BaseModel):
    """A keyed definition element whose body belongs to a later engine."""

    model_config = ConfigDict(extra="allow", frozen=True)
    key: Key
    label: Label | None = None


class RolePermission(Strict):
    actions: list[Action] = Field(default_factory=list)
    row_scope: RowScope = "own"
    read_fields: list[Key] | None = Field(default=None, description="Readable fields; null means all.")
    write_fields: list[Key] | None = Field(default=None, description="Writable fields; null means all.")
    also_where: dict[str, Any] | str | None = Field(
        default=None, description="Rows where this expression (JSON or formula text) holds are in scope too, "
        "e.g. the unassigned queue: 'ISBLANK(assignee)', or 'assignee = $user.id'.")


class RoleDef(Strict):
    key: Key
    label: Label
    description: Label | None = None
    manage_app: bool = False
    permissions: dict[str, RolePermission] = Field(
        default_factory=dict, description="Per form key: what this role may do."
    )


class AppSettings(Strict):
    timezone: str = "Asia/Shanghai"
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    calendars: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Business calendars by key (working periods, holidays, make-up days).")


class AppDefinition(Strict):
    schema_version: Literal[1] = 1
    key: Key
    label: Label
    description: Label | None = None
    forms: list[FormDef] = Field(default_factory=list)
    flows: list[Element] = Field(default_factory=list)
    rules: list[Element] = Field(default_factory=list)
    reports: list[Element] = Field(default_factory=list)
    dashboards: list[Element] = Field(default_factory=list)
    pages: list[Element] = Field(default_factory=list)
    roles: list[RoleDef] = Field(default_factory=list)
    trees: dict[str, OptionTree] = Field(
        default_factory=dict, description="Option trees (e.g. a 3-level category taxonomy) shared by cascade fields.")
    settings: AppSettings = Field(default_factory=AppSettings)

    def form(self, key: str) -> FormDef | None:
        return next((f for f in self.forms if f.key == key), None)

    def role(self, key: str) -> RoleDef | None:
        return next((r for r in self.roles if r.key == key), None)
