"""Apps: drafts, validation, publishing immutable versions, and the compiled
runtime view of the current version that the record API works from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.engine import RowMapping

from dajian.engines.form.compile import CompiledForm, child_form, child_table_name, compile_form, table_name_for
from dajian.engines.form.evolve import FormMigrationPlan, plan_form_migration
from dajian.engines.form.model import KEY_PATTERN, FormDef
from dajian.platform import draft_history
from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.definition import AppDefinition, parse_definition, upgrade_definition, validate_definition
from dajian.platform.definition.model import SCHEMA_VERSION
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.formtables import apply_plan, unconvertible_rows
from dajian.platform.models import app_versions, apps, form_tables, memberships, roles
from dajian.platform.permissions import check_scope, user_role_keys
from dajian.platform.principal import Principal
from dajian.platform.version_cache import VersionCache, database_key


@dataclass(frozen=True)
class RuntimeApp:
    app_id: int
    org_id: int
    key: str
    version_id: int
    version: int
    definition: AppDefinition
    forms: dict[str, CompiledForm]
    database: str = ""  # ``version_cache.database_key`` of the database it was loaded from

    def form(self, key: str) -> CompiledForm:
        compiled = self.forms.get(key)
        if compiled is None:
            raise NotFound(f"app '{self.key}' has no form '{key}'")
        return compiled


# Versions are immutable, so a compiled version never goes stale: caching it
# by (database, version id) is safe in any number of processes.
_RUNTIMES: VersionCache[RuntimeApp] = VersionCache("runtime")


def cached_runtime(conn: Connection, version_id: int) -> RuntimeApp | None:
    return _RUNTIMES.peek(database_key(conn), version_id)


PublishHook = Callable[[Connection, "RuntimeApp"], Any]
_PUBLISH_HOOKS: list[PublishHook] = []
StepHook = Callable[[str, dict[str, Any]], None]  # publish's progress: (step name, its parameters)


def _no_step(name: str, params: dict[str, Any]) -> None:
    return None


def register_publish_hook(hook: PublishHook) -> None:
    """``hook(conn, runtime)`` runs in the publish transaction, after the new version is live."""
    if hook not in _PUBLISH_HOOKS:
        _PUBLISH_HOOKS.append(hook)


def content_hash(doc: dict[str, Any]) -> str:
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _app_query(draft: bool) -> Any:
    # the draft can be a large document: record requests do not need it
    columns = [c for c in apps.c if draft or c.key != "draft"]
    return select(*columns).where(apps.c.org_id == bindparam("org"), apps.c.key == bindparam("key"))


_APP_QUERIES = {True: _app_query(True), False: _app_query(False)}  # built once, run on every request


_MY_ROLES = (
    select(roles.c.app_id, roles.c.key.label("role_key"))
    .join(memberships, memberships.c.role_id == roles.c.id)
    .where(memberships.c.user_id == bindparam("user"), ~roles.c.archived)
    .subquery()
)
_APP_WITH_ROLES = (  # the app and the caller's role keys in one round trip (every record request)
    select(*[c for c in apps.c if c.key != "draft"], _MY_ROLES.c.role_key)
    .outerjoin(_MY_ROLES, _MY_ROLES.c.app_id == apps.c.id)
    .where(apps.c.org_id == bindparam("org"), apps.c.key == bindparam("key"))
)


def load_runtime_and_roles(conn: Connection, principal: Principal, key: str) -> tuple[RuntimeApp, list[str]]:
    """The current runtime of app ``key`` and the caller's role keys in it (as authentication read them
    when the request's path names this app: ``Principal.app``)."""
    if not principal.can_reach_app(key):
        raise Forbidden(f"this API token is not valid for app '{key}'", reason="token_not_for_app", params={"app": key})
    known = principal.app
    if known is not None and known.key == key:
        row: Mapping[Any, Any] | None = None if known.app_id is None else {
            "id": known.app_id, "org_id": principal.org_id, "key": key, "current_version_id": known.current_version_id}
        role_keys = list(known.role_keys)
    else:
        found = conn.execute(_APP_WITH_ROLES, {"org": principal.org_id, "key": key, "user": principal.user_id})
        rows = found.mappings().all()
        row = rows[0] if rows else None
        role_keys = [r["role_key"] for r in rows if r["role_key"] is not None]
    if row is None:
        raise NotFound(f"no app '{key}'")
    runtime = _runtime_or_none(conn, row)
    if runtime is None:
        raise NotFound(f"app '{key}' has no published version yet")
    return runtime, role_keys


