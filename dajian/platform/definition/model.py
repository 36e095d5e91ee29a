"""The whole app document (DESIGN §1), assembled from the engines' models.

Forms, roles, trees and settings are parsed here. Flows, rules, reports, dashboards and pages stay
keyed elements as written, because their engine parses and checks them with its own located
messages; the published schema (``schema.py``) describes each by that engine's model
(``DescribedBy``), so the one contract a designer reads is the one the engines enforce.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from dajian.engines.described import DescribedBy
from dajian.engines.flow.model import CalendarDef, FlowDef
from dajian.engines.form.model import FormDef, Key, Label, Strict
from dajian.engines.form.trees import OptionTree
from dajian.engines.printing.model import PrintTemplateDef
from dajian.engines.report.model import DashboardDef, ReportDef
from dajian.platform.definition.pages import PageDef

SCHEMA_VERSION = 2  # what changes it, and how older documents are read: upgrade.py
Action = Literal["create", "read", "update", "delete", "export", "manage"]
RowScope = Literal["own", "dept", "dept_tree", "all"]


class Element(BaseModel):
    """A keyed definition element whose body belongs to a later engine."""

    model_config = ConfigDict(extra="allow", frozen=True)
    key: Key
    label: Label | None = None


class RulesElement(Element):
    """An element of the ``rules`` section as written: a rule, a decision table, a webhook, a notification
    channel or an inbound channel. The published schema describes it by its ``kind`` (``rule`` when absent)."""


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


MenuItem = Annotated[str, Field(pattern=r"^(form|dashboard):[a-z][a-z0-9_]{0,62}$",
                                 description='"form:<key>" or "dashboard:<key>"')]


class MenuGroup(Strict):
    """A group of the runtime menu: its title and its forms and dashboards, in order."""

    label: Label
    items: list[MenuItem] = Field(default_factory=list)


# The icons an app may show on the home page and in the app switcher (the web app draws each by its name).
AppIconName = Literal["appstore", "customer_service", "tool", "shopping", "team", "file_text", "calendar", "car",
                      "home", "medicine_box", "safety", "bank", "book", "rocket", "experiment", "audit"]
APP_ICONS: tuple[str, ...] = get_args(AppIconName)


class AppIcon(Strict):
    """The app's icon: one of the catalog's names on a colour."""

    name: AppIconName
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb")] = "#1677ff"


class AppSettings(Strict):
    icon: AppIcon | None = Field(default=None, description="Shown on the home page and in the app switcher.")
    timezone: str = "Asia/Shanghai"
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    calendars: dict[str, Annotated[dict[str, Any], DescribedBy(CalendarDef)]] = Field(
        default_factory=dict, description="Business calendars by key (working periods, holidays, make-up days).")
    menu: list[MenuGroup] = Field(
        default_factory=list, description="The runtime menu's groups in order. Forms and dashboards that no group "
        "names follow in definition order, under 表单 / 仪表盘.")


class AppDefinition(Strict):
    schema_version: Literal[2] = Field(default=2, description="Read as 1 when absent; older versions are "
                                       "upgraded on read (see the README's upgrade policy).")
    key: Key
    label: Label
    description: Label | None = None
    forms: list[FormDef] = Field(default_factory=list)
    flows: list[Annotated[Element, DescribedBy(FlowDef)]] = Field(default_factory=list)
    rules: list[Annotated[Element, DescribedBy("RulesElement")]] = Field(default_factory=list)
    reports: list[Annotated[Element, DescribedBy(ReportDef)]] = Field(default_factory=list)
    dashboards: list[Annotated[Element, DescribedBy(DashboardDef)]] = Field(default_factory=list)
    pages: list[Annotated[Element, DescribedBy(PageDef)]] = Field(default_factory=list)
    prints: list[Annotated[Element, DescribedBy(PrintTemplateDef)]] = Field(
        default_factory=list, description="Print templates (打印模板): per form, several per form.")
    roles: list[RoleDef] = Field(default_factory=list)
    trees: dict[str, OptionTree] = Field(
        default_factory=dict, description="Option trees (e.g. a 3-level category taxonomy) shared by cascade fields.")
    settings: AppSettings = Field(default_factory=AppSettings)

    def form(self, key: str) -> FormDef | None:
        return next((f for f in self.forms if f.key == key), None)

    def role(self, key: str) -> RoleDef | None:
        return next((r for r in self.roles if r.key == key), None)
