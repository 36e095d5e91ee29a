"""Flow run tables (on the platform ``metadata``): instances, tasks, the event log, CC entries.

The engine's state of a run (tokens, votes, join counters) is the JSON ``flow_instances.data``, as
``dajian.engines.flow.dump_state`` writes it (with its ``state_version``; older versions are upgraded
as they are read, and stored in the current one by the next step); tasks are also rows so inboxes,
SLA scans and reports are indexed SQL.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.models import Id, id_column, metadata

INSTANCE_STATES = ("running", "completed", "cancelled")
TASK_STATES = ("pending", "done", "cancelled", "returned", "transferred", "delegated")



def _instance() -> Column[int]:
    return Column("instance_id", Id, ForeignKey("flow_instances.id", ondelete="CASCADE"), nullable=False)


flow_instances = Table(
    "flow_instances",
    metadata,
    id_column(),
    Column("org_id", Id, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("version_id", Id, ForeignKey("app_versions.id"), nullable=False),  # pinned at start
    Column("flow_key", String(63), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("record_id", Id, nullable=False),
    Column("state", String(16), nullable=False),  # running | completed | cancelled
    Column("outcome", String(100), nullable=True),
    Column("data", JSON, nullable=False),  # the engine's RunState: tokens, votes, joins, timers, path
    Column("lock_version", Integer, nullable=False, default=1),
    Column("parent_id", Id, nullable=True),  # a sub-flow's parent instance
    Column("parent_token", String(40), nullable=True),
    Column("started_by", Id, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("due_at", UtcDateTime, nullable=True),
    Column("sla_state", String(16), nullable=True),  # ok | warning | breached
    Column("working_minutes", Float, nullable=True),
    Index("ix_flow_instances_record", "app_id", "form_key", "record_id"),
    Index("ix_flow_instances_started_by", "started_by", "started_at"),
)

flow_tasks = Table(
    "flow_tasks",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    _instance(),
    Column("task_key", String(40), nullable=False),
    Column("node_id", String(63), nullable=False),
    Column("role", String(16), nullable=False),  # approval | task | resubmit | info
    Column("assignee_id", Id, nullable=False),
    Column("on_behalf_of", Id, nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
    Column("warn_at", UtcDateTime, nullable=True),
    Column("sla_state", String(16), nullable=True),
    Column("escalation_level", Integer, nullable=False, default=0),
    Column("acted_by", Id, nullable=True),
    Column("acted_at", UtcDateTime, nullable=True),
    Column("decision", String(20), nullable=True),
    Column("comment", Text, nullable=True),
    Column("working_minutes", Float, nullable=True),
    UniqueConstraint("instance_id", "task_key"),
    Index("ix_flow_tasks_inbox", "assignee_id", "status", "due_at"),
    Index("ix_flow_tasks_acted", "acted_by", "acted_at"),
    # round robin: the last task of a node given to one of a pool (assignees.in_turn), newest first
    Index("ix_flow_tasks_node_recent", "node_id", "id"),
)

flow_events = Table(
    "flow_events",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    _instance(),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", Id, nullable=True),
    Column("action", String(40), nullable=False),
    Column("task_id", Id, nullable=True),
    Column("payload", JSON, nullable=False),
    Column("client_request_id", String(100), nullable=True),
    UniqueConstraint("instance_id", "client_request_id"),
    Index("ix_flow_events_instance", "instance_id", "id"),
)

flow_cc = Table(
    "flow_cc",
    metadata,
    id_column(),
    Column("org_id", Id, nullable=False),
    _instance(),
    Column("user_id", Id, nullable=False),
    Column("reason", String(16), nullable=False),  # cc | mention
    Column("by_id", Id, nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_flow_cc_user", "user_id", "at"),
)