def get_app_row(conn: Connection, principal: Principal, key: str, *, draft: bool = False) -> RowMapping:
    if not principal.can_reach_app(key):
        raise Forbidden(f"this API token is not valid for app '{key}'", reason="token_not_for_app", params={"app": key})
    row = conn.execute(_APP_QUERIES[draft], {"org": principal.org_id, "key": key}).mappings().first()
    if row is None:
        raise NotFound(f"no app '{key}'")
    return row


def require_manage(conn: Connection, principal: Principal, app_row: RowMapping) -> None:
    check_scope(principal, "manage", app_row["key"])
    require_manager(conn, principal, app_row)


def require_manager(conn: Connection, principal: Principal, app_row: RowMapping) -> None:
    """The role half of ``require_manage``: an org admin, or a role of the app with ``manage_app``."""
    if principal.is_org_admin:
        return
    runtime = _runtime_or_none(conn, app_row)
    keys = user_role_keys(conn, principal, app_row["id"]) if runtime else []
    if runtime and any((r := runtime.definition.role(k)) and r.manage_app for k in keys):
        return
    raise Forbidden(f"you may not manage app '{app_row['key']}'",
                    reason="not_app_manager", params={"app": app_row["key"]})


def create_app(conn: Connection, principal: Principal, *, key: str, label: dict[str, str]) -> RowMapping:
    import re

    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may create apps", reason="admins_only")
    check_scope(principal, "manage", key)
    if not re.fullmatch(KEY_PATTERN, key):
        raise Invalid("invalid app key", errors=[{"path": "/key", "message": f"{key!r} is not a valid key"}])
    if conn.execute(select(apps.c.id).where(apps.c.org_id == principal.org_id, apps.c.key == key)).first():
        raise Conflict(f"an app '{key}' already exists", errors=[{"path": "/key", "message": "already exists"}])
    draft = {"schema_version": SCHEMA_VERSION, "key": key, "label": label, "forms": []}
    conn.execute(insert(apps).values(
        org_id=principal.org_id, key=key, label=label, draft=draft, draft_updated_at=utcnow(),
        created_by=principal.user_id, created_at=utcnow(),
    ))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="definition",
                action="create_app", changes={"key": key})
    return get_app_row(conn, principal, key)


def save_draft(conn: Connection, principal: Principal, key: str, draft: Any) -> list[dict[str, str]]:
    """Store a draft as it is (half-finished is fine) and return its problems."""
    row = get_app_row(conn, principal, key)
    require_manage(conn, principal, row)
    conn.execute(update(apps).where(apps.c.id == row["id"]).values(draft=draft, draft_updated_at=utcnow()))
    draft_history.record(conn, app_id=row["id"], author_id=principal.user_id, draft=draft)
    return validate_definition(draft)


def publish(
    conn: Connection, principal: Principal, key: str, *, dry_run: bool, note: str | None = None,
    on_step: StepHook | None = None,
) -> dict[str, Any]:
    """Publish the app's draft as its next version and migrate its tables by the plan (or, ``dry_run``,
    only plan it). ``on_step(name, params)`` is told before each part is applied: ``table`` (per table,
    ``{"form": state key}``), ``roles``, ``flows_rules`` (the publish hooks: schedules of the flows and rules)."""
    step = on_step or _no_step
    row = get_app_row(conn, principal, key, draft=True)
    require_manage(conn, principal, row)
    doc = upgrade_definition(row["draft"])  # the new version is stored at the current schema version
    issues = validate_definition(doc)
    if not issues and doc.get("key") != key:
        issues = [{"path": "/key", "message": f"the definition's key must be '{key}'"}]
    if issues:
        raise Invalid("the app definition is invalid", errors=issues)
    definition = parse_definition(doc)
    current = _current_version(conn, row)
    digest = content_hash(doc)
    if current is not None and current["content_hash"] == digest:
        return {"dry_run": dry_run, "unchanged": True, "version": current["number"], "plan": []}
    plans = _plans(conn, row, definition, current)
    blocked = _unconvertible(conn, plans)
    result: dict[str, Any] = {
        "dry_run": dry_run, "unchanged": False,
        "version": (current["number"] + 1) if current else 1,
        "plan": [{"form": u.state_key, "table": p.table_name, "steps": [s.as_dict() for s in p.steps]}
                 for u, p in plans],
        "unconvertible": blocked,
    }
    if dry_run:
        return result
    if blocked:
        raise Invalid("some stored values cannot be converted to the new field types",
                      errors=_blocked_issues(definition, blocked), unconvertible=blocked)
    version_id = _insert_version(conn, principal, row, doc, digest, current, note)
    _apply(conn, row["id"], plans, version_id, step)
    step("roles", {})
    _sync_roles(conn, principal.org_id, row["id"], definition)
    icon = definition.settings.icon
    # the home page and the app switcher show the published name and icon (a renamed draft shows once published)
    conn.execute(update(apps).where(apps.c.id == row["id"]).values(
        current_version_id=version_id, label=dict(definition.label),
        icon=icon.model_dump() if icon is not None else None))
    step("flows_rules", {})
    if _PUBLISH_HOOKS:
        runtime = load_runtime(conn, principal, key)
        for hook in _PUBLISH_HOOKS:
            hook(conn, runtime)
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="definition",
                action="publish", app_id=row["id"],
                changes={"version": result["version"], "content_hash": digest, "plan": result["plan"]})
    return result


