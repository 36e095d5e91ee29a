"""App design endpoints: drafts (saved half-finished), validation with paths,
publish with a dry-run migration plan, versions, import/export, schemas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from dajian.engines.form.model import KEY_PATTERN
from dajian.platform import apps as service
from dajian.platform import draft_history
from dajian.platform.api.audiences import DESIGNER, INTEGRATIONS, RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute
from dajian.platform.api.params import VersionNumber
from dajian.platform.api.schemas import apps as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, errors
from dajian.platform.api.versions import V1
from dajian.platform.definition import app_schema, validate_definition
from dajian.platform.definition.model import MenuGroup
from dajian.platform.models import apps, memberships, roles
from dajian.platform.openapi import app_openapi
from dajian.platform.principal import Principal

router = APIRouter(prefix=V1, route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
EntryId = Annotated[int, Path(ge=1, le=2**62)]


class NewApp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY_PATTERN)
    label: dict[str, str] = Field(min_length=1)


class NavForm(BaseModel):
    key: str
    label: dict[str, str]
    actions: list[str] = Field(description="what the caller may do with its records: read, create, ...")


class NavDashboard(BaseModel):
    key: str
    label: dict[str, str] | None


class NavEntry(BaseModel):
    kind: Literal["form", "dashboard"]
    key: str


class NavGroup(BaseModel):
    """A group of the menu: one the app's settings name (``label``), or the forms / dashboards no group
    names, in definition order (``label`` null, ``default`` says which)."""

    label: dict[str, str] | None
    default: Literal["forms", "dashboards"] | None = None
    entries: list[NavEntry]


class AppNavigation(BaseModel):
    """An app's home for the caller: what the web UI's navigation lists, from the published definition."""

    key: str
    label: dict[str, str]
    description: dict[str, str] | None
    version: int
    default_locale: str
    forms: list[NavForm]
    dashboards: list[NavDashboard]
    menu: list[NavGroup] = Field(description="the menu in order: the app's groups, then what no group names")


_ALL_ACTIONS = ("read", "create", "update", "delete", "export")


def _summary(row: Any) -> dict[str, Any]:
    return {"key": row["key"], "label": row["label"], "icon": row["icon"],
            "current_version_id": row["current_version_id"],
            "draft_updated_at": row["draft_updated_at"].isoformat() if row["draft_updated_at"] else None}


@router.get("/schema/app.json", tags=[DESIGNER], **answers(out.JsonSchemaDocument))
def get_app_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every app definition is validated against."""
    return app_schema()


@router.get("/apps", tags=[RUNTIME], **answers(list[out.AppSummary], *SIGNED_IN))  # the apps a user may open
def list_apps(conn: ReadConn, principal: Auth) -> list[dict[str, Any]]:
    query = select(apps).where(apps.c.org_id == principal.org_id).order_by(apps.c.key)
    if not principal.is_org_admin:
        mine = (select(roles.c.app_id).join(memberships, memberships.c.role_id == roles.c.id)
                .where(memberships.c.user_id == principal.user_id))
        query = query.where(apps.c.id.in_(mine))
    return [_summary(r) for r in conn.execute(query).mappings() if principal.can_reach_app(r["key"])]


@router.get("/apps/{app_key}/navigation", tags=[RUNTIME], responses=errors(*SIGNED_IN, 404, 422))
def get_navigation(conn: ReadConn, principal: Auth, app_key: str) -> AppNavigation:
    """The forms the caller's roles reach (with their actions) and the app's dashboards, in definition order."""
    runtime, role_keys = service.load_runtime_and_roles(conn, principal, app_key)
    definition = runtime.definition
    roles_here = [r for r in (definition.role(k) for k in role_keys) if r is not None]
    forms = []
    for form in definition.forms:
        granted: set[str] = set(_ALL_ACTIONS) if principal.is_org_admin else set()
        for role in roles_here:
            perm = role.permissions.get(form.key)
            if perm is not None:
                granted |= set(_ALL_ACTIONS) if "manage" in perm.actions else set(perm.actions)
        if granted:
            forms.append(NavForm(key=form.key, label=dict(form.label),
                                 actions=[a for a in _ALL_ACTIONS if a in granted]))
    dashboards = [NavDashboard(key=d.key, label=dict(d.label) if d.label else None) for d in definition.dashboards]
    return AppNavigation(
        key=runtime.key, label=dict(definition.label),
        description=dict(definition.description) if definition.description else None,
        version=runtime.version, default_locale=definition.settings.default_locale, forms=forms,
        dashboards=dashboards, menu=_menu(definition.settings.menu, forms, dashboards),
    )


