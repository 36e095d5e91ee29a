"""template packages: trusted publisher keys, uploaded packages, and the package version each app came from

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = dajian.engines.sqltypes.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "market_trusted_keys",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", AT, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_market_trusted_keys_org_id_organisations",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_market_trusted_keys"),
        sa.UniqueConstraint("org_id", "key_id", name="uq_market_trusted_keys_org_id_key_id"),
    )
    op.create_table(
        "market_uploads",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", AT, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_market_uploads_org_id_organisations",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_market_uploads"),
        sa.UniqueConstraint("org_id", "sha256", name="uq_market_uploads_org_id_sha256"),
    )
    op.create_table(
        "market_installs",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("app_id", ID, nullable=False),
        sa.Column("package_key", sa.String(length=63), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("base_definition", sa.JSON(), nullable=False),
        sa.Column("signature", sa.String(length=16), nullable=False),
        sa.Column("signer_key_id", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("archived_version_id", ID, nullable=True),
        sa.Column("installed_by", ID, nullable=True),
        sa.Column("installed_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_market_installs_org_id_organisations",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name="fk_market_installs_app_id_apps", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_market_installs"),
        sa.UniqueConstraint("app_id", name="uq_market_installs_app_id"),
    )


def downgrade() -> None:
    op.drop_table("market_installs")
    op.drop_table("market_uploads")
    op.drop_table("market_trusted_keys")