def _current_version(conn: Connection, row: RowMapping) -> RowMapping | None:
    if row["current_version_id"] is None:
        return None
    query = select(app_versions).where(app_versions.c.id == row["current_version_id"])
    return conn.execute(query).mappings().one()


@dataclass(frozen=True)
class TableUnit:
    """One physical table of an app: a form's, or a sub-table's (``state_key`` "order__items")."""

    state_key: str
    form: FormDef
    table_name: str
    child: bool

    def compiled(self) -> CompiledForm:
        return compile_form(self.form, table_name=self.table_name, child=self.child)


def table_units(definition: AppDefinition, app_id: int) -> list[TableUnit]:
    units = []
    for form in definition.forms:
        name = table_name_for(app_id, form.key)
        units.append(TableUnit(form.key, form, name, False))
        units += [TableUnit(f"{form.key}__{f.key}", child_form(f), child_table_name(name, f.key), True)
                  for f in form.fields if f.kind == "subtable"]
    return units


Planned = list[tuple[TableUnit, FormMigrationPlan]]


def _plans(conn: Connection, row: RowMapping, definition: AppDefinition, current: RowMapping | None) -> Planned:
    previous = parse_definition(current["definition"]) if current else None
    before = {u.state_key: u.form for u in table_units(previous, row["id"])} if previous else {}
    states = {
        r["form_key"]: r["columns"]
        for r in conn.execute(select(form_tables).where(form_tables.c.app_id == row["id"])).mappings()
    }
    number = (current["number"] + 1) if current else 1
    return [
        (unit, plan_form_migration(states.get(unit.state_key), unit.form, table_name=unit.table_name,
                                   version=number, previous=before.get(unit.state_key)))
        for unit in table_units(definition, row["id"])
    ]


def _unconvertible(conn: Connection, plans: Planned) -> dict[str, dict[str, list[int]]]:
    found = {}
    for unit, plan in plans:
        bad = unconvertible_rows(conn, plan, unit.compiled())
        if bad:
            found[unit.state_key] = bad
    return found


def _blocked_issues(definition: AppDefinition, blocked: dict[str, dict[str, list[int]]]) -> list[dict[str, str]]:
    issues = []
    for i, form in enumerate(definition.forms):
        for j, fdef in enumerate(form.fields):
            ids = blocked.get(form.key, {}).get(fdef.key)
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                issues.append({"path": f"/forms/{i}/fields/{j}/kind",
                               "message": f"{len(ids)} records cannot be converted to {fdef.kind}: ids {shown}"})
    return issues


def _insert_version(
    conn: Connection, principal: Principal, row: RowMapping, doc: dict[str, Any], digest: str,
    current: RowMapping | None, note: str | None,
) -> int:
    number = (current["number"] + 1) if current else 1
    result = conn.execute(insert(app_versions).values(
        app_id=row["id"], number=number, schema_version=doc.get("schema_version", 1), definition=doc,
        content_hash=digest, parent_id=current["id"] if current else None, author_id=principal.user_id,
        note=note, created_at=utcnow(),
    ).returning(app_versions.c.id))
    return int(result.scalar_one())


def _apply(conn: Connection, app_id: int, plans: Planned, version_id: int, step: StepHook) -> None:
    for unit, plan in plans:
        step("table", {"form": unit.state_key})
        apply_plan(conn, plan, unit.compiled())
        values = {"columns": plan.new_state, "version_id": version_id, "updated_at": utcnow()}
        changed = conn.execute(update(form_tables).where(
            form_tables.c.app_id == app_id, form_tables.c.form_key == unit.state_key).values(**values))
        if changed.rowcount == 0:
            conn.execute(insert(form_tables).values(
                app_id=app_id, form_key=unit.state_key, table_name=plan.table_name, **values))


