"""The template center's tables: publishers and their keys, templates, their versions with the review state,
review events (the reviewer's decisions and comments), reviewers, and ratings from installing admins.

The center is server-wide (not per organisation): a publisher is a user of some organisation (a partner's), a
template key is unique on the server, and any organisation's admins browse the published versions."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.models import Id, id_column, metadata


def _ref(name: str, table: str, *, nullable: bool = False) -> Column[int]:
    return Column(name, Id, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=nullable)


market_publishers = Table(
    "market_publishers",
    metadata,
    id_column(),
    _ref("org_id", "organisations"),
    _ref("user_id", "users"),
    Column("name", String(200), nullable=False),
    Column("site", String(500), nullable=True),
    Column("description", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id"),
)

market_publisher_keys = Table(
    "market_publisher_keys",
    metadata,
    id_column(),
    _ref("publisher_id", "market_publishers"),
    Column("key_id", String(16), nullable=False),
    Column("public_key", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("publisher_id", "key_id"),
)

market_reviewers = Table(
    "market_reviewers",
    metadata,
    id_column(),
    _ref("user_id", "users"),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id"),
)

market_templates = Table(
    "market_templates",
    metadata,
    id_column(),
    _ref("publisher_id", "market_publishers"),
    Column("key", String(63), nullable=False, unique=True),
    Column("name", JSON, nullable=False),  # {"zh-CN": …, "en": …} of the latest version
    Column("description", JSON, nullable=True),
    Column("category", String(100), nullable=True),
    Column("tags", JSON, nullable=False),
    Column("search_tokens", Text, nullable=False),  # " word word " segmented by jieba, as the record search does
    Column("installs", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

market_versions = Table(
    "market_versions",
    metadata,
    id_column(),
    _ref("template_id", "market_templates"),
    Column("version", String(50), nullable=False),
    Column("state", String(20), nullable=False),  # see center_states.STATES
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("manifest", JSON, nullable=False),  # without hashes
    Column("checks", JSON, nullable=False),  # the automatic checks shown to reviewers
    Column("signer_key_id", String(16), nullable=True),
    Column("created_by", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("template_id", "version"),
)

market_review_events = Table(
    "market_review_events",
    metadata,
    id_column(),
    _ref("version_id", "market_versions"),
    Column("actor_id", Id, nullable=True),
    Column("actor_name", String(200), nullable=False),
    Column("action", String(30), nullable=False),
    Column("from_state", String(20), nullable=False),
    Column("to_state", String(20), nullable=False),
    Column("comment", Text, nullable=True),
    Column("at", UtcDateTime, nullable=False),
)

market_ratings = Table(
    "market_ratings",
    metadata,
    id_column(),
    _ref("template_id", "market_templates"),
    _ref("org_id", "organisations"),
    _ref("user_id", "users"),
    Column("stars", Integer, nullable=False),
    Column("comment", Text, nullable=True),
    Column("at", UtcDateTime, nullable=False),
    UniqueConstraint("template_id", "user_id"),
)
