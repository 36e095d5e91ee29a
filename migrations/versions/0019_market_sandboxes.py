"""market sandboxes: a reviewer's sandbox install of a version, in a throwaway organisation

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "market_sandboxes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("version_id", ID, nullable=True),
        sa.Column("reviewer_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("app_key", sa.String(length=63), nullable=False),
        sa.Column("created_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_market_sandboxes_org_id_organisations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_market_sandboxes_reviewer_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["market_versions.id"],
                                name=op.f("fk_market_sandboxes_version_id_market_versions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_sandboxes")),
        sa.UniqueConstraint("org_id", name=op.f("uq_market_sandboxes_org_id")),
    )


def downgrade() -> None:
    op.drop_table("market_sandboxes")
