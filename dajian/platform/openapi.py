"""OpenAPI 3.1 documents: the platform API's (committed as ``openapi.json`` at the repository's root, for
generated clients) and one app's record API, generated from its forms.

``python -m dajian.platform.openapi`` rewrites the committed file; ``tests/platform/test_openapi_contract.py``
fails while it is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef
from dajian.platform.api.params import INT64_MAX
from dajian.platform.api.versions import V1
from dajian.platform.apps import RuntimeApp
from dajian.platform.errors import document_errors

STANDARD = {
    "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}, "created_by": {"type": ["integer", "null"]},
    "owner_id": {"type": ["integer", "null"]}, "dept_id": {"type": ["integer", "null"]},
    "row_version": {"type": "integer"},
}
WARNINGS = {"_warnings": {
    "type": "array", "readOnly": True,
    "description": "Only on a create answer, when a rule's action failed after the record was saved "
                   "(e.g. its flow could not start): what did not happen, by rule (path /rules/<rule key>)",
    "items": {"type": "object", "properties": {"path": {"type": "string"}, "message": {"type": "string"}}},
}}


def field_schema(fdef: FieldDef) -> dict[str, Any]:
    options = [o.value for o in fdef.options or []]
    if fdef.kind == "single_select":
        schema: dict[str, Any] = {"type": "string", "enum": options}
    elif fdef.kind == "multi_select":
        schema = {"type": "array", "items": {"type": "string", "enum": options}, "uniqueItems": True}
    else:  # the kind's registry entry says what its value looks like
        kind = FIELD_KINDS.get(fdef.kind)
        schema = kind.value_schema() if kind else {}
    kind_def = FIELD_KINDS.get(fdef.kind)
    if kind_def is not None and not kind_def.client_writable:
        schema["readOnly"] = True
    title = fdef.label.get("en") or next(iter(fdef.label.values()))
    return {**schema, "title": title, "x-dajian-kind": fdef.kind, "x-dajian-label": fdef.label}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Any field may be empty: null is sent to clear it and read back for an empty one."""
    if "type" not in schema:
        return schema
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, "type": [*types, "null"], **extra}


def _form_schemas(form: CompiledForm) -> dict[str, Any]:
    props = {k: nullable(field_schema(f)) for k, f in form.fields.items()}
    writable = {k: v for k, v in props.items() if not v.get("readOnly")}
    required = [k for k, f in form.fields.items() if f.required and f.default is None and k in writable]
    name = form.form.key
    return {
        f"{name}_input": {"type": "object", "properties": writable, "required": required,
                          "additionalProperties": False},
        f"{name}_record": {"type": "object", "properties": {**STANDARD, **props, **WARNINGS}},
    }


IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "A retry with the same key and body answers the first answer (kept 24 h)",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"}}


def _form_paths(app_key: str, form: CompiledForm) -> dict[str, Any]:
    key = form.form.key
    base = f"{V1}/apps/{app_key}/forms/{key}/records"
    ref = {"$ref": f"#/components/schemas/{key}_record"}
    body = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{key}_input"}}}}
    ok = {"description": "OK", "content": {"application/json": {"schema": ref}}}
    item = [{"name": "record_id", "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": INT64_MAX}}]
    list_params = [{"name": n, "in": "query", "schema": {"type": t}}
                   for n, t in (("filter", "string"), ("sort", "string"), ("limit", "integer"),
                                ("after", "string"), ("fields", "string"), ("count", "string"))]
    return {
        base: {
            "get": {"summary": f"List {key}", "tags": [key], "parameters": list_params,
                    "responses": {"200": {"description": "A page of records"}}},
            "post": {"summary": f"Create {key}", "tags": [key], "requestBody": body, "parameters": [IDEMPOTENCY_KEY],
                     "responses": {"201": ok, "422": {"description": "Invalid, with paths"}}},
        },
        base + "/{record_id}": {
            "get": {"summary": f"Read {key}", "tags": [key], "parameters": item, "responses": {"200": ok}},
            "patch": {"summary": f"Update {key} (send row_version)", "tags": [key], "parameters": item,
                      "requestBody": body, "responses": {"200": ok, "409": {"description": "Stale row_version"}}},
            "delete": {"summary": f"Delete {key} (soft)", "tags": [key], "parameters": item,
                       "responses": {"204": {"description": "Deleted"}}},
        },
    }


def app_openapi(runtime: RuntimeApp) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for form in runtime.forms.values():
        paths.update(_form_paths(runtime.key, form))
        schemas.update(_form_schemas(form))
    label = runtime.definition.label
    return document_errors({
        "openapi": "3.1.0",
        "info": {"title": label.get("en") or next(iter(label.values())), "version": str(runtime.version),
                 "x-dajian-label": label},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    })


PLATFORM_FILE = Path(__file__).resolve().parents[2] / "openapi.json"
REGENERATE = "python -m dajian.platform.openapi"


def platform_openapi() -> dict[str, Any]:
    """The platform API's document, as ``GET /openapi.json`` serves it (no database is opened)."""
    from dajian.platform.app import create_app  # the app imports this module through its routers
    from dajian.platform.config import Settings

    document: dict[str, Any] = create_app(Settings(database_url="sqlite://", trusted_proxies=())).openapi()
    return document


def platform_openapi_text() -> str:
    return json.dumps(platform_openapi(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    PLATFORM_FILE.write_text(platform_openapi_text(), encoding="utf-8")
    print(f"wrote {PLATFORM_FILE}", file=sys.stderr)
