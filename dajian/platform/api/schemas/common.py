"""Types shared by the response models: the base class, timestamps, labels, problems with paths."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema


class Out(BaseModel):
    """A response body. Keys the model does not declare are dropped on the way out, so every key a
    route returns must be declared here (the response-model test checks it against real bodies)."""

    model_config = ConfigDict(extra="ignore")


class Open(BaseModel):
    """A response body whose keys are partly data: a record's field keys, an effect's parameters."""

    model_config = ConfigDict(extra="allow")


def _iso(value: datetime) -> str:
    return value.isoformat()


# ISO 8601 with its offset (``2026-03-01T08:00:00+00:00``), as the services write it
Timestamp = Annotated[AwareDatetime, PlainSerializer(_iso, return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time"})]
# the same, already written as text by the service: records are dumped once, on the hot path, and are
# not parsed again on their way out
IsoText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Label = Annotated[dict[str, str], Field(description='text by language, e.g. {"zh-CN": "工单", "en": "Ticket"}')]
Json = Any  # any JSON value: a record's value, a rule's result, a report's cell


class Problem(Out):
    """One problem of a definition or a value, with its JSON path (``/forms/0/fields/2/kind``)."""

    path: str
    message: str


class Validation(Out):
    valid: bool
    errors: list[Problem]
