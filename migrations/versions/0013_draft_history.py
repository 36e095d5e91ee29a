"""the designer's draft history (bounded, per app) and its recycle bin on the server

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "draft_history",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("app_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("saved_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_draft_history_app_id_apps"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_history")),
    )
    op.create_index("ix_draft_history_app", "draft_history", ["app_id", "id"])
    op.create_table(
        "draft_trash",
        sa.Column("app_id", ID, nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("updated_by", ID, nullable=True),
        sa.Column("updated_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_draft_trash_app_id_apps"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_draft_trash")),
    )


def downgrade() -> None:
    op.drop_table("draft_trash")
    op.drop_index("ix_draft_history_app", table_name="draft_history")
    op.drop_table("draft_history")
