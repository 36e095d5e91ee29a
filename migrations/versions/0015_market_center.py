"""the template center: publishers and keys, reviewers, templates, versions with review state, review events,
ratings

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = dajian.engines.sqltypes.UtcDateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", ID, primary_key=True, autoincrement=True)


def _ref(table: str, name: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([name], [f"{target}.id"], name=f"fk_{table}_{name}_{target}", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "market_publishers", _id(),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("site", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", AT, nullable=False),
        _ref("market_publishers", "org_id", "organisations"),
        _ref("market_publishers", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_market_publishers"),
        sa.UniqueConstraint("user_id", name="uq_market_publishers_user_id"),
    )
    op.create_table(
        "market_publisher_keys", _id(),
        sa.Column("publisher_id", ID, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        _ref("market_publisher_keys", "publisher_id", "market_publishers"),
        sa.PrimaryKeyConstraint("id", name="pk_market_publisher_keys"),
        sa.UniqueConstraint("publisher_id", "key_id", name="uq_market_publisher_keys_publisher_id_key_id"),
    )
    op.create_table(
        "market_reviewers", _id(),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
        _ref("market_reviewers", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_market_reviewers"),
        sa.UniqueConstraint("user_id", name="uq_market_reviewers_user_id"),
    )
    op.create_table(
        "market_templates", _id(),
        sa.Column("publisher_id", ID, nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("search_tokens", sa.Text(), nullable=False),
        sa.Column("installs", sa.Integer(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        _ref("market_templates", "publisher_id", "market_publishers"),
        sa.PrimaryKeyConstraint("id", name="pk_market_templates"),
        sa.UniqueConstraint("key", name="uq_market_templates_key"),
    )
    op.create_table(
        "market_versions", _id(),
        sa.Column("template_id", ID, nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("signer_key_id", sa.String(length=16), nullable=True),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        _ref("market_versions", "template_id", "market_templates"),
        sa.PrimaryKeyConstraint("id", name="pk_market_versions"),
        sa.UniqueConstraint("template_id", "version", name="uq_market_versions_template_id_version"),
    )
    op.create_table(
        "market_review_events", _id(),
        sa.Column("version_id", ID, nullable=False),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", AT, nullable=False),
        _ref("market_review_events", "version_id", "market_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_market_review_events"),
    )
    op.create_table(
        "market_ratings", _id(),
        sa.Column("template_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", AT, nullable=False),
        _ref("market_ratings", "template_id", "market_templates"),
        _ref("market_ratings", "org_id", "organisations"),
        _ref("market_ratings", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_market_ratings"),
        sa.UniqueConstraint("template_id", "user_id", name="uq_market_ratings_template_id_user_id"),
    )


def downgrade() -> None:
    for name in ("market_ratings", "market_review_events", "market_versions", "market_templates",
                 "market_reviewers", "market_publisher_keys", "market_publishers"):
        op.drop_table(name)
