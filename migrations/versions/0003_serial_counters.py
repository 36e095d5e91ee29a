"""serial number counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "serial_counters",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("app_id", Id, nullable=False),
        sa.Column("form_key", sa.String(length=63), nullable=False),
        sa.Column("field_key", sa.String(length=63), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name="fk_serial_counters_app_id_apps", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_serial_counters"),
        sa.UniqueConstraint("app_id", "form_key", "field_key", "period",
                            name="uq_serial_counters_app_id_form_key_field_key_period"),
    )


def downgrade() -> None:
    op.drop_table("serial_counters")
