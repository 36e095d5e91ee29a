"""A reviewer's sandbox install: the version under review installed into a throwaway organisation, with its
demo data, for the reviewer to click through signed in as that organisation's administrator.

Nothing of it touches the reviewer's own organisation: ``create`` makes the organisation ``sandbox-<hex>``
and its administrator ``reviewer_<hex>`` (a password nobody knows), trusts the key the version was signed
with there (the center checked it at upload), keeps the package as that organisation's upload and queues the
ordinary install job (``market.install``) as that administrator; its progress is read as any install's.
``enter`` opens a session for the sandbox administrator (the browser's session becomes theirs) and names
the app's address. ``discard`` — or the purge job due ``DAYS`` after the sandbox was made — drops the
sandbox's form tables and deletes the organisation, which takes everything else of it along. Creating,
entering and discarding are audited in the reviewer's organisation."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, MetaData, RowMapping, Table, delete, insert, select, update
from sqlalchemy.schema import DropTable

from dajian.platform import auth
from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, NotFound
from dajian.platform.jobs import Job, cancel, enqueue, register_job_handler
from dajian.platform.market import install as installs
from dajian.platform.market import install_jobs
from dajian.platform.market.center import _may, _version_row, is_reviewer
from dajian.platform.market.center_tables import market_publisher_keys
from dajian.platform.market.package import load_package, read_package
from dajian.platform.market.sandbox_tables import market_sandboxes
from dajian.platform.models import app_versions, apps, departments, form_tables, organisations, users
from dajian.platform.principal import Principal
from dajian.platform.version_cache import database_key, forget_versions

DAYS = 3
PURGE_KIND = "market.sandbox_purge"


def _admin_of(row: RowMapping) -> Principal:
    return Principal(user_id=int(row["user_id"]), org_id=int(row["org_id"]), dept_id=None, is_org_admin=True,
                     via="system")


def _require_reviewer(conn: Connection, principal: Principal) -> None:
    if not is_reviewer(conn, principal.user_id):
        raise NotFound("no such sandbox: sandboxes are for the center's reviewers")


def create(conn: Connection, principal: Principal, version_id: int) -> dict[str, Any]:
    """Make the sandbox organisation and queue the version's install there (demo data too, when it has some)."""
    _require_reviewer(conn, principal)
    version = _version_row(conn, version_id)
    loaded = load_package(read_package(bytes(version["data"])))
    suffix = secrets.token_hex(4)
    org_id = auth.create_organisation(conn, key=f"sandbox-{suffix}",
                                      name=f"沙箱 Sandbox · {version['template_key']} {version['version']}")
    user_id = auth.create_user(conn, org_id=org_id, username=f"reviewer_{suffix}",
                               password=secrets.token_urlsafe(24), is_org_admin=True,
                               display_name=f"{_username(conn, principal.user_id)} (sandbox)")
    admin = Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
    _trust_signer(conn, admin, version)
    digest = installs.upload(conn, admin, bytes(version["data"]))["id"]
    demo = installs.demo_data(loaded.seed) is not None
    job = install_jobs.start_install(conn, admin, digest, allow_unsigned=True, demo=demo)
    now = utcnow()
    made = conn.execute(insert(market_sandboxes).values(
        version_id=version_id, reviewer_id=principal.user_id, org_id=org_id, user_id=user_id, job_id=job["id"],
        app_key=loaded.package.key, created_at=now, expires_at=now + timedelta(days=DAYS)))
    sandbox_id = int(made.inserted_primary_key[0])  # type: ignore[index]
    enqueue(conn, PURGE_KIND, {"org": f"sandbox-{suffix}"}, due_at=now + timedelta(days=DAYS), max_attempts=3,
            idempotency_key=_purge_key(f"sandbox-{suffix}"))
    _audit(conn, principal, "sandbox", version_id, org=f"sandbox-{suffix}", demo=demo)
    return view(conn, principal, sandbox_id)


def _username(conn: Connection, user_id: int) -> str:
    return str(conn.execute(select(users.c.username).where(users.c.id == user_id)).scalar() or "reviewer")


def _trust_signer(conn: Connection, admin: Principal, version: RowMapping) -> None:
    """The sandbox trusts the publisher key the version was signed with, so it installs as signed."""
    key = conn.execute(select(market_publisher_keys.c.public_key).where(
        market_publisher_keys.c.publisher_id == version["publisher_id"],
        market_publisher_keys.c.key_id == version["signer_key_id"])).scalar()
    if key is not None:
        installs.add_key(conn, admin, label=str(version["publisher"]), public_key=str(key))


def _audit(conn: Connection, principal: Principal, action: str, version_id: int | None, **changes: Any) -> None:
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="market_version",
                action=action, record_id=version_id, changes=changes)


