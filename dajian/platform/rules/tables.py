"""Rule engine tables (on the platform ``metadata``): the execution log, in-app notifications, message
sends (rate limits) and digests, webhook deliveries, channel secrets, public submissions (rate limits),
dedupe keys of records created by rules, and comments threaded from inbound e-mail."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.models import Id, id_column, metadata

rule_runs = Table(
    "rule_runs",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("app_id", Id, nullable=False),
    Column("version_id", Id, nullable=True),
    Column("rule_key", String(63), nullable=False),
    Column("form_key", String(63), nullable=True),
    Column("record_id", Id, nullable=True),
    Column("event", String(20), nullable=False),
    Column("depth", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # fired | error | cut
    Column("reason", Text, nullable=False),
    Column("changes", JSON, nullable=False),  # {"values": {...}, "effects": [...]}
    Column("error", Text, nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_rule_runs_app_at", "app_id", "at"),
    Index("ix_rule_runs_record", "app_id", "form_key", "record_id"),
)

notifications = Table(
    "notifications",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("user_id", Id, nullable=False),
    Column("app_id", Id, nullable=True),
    Column("title", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("link", JSON, nullable=True),  # {"app", "form", "record"} or {"instance"}
    Column("source", String(100), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    Index("ix_notifications_user", "user_id", "read_at", "id"),
)

notification_sends = Table(
    "notification_sends",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("recipient", String(400), nullable=False),  # user:12 | email:a@b.c | phone:138...
    Column("channel", String(63), nullable=False),
    Column("status", String(16), nullable=False),  # sent | digested | limited
    Column("at", UtcDateTime, nullable=False),
    Index("ix_notification_sends_recipient", "recipient", "channel", "at"),
)

digest_items = Table(
    "digest_items",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("recipient", String(400), nullable=False),
    Column("channel", String(63), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Index("ix_digest_items_recipient", "recipient", "channel", "sent_at"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("app_id", Id, nullable=True),
    Column("subscription", String(63), nullable=True),
    Column("url", Text, nullable=False),
    Column("event", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | retrying | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("job_id", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Index("ix_webhook_deliveries_app", "app_id", "id"),
)

channel_secrets = Table(
    "channel_secrets",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("app_id", Id, nullable=False),
    Column("channel_key", String(63), nullable=False),
    Column("public_id", String(40), nullable=False, unique=True),
    Column("secret", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("app_id", "channel_key"),
)

public_submissions = Table(
    "public_submissions",
    metadata,
    id_column(),
    Column("app_id", Id, nullable=False),
    Column("channel_key", String(63), nullable=False),
    Column("client", String(100), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_public_submissions_client", "app_id", "channel_key", "client", "at"),
)

rule_dedupe = Table(
    "rule_dedupe",
    metadata,
    id_column(),
    Column("app_id", Id, nullable=False),
    Column("rule_key", String(63), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("dedupe", String(400), nullable=False),
    Column("record_id", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("app_id", "rule_key", "form_key", "dedupe"),
)

record_comments = Table(
    "record_comments",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    Column("app_id", Id, nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("record_id", Id, nullable=False),
    Column("author", String(320), nullable=False),
    Column("channel", String(63), nullable=False),
    Column("body", Text, nullable=False),
    Column("public", Boolean, nullable=False, default=False),
    Column("at", UtcDateTime, nullable=False),
    Column("author_id", Id, nullable=True),  # comments written in the app (None: inbound e-mail)
    Column("mentions", JSON, nullable=True),  # [user id, ...]
    Column("files", JSON, nullable=True),  # [{"id", "name", "size", "mime", "sha256"}, ...]
    Index("ix_record_comments_record", "app_id", "form_key", "record_id"),
)
