"""App documents are validated against the shipped JSON Schema, with paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from dajian.platform.definition import app_schema, validate_definition
from dajian.platform.definition.validate import SCHEMA_FILE, build_app_schema

TEMPLATES = Path(__file__).resolve().parents[2] / "app_templates"


def minimal(**extra: Any) -> dict[str, Any]:
    return {"key": "app", "label": {"en": "App"}, **extra}


def test_shipped_schema_is_current_and_valid_2020_12() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == build_app_schema(), "regenerate app.schema.json"
    Draft202012Validator.check_schema(app_schema())
    assert app_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_minimal_app_is_valid() -> None:
    assert validate_definition(minimal()) == []


def test_unknown_top_level_key_is_rejected() -> None:
    issues = validate_definition(minimal(widgets=[]))
    assert issues == [{"path": "/widgets", "message": "unknown property 'widgets'"}]


def test_every_error_is_reported_with_its_path() -> None:
    doc = minimal(forms=[
        {"key": "ok", "label": {"en": "Ok"}, "fields": []},
        {"key": "f", "label": {"en": "F"}, "fields": [
            {"key": "a", "kind": "text", "label": {"en": "A"}},
            {"key": "Bad Key", "kind": "text", "label": {"en": "B"}},
            {"key": "c", "kind": "text"},
        ]},
    ])
    paths = [i["path"] for i in validate_definition(doc)]
    assert paths == ["/forms/1/fields/1/key", "/forms/1/fields/2"]


def test_semantic_errors_have_paths() -> None:
    doc = minimal(
        forms=[{"key": "f", "label": {"en": "F"}, "fields": [{"key": "a", "kind": "text", "label": {"en": "A"},
                                                            "pattern": "("}]},
               {"key": "f", "label": {"en": "F2"}}],
        roles=[{"key": "r", "label": {"en": "R"}, "permissions": {
            "f": {"actions": ["read"], "read_fields": ["zz"]}, "nope": {"actions": ["read"]}}}],
        settings={"timezone": "Mars/Olympus"},
    )
    issues = {i["path"]: i["message"] for i in validate_definition(doc)}
    assert set(issues) == {"/forms/1/key", "/forms/0/fields/0/pattern", "/roles/0/permissions/f/read_fields/0",
                           "/roles/0/permissions/nope", "/settings/timezone"}


def test_not_an_object() -> None:
    assert validate_definition([1, 2]) == [{"path": "", "message": "the app definition must be a JSON object"}]


def test_every_template_is_valid() -> None:
    from dajian.platform.templates import is_template, load_template

    found = [p for p in TEMPLATES.iterdir() if p.is_dir()]
    assert len(found) >= 2
    for folder in found:
        doc = load_template(folder)[1] if is_template(folder) else json.loads((folder / "app.json").read_text())
        assert validate_definition(doc) == [], folder
