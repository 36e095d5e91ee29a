"""survey links: the server's link secret and the links already answered

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_server_secrets"),
    )
    op.create_table(
        "survey_link_uses",
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("app_id", ID, nullable=False),
        sa.Column("form_key", sa.String(length=63), nullable=False),
        sa.Column("ref_form", sa.String(length=63), nullable=False),
        sa.Column("ref_id", ID, nullable=False),
        sa.Column("answer_id", ID, nullable=False),
        sa.Column("used_at", dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name="pk_survey_link_uses"),
    )


def downgrade() -> None:
    op.drop_table("survey_link_uses")
    op.drop_table("server_secrets")
