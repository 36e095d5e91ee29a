"""job progress: how far a running job (a template install or upgrade) has got, for another request to poll

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "job_progress",
        sa.Column("job_id", ID, autoincrement=False, nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=63), nullable=True),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.Column("updated_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_progress")),
    )


def downgrade() -> None:
    op.drop_table("job_progress")
