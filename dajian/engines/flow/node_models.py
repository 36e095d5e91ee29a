"""One model per registered node kind, for the published schema: the common node attributes plus
those the kind reads (``NodeKind.attributes``), nothing else.

``node_models()["timer"]`` accepts ``{"id": "wait", "kind": "timer", "duration": {"hours": 2}}``
and refuses an ``assignee`` on it. The engine itself still parses every node with the flat
``NodeDef`` and checks each kind's needs in ``nodes.py``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from .model import NodeDef, Strict
from .nodes import NODE_KINDS
from .palette import NODE_TEXT


def kind_attributes() -> frozenset[str]:
    """Node attributes some kind reads; the others (id, kind, label) every node has."""
    return frozenset().union(*(k.attributes for k in NODE_KINDS.values()))


def node_models() -> dict[str, type[BaseModel]]:
    """``{"approval": ApprovalNode, ...}`` for every registered kind, in registry order."""
    specific = kind_attributes()
    return {name: _model(name, specific) for name in NODE_KINDS}


def _model(name: str, specific: frozenset[str]) -> type[BaseModel]:
    attributes = NODE_KINDS[name].attributes
    fields: dict[str, Any] = {
        attr: (info.annotation, info) for attr, info in NodeDef.model_fields.items()
        if attr != "kind" and (attr not in specific or attr in attributes)}
    en = NODE_TEXT.get(name, (name, name))[0]
    fields["kind"] = (Literal[name], Field(description=en))
    title = "".join(part.title() for part in name.split("_")) + "Node"
    model: type[BaseModel] = create_model(title, __base__=Strict, __doc__=f"{en} node.", **fields)
    return model
