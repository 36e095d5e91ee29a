"""comments written in the app: author, @mentions and attached files on record_comments

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('record_comments') as batch:
        batch.add_column(sa.Column('author_id', ID, nullable=True))
        batch.add_column(sa.Column('mentions', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('files', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('record_comments') as batch:
        batch.drop_column('files')
        batch.drop_column('mentions')
        batch.drop_column('author_id')
