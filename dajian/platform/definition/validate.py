"""Validate an app document: JSON Schema first (shape), then meaning.

Every problem comes back at once as ``{"path": "/forms/2/fields/5/key",
"message": ...}`` so the designer can mark all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from dajian.engines.form.compile import check_form, child_form
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef, FormDef
from dajian.engines.form.trees import resolve_trees
from dajian.platform.definition.model import SCHEMA_VERSION, AppDefinition
from dajian.platform.definition.pages import page_issues
from dajian.platform.definition.schema import build_app_schema
from dajian.platform.definition.upgrade import upgrade_definition

Issue = dict[str, str]
# PostgreSQL: 1,600 columns per table, but a row of variable-width values must fit 8,160 bytes, where
# each value moved out of line still costs an 18-byte pointer: 400 text columns fit, 600 do not
MAX_STORED_FIELDS = 400
MAX_NAME = 63  # identifiers and the form_tables.form_key column; a sub-table's unit key is form__field
# SQLite keeps a decimal as a 64-bit integer scaled by 10^scale: 18 digits fit, on both databases alike
MAX_DECIMAL_DIGITS = 18
SCHEMA_FILE = Path(__file__).with_name("app.schema.json")


__all__ = ["app_schema", "build_app_schema", "parse_definition", "validate_definition"]


@cache
def app_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


_PLAIN_ONE_OF = Draft202012Validator.VALIDATORS["oneOf"]


def _one_of(validator: Validator, one_of: list[Any], instance: Any,
            schema: dict[str, Any]) -> Iterator[ValidationError]:
    """``oneOf`` with a ``discriminator`` checks only the variant its tag names, so a misspelt config key is
    reported where it is (``/forms/0/fields/3/config/max_lenght``) and an unknown kind at ``…/kind``,
    instead of "not valid under any of the given schemas" for the whole field. Same verdicts as plain
    ``oneOf``: the variants' tags are constants."""
    discriminator = schema.get("discriminator")
    if not isinstance(discriminator, dict) or not isinstance(instance, dict):
        yield from _PLAIN_ONE_OF(validator, one_of, instance, schema)
        return
    tag = discriminator["propertyName"]
    if tag not in instance:
        ref = discriminator.get("defaultMapping")
        if ref is None:
            yield ValidationError(f"'{tag}' is a required property")
            return
    else:
        value = instance[tag]
        ref = discriminator["mapping"].get(value) if isinstance(value, str) else None
        if ref is None:
            what = f"{schema['title'].lower()} {tag}" if "title" in schema else tag
            known = ", ".join(sorted(discriminator["mapping"]))
            yield ValidationError(f"unknown {what} {value!r}; known: {known}", path=(tag,))
            return
    index = next(i for i, variant in enumerate(one_of) if variant.get("$ref") == ref)
    yield from validator.descend(instance, one_of[index], schema_path=index)


_DiscriminatingValidator = validators.extend(Draft202012Validator, {"oneOf": _one_of})


@cache
def _validator() -> Validator:
    return _DiscriminatingValidator(app_schema())


def json_path(parts: Any) -> str:
    return "".join(f"/{p}" for p in parts)


def _narrowed(err: ValidationError) -> list[ValidationError]:
    """The errors inside the one ``anyOf``/``oneOf`` branch meant for the value: ``{"config": {"rest": 1}}``
    against ``SerialConfig | null`` is a misspelt key at ``…/config/rest``, not "not valid under any of the
    given schemas" at ``…/config``. Branches refused for the value's type or constant are not meant."""
    if err.validator not in ("anyOf", "oneOf") or not err.context:
        return [err]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in err.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errors for errors in branches.values()
             if not any(e.validator in ("type", "const", "enum") and not e.relative_path for e in errors)]
    if len(meant) != 1:
        return [err]
    return [narrow for sub in meant[0] for narrow in _narrowed(sub)]


def _schema_issues(err: ValidationError) -> list[Issue]:
    return [issue for narrow in _narrowed(err) for issue in _located(narrow)]


