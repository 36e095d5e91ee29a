"""Reviewers' sandbox installs: a throwaway organisation per sandbox, where a submitted version is installed
(with its demo data) for the reviewer to click through, then discarded or purged when it expires."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.models import Id, id_column, metadata

market_sandboxes = Table(
    "market_sandboxes",
    metadata,
    id_column(),
    # a version taken out of the center leaves its sandboxes to their purge job
    Column("version_id", Id, ForeignKey("market_versions.id", ondelete="SET NULL"), nullable=True),
    Column("reviewer_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # the sandbox organisation: purging it takes this row with it
    Column("org_id", Id, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("user_id", Id, nullable=False),  # the sandbox's administrator, who the reviewer signs in as
    Column("job_id", Id, nullable=False),  # the market.install job in the sandbox organisation
    Column("app_key", String(63), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)
