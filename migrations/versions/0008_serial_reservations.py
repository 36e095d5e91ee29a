"""gap-free serial numbers reserved outside the create's transaction

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "serial_reservations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("app_id", ID, nullable=False),
        sa.Column("form_key", sa.String(length=63), nullable=False),
        sa.Column("field_key", sa.String(length=63), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("claim", sa.Integer(), nullable=False),
        sa.Column("taken_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name="fk_serial_reservations_app_id_apps",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_serial_reservations"),
    )
    op.create_index("ix_serial_reservations_counter", "serial_reservations",
                    ["app_id", "form_key", "field_key", "period", "number"])


def downgrade() -> None:
    op.drop_index("ix_serial_reservations_counter", table_name="serial_reservations")
    op.drop_table("serial_reservations")
