"""rule engine tables: execution log, notifications, message sends and digests, webhook deliveries,
channel secrets, public submissions, dedupe keys of rule-created records, threaded comments

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'rule_runs',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('app_id', ID, nullable=False),
        sa.Column('version_id', ID, nullable=True),
        sa.Column('rule_key', sa.String(length=63), nullable=False),
        sa.Column('form_key', sa.String(length=63), nullable=True),
        sa.Column('record_id', ID, nullable=True),
        sa.Column('event', sa.String(length=20), nullable=False),
        sa.Column('depth', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        _at('at'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_runs')),
    )
    op.create_index('ix_rule_runs_record', 'rule_runs', ['app_id', 'form_key', 'record_id'])
    op.create_index('ix_rule_runs_app_at', 'rule_runs', ['app_id', 'at'])
    op.create_table(
        'notifications',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('user_id', ID, nullable=False),
        sa.Column('app_id', ID, nullable=True),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.JSON(), nullable=True),
        sa.Column('source', sa.String(length=100), nullable=True),
        _at('created_at'),
        _at('read_at', nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    op.create_index('ix_notifications_user', 'notifications', ['user_id', 'read_at', 'id'])
    op.create_table(
        'notification_sends',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('recipient', sa.String(length=400), nullable=False),
        sa.Column('channel', sa.String(length=63), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        _at('at'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_sends')),
    )
    op.create_index('ix_notification_sends_recipient', 'notification_sends', ['recipient', 'channel', 'at'])
    op.create_table(
        'digest_items',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('recipient', sa.String(length=400), nullable=False),
        sa.Column('channel', sa.String(length=63), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        _at('created_at'),
        _at('sent_at', nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_items')),
    )
    op.create_index('ix_digest_items_recipient', 'digest_items', ['recipient', 'channel', 'sent_at'])
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('app_id', ID, nullable=True),
        sa.Column('subscription', sa.String(length=63), nullable=True),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('event', sa.String(length=100), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('job_id', ID, nullable=True),
        _at('created_at'),
        _at('delivered_at', nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    )
    op.create_index('ix_webhook_deliveries_app', 'webhook_deliveries', ['app_id', 'id'])
    op.create_table(
        'channel_secrets',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('app_id', ID, nullable=False),
        sa.Column('channel_key', sa.String(length=63), nullable=False),
        sa.Column('public_id', sa.String(length=40), nullable=False, unique=True),
        sa.Column('secret', sa.String(length=100), nullable=False),
        _at('created_at'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_secrets')),
        sa.UniqueConstraint('app_id', 'channel_key', name=op.f('uq_channel_secrets_app_id_channel_key')),
    )
    op.create_table(
        'public_submissions',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('app_id', ID, nullable=False),
        sa.Column('channel_key', sa.String(length=63), nullable=False),
        sa.Column('client', sa.String(length=100), nullable=False),
        _at('at'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_submissions')),
    )
    op.create_index('ix_public_submissions_client', 'public_submissions', ['app_id', 'channel_key', 'client', 'at'])
    op.create_table(
        'rule_dedupe',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('app_id', ID, nullable=False),
        sa.Column('rule_key', sa.String(length=63), nullable=False),
        sa.Column('form_key', sa.String(length=63), nullable=False),
        sa.Column('dedupe', sa.String(length=400), nullable=False),
        sa.Column('record_id', ID, nullable=True),
        _at('created_at'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_dedupe')),
        sa.UniqueConstraint('app_id', 'rule_key', 'form_key', 'dedupe',
                            name=op.f('uq_rule_dedupe_app_id_rule_key_form_key_dedupe')),
    )
    op.create_table(
        'record_comments',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('org_id', ID, nullable=False),
        sa.Column('app_id', ID, nullable=False),
        sa.Column('form_key', sa.String(length=63), nullable=False),
        sa.Column('record_id', ID, nullable=False),
        sa.Column('author', sa.String(length=320), nullable=False),
        sa.Column('channel', sa.String(length=63), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        _at('at'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_comments')),
    )
    op.create_index('ix_record_comments_record', 'record_comments', ['app_id', 'form_key', 'record_id'])


def downgrade() -> None:
    op.drop_index('ix_record_comments_record', table_name='record_comments')
    op.drop_table('record_comments')
    op.drop_table('rule_dedupe')
    op.drop_index('ix_public_submissions_client', table_name='public_submissions')
    op.drop_table('public_submissions')
    op.drop_table('channel_secrets')
    op.drop_index('ix_webhook_deliveries_app', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index('ix_digest_items_recipient', table_name='digest_items')
    op.drop_table('digest_items')
    op.drop_index('ix_notification_sends_recipient', table_name='notification_sends')
    op.drop_table('notification_sends')
    op.drop_index('ix_notifications_user', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_rule_runs_record', table_name='rule_runs')
    op.drop_index('ix_rule_runs_app_at', table_name='rule_runs')
    op.drop_table('rule_runs')
