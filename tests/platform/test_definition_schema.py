"""The committed app schema describes whole apps: templates and README examples validate against it
as plain draft 2020-12; unknown kinds and misspelt keys are refused with their paths; version-1
documents (tests/platform/app_v1_leave.json) are upgraded on read and behave."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import insert, select, update

from dajian.platform.clock import utcnow
from dajian.platform.definition import app_schema, upgrade_definition, validate_definition
from dajian.platform.definition.model import SCHEMA_VERSION
from dajian.platform.models import app_versions, apps
from dajian.platform.templates import assemble, is_template
from tests.platform.conftest import Org, publish

ROOT = Path(__file__).resolve().parents[2]
V1_FIXTURE = Path(__file__).with_name("app_v1_leave.json")
L = {"en": "x"}


def plain_errors(doc: Any) -> list[str]:
    """What any draft 2020-12 validator says of ``doc`` (no discriminator shortcut)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft202012Validator(app_schema())
            .iter_errors(doc)]


def v1_app() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(V1_FIXTURE.read_text(encoding="utf-8"))
    return loaded


def test_every_template_file_validates_against_the_committed_schema() -> None:
    folders = [p for p in (ROOT / "app_templates").iterdir() if p.is_dir()]
    assert len(folders) >= 2
    for folder in folders:
        if is_template(folder):
            doc = assemble(folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
        else:
            doc = json.loads((folder / "app.json").read_text(encoding="utf-8"))
        assert doc.get("schema_version") == SCHEMA_VERSION, folder
        assert plain_errors(doc) == [], folder


def test_every_readme_json_example_validates_after_upgrade() -> None:
    blocks = re.findall(r"```json\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    apps_shown = [doc for doc in map(json.loads, blocks) if isinstance(doc, dict) and "forms" in doc]
    assert apps_shown, "the README lost its example app"
    for doc in apps_shown:
        assert plain_errors(upgrade_definition(doc)) == []
        assert validate_definition(doc) == []


def resolved(part: dict[str, Any]) -> dict[str, Any]:
    """A subschema, or the definition its ``$ref`` names (Pydantic inlines models used once)."""
    found: dict[str, Any] = app_schema()["$defs"][part["$ref"].rsplit("/", 1)[1]] if "$ref" in part else part
    return found


def test_the_schema_describes_every_section_with_the_engines_models() -> None:
    schema = app_schema()
    defs = schema["$defs"]
    for section, model in (("flows", "FlowDef"), ("reports", "ReportDef"), ("dashboards", "DashboardDef")):
        assert resolved(schema["properties"][section]["items"])["title"] == model
    assert set(defs["FieldDef"]["discriminator"]["mapping"]) >= {"text", "subtable", "formula", "attachment"}
    assert set(defs["NodeDef"]["discriminator"]["mapping"]) >= {"start", "approval", "timer", "parallel_join"}
    assert set(defs["ActionEnvelope"]["discriminator"]["mapping"]) >= {"set", "notify", "decide"}
    assert set(defs["TriggerEnvelope"]["discriminator"]["mapping"]) >= {"created", "cron", "flow"}
    assert set(defs["RulesElement"]["discriminator"]["mapping"]) >= {"rule", "decision_table", "public_form"}
    assert defs["RulesElement"]["discriminator"]["defaultMapping"] == "#/$defs/RuleDef"
    calendar = resolved(defs["AppSettings"]["properties"]["calendars"]["additionalProperties"])
    assert calendar["title"] == "CalendarDef" and calendar["properties"]["week"]["propertyNames"]["enum"][0] == "mon"
    assert "max_length" in defs["TextField"]["properties"] and "max_length" not in defs["DateField"]["properties"]


def app_with(**parts: Any) -> dict[str, Any]:
    fields = [{"key": "title", "kind": "text", "label": L},
              {"key": "amount", "kind": "currency", "label": L, "config": {"currency": "CNY"}}]
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "key": "bad", "label": L,
                           "forms": [{"key": "case", "label": L, "fields": fields}]}
    doc.update(parts)
    return doc


def flow(node: dict[str, Any]) -> dict[str, Any]:
    return {"key": "f", "label": L, "form": "case", "nodes": [{"id": "start", "kind": "start"}, node,
                                                              {"id": "end", "kind": "end"}],
            "edges": [{"source": "start", "target": "n"}, {"source": "n", "target": "end"}]}


def rule(action: dict[str, Any]) -> dict[str, Any]:
    return {"key": "r", "form": "case", "on": [{"event": "created"}], "actions": [action]}


def field(**body: Any) -> dict[str, Any]:
    return {"key": "x", "label": L, **body}


BAD = [
    pytest.param(app_with(flows=[flow({"id": "n", "kind": "robot"})]), "/flows/0/nodes/1/kind",
                 "unknown flow node kind 'robot'", id="node-kind"),
    pytest.param(app_with(rules=[rule({"kind": "teleport"})]), "/rules/0/actions/0/kind",
                 "unknown rule action kind 'teleport'", id="rule-action"),
    pytest.param(app_with(rules=[rule({"kind": "set", "valuez": {}})]), "/rules/0/actions/0/valuez",
                 "unknown property 'valuez'", id="rule-action-key"),
    pytest.param(app_with(forms=[{"key": "case", "label": L, "fields": [field(kind="texty")]}]),
                 "/forms/0/fields/0/kind", "unknown field kind 'texty'", id="field-kind"),
    pytest.param(app_with(forms=[{"key": "case", "label": L, "fields": [
        {"key": "a", "kind": "text", "label": L},
        field(kind="serial", config={"pattern": "A{0000}", "rest": "day"})]}]),
        "/forms/0/fields/1/config/rest", "unknown property 'rest'", id="config-key"),
    pytest.param(app_with(forms=[{"key": "case", "label": L, "fields": [
        field(kind="subtable", fields=[{"key": "n", "kind": "text", "label": L, "max_lenght": 5}])]}]),
        "/forms/0/fields/0/fields/0/max_lenght", "unknown property 'max_lenght'", id="subtable-field-key"),
    pytest.param(app_with(forms=[{"key": "case", "label": L, "fields": [field(kind="date", max_length=5)]}]),
                 "/forms/0/fields/0/max_length", "unknown property 'max_length'", id="attribute-of-another-kind"),
    pytest.param(app_with(pages=[{"key": "p", "label": L, "kind": "records", "form": "case", "colour": 1}]),
                 "/pages/0/colour", "unknown property 'colour'", id="page-key"),
    pytest.param(app_with(settings={"calendars": {"c": {"timezone": "Asia/Shanghai", "week": {"mon": ["9-12"]}}}}),
                 "/settings/calendars/c/week/mon/0", "", id="calendar-period"),
]


@pytest.mark.parametrize(("doc", "path", "message"), BAD)
def test_the_schema_refuses_with_the_path(doc: dict[str, Any], path: str, message: str) -> None:
    issues = validate_definition(doc)
    assert path in [i["path"] for i in issues], issues
    assert message in next(i["message"] for i in issues if i["path"] == path)
    assert plain_errors(doc), "a plain draft 2020-12 validator refuses it too"


@pytest.mark.parametrize(("doc", "path", "message"), BAD[:5])
def test_validate_and_publish_name_the_path(org: Org, doc: dict[str, Any], path: str, message: str) -> None:
    admin = org.client()
    published = publish(admin, doc)
    assert published.status_code == 422, published.text
    assert message in {e["path"]: e["message"] for e in published.json()["errors"]}[path]
    checked = admin.post("/api/apps/bad/validate", json=doc).json()
    assert checked["valid"] is False and message in {e["path"]: e["message"] for e in checked["errors"]}[path]


def test_a_page_must_name_what_the_app_has() -> None:
    doc = app_with(pages=[{"key": "p", "label": L, "kind": "records", "form": "case"},
                          {"key": "q", "label": L, "kind": "dashboard", "dashboard": "nope"}])
    assert validate_definition(doc) == [{"path": "/pages/1/dashboard", "message": "no dashboard 'nope' in this app"}]


def test_a_newer_schema_version_is_refused_at_its_path() -> None:
    issues = validate_definition(app_with(schema_version=SCHEMA_VERSION + 1))
    message = f"this server reads app documents of schema versions 1 to {SCHEMA_VERSION}, not {SCHEMA_VERSION + 1}"
    assert issues == [{"path": "/schema_version", "message": message}]


def test_v1_upgrades_to_a_valid_current_document_without_touching_the_input() -> None:
    doc = v1_app()
    before = copy.deepcopy(doc)
    as_v2 = {**doc, "schema_version": 2}
    assert "/flows/0/nodes/1/assignee" in [i["path"] for i in validate_definition(as_v2)], "v2 refuses v1's extras"
    upgraded = upgrade_definition(doc)
    assert doc == before
    assert upgraded["schema_version"] == SCHEMA_VERSION
    assert plain_errors(upgraded) == [] and validate_definition(doc) == []
    days = upgraded["forms"][0]["fields"][1]
    assert days == {"key": "days", "kind": "integer", "label": {"en": "Days"}, "required": True, "min": 1, "max": 30}
    assert upgraded["flows"][0]["nodes"][1] == {"id": "route", "kind": "exclusive", "label": {"en": "Long?"}}
    assert upgraded["settings"]["calendars"]["office"]["week"] == {"mon": ["09:00-18:00"],
                                                                   "tue": ["09:00-12:00", "13:00-18:00"]}
    assert upgrade_definition(upgraded) is upgraded, "a current document is read as it is"


def test_a_malformed_v1_document_is_reported_not_crashed_on() -> None:
    doc = {"key": "odd", "label": L, "forms": [{"key": "f", "label": L, "fields": [{"key": "a", "kind": ["text"],
                                                                                  "label": L}]}],
           "flows": [{"key": "g", "label": L, "form": "f", "nodes": [{"id": "s", "kind": {"start": 1}}]}],
           "settings": {"calendars": {"c": {"timezone": "UTC", "week": 7}}}}
    paths = [i["path"] for i in validate_definition(doc)]
    assert {"/forms/0/fields/0/kind", "/flows/0/nodes/0/kind", "/settings/calendars/c/week"} <= set(paths)


class Leave:
    def __init__(self, org: Org) -> None:
        self.org = org
        self.admin = org.client()
        self.bob = org.add_user("bob")
        self.alice = org.add_user("alice")
        for user in (self.alice, self.bob):
            r = self.admin.post("/api/admin/memberships", json={"user_id": user, "app": "leave", "role": "staff"})
            assert r.status_code == 201, r.text

    def request(self, days: int) -> int:
        r = self.org.client("alice").post("/api/apps/leave/forms/request/records",
                                          json={"reason": "家事", "days": days, "approver": self.bob})
        assert r.status_code == 201, r.text
        started = self.org.client("alice").post("/api/apps/leave/flows/approve/start",
                                                json={"record_id": r.json()["id"]})
        assert started.status_code == 201, started.text
        return int(r.json()["id"])

    def outcome(self, record_id: int) -> Any:
        return self.admin.get(f"/api/apps/leave/forms/request/records/{record_id}").json()["outcome"]


def test_a_stored_v1_draft_publishes_as_v2_and_behaves(org: Org) -> None:
    admin = org.client()
    assert publish(admin, v1_app()).status_code == 200
    assert admin.get("/api/apps/leave").json()["draft"]["schema_version"] == 1, "the draft is not rewritten"
    version = admin.get("/api/apps/leave/versions/1").json()
    assert version["schema_version"] == SCHEMA_VERSION
    leave = Leave(org)
    short, long = leave.request(2), leave.request(5)
    assert leave.outcome(short) == "approved"
    assert leave.outcome(long) is None
    bob = org.client("bob")
    tasks = bob.get("/api/flows/inbox/pending").json()["items"]
    assert [t["node_id"] for t in tasks] == ["lead"]
    acted = bob.post(f"/api/flows/tasks/{tasks[0]['task_id']}/act", json={"action": "approve"})
    assert acted.status_code == 200, acted.text
    assert leave.outcome(long) == "approved"


def test_a_stored_v1_version_is_upgraded_on_read_and_never_rewritten(org: Org) -> None:
    """A version an older server stored keeps its bytes; the runtime, flows and export read it upgraded."""
    admin = org.client()
    assert publish(admin, upgrade_definition(v1_app())).status_code == 200
    with org.engine.begin() as conn:
        app = conn.execute(select(apps.c.id, apps.c.current_version_id).where(
            apps.c.org_id == org.id, apps.c.key == "leave")).one()
        old = conn.execute(insert(app_versions).values(
            app_id=app.id, number=2, schema_version=1, definition=v1_app(), content_hash="0" * 64,
            parent_id=app.current_version_id, created_at=utcnow()).returning(app_versions.c.id)).scalar_one()
        conn.execute(update(apps).where(apps.c.id == app.id).values(current_version_id=old))
    leave = Leave(org)
    assert leave.outcome(leave.request(1)) == "approved"
    exported = admin.get("/api/apps/leave/export")
    assert exported.status_code == 200, exported.text
    assert exported.json()["schema_version"] == SCHEMA_VERSION and plain_errors(exported.json()) == []
    with org.engine.begin() as conn:
        stored = conn.execute(select(app_versions.c.definition).where(app_versions.c.id == old)).scalar_one()
    assert stored == v1_app()
