"""The market's tables: trusted publisher keys, uploaded packages waiting for a decision, and which package
version each app came from (with the definition it installed: the base of an upgrade's three-way merge)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, LargeBinary, String, Table, UniqueConstraint

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.models import Id, id_column, metadata


def _org() -> Column[int]:
    return Column("org_id", Id, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)


market_trusted_keys = Table(
    "market_trusted_keys",
    metadata,
    id_column(),
    _org(),
    Column("key_id", String(16), nullable=False),  # package.key_id(public_key)
    Column("label", String(200), nullable=False),  # the publisher's name, as the admin knows it
    Column("public_key", String(100), nullable=False),  # "ed25519:<base64>"
    Column("created_by", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "key_id"),
)

market_uploads = Table(  # a package uploaded for a preview, installed or upgraded by its sha256
    "market_uploads",
    metadata,
    id_column(),
    _org(),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_by", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "sha256"),
)

market_installs = Table(
    "market_installs",
    metadata,
    id_column(),
    _org(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("package_key", String(63), nullable=False),
    Column("version", String(50), nullable=False),
    Column("manifest", JSON, nullable=False),  # without hashes
    Column("base_definition", JSON, nullable=False),  # the package's app document as installed
    Column("signature", String(16), nullable=False),  # trusted | untrusted | unsigned | bad
    Column("signer_key_id", String(16), nullable=True),
    Column("status", String(16), nullable=False),  # installed | archived
    Column("archived_version_id", Id, nullable=True),  # the live version when it was archived
    Column("installed_by", Id, nullable=True),
    Column("installed_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

market_remotes = Table(  # another Dajian server's template center, browsed and installed from over HTTP
    "market_remotes",
    metadata,
    id_column(),
    _org(),
    Column("url", String(500), nullable=False),  # its base address: https://center.example (no /api/v1)
    Column("label", String(200), nullable=False),
    Column("pins", JSON, nullable=False),  # {publisher name: key_id}: the key first seen for each publisher
    Column("created_by", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "url"),
)
