"""The published app schema (``app.schema.json``), assembled from the engines' models and registries.

Field kinds, node kinds, rule triggers, rule actions and the elements of the ``rules`` section are
open sets, each registered in its engine with its own model. The schema describes each set as a
discriminated union (``oneOf`` + OpenAPI's ``discriminator``, which TypeScript generators read): the
engine's placeholder (``FieldDef``, ``NodeDef``, ``TriggerEnvelope``, ``ActionEnvelope``,
``RulesElement``) becomes ::

    {"title": "Field", "oneOf": [{"$ref": "#/$defs/TextField"}, ...],
     "discriminator": {"propertyName": "kind", "mapping": {"text": "#/$defs/TextField", ...}}}

so a kind registered with its model is in the next regenerated schema without a change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from dajian.engines.flow.node_models import node_models
from dajian.engines.form.kind_models import field_models
from dajian.engines.rule import actions as _actions  # noqa: F401 - registers the actions
from dajian.engines.rule import triggers as _triggers  # noqa: F401 - registers the triggers
from dajian.engines.rule.dtable import DecisionTableDef
from dajian.engines.rule.model import ELEMENT_MODELS
from dajian.engines.rule.registry import ACTIONS, TRIGGERS
from dajian.platform.definition.model import AppDefinition

JsonSchema = dict[str, Any]
SCHEMA_ID = "https://dajian.dev/schema/app.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class OpenUnion:
    """A placeholder definition replaced by one model per registered kind, told apart by ``tag``."""

    title: str  # what an error calls it: "unknown field kind 'texty'"
    tag: str
    models: Callable[[], Mapping[str, type[BaseModel]]]


OPEN_UNIONS: dict[str, OpenUnion] = {
    "FieldDef": OpenUnion("Field", "kind", field_models),
    "NodeDef": OpenUnion("Flow node", "kind", node_models),
    "TriggerEnvelope": OpenUnion("Rule trigger", "event", lambda: {k: t.model for k, t in TRIGGERS.items()}),
    "ActionEnvelope": OpenUnion("Rule action", "kind", lambda: {k: a.model for k, a in ACTIONS.items()}),
    "RulesElement": OpenUnion("Rules element", "kind",
                              lambda: {**ELEMENT_MODELS, "decision_table": DecisionTableDef}),
}


def build_app_schema() -> JsonSchema:
    """The whole app document's JSON Schema (draft 2020-12), every open set as a discriminated union."""
    unions = {name: dict(sorted(u.models().items())) for name, u in OPEN_UNIONS.items()}  # registry order varies
    models: list[type[BaseModel]] = [AppDefinition, *(m for variants in unions.values() for m in variants.values())]
    keymap, generated = models_json_schema([(m, "validation") for m in models], ref_template="#/$defs/{model}")
    defs: JsonSchema = generated["$defs"]
    for name, variants in unions.items():
        assert name in defs or name in _placeholders(generated), f"no model names the open set {name}"
        refs = {tag: keymap[(model, "validation")]["$ref"] for tag, model in variants.items()}
        defs[name] = discriminated(OPEN_UNIONS[name], refs, defs)
    root = defs.pop(_def_name(keymap[(AppDefinition, "validation")]["$ref"]))
    return {"$schema": DRAFT, "$id": SCHEMA_ID, **root, "$defs": dict(sorted(_reachable(root, defs).items()))}


def discriminated(union: OpenUnion, refs: Mapping[str, str], defs: JsonSchema) -> JsonSchema:
    """``oneOf`` the variants, with the mapping; ``defaultMapping`` (OpenAPI 3.2) names the one variant
    whose tag may be left out (a rule's ``kind`` defaults to ``rule``)."""
    discriminator: JsonSchema = {"propertyName": union.tag, "mapping": dict(refs)}
    optional = [ref for ref in refs.values() if union.tag not in defs[_def_name(ref)].get("required", [])]
    if len(optional) == 1:
        discriminator["defaultMapping"] = optional[0]
    variants = list(dict.fromkeys(refs.values()))  # one model may serve several tags (created, updated, …)
    return {"title": union.title, "oneOf": [{"$ref": ref} for ref in variants], "discriminator": discriminator}


def _placeholders(value: Any) -> set[str]:
    return set(_refs(value))


def _def_name(ref: str) -> str:
    return ref.removeprefix("#/$defs/")


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str):
            yield _def_name(ref)
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _reachable(root: JsonSchema, defs: JsonSchema) -> JsonSchema:
    """The definitions ``root`` reaches: the flat models the unions replaced are left out."""
    used: JsonSchema = {}
    pending = list(_refs(root))
    while pending:
        name = pending.pop()
        if name not in used:
            used[name] = defs[name]
            pending += _refs(defs[name])
    return used