def _located(err: ValidationError) -> list[Issue]:
    path = json_path(err.absolute_path)
    message = err.message
    if err.validator == "pattern" and str(err.validator_value).startswith("^[a-z]"):
        message = f"{err.instance!r} is not a valid key: lower-case letters, digits and _, starting with a letter"
    elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
        return [{"path": f"{path}/{name}", "message": f"unknown property '{name}'"}
                for name in err.instance if name not in known]
    elif path == "/schema_version" and err.validator == "const":
        message = f"this server reads app documents of schema versions 1 to {SCHEMA_VERSION}, not {err.instance!r}"
    return [{"path": path, "message": message}]


def validate_definition(doc: Any) -> list[Issue]:
    """Return every problem of ``doc`` (upgraded to the current schema version first, see ``upgrade.py``);
    an empty list means it can be published. Paths are those of the upgraded document."""
    if not isinstance(doc, dict):
        return [{"path": "", "message": "the app definition must be a JSON object"}]
    doc = upgrade_definition(doc)
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        return [issue for e in errors for issue in _schema_issues(e)]
    issues = list(_semantic_issues(AppDefinition.model_validate(doc)))
    issues += page_issues(doc.get("pages") or [], {s: {e["key"] for e in doc.get(s) or []}
                                                   for s in ("forms", "reports", "dashboards")})
    return issues or (_flow_issues(doc) + _rule_issues(doc) + _report_issues(doc) + _print_issues(doc))


def parse_definition(doc: dict[str, Any]) -> AppDefinition:
    """The typed app (upgraded to the current schema version), with app-level option trees put inline
    into the cascade fields that name them."""
    return _resolved(AppDefinition.model_validate(upgrade_definition(doc)))[0]


def _resolved(app: AppDefinition) -> tuple[AppDefinition, list[Issue]]:
    if not app.trees:
        return app, []
    forms, issues = [], []
    for i, form in enumerate(app.forms):
        resolved, found = resolve_trees(form, app.trees, path=f"/forms/{i}")
        forms.append(resolved)
        issues += found
    return app.model_copy(update={"forms": forms}), issues


