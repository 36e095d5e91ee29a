"""One model per registered field kind, for the published schema: the common field attributes,
those the kind reads (its palette row's ``attributes``) and its ``config`` (the kind's own
``config_model``), nothing else.

``field_models()["text"]`` accepts ``{"key": "name", "kind": "text", "label": {"en": "Name"},
"max_length": 50}`` and refuses ``"config": {"max_lenght": 5}`` or ``"options"`` on it. The engine
still parses every field with the flat ``FieldDef``; these models only describe the JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from dajian.engines.form import compile as _compile  # noqa: F401 - registers the structural kinds
from dajian.engines.form.fields import FIELD_KINDS, FieldKind
from dajian.engines.form.model import FieldDef, Strict
from dajian.engines.form.palette import KIND_TEXT


class NoConfig(Strict):
    """This kind takes no settings: ``config`` is absent, null or ``{}``."""


def kind_attributes() -> frozenset[str]:
    """``FieldDef`` attributes that only some kinds read (``max_length``, ``options``, ``fields`` …)."""
    return frozenset().union(*(text.attributes for text in KIND_TEXT.values()))


def read_attributes(kind: str) -> frozenset[str]:
    """The kind-specific attributes ``kind`` reads; a kind without a palette row may use any."""
    text = KIND_TEXT.get(kind)
    return frozenset(text.attributes) if text is not None else kind_attributes()


def field_models() -> dict[str, type[BaseModel]]:
    """``{"text": TextField, ...}`` for every registered kind, in registry order."""
    specific = kind_attributes()
    return {name: _model(kind, specific) for name, kind in FIELD_KINDS.items()}


def _model(kind: FieldKind, specific: frozenset[str]) -> type[BaseModel]:
    reads = read_attributes(kind.name)
    fields: dict[str, Any] = {
        attr: (info.annotation, info) for attr, info in FieldDef.model_fields.items()
        if attr not in ("kind", "config") and (attr not in specific or attr in reads)}
    text = KIND_TEXT.get(kind.name)
    label = text.en if text is not None else kind.name
    fields["kind"] = (Literal[kind.name], Field(description=label))
    config = kind.config_model or NoConfig
    described = Field(description=f"Settings of a {kind.name} field.")
    if any(info.is_required() for info in config.model_fields.values()):  # a serial's pattern, a relation's form
        fields["config"] = (config, described)
    else:
        fields["config"] = (config | None, Field(default=None, description=described.description))
    title = "".join(part.title() for part in kind.name.split("_")) + "Field"
    model: type[BaseModel] = create_model(title, __base__=Strict, __doc__=f"{label} field.", **fields)
    return model
