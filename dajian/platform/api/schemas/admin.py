"""Organisation administration: departments, users, memberships, the audit log, the webhook allow-list,
the job queue, webhook deliveries and template installs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from dajian.platform.api.schemas.apps import Published
from dajian.platform.api.schemas.common import Json, Label, Out, Timestamp
from dajian.platform.api.schemas.rules import Delivery


class Department(Out):
    id: int
    key: str
    name: str
    parent_id: int | None
    manager_id: int | None
    path: str = Field(description='every ancestor id, e.g. "/1/4/9/"')


class DepartmentManager(Out):
    id: int
    manager_id: int | None


class NewUser(Out):
    id: int
    username: str
    dept_id: int | None


class AccountChanged(Out):
    id: int
    sessions_ended: int


class UserDepartment(Out):
    id: int
    dept_id: int | None


class UserPick(Out):
    """What a member sees of a person, to pick them in a user field."""

    id: int
    username: str
    display_name: str
    dept_id: int | None


class UserEntry(UserPick):
    """What an administrator sees (only with the ``admin`` scope)."""

    email: str | None
    is_org_admin: bool
    is_active: bool
    locale: str


class Membership(Out):
    user_id: int
    app: str
    role: str


class RoleMembership(Membership):
    """A role a user holds in an app, with the labels to show it by."""

    app_label: Label
    role_label: Label


class AuditEntry(Out):
    id: int
    org_id: int
    at: Timestamp
    actor_id: int | None
    entity: str = Field(description="record | definition | permission | membership | token | …")
    action: str
    app_id: int | None
    app: str | None = Field(default=None, description="the key of the app ``app_id`` names")
    form_key: str | None
    record_id: int | None
    changes: dict[str, Any] = Field(description="a record's changes: field -> [before, after]; otherwise by action")
    request_id: str | None


class AllowList(Out):
    allow: list[str] = Field(description="host names, IP addresses or CIDR networks webhooks may reach")


class AuditEntities(Out):
    entities: list[str] = Field(description="the object types the audit log records, for its filter")


JobState = Literal["due", "scheduled", "failed", "running", "dead", "done", "cancelled"]


class JobEntry(Out):
    """A job of the durable queue as the admin console lists it."""

    id: int
    kind: str
    state: JobState = Field(description="due: pending and due now; scheduled: not yet due; failed: waiting to "
                                        "retry after a failed attempt; running; dead: out of attempts; done; "
                                        "cancelled")
    attempts: int
    max_attempts: int
    due_at: Timestamp
    created_at: Timestamp
    next_attempt_at: Timestamp | None = Field(description="when a pending job is (or was) due next")
    lease_until: Timestamp | None = Field(description="a running job's lease")
    worker: str | None = Field(description="the worker holding a running job")
    finished_at: Timestamp | None
    error: str | None = Field(description="the last line of the last failure")


class JobDetail(JobEntry):
    payload: Json
    result: Json
    last_error: str | None = Field(description="the whole last failure (a traceback)")
    idempotency_key: str | None


class JobPage(Out):
    items: list[JobEntry]
    counts: dict[str, int] = Field(description="jobs by state, every state present")
    kinds: list[str] = Field(description="the job kinds this server runs, for the kind filter")
    next_before_id: int | None = Field(description="pass as before_id for the next page; null on the last")


class DeliveryPage(Out):
    items: list[Delivery]
    next_before_id: int | None


class TemplateInfo(Out):
    key: str | None
    name: Label
    version: str
    description: Label | None
    author: str | None


class TemplateImport(Out):
    """An install or upgrade from an uploaded template, or its plan (``result.dry_run``)."""

    app: str
    template: TemplateInfo | None = Field(description="the manifest; null for a bare app document")
    installed_version: int | None = Field(description="the app's version before the import; null: not installed")
    installed_template: str | None = Field(description="the template version that made the installed version")
    result: Published
