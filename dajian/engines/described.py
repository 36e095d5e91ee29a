"""``DescribedBy``: a value kept as written in Python, described in JSON Schema by a model.

The app document keeps each engine's part as the JSON a designer saved, because the engine parses
and checks it itself, with located messages of its own (``/flows/0/nodes/2/assignee``). The
published schema must still say what that JSON looks like, and say it from the engine's model, not
from a second copy::

    flows: list[Annotated[Element, DescribedBy(FlowDef)]]

validates as a list of loose elements and is described as ``{"items": {"$ref": "#/$defs/FlowDef"}}``.

An open set (rule triggers, rule actions: one model per registered kind) is named instead,
``DescribedBy("TriggerEnvelope")``: a ``$ref`` to a definition the schema's assembler supplies
(``dajian/platform/definition/schema.py``), built from the registry when the schema is generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import GetJsonSchemaHandler, TypeAdapter
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


@dataclass(frozen=True)
class DescribedBy:
    model: Any  # a model class or any type Pydantic can describe, or the name of an open set

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        if isinstance(self.model, str):
            return {"$ref": f"#/$defs/{self.model}"}
        return handler(TypeAdapter(self.model).core_schema)
