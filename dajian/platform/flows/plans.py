"""Compiled flow plans, cached by (database, app version, flow key): versions are immutable, so a running
instance always gets the plan of the version that started it, in any process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from dajian.engines.flow import FlowDefinitionError, FlowIssue, FlowPlan, compile_flow, validate_flow
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FormDef
from dajian.platform.definition import AppDefinition, parse_definition
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.filters import STANDARD_TYPES
from dajian.platform.models import app_versions
from dajian.platform.version_cache import VersionCache, database_key

if TYPE_CHECKING:
    from dajian.platform.records import FormContext

_PLANS: VersionCache[FlowPlan] = VersionCache("flow plan")
_PAUSING: VersionCache[tuple[str, ...]] = VersionCache("pausing flows")


def field_types(form: FormDef) -> dict[str, str]:
    """``{"amount": "decimal", "owner_id": "user", ...}``: what flow expressions may use."""
    types = dict(STANDARD_TYPES)
    types.update({f.key: FIELD_KINDS[f.kind].expr_type for f in form.fields if f.kind in FIELD_KINDS})
    return types


def calendars(doc: dict[str, Any]) -> dict[str, Any]:
    settings = doc.get("settings") if isinstance(doc, dict) else None
    found = settings.get("calendars") if isinstance(settings, dict) else None
    return found if isinstance(found, dict) else {}


def flow_doc(definition: AppDefinition, flow_key: str) -> dict[str, Any]:
    element = next((f for f in definition.flows if f.key == flow_key), None)
    if element is None:
        raise NotFound(f"no flow '{flow_key}'")
    return element.model_dump(exclude_none=True)


def plan_for(conn: Connection, version_id: int, flow_key: str) -> FlowPlan:
    return _PLANS.get(database_key(conn), version_id, flow_key, lambda: _compile(conn, version_id, flow_key))


def _compile(conn: Connection, version_id: int, flow_key: str) -> FlowPlan:
    doc = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == version_id)).scalar_one()
    try:
        return compile_app_flow(parse_definition(doc), flow_key, calendars=calendars(doc))
    except FlowDefinitionError as exc:
        raise Invalid(f"flow '{flow_key}' is invalid", errors=[i.as_dict() for i in exc.issues]) from None


def compile_app_flow(definition: AppDefinition, flow_key: str, *, calendars: dict[str, Any]) -> FlowPlan:
    doc = flow_doc(definition, flow_key)
    form = definition.form(str(doc.get("form")))
    if form is None:
        raise NotFound(f"flow '{flow_key}' belongs to no form of this app")
    return compile_flow(doc, fields=field_types(form), calendars=calendars)


def draft_plan(doc: Any, flow_key: str) -> FlowPlan:
    """The plan of a flow of an unpublished draft (not cached: drafts change); 422 with every problem of the
    draft's flow when it does not compile."""
    if not isinstance(doc, dict):
        raise Invalid("the draft is not an app definition")
    try:
        definition = parse_definition(doc)
    except ValidationError as exc:
        raise Invalid("the draft does not match the app schema; fix its problems first",
                      errors=[{"path": "/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
                              for e in exc.errors()[:50]]) from None
    try:
        return compile_app_flow(definition, flow_key, calendars=calendars(doc))
    except FlowDefinitionError as exc:
        raise Invalid(f"flow '{flow_key}' of the draft has problems; fix them first",
                      errors=[i.as_dict() for i in exc.issues]) from None


def record_sample(conn: Connection, ctx: FormContext, record_id: int) -> dict[str, Any]:
    """A record's field values as a flow reads them, from what the caller may read of it (404 when
    they may not); a value the form no longer takes is left out rather than refused."""
    from dajian.platform.records import get_record

    public = get_record(conn, ctx, record_id)
    sample: dict[str, Any] = {}
    for key, value in public.items():
        if key in ctx.form.fields and value not in (None, "", []):
            clean, issues = ctx.form.coerce({key: value}, partial=True)
            if not issues:
                sample.update(clean)
    for key in ("id", "owner_id", "dept_id", "created_by"):  # ids; the timestamps arrive as text
        if key in public:
            sample.setdefault(key, public[key])
    return sample


def app_flow_issues(doc: dict[str, Any]) -> list[dict[str, str | None]]:
    """Every problem of every flow of an app document, with paths like ``/flows/0/nodes/2``.

    Meant for ``validate_definition``'s semantic checks, so publishing refuses a broken flow.
    """
    definition = parse_definition(doc)
    issues: list[FlowIssue] = []
    for i, element in enumerate(definition.flows):
        body = element.model_dump(exclude_none=True)
        form = definition.form(str(body.get("form")))
        if form is None:
            issues.append(FlowIssue(f"/flows/{i}/form", f"no form '{body.get('form')}' in this app"))
            continue
        issues += validate_flow(body, fields=field_types(form), calendars=calendars(doc), path=f"/flows/{i}")
        issues += _table_issues(body, _decision_tables(doc), f"/flows/{i}")
    return [i.as_dict() for i in issues]


def _decision_tables(doc: dict[str, Any]) -> dict[str, list[str]]:
    """``{"routing": ["team", "approver"]}``: the app's decision tables and their outputs."""
    rules = doc.get("rules") if isinstance(doc, dict) else None
    return {str(r.get("key")): [str(o.get("key")) for o in r.get("outputs") or [] if isinstance(o, dict)]
            for r in rules or [] if isinstance(r, dict) and r.get("kind") == "decision_table"}


def _table_issues(flow: dict[str, Any], tables: dict[str, list[str]], path: str) -> list[FlowIssue]:
    """A decision-table assignee names a table of the app and one of its outputs."""
    issues = []
    for n, node in enumerate(flow.get("nodes") or []):
        specs = [("assignee", node.get("assignee"))] + [(f"cc/{c}", a) for c, a in enumerate(node.get("cc") or [])]
        for where, spec in specs:
            if not isinstance(spec, dict) or spec.get("strategy") != "decision_table" or not spec.get("table"):
                continue
            at = f"{path}/nodes/{n}/{where}"
            outputs = tables.get(str(spec["table"]))
            if outputs is None:
                issues.append(FlowIssue(f"{at}/table", f"no decision table '{spec['table']}' in this app", node["id"]))
            elif spec.get("output") and spec["output"] not in outputs:
                issues.append(FlowIssue(f"{at}/output", f"table '{spec['table']}' has no output '{spec['output']}'",
                                        node["id"]))
    return issues


def pausing_flows(conn: Connection, version_id: int, form_key: str) -> tuple[str, ...]:
    """Keys of the version's flows on ``form_key`` whose SLA clock has a ``pause_when`` (so a
    change of the record may pause or resume it); cached, as versions are immutable."""
    def find() -> tuple[str, ...]:
        doc = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == version_id)).scalar_one()
        flows = doc.get("flows") if isinstance(doc, dict) else None
        return tuple(str(f.get("key")) for f in flows or [] if isinstance(f, dict) and f.get("form") == form_key
                     and isinstance(f.get("sla"), dict) and f["sla"].get("pause_when") is not None)  # fmt: skip

    return _PAUSING.get(database_key(conn), version_id, form_key, find)