def _sync_roles(conn: Connection, org_id: int, app_id: int, definition: AppDefinition) -> None:
    existing = {r["key"]: r for r in conn.execute(select(roles).where(roles.c.app_id == app_id)).mappings()}
    for role in definition.roles:
        if role.key in existing:
            conn.execute(update(roles).where(roles.c.id == existing[role.key]["id"])
                         .values(label=role.label, archived=False))
        else:
            conn.execute(insert(roles).values(org_id=org_id, app_id=app_id, key=role.key, label=role.label,
                                              archived=False))
    gone = [r["id"] for k, r in existing.items() if definition.role(k) is None]
    if gone:
        conn.execute(update(roles).where(roles.c.id.in_(gone)).values(archived=True))


def load_runtime(conn: Connection, principal: Principal, key: str) -> RuntimeApp:
    row = get_app_row(conn, principal, key)
    runtime = _runtime_or_none(conn, row)
    if runtime is None:
        raise NotFound(f"app '{key}' has no published version yet")
    return runtime


def _runtime_or_none(conn: Connection, row: Mapping[Any, Any]) -> RuntimeApp | None:
    version_id = row["current_version_id"]
    if version_id is None:
        return None
    cached = cached_runtime(conn, version_id)
    if cached is not None:
        return cached
    version = conn.execute(select(app_versions).where(app_versions.c.id == version_id)).mappings().one()
    definition = parse_definition(version["definition"])
    db = database_key(conn)
    return _RUNTIMES.get(db, version_id, None, lambda: RuntimeApp(
        app_id=row["id"], org_id=row["org_id"], key=row["key"], version_id=version_id,
        version=version["number"], definition=definition,
        forms={f.key: compile_form(f, table_name=table_name_for(row["id"], f.key)) for f in definition.forms},
        database=db,
    ))


def list_versions(conn: Connection, principal: Principal, key: str) -> list[dict[str, Any]]:
    row = get_app_row(conn, principal, key)
    cols = [app_versions.c[c] for c in ("id", "number", "content_hash", "parent_id", "author_id", "note",
                                         "created_at")]
    query = select(*cols).where(app_versions.c.app_id == row["id"]).order_by(app_versions.c.number.desc())
    return [dict(r) for r in conn.execute(query).mappings()]


def get_version(conn: Connection, principal: Principal, key: str, number: int) -> RowMapping:
    row = get_app_row(conn, principal, key)
    query = select(app_versions).where(app_versions.c.app_id == row["id"], app_versions.c.number == number)
    version = conn.execute(query).mappings().first()
    if version is None:
        raise NotFound(f"app '{key}' has no version {number}")
    return version


def latest_version_number(conn: Connection, app_id: int) -> int:
    query = select(func.max(app_versions.c.number)).where(app_versions.c.app_id == app_id)
    return int(conn.execute(query).scalar() or 0)


def import_definition(
    conn: Connection, principal: Principal, doc: Any, *, dry_run: bool = False, note: str | None = None,
    on_step: StepHook | None = None,
) -> dict[str, Any]:
    """Create the app if needed, make ``doc`` its draft and publish it (one transaction)."""
    doc = upgrade_definition(doc)
    issues = validate_definition(doc)
    if issues:
        raise Invalid("the app definition is invalid", errors=issues)
    key = doc["key"]
    exists = conn.execute(select(apps.c.id).where(apps.c.org_id == principal.org_id, apps.c.key == key)).first()
    if exists is None:
        create_app(conn, principal, key=key, label=doc["label"])
    save_draft(conn, principal, key, doc)
    return publish(conn, principal, key, dry_run=dry_run, note=note, on_step=on_step)


def publish_plan(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The ``on_step`` calls publishing ``doc`` makes (fewer when nothing changed): each table (its form's
    label, or a sub-table's field label, to name it by), roles, flows and rules."""
    tables: list[tuple[str, dict[str, Any]]] = []
    for form in (f for f in doc.get("forms") or [] if isinstance(f, dict)):
        tables.append(("table", {"form": form.get("key"), "label": form.get("label")}))
        tables += [("table", {"form": f"{form.get('key')}__{d.get('key')}", "label": d.get("label")})
                   for d in form.get("fields") or [] if isinstance(d, dict) and d.get("kind") == "subtable"]
    return [*tables, ("roles", {}), ("flows_rules", {})]


def export_definition(conn: Connection, principal: Principal, key: str) -> dict[str, Any]:
    runtime = load_runtime(conn, principal, key)
    version = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == runtime.version_id))
    definition: dict[str, Any] = upgrade_definition(version.scalar_one())
    return definition