def _menu(groups: list[MenuGroup], forms: list[NavForm], dashboards: list[NavDashboard]) -> list[NavGroup]:
    """The app's menu groups with what the caller reaches of them, then the rest under the default groups."""
    reached = [NavEntry(kind="form", key=f.key) for f in forms] + [
        NavEntry(kind="dashboard", key=d.key) for d in dashboards]
    by_item = {f"{e.kind}:{e.key}": e for e in reached}
    menu: list[NavGroup] = []
    placed: set[str] = set()
    for group in groups:
        entries = [by_item[item] for item in group.items if item in by_item and item not in placed]
        placed.update(f"{e.kind}:{e.key}" for e in entries)
        if entries:
            menu.append(NavGroup(label=dict(group.label), entries=entries))
    rest_forms = [e for e in reached if e.kind == "form" and f"form:{e.key}" not in placed]
    rest_dashboards = [e for e in reached if e.kind == "dashboard" and f"dashboard:{e.key}" not in placed]
    if rest_forms:
        menu.append(NavGroup(label=None, default="forms", entries=rest_forms))
    if rest_dashboards:
        menu.append(NavGroup(label=None, default="dashboards", entries=rest_dashboards))
    return menu


@router.post("/apps", status_code=201, tags=[DESIGNER], **answers(out.AppSummary, *SIGNED_IN, 409, 413, 422))
def create_app(conn: Conn, principal: Auth, body: NewApp) -> dict[str, Any]:
    return _summary(service.create_app(conn, principal, key=body.key, label=body.label))


@router.get("/apps/{app_key}", tags=[DESIGNER], **answers(out.AppDetail, *SIGNED_IN, 404, 422))
def get_app(conn: ReadConn, principal: Auth, app_key: str) -> dict[str, Any]:
    row = service.get_app_row(conn, principal, app_key, draft=True)
    versions = service.list_versions(conn, principal, app_key)
    current = next((v["number"] for v in versions if v["id"] == row["current_version_id"]), None)
    return {**_summary(row), "current_version": current, "draft": row["draft"]}


@router.put("/apps/{app_key}/draft", tags=[DESIGNER], **answers(out.DraftSaved, *SIGNED_IN, 404, 413, 422))
def save_draft(conn: Conn, principal: Auth, app_key: str, draft: Annotated[Any, Body()]) -> dict[str, Any]:
    """Save the draft as it is; the answer lists its problems without refusing it."""
    issues = service.save_draft(conn, principal, app_key, draft)
    return {"saved": True, "valid": not issues, "errors": issues}


@router.get("/apps/{app_key}/draft/history", tags=[DESIGNER],
            **answers(list[out.DraftHistoryEntry], *SIGNED_IN, 404, 422))
def list_draft_history(conn: ReadConn, principal: Auth, app_key: str) -> list[dict[str, Any]]:
    """The draft's recent saves, newest first (bounded; a minute of one author's autosaves is one entry)."""
    return draft_history.entries(conn, service.get_app_row(conn, principal, app_key)["id"])


@router.get("/apps/{app_key}/draft/history/{entry_id}", tags=[DESIGNER],
            **answers(out.DraftHistoryDocument, *SIGNED_IN, 404, 422))
def get_draft_history(conn: ReadConn, principal: Auth, app_key: str, entry_id: EntryId) -> dict[str, Any]:
    return dict(draft_history.entry(conn, service.get_app_row(conn, principal, app_key)["id"], entry_id))


@router.post("/apps/{app_key}/draft/history/{entry_id}/restore", tags=[DESIGNER],
             **answers(out.DraftSaved, *SIGNED_IN, 404, 422))
def restore_draft_history(conn: Conn, principal: Auth, app_key: str, entry_id: EntryId) -> dict[str, Any]:
    """Make an earlier save the draft again (itself a new save in the history)."""
    old = draft_history.entry(conn, service.get_app_row(conn, principal, app_key)["id"], entry_id)
    issues = service.save_draft(conn, principal, app_key, old["draft"])
    return {"saved": True, "valid": not issues, "errors": issues}


@router.get("/apps/{app_key}/draft/trash", tags=[DESIGNER], **answers(out.DraftTrash, *SIGNED_IN, 404, 422))
def get_draft_trash(conn: ReadConn, principal: Auth, app_key: str) -> dict[str, Any]:
    """The designer's recycle bin: deleted elements, restorable from any machine."""
    return {"items": draft_history.trash(conn, service.get_app_row(conn, principal, app_key)["id"])}


