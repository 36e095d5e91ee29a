"""Shared parameter types: ids and numbers that fit the columns they are looked up in.

An id is a positive 64-bit integer (``BIGINT``), a version number a 32-bit
one (``INTEGER``): a larger number could never name a row, and passing it
to the database fails differently on SQLite (``OverflowError``) and
PostgreSQL (``out of range``). Declaring the range here answers 422 with
the parameter's path on both, and documents the range in the OpenAPI.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import Path, Query, Request
from pydantic import Field

from dajian.platform.errors import Invalid

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

PathId = Annotated[int, Path(ge=1, le=INT64_MAX, description="a row id")]
QueryId = Annotated[int | None, Query(ge=1, le=INT64_MAX, description="a row id")]
BodyId = Annotated[int, Field(ge=1, le=INT64_MAX)]
VersionNumber = Annotated[int, Path(ge=1, le=INT32_MAX, description="an app version number")]
BodyVersion = Annotated[int, Field(ge=1, le=INT32_MAX)]


REQUEST_ID = re.compile(r"[\x21-\x7e]{1,64}")  # visible ASCII, as audit_log.request_id holds


def request_id(request: Request) -> str:
    """The client's ``X-Request-ID`` (1–64 visible ASCII characters), else a fresh one."""
    given = request.headers.get("x-request-id")
    if given is None:
        return uuid.uuid4().hex
    if not REQUEST_ID.fullmatch(given):
        raise Invalid("the request is invalid", errors=[
            {"path": "/X-Request-ID", "message": "1 to 64 visible ASCII characters"}])
    return given
