"""a node's tasks newest first, for round-robin assignment

Round robin asks for the last task of a node given to a member of the pool. Without this index PostgreSQL
walked the whole task table backwards by id for a node whose tasks are rare (or that has none yet), on
every assignment: half of the database's time under a crowd of creates, growing with the table.

Revision ID: 0018
Revises: 0017
"""
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_flow_tasks_node_recent", "flow_tasks", ["node_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_flow_tasks_node_recent", table_name="flow_tasks")
