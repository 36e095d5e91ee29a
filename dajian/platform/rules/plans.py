"""Compiled rule sets, cached by (database, app version) (versions are immutable, so any process may cache them),
and the publish-time check ``app_rule_issues`` that ``validate_definition`` calls."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, select

from dajian.engines.form.logic import form_schema
from dajian.engines.rule import FormInfo, RuleDefinitionError, RuleSet, compile_rules, rule_issues
from dajian.platform.apps import RuntimeApp, cached_runtime, load_runtime
from dajian.platform.definition import AppDefinition, parse_definition
from dajian.platform.models import apps
from dajian.platform.principal import Principal
from dajian.platform.reactions import current_runtime
from dajian.platform.version_cache import VersionCache

log = logging.getLogger(__name__)
_SETS: VersionCache[RuleSet | None] = VersionCache("rule set")


def form_infos(definition: AppDefinition) -> dict[str, FormInfo]:
    return {f.key: FormInfo(form_schema(f), serial=next((x.key for x in f.fields if x.kind == "serial"), None))
            for f in definition.forms}


def compile_args(definition: AppDefinition) -> dict[str, Any]:
    return {"forms": form_infos(definition), "flows": frozenset(f.key for f in definition.flows),
            "calendars": frozenset(definition.settings.calendars)}


def elements(definition: AppDefinition) -> list[dict[str, Any]]:
    return [e.model_dump(exclude_none=True) for e in definition.rules]


def app_rule_issues(doc: dict[str, Any]) -> list[dict[str, str]]:
    """Every problem of the ``rules`` section with its path (``/rules/2/actions/0/subject``)."""
    definition = parse_definition(doc)
    if not definition.rules:
        return []
    return [{"path": p, "message": m} for p, m in rule_issues(elements(definition), **compile_args(definition))]


def ruleset_for(runtime: RuntimeApp) -> RuleSet | None:
    """The app version's rules (None: it has none, or they do not compile — logged once)."""
    if not runtime.definition.rules:
        return None
    return _SETS.get(runtime.database, runtime.version_id, None, lambda: _compile(runtime))


def _compile(runtime: RuntimeApp) -> RuleSet | None:
    try:
        return compile_rules(elements(runtime.definition), **compile_args(runtime.definition))
    except RuleDefinitionError as exc:
        log.error("app %s version %s: rules not run, they do not compile: %s", runtime.key, runtime.version, exc)
        return None


def system_principal(org_id: int, user_id: int | None) -> Principal:
    """Acts for rules; the triggering user (0 for anonymous) is recorded as the actor."""
    return Principal(user_id=user_id or 0, org_id=org_id, dept_id=None, is_org_admin=True, via="system")


def runtime_by_id(conn: Connection, app_id: int, *, version_id: int | None = None) -> RuntimeApp | None:
    """The app's current runtime (``version_id``: that version when it is cached)."""
    hit = cached_runtime(conn, version_id) if version_id is not None else None
    if hit is not None:
        return hit

    def look_up() -> RuntimeApp | None:
        row = conn.execute(select(apps.c.key, apps.c.org_id, apps.c.current_version_id)
                           .where(apps.c.id == app_id)).first()
        return runtime_of(conn, row.key, row.org_id, row.current_version_id) if row is not None else None

    return current_runtime(app_id, look_up)


def runtime_of(conn: Connection, app_key: str, org_id: int, version_id: int | None) -> RuntimeApp | None:
    """The runtime of an app whose row was read: its current version (``version_id``) from the cache, or loaded."""
    if version_id is None:
        return None
    cached = cached_runtime(conn, version_id)
    return cached if cached is not None else load_runtime(conn, system_principal(org_id, 0), app_key)
