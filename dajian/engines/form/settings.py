"""A kind's settings: ``FieldDef.config`` read through the kind's own model.

``check_form`` has already validated the config, so reading it here cannot
fail for a published form; results are cached because coercers read them for
every value.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TypeVar, cast

from pydantic import BaseModel

from dajian.engines.form.model import FieldDef

M = TypeVar("M", bound=BaseModel)


def settings(model: type[M], field: FieldDef) -> M:
    """``settings(RatingConfig, field)`` -> ``RatingConfig(max=5)`` for ``config=None``."""
    return cast(M, _parsed(model, json.dumps(field.config or {}, sort_keys=True, default=str)))


@lru_cache(maxsize=512)
def _parsed(model: type[BaseModel], text: str) -> BaseModel:
    return model.model_validate_json(text)