def _semantic_issues(app: AppDefinition) -> Iterator[Issue]:
    app, tree_issues = _resolved(app)
    yield from tree_issues
    yield from _duplicates([f.key for f in app.forms], "/forms", "form")
    for i, form in enumerate(app.forms):
        yield from check_form(form, f"/forms/{i}")
        yield from _storage_issues(form, f"/forms/{i}")
    yield from _duplicates([r.key for r in app.roles], "/roles", "role")
    for i in range(len(app.roles)):
        yield from _role_issues(app, i)
    for section in ("flows", "rules", "reports", "dashboards", "pages"):
        yield from _duplicates([e.key for e in getattr(app, section)], f"/{section}", section[:-1])
    yield from _menu_issues(app)
    try:
        ZoneInfo(app.settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield {"path": "/settings/timezone", "message": f"unknown time zone '{app.settings.timezone}'"}


def _menu_issues(app: AppDefinition) -> Iterator[Issue]:
    """Every menu entry names a form or dashboard of the app, once."""
    known = {f"form:{f.key}" for f in app.forms} | {f"dashboard:{d.key}" for d in app.dashboards}
    seen: set[str] = set()
    for g, group in enumerate(app.settings.menu):
        for i, item in enumerate(group.items):
            path = f"/settings/menu/{g}/items/{i}"
            kind, _, key = item.partition(":")
            if item not in known:
                yield {"path": path, "message": f"the app has no {kind} '{key}'"}
            elif item in seen:
                yield {"path": path, "message": f"{kind} '{key}' is already in the menu"}
            seen.add(item)


def _storage_issues(form: FormDef, path: str, parent: str | None = None) -> Iterator[Issue]:
    """What the database could not hold: too many columns for one row, a sub-table key too long to name.

    A form ``a…a`` (63 characters) with a sub-table ``items`` gives ``/forms/0/fields/3/key``:
    ``a…a__items`` is longer than 63 characters.
    """
    stored = [f for f in form.fields if (kind := FIELD_KINDS.get(f.kind)) is None or kind.has_column]
    if len(stored) > MAX_STORED_FIELDS:
        where = "a sub-table row" if parent else "a form"
        yield {"path": f"{path}/fields", "message": f"{where} has at most {MAX_STORED_FIELDS} stored fields "
                                                    f"(this one has {len(stored)}); split it or use a sub-table"}
    for j, fdef in enumerate(form.fields):
        yield from _digits_issues(fdef, f"{path}/fields/{j}")
        if fdef.kind != "subtable":
            continue
        if len(f"{form.key}__{fdef.key}") > MAX_NAME:
            yield {"path": f"{path}/fields/{j}/key",
                   "message": f"the form key and this sub-table key have at most {MAX_NAME - 2} characters "
                              f"together ({len(form.key)} + {len(fdef.key)})"}
        yield from _storage_issues(child_form(fdef), f"{path}/fields/{j}", parent=form.key)


def _digits_issues(fdef: FieldDef, path: str) -> Iterator[Issue]:
    """A decimal holds at most 18 digits in all (``precision``), so at most 17 after the point (``scale``)."""
    config = fdef.config or {}
    for where, name, value, limit in (("", "precision", fdef.precision, MAX_DECIMAL_DIGITS),
                                      ("", "scale", fdef.scale, MAX_DECIMAL_DIGITS - 1),
                                      ("/config", "scale", config.get("scale"), MAX_DECIMAL_DIGITS - 1)):
        if isinstance(value, int) and value > limit:
            yield {"path": f"{path}{where}/{name}",
                   "message": f"at most {limit}: decimals keep at most {MAX_DECIMAL_DIGITS} digits, exactly"}


def _flow_issues(doc: dict[str, Any]) -> list[Issue]:
    """The flow engine checks its own part (graph, conditions, assignees) once the forms are sound."""
    if not doc.get("flows"):
        return []
    from dajian.platform.flows.plans import app_flow_issues

    return [{k: str(v) for k, v in issue.items() if v is not None} for issue in app_flow_issues(doc)]


def _rule_issues(doc: dict[str, Any]) -> list[Issue]:
    """The rule engine checks its part (triggers, conditions, actions, templates, tables, channels)."""
    if not doc.get("rules"):
        return []
    from dajian.platform.rules.plans import app_rule_issues

    return [{k: str(v) for k, v in issue.items() if v is not None} for issue in app_rule_issues(doc)]


def _report_issues(doc: dict[str, Any]) -> list[Issue]:
    """The report engine checks reports and dashboards (fields, measures, buckets, widgets)."""
    if not doc.get("reports") and not doc.get("dashboards"):
        return []
    from dajian.platform.reports import app_report_issues

    return [{k: str(v) for k, v in issue.items() if v is not None} for issue in app_report_issues(doc)]


def _print_issues(doc: dict[str, Any]) -> list[Issue]:
    """Print templates name their form's fields and sub-tables; their text blocks are sandboxed templates."""
    if not doc.get("prints"):
        return []
    from dajian.engines.printing import print_issues

    app = parse_definition(doc)
    return list(print_issues(doc["prints"], {f.key: f for f in app.forms}))


def _duplicates(keys: list[str], path: str, what: str) -> Iterator[Issue]:
    for i, key in enumerate(keys):
        if key in keys[:i]:
            yield {"path": f"{path}/{i}/key", "message": f"duplicate {what} key '{key}'"}


def _role_issues(app: AppDefinition, index: int) -> Iterator[Issue]:
    role = app.roles[index]
    for form_key, perm in role.permissions.items():
        path = f"/roles/{index}/permissions/{form_key}"
        form = app.form(form_key)
        if form is None:
            yield {"path": path, "message": f"no form '{form_key}'"}
            continue
        known = {f.key for f in form.fields}
        if perm.also_where is not None:
            yield from _condition_issues(perm.also_where, form, f"{path}/also_where")
        for attr in ("read_fields", "write_fields"):
            for j, key in enumerate(getattr(perm, attr) or []):
                if key not in known:
                    yield {"path": f"{path}/{attr}/{j}", "message": f"no field '{key}' in form '{form_key}'"}


def _condition_issues(expression: Any, form: FormDef, path: str) -> Iterator[Issue]:
    from dajian.engines.expr import ExprError, check
    from dajian.engines.form.logic import as_ast, form_schema

    try:
        node = as_ast(expression)
        issues = check(node, form_schema(form), sql=True)
    except ExprError as exc:
        yield {"path": path, "message": str(exc)}
        return
    for issue in issues:
        yield {"path": path + issue.path, "message": issue.message}
