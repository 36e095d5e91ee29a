"""The designer's catalog (its model lives with the catalog builder) and the health check."""

from __future__ import annotations

from pydantic import Field

from dajian.platform.api.schemas.common import Out
from dajian.platform.catalog import Catalog


class Health(Out):
    status: str = Field(description='"ok"')
    version: str = Field(description="the server's version")


__all__ = ["Catalog", "Health"]
