"""Who is acting: the result of authentication, passed to every permission check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Scopes an API token may carry; a browser session carries all of them.
SCOPES = ("records:read", "records:write", "apps:read", "apps:manage", "admin")


@dataclass(frozen=True)
class Principal:
    user_id: int
    org_id: int
    dept_id: int | None
    is_org_admin: bool
    via: Literal["session", "token", "system"]
    scopes: frozenset[str] | None = None  # None: everything the user may do
    app_keys: frozenset[str] | None = None  # token limited to these apps
    csrf_token: str | None = None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    def can_reach_app(self, app_key: str) -> bool:
        return self.app_keys is None or app_key in self.app_keys
