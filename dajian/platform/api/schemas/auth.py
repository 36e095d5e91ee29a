"""Sign-in, the current user and API tokens."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dajian.platform.api.schemas.common import Out, Timestamp

Via = Literal["session", "token", "system"]


class User(Out):
    """The signed-in user, as the UI greets them."""

    id: int
    org_id: int
    username: str
    display_name: str
    email: str | None
    dept_id: int | None
    is_org_admin: bool
    locale: str = Field(description="zh-CN or en")


class LoggedIn(Out):
    user: User
    csrf_token: str = Field(description="send it back in X-CSRF-Token on every unsafe request of this session")


class OrgRef(Out):
    id: int
    key: str
    name: str


class DeptRef(Out):
    id: int
    key: str
    name: str


class Me(Out):
    """Who is calling and what they may do: enough to hide what the UI cannot offer."""

    user: User
    org: OrgRef
    dept: DeptRef | None
    is_org_admin: bool
    scopes: list[str] = Field(description="the scopes this sign-in carries (a session carries every scope)")
    apps: list[str] | None = Field(description="a token limited to some apps: their keys; otherwise null")
    via: Via


class NewToken(Out):
    id: int
    token: str = Field(description="the plaintext, shown in this answer and never again")


class Token(Out):
    id: int
    user_id: int
    name: str
    created_at: Timestamp
    expires_at: Timestamp | None
    revoked_at: Timestamp | None
    last_used_at: Timestamp | None = Field(description="updated at most once a minute")
    scopes: list[str]
    apps: list[str] | None


class Tokens(Out):
    tokens: list[Token]
