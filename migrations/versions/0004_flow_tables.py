"""flow tables: instances (pinned to an app version), tasks, the event log, CC entries

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('flow_instances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('flow_key', sa.String(length=63), nullable=False),
    sa.Column('form_key', sa.String(length=63), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=100), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('parent_token', sa.String(length=40), nullable=True),
    sa.Column('started_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('started_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=True),
    sa.Column('due_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=True),
    sa.Column('sla_state', sa.String(length=16), nullable=True),
    sa.Column('working_minutes', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_flow_instances_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
        name=op.f('fk_flow_instances_org_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['app_versions.id'],
        name=op.f('fk_flow_instances_version_id_app_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_instances'))
    )
    with op.batch_alter_table('flow_instances', schema=None) as batch_op:
        batch_op.create_index('ix_flow_instances_record', ['app_id', 'form_key', 'record_id'], unique=False)
        batch_op.create_index('ix_flow_instances_started_by', ['started_by', 'started_at'], unique=False)

    op.create_table('flow_cc',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['flow_instances.id'],
        name=op.f('fk_flow_cc_instance_id_flow_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_cc'))
    )
    with op.batch_alter_table('flow_cc', schema=None) as batch_op:
        batch_op.create_index('ix_flow_cc_user', ['user_id', 'at'], unique=False)

    op.create_table('flow_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('client_request_id', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['flow_instances.id'],
        name=op.f('fk_flow_events_instance_id_flow_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_events')),
    sa.UniqueConstraint('instance_id', 'client_request_id', name=op.f('uq_flow_events_instance_id_client_request_id'))
    )
    with op.batch_alter_table('flow_events', schema=None) as batch_op:
        batch_op.create_index('ix_flow_events_instance', ['instance_id', 'id'], unique=False)

    op.create_table('flow_tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_key', sa.String(length=40), nullable=False),
    sa.Column('node_id', sa.String(length=63), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('on_behalf_of', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
    sa.Column('due_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=True),
    sa.Column('warn_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=True),
    sa.Column('sla_state', sa.String(length=16), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('acted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('acted_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('working_minutes', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['flow_instances.id'],
        name=op.f('fk_flow_tasks_instance_id_flow_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_tasks')),
    sa.UniqueConstraint('instance_id', 'task_key', name=op.f('uq_flow_tasks_instance_id_task_key'))
    )
    with op.batch_alter_table('flow_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_flow_tasks_acted', ['acted_by', 'acted_at'], unique=False)
        batch_op.create_index('ix_flow_tasks_inbox', ['assignee_id', 'status', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('flow_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_tasks_inbox')
        batch_op.drop_index('ix_flow_tasks_acted')

    op.drop_table('flow_tasks')
    with op.batch_alter_table('flow_events', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_events_instance')

    op.drop_table('flow_events')
    with op.batch_alter_table('flow_cc', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_cc_user')

    op.drop_table('flow_cc')
    with op.batch_alter_table('flow_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_instances_started_by')
        batch_op.drop_index('ix_flow_instances_record')

    op.drop_table('flow_instances')
