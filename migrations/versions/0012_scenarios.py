"""anonymous uploads to public forms: each bound by a one-time token to the submission that claims it

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "public_uploads",
        sa.Column("file_id", ID, nullable=False),
        sa.Column("app_id", ID, nullable=False),
        sa.Column("channel_key", sa.String(length=63), nullable=False),
        sa.Column("field_key", sa.String(length=63), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("record_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name="fk_public_uploads_file_id_files",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", name="pk_public_uploads"),
    )


def downgrade() -> None:
    op.drop_table("public_uploads")