def _row(conn: Connection, principal: Principal, sandbox_id: int) -> RowMapping:
    _require_reviewer(conn, principal)
    query = (select(market_sandboxes, organisations.c.key.label("org"))
             .join(organisations, organisations.c.id == market_sandboxes.c.org_id)
             .where(market_sandboxes.c.id == sandbox_id, market_sandboxes.c.reviewer_id == principal.user_id))
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no sandbox {sandbox_id}: it was discarded, expired or is another reviewer's")
    return row


def _shown(conn: Connection, row: RowMapping) -> dict[str, Any]:
    return {"id": row["id"], "version_id": row["version_id"], "org": row["org"], "app": row["app_key"],
            "job": install_jobs.view(conn, _admin_of(row), int(row["job_id"])),
            "created_at": row["created_at"], "expires_at": row["expires_at"]}


def view(conn: Connection, principal: Principal, sandbox_id: int) -> dict[str, Any]:
    """The sandbox and its install job, as the review page polls it."""
    return _shown(conn, _row(conn, principal, sandbox_id))


def for_version(conn: Connection, principal: Principal, version_id: int) -> list[dict[str, Any]]:
    """The caller's sandboxes of a version, the newest first (none for anyone who does not review)."""
    if not is_reviewer(conn, principal.user_id) or not _may(conn, principal, _version_row(conn, version_id),
                                                            "reviewer"):
        return []
    query = (select(market_sandboxes, organisations.c.key.label("org"))
             .join(organisations, organisations.c.id == market_sandboxes.c.org_id)
             .where(market_sandboxes.c.version_id == version_id, market_sandboxes.c.reviewer_id == principal.user_id)
             .order_by(market_sandboxes.c.id.desc()))  # fmt: skip
    return [_shown(conn, r) for r in conn.execute(query).mappings()]


def enter(conn: Connection, principal: Principal, sandbox_id: int, *, client: str) -> tuple[auth.LoginResult, str]:
    """A session for the sandbox's administrator once the install succeeded, and the app's address."""
    row = _row(conn, principal, sandbox_id)
    job = install_jobs.view(conn, _admin_of(row), int(row["job_id"]))
    if job["state"] != "succeeded":
        raise Conflict(f"the sandbox install is {job['state']}: open it once it has succeeded",
                       errors=[{"path": "/sandbox", "message": job["state"]}])
    session = auth.open_session_for(conn, user_id=int(row["user_id"]), client=client,
                                    expires_at=min(row["expires_at"], utcnow() + timedelta(hours=12)))
    _audit(conn, principal, "sandbox_enter", row["version_id"], org=row["org"])
    return session, f"/a/{row['app_key']}"


def discard(conn: Connection, principal: Principal, sandbox_id: int) -> None:
    row = _row(conn, principal, sandbox_id)
    purge(conn, int(row["org_id"]))
    cancel(conn, idempotency_key=_purge_key(row["org"]))
    _audit(conn, principal, "sandbox_discard", row["version_id"], org=row["org"])


def purge(conn: Connection, org_id: int) -> None:
    """Drop the sandbox organisation's form tables (sub-tables first), then delete the organisation: its apps,
    users, sessions, uploads, jobs and this sandbox's row go with it."""
    app_ids = select(apps.c.id).where(apps.c.org_id == org_id)
    names = conn.execute(select(form_tables.c.table_name, form_tables.c.form_key)
                         .where(form_tables.c.app_id.in_(app_ids))).all()
    for name, _ in sorted(names, key=lambda n: "__" not in n.form_key):
        conn.execute(DropTable(Table(name, MetaData()), if_exists=True))
    versions = list(conn.execute(select(app_versions.c.id).where(app_versions.c.app_id.in_(app_ids))).scalars())
    conn.execute(update(departments).where(departments.c.org_id == org_id).values(parent_id=None))
    conn.execute(delete(organisations).where(organisations.c.id == org_id))
    # SQLite may give these ids to the next versions published: nothing compiled from them may be served then
    forget_versions(database_key(conn), versions)


def _purge_key(org: str) -> str:
    return f"{PURGE_KIND}:{org}"


def _purge_job(conn: Connection, payload: dict[str, Any], job: Job) -> dict[str, Any]:
    """Due ``DAYS`` after the sandbox was made: purge its organisation (named by its random key, never by an id
    SQLite may give again) unless it was discarded already."""
    row = conn.execute(select(market_sandboxes.c.org_id)
                       .join(organisations, organisations.c.id == market_sandboxes.c.org_id)
                       .where(organisations.c.key == payload["org"])).first()
    if row is None:
        return {"purged": False}
    purge(conn, int(row.org_id))
    return {"purged": True}


register_job_handler(PURGE_KIND, _purge_job, replace=True)
