"""Shared parameter types: ids and numbers that fit the columns they are looked up in.

An id is a positive 64-bit integer (``BIGINT``), a version number a 32-bit
one (``INTEGER``): a larger number could never name a row, and passing it
to the database fails differently on SQLite (``OverflowError``) and
PostgreSQL (``out of range``). Declaring the range here answers 422 with
the parameter's path on both, and documents the range in the OpenAPI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

PathId = Annotated[int, Path(ge=1, le=INT64_MAX, description="a row id")]
QueryId = Annotated[int | None, Query(ge=1, le=INT64_MAX, description="a row id")]
BodyId = Annotated[int, Field(ge=1, le=INT64_MAX)]
VersionNumber = Annotated[int, Path(ge=1, le=INT32_MAX, description="an app version number")]
BodyVersion = Annotated[int, Field(ge=1, le=INT32_MAX)]
