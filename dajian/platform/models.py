"""The platform's own tables (SQLAlchemy Core). Alembic migrates these;
form tables are built at run time from app definitions (see ``formtables``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from dajian.engines.sqltypes import UtcDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# SQLite only auto-increments INTEGER PRIMARY KEY, so ids are BigInteger on
# PostgreSQL and INTEGER on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


def id_column() -> Column[int]:
    """The surrogate key every platform table starts with."""
    return Column("id", Id, primary_key=True, autoincrement=True)


_id = id_column


def _org() -> Column[int]:
    return Column("org_id", Id, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)


organisations = Table(
    "organisations",
    metadata,
    _id(),
    Column("key", String(63), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("settings", JSON, nullable=False, default=dict),
    Column("created_at", UtcDateTime, nullable=False),
)

departments = Table(
    "departments",
    metadata,
    _id(),
    _org(),
    Column("parent_id", Id, ForeignKey("departments.id", ondelete="RESTRICT"), nullable=True),
    Column("key", String(63), nullable=False),
    Column("name", String(200), nullable=False),
    Column("manager_id", Id, nullable=True),
    # "/1/4/9/": every ancestor id, so a subtree is one prefix match
    Column("path", String(1000), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "key"),
    Index("ix_departments_path", "org_id", "path"),
)

users = Table(
    "users",
    metadata,
    _id(),
    _org(),
    Column("username", String(150), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("password_hash", String(200), nullable=True),
    Column("dept_id", Id, ForeignKey("departments.id", ondelete="SET NULL"), nullable=True),
    Column("is_org_admin", Boolean, nullable=False, default=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("locale", String(10), nullable=False, default="zh-CN"),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "username"),
)

apps = Table(
    "apps",
    metadata,
    _id(),
    _org(),
    Column("key", String(63), nullable=False),
    Column("label", JSON, nullable=False),
    Column("icon", JSON, nullable=True),  # the published definition's settings.icon, for the home page
    Column("draft", JSON, nullable=True),
    Column("draft_updated_at", UtcDateTime, nullable=True),
    Column("current_version_id", Id, nullable=True),
    Column("created_by", Id, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "key"),
)

app_versions = Table(
    "app_versions",
    metadata,
    _id(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("definition", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("parent_id", Id, ForeignKey("app_versions.id"), nullable=True),
    Column("author_id", Id, nullable=True),
    Column("note", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("app_id", "number"),
)

# The live physical shape of each form table, so a new version can be diffed
# against what is really in the database, not against the previous definition.
form_tables = Table(
    "form_tables",
    metadata,
    _id(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("table_name", String(63), nullable=False, unique=True),
    Column("columns", JSON, nullable=False),
    Column("version_id", Id, ForeignKey("app_versions.id"), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("app_id", "form_key"),
)

roles = Table(
    "roles",
    metadata,
    _id(),
    _org(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(63), nullable=False),
    Column("label", JSON, nullable=False),
    Column("archived", Boolean, nullable=False, default=False),
    UniqueConstraint("app_id", "key"),
)

memberships = Table(
    "memberships",
    metadata,
    _id(),
    _org(),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role_id", Id, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id", "role_id"),
)

sessions = Table(
    "sessions",
    metadata,
    _id(),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _id(),
    _org(),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", JSON, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    _id(),
    Column("username", String(150), nullable=False),
    Column("client", String(100), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_login_attempts_lookup", "username", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    _org(),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", Id, nullable=True),
    Column("entity", String(40), nullable=False),  # record | definition | permission | membership | token
    Column("action", String(40), nullable=False),
    Column("app_id", Id, nullable=True),
    Column("form_key", String(63), nullable=True),
    Column("record_id", Id, nullable=True),
    Column("changes", JSON, nullable=False),
    Column("request_id", String(64), nullable=True),
    Index("ix_audit_log_record", "app_id", "form_key", "record_id"),
    Index("ix_audit_log_org_at", "org_id", "at"),
)

# Serial numbers (``TS{YYYYMMDD}-{0000}``): one counter row per field and period,
# incremented in the same transaction as the record insert, so numbers are
# unique and gap-free (a rolled-back insert rolls its number back too).
serial_counters = Table(
    "serial_counters",
    metadata,
    _id(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("field_key", String(63), nullable=False),
    Column("period", String(16), nullable=False),
    Column("value", BigInteger, nullable=False),
    UniqueConstraint("app_id", "form_key", "field_key", "period"),
)

# Gap-free numbers taken (PostgreSQL) but not yet used by a committed record: the create deletes its
# reservation in its own transaction, so a reservation that outlives its create (rolled back, process
# killed) is given to the next create of the same counter (``record_parts.next_serial``). ``claim`` counts
# the hands a number passed through: a create deletes its reservation only if nobody reclaimed it meanwhile.
serial_reservations = Table(
    "serial_reservations",
    metadata,
    _id(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("field_key", String(63), nullable=False),
    Column("period", String(16), nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("claim", Integer, nullable=False),
    Column("taken_at", UtcDateTime, nullable=False),
    Index("ix_serial_reservations_counter", "app_id", "form_key", "field_key", "period", "number"),
)

# One durable queue for all background work (DESIGN §5). ``available_at`` is
# the due time of a pending job and the lease expiry of a running one, so a
# single partial index serves both "due" and "lease expired" claims.
jobs = Table(
    "jobs",
    metadata,
    _id(),
    Column("org_id", Id, nullable=True),
    Column("kind", String(63), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("due_at", UtcDateTime, nullable=False),
    Column("available_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False, default=5),
    Column("locked_by", String(100), nullable=True),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("last_error", Text, nullable=True),
    Column("result", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Index(
        "ix_jobs_claimable",
        "available_at",
        postgresql_where=text("status IN ('pending', 'running')"),
        sqlite_where=text("status IN ('pending', 'running')"),
    ),
)

# How far a running job has got (``job_progress``), written in short transactions of its own while the job's
# own transaction holds its work (and, on PostgreSQL, a row lock on its ``jobs`` row: hence a table of its
# own, without a foreign key, whose check would wait for that lock).
job_progress = Table(
    "job_progress",
    metadata,
    Column("job_id", Id, primary_key=True, autoincrement=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("step", String(63), nullable=True),
    Column("params", JSON, nullable=True),
    Column("plan", JSON, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Idempotency-Key of record creates and public submissions: the first answer, kept for
# 24 hours, in the same transaction as what it created (see ``idempotency``).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    _id(),
    _org(),
    Column("scope", String(100), nullable=False),  # "user:<id>" or "public"
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # sha256 of method, path and body
    Column("status", Integer, nullable=True),
    Column("response", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "scope", "key"),
    Index("ix_idempotency_keys_created", "created_at"),
)

# Saved list views of a form: a user's own, or shared with everyone who may read the form.
# ``spec`` holds what the list page needs to come back to the same view: filter (expression AST),
# sort, columns and the view kind (table, kanban, calendar) with its grouping or date field.
saved_views = Table(
    "saved_views",
    metadata,
    _id(),
    _org(),
    Column("app_key", String(63), nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("owner_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("shared", Boolean, nullable=False, default=False),
    Column("spec", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "app_key", "form_key", "owner_id", "name"),
    Index("ix_saved_views_form", "org_id", "app_key", "form_key"),
)

# The designer's draft saves, newest last, a bounded number per app (``draft_history.KEEP``): a burst of
# autosaves by one author is one entry, so "restore as draft" goes back minutes, not keystrokes.
draft_history = Table(
    "draft_history",
    metadata,
    _id(),
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Id, nullable=True),
    Column("saved_at", UtcDateTime, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("draft", JSON, nullable=False),
    Index("ix_draft_history_app", "app_id", "id"),
)

# The designer's recycle bin per app: deleted elements with the JSON operations that put them back, so a
# deletion survives a reload on another machine (the designer writes the whole bin after each change).
draft_trash = Table(
    "draft_trash",
    metadata,
    Column("app_id", Id, ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("items", JSON, nullable=False),
    Column("updated_by", Id, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)