@router.put("/apps/{app_key}/draft/trash", tags=[DESIGNER], **answers(out.DraftTrash, *SIGNED_IN, 404, 413, 422))
def put_draft_trash(conn: Conn, principal: Auth, app_key: str, body: out.DraftTrash) -> dict[str, Any]:
    row = service.get_app_row(conn, principal, app_key)
    service.require_manage(conn, principal, row)
    items = [item.model_dump() for item in body.items]
    return {"items": draft_history.keep_trash(conn, app_id=row["id"], user_id=principal.user_id, items=items)}


@router.post("/apps/{app_key}/validate", tags=[DESIGNER], **answers(out.Validation, *SIGNED_IN, 404, 413, 422))
def validate(conn: Conn, principal: Auth, app_key: str,
             definition: Annotated[Any, Body()] = None) -> dict[str, Any]:
    row = service.get_app_row(conn, principal, app_key, draft=True)
    issues = validate_definition(definition if definition is not None else row["draft"])
    return {"valid": not issues, "errors": issues}


class PublishBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    migrate: dict[Annotated[str, Field(pattern=KEY_PATTERN)], dict[str, str]] = Field(
        default_factory=dict, description="flow key -> node map (old node id -> new node id; nodes absent keep "
        "their id): move that flow's running instances of the current version to the new one")


@router.post("/apps/{app_key}/publish", tags=[DESIGNER], **answers(out.Published, *SIGNED_IN, 404, 413, 422))
def publish(conn: Conn, principal: Auth, app_key: str, dry_run: bool = False,
            note: Annotated[str | None, Query(max_length=500)] = None,
            body: Annotated[PublishBody | None, Body()] = None) -> dict[str, Any]:
    """Publish the draft. The dry run also counts the current version's running flow instances on each node
    (``instances``) with the node each maps to by default; ``migrate`` moves them in the same transaction."""
    from dajian.platform.flows.migrate import migrate_on_publish, migration_preview

    row = service.get_app_row(conn, principal, app_key, draft=True)
    before = row["current_version_id"]
    result = service.publish(conn, principal, app_key, dry_run=dry_run, note=note)
    if dry_run:
        draft = row["draft"] if isinstance(row["draft"], dict) else {}
        result["instances"] = migration_preview(conn, row["id"], before, draft)
    elif body is not None and body.migrate and before is not None and not result["unchanged"]:
        result["migrated"] = migrate_on_publish(conn, principal, row["id"], from_version=before, maps=body.migrate)
    return result


@router.get("/apps/{app_key}/versions", tags=[DESIGNER], **answers(list[out.VersionSummary], *SIGNED_IN, 404, 422))
def list_versions(conn: ReadConn, principal: Auth, app_key: str) -> list[dict[str, Any]]:
    return [{**v, "created_at": v["created_at"].isoformat()}
            for v in service.list_versions(conn, principal, app_key)]


@router.get("/apps/{app_key}/versions/{number}", tags=[DESIGNER], **answers(out.Version, *SIGNED_IN, 404, 422))
def get_version(conn: ReadConn, principal: Auth, app_key: str, number: VersionNumber) -> dict[str, Any]:
    v = service.get_version(conn, principal, app_key, number)
    return {**v, "created_at": v["created_at"].isoformat()}


@router.get("/apps/{app_key}/export", tags=[DESIGNER], **answers(out.AppDocument, *SIGNED_IN, 404, 422))
def export_app(conn: ReadConn, principal: Auth, app_key: str) -> dict[str, Any]:
    return service.export_definition(conn, principal, app_key)


@router.post("/apps/import", tags=[DESIGNER], **answers(out.Published, *SIGNED_IN, 409, 413, 422))
def import_app(conn: Conn, principal: Auth, definition: Annotated[Any, Body()],
               dry_run: bool = False) -> dict[str, Any]:
    return service.import_definition(conn, principal, definition, dry_run=dry_run)


@router.get("/apps/{app_key}/openapi.json", tags=[INTEGRATIONS], **answers(out.OpenApiDocument, *SIGNED_IN, 404, 422))
def app_openapi_document(conn: ReadConn, principal: Auth, app_key: str) -> dict[str, Any]:
    return app_openapi(service.load_runtime(conn, principal, app_key))
