"""files: uploaded files (content-addressed blobs in the file store)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('files',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('org_id', Id, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('mime', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', Id, nullable=True),
    sa.Column('created_at', dajian.engines.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('app_id', Id, nullable=True),
    sa.Column('form_key', sa.String(length=63), nullable=True),
    sa.Column('field_key', sa.String(length=63), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_files_org_id_organisations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index('ix_files_org_sha256', ['org_id', 'sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index('ix_files_org_sha256')
    op.drop_table('files')
