"""The template center: listing cards and details, publisher profiles, versions with their review state and the
automatic checks reviewers see."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dajian.platform.api.schemas.common import Label, Out, Timestamp
from dajian.platform.api.schemas.market_install import InstallJob

State = Literal["draft", "submitted", "in_review", "approved", "changes_requested", "published", "deprecated",
                "yanked"]


class Card(Out):
    key: str
    name: Label
    description: Label | None = None
    category: str | None = None
    tags: list[str]
    publisher: str
    installs: int
    latest_version: str | None
    screenshots: int = Field(description="how many: GET …/screenshots/{index}")
    rating: float | None = Field(description="average stars, 1–5")
    ratings: int


class Listing(Out):
    items: list[Card]
    count: int = Field(description="matching templates on all pages")
    page: int = Field(description="this page, from 1")
    limit: int = Field(description="cards on a page")
    categories: list[str] = Field(description="every category of a published template")


class ListedVersion(Out):
    version: str
    state: State
    published_at: Timestamp
    changelog: Label | None = None
    min_platform_version: str | None = None


class Review(Out):
    stars: int
    comment: str | None = None
    at: Timestamp
    username: str
    organisation: str


class Detail(Card):
    versions: list[ListedVersion]
    licence: str | None = None
    reviews: list[Review]


class PublisherKey(Out):
    key_id: str
    public_key: str
    created_at: Timestamp


class Profile(Out):
    name: str
    site: str | None = None
    description: str | None = None
    keys: list[PublisherKey]


class CenterMe(Out):
    publisher: Profile | None
    reviewer: bool


class Change(Out):
    added: list[str]
    changed: list[str]
    removed: list[str]


class Attention(Out):
    kind: Literal["outside_webhook", "public_channel", "broad_row_scope", "notification_template"]
    path: str
    detail: str


class SchemaCheck(Out):
    valid: bool
    errors: list[dict[str, str]]


class Checks(Out):
    schema_: SchemaCheck = Field(alias="schema", serialization_alias="schema")
    previous: str | None = Field(description="the last published version compared against")
    bump: Literal["major", "minor", "patch"] | None = Field(description="the least version change the diff needs")
    diff: dict[str, Change] = Field(description="per section: forms, fields, flows, rules, reports, dashboards, roles")
    attention: list[Attention]


class Event(Out):
    actor_name: str
    action: str
    from_state: State
    to_state: State
    comment: str | None = None
    at: Timestamp


class TemplateVersion(Out):
    id: int
    template: str
    version: str
    state: State
    publisher: str
    name: Label
    signer_key_id: str | None
    created_at: Timestamp
    updated_at: Timestamp
    manifest: dict[str, object]
    checks: Checks
    events: list[Event]


class ChangeCounts(Out):
    added: int
    changed: int
    removed: int


class QueueEntry(Out):
    """A version waiting for a reviewer, with what its automatic checks found in numbers."""

    id: int
    template: str
    version: str
    state: State
    publisher: str
    name: Label
    submitted_at: Timestamp = Field(description="when it was last submitted")
    previous: str | None = Field(description="the last published version compared against")
    bump: Literal["major", "minor", "patch"] | None
    schema_errors: int
    attention: int = Field(description="things that deserve a human look: outside webhooks, public channels, …")
    changes: ChangeCounts = Field(description="definition elements added, changed and removed, all sections")


class Sandbox(Out):
    """A reviewer's sandbox install of a version, in a throwaway organisation of its own."""

    id: int
    version_id: int | None = Field(description="null once the version was taken out of the center")
    org: str = Field(description="the sandbox organisation's key (sandbox-<hex>)")
    app: str = Field(description="the app's key in it")
    job: InstallJob = Field(description="the install job in the sandbox organisation")
    created_at: Timestamp
    expires_at: Timestamp = Field(description="purged then, if not discarded before")


class SandboxEntered(Out):
    url: str = Field(description="the sandbox app's address; the response's cookies sign the browser in there")


class Signer(Out):
    """Who signed a published version, as this center knows them: another server verifies the package with it."""

    publisher: str
    key_id: str
    public_key: str = Field(description='"ed25519:<base64>"')


class Remote(Out):
    """A remote template center this organisation browses and installs from."""

    id: int
    url: str
    label: str
    pins: dict[str, str] = Field(description="publisher name -> the key id pinned on first use")
    created_at: Timestamp
