"""market remotes: remote template centers an organisation browses and installs from, with pinned publisher keys

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "market_remotes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("pins", sa.JSON(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_market_remotes_org_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_remotes")),
        sa.UniqueConstraint("org_id", "url", name=op.f("uq_market_remotes_org_id_url")),
    )


def downgrade() -> None:
    op.drop_table("market_remotes")
