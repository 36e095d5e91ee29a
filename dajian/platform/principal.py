"""Who is acting: the result of authentication, passed to every permission check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

# Scopes an API token may carry; a browser session carries all of them.
SCOPES = ("records:read", "records:write", "apps:read", "apps:manage", "admin")


class AppAccess(NamedTuple):
    """The app a request's path names and the caller's role keys in it, read in the same statement as the
    credentials, so a record request need not read them again (``apps.load_runtime_and_roles``)."""

    key: str
    app_id: int | None  # None: the organisation has no such app
    current_version_id: int | None  # None: not published yet
    role_keys: tuple[str, ...]


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
    app: AppAccess | None = None  # only when the request's path names an app

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    def can_reach_app(self, app_key: str) -> bool:
        return self.app_keys is None or app_key in self.app_keys
