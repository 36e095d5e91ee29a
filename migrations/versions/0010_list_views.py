"""saved list views of a form (mine and shared)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'saved_views',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('app_key', sa.String(length=63), nullable=False),
        sa.Column('form_key', sa.String(length=63), nullable=False),
        sa.Column('owner_id', ID, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('spec', sa.JSON(), nullable=False),
        sa.Column('created_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_saved_views_org_id_organisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_views_owner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
        sa.UniqueConstraint('org_id', 'app_key', 'form_key', 'owner_id', 'name',
                            name=op.f('uq_saved_views_org_id_app_key_form_key_owner_id_name')),
    )
    op.create_index('ix_saved_views_form', 'saved_views', ['org_id', 'app_key', 'form_key'])


def downgrade() -> None:
    op.drop_index('ix_saved_views_form', table_name='saved_views')
    op.drop_table('saved_views')
