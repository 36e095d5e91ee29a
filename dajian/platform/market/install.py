"""Installing, upgrading and uninstalling apps from template packages, for an organisation's admins.

A package is uploaded once (``upload``: kept by its sha256) and then previewed and applied by that id.
Install verifies the signature against the organisation's trusted publisher keys: anything but
``trusted`` needs ``allow_unsigned`` and is audited with its warning; a tampered file never gets that
far (``package.read_package`` refuses it, naming the file). The install row remembers the package's
definition: the base of the next upgrade's three-way merge with the live app (``merge``), whose
conflicts the admin resolves before the merged definition is published with its migration plan.
Uninstall archives: the app's published version is taken offline, its tables and records stay,
and reinstalling brings that version back.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from dajian.platform import apps as app_service
from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.demo import DemoGenerator, scaled
from dajian.platform.demo_seed import People, install_seed, seed_plan
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.flows.tables import flow_instances
from dajian.platform.job_progress import Tracker
from dajian.platform.market.merge import Side, merge
from dajian.platform.market.package import (
    LoadedPackage,
    Verdict,
    key_id,
    load_package,
    parse_public_key,
    read_package,
    sha256,
    verify_signature,
)
from dajian.platform.market.semver import breaking_changes, bump_of, required_bump
from dajian.platform.market.tables import market_installs, market_trusted_keys, market_uploads
from dajian.platform.models import app_versions, apps
from dajian.platform.principal import Principal
from dajian.platform.record_parts import counters_in_transaction
from dajian.platform.templates import Seed

CHANNELS = ("public_form", "inbound_webhook", "inbound_email", "notify_channel", "webhook")
SCHEDULED = ("cron", "time")


def _admin(principal: Principal) -> None:
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may install templates", reason="admins_only")


# -- trusted publisher keys -----------------------------------------------------------------------


def list_keys(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    k = market_trusted_keys.c
    query = (select(k.key_id, k.label, k.public_key, k.created_at).where(k.org_id == principal.org_id)
             .order_by(k.id))  # fmt: skip
    return [dict(r) for r in conn.execute(query).mappings()]


def add_key(conn: Connection, principal: Principal, *, label: str, public_key: str) -> dict[str, Any]:
    _admin(principal)
    try:
        parse_public_key(public_key.strip())
    except ValueError as exc:
        raise Invalid(str(exc), errors=[{"path": "/public_key", "message": str(exc)}]) from None
    fingerprint = key_id(public_key)
    exists = select(market_trusted_keys.c.id).where(market_trusted_keys.c.org_id == principal.org_id,
                                                    market_trusted_keys.c.key_id == fingerprint)
    if conn.execute(exists).first():
        raise Conflict(f"key {fingerprint} is already trusted", errors=[{"path": "/public_key",
                                                                          "message": "already trusted"}])
    conn.execute(insert(market_trusted_keys).values(
        org_id=principal.org_id, key_id=fingerprint, label=label, public_key=public_key.strip(),
        created_by=principal.user_id, created_at=utcnow()))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template", action="trust_key",
                changes={"key_id": fingerprint, "label": label})
    return next(k for k in list_keys(conn, principal) if k["key_id"] == fingerprint)


def remove_key(conn: Connection, principal: Principal, fingerprint: str) -> None:
    _admin(principal)
    gone = conn.execute(delete(market_trusted_keys).where(market_trusted_keys.c.org_id == principal.org_id,
                                                          market_trusted_keys.c.key_id == fingerprint))
    if gone.rowcount == 0:
        raise NotFound(f"no trusted key {fingerprint}")
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template", action="distrust_key",
                changes={"key_id": fingerprint})


def _trusted(conn: Connection, org_id: int) -> list[str]:
    query = select(market_trusted_keys.c.public_key).where(market_trusted_keys.c.org_id == org_id)
    return list(conn.execute(query).scalars())


# -- uploads --------------------------------------------------------------------------------------


def upload(conn: Connection, principal: Principal, data: bytes) -> dict[str, Any]:
    """Check the package (hostile input) and keep it for the preview and the install; its summary."""
    _admin(principal)
    loaded = load_package(read_package(data))
    digest = sha256(data)
    found = select(market_uploads.c.id).where(market_uploads.c.org_id == principal.org_id,
                                              market_uploads.c.sha256 == digest)
    if conn.execute(found).first() is None:
        conn.execute(insert(market_uploads).values(org_id=principal.org_id, sha256=digest, data=data,
                                                   created_by=principal.user_id, created_at=utcnow()))
    return _describe(conn, principal, digest, loaded)


def _loaded(conn: Connection, principal: Principal, digest: str) -> LoadedPackage:
    _admin(principal)
    query = select(market_uploads.c.data).where(market_uploads.c.org_id == principal.org_id,
                                                market_uploads.c.sha256 == digest)
    data = conn.execute(query).scalar()
    if data is None:
        raise NotFound(f"no uploaded package {digest}: upload it first")
    return load_package(read_package(bytes(data)))


def _verdict(conn: Connection, principal: Principal, loaded: LoadedPackage) -> Verdict:
    return verify_signature(loaded.package, _trusted(conn, principal.org_id))


def _install_row(conn: Connection, org_id: int, key: str) -> RowMapping | None:
    query = (select(market_installs, apps.c.key.label("app"), apps.c.current_version_id)
             .join(apps, apps.c.id == market_installs.c.app_id)
             .where(market_installs.c.org_id == org_id, apps.c.key == key))  # fmt: skip
    return conn.execute(query).mappings().first()


def _describe(conn: Connection, principal: Principal, digest: str, loaded: LoadedPackage) -> dict[str, Any]:
    verdict = _verdict(conn, principal, loaded)
    row = _install_row(conn, principal.org_id, loaded.package.key)
    exists = conn.execute(select(apps.c.id).where(apps.c.org_id == principal.org_id,
                                                  apps.c.key == loaded.package.key)).first() is not None
    return {"id": digest, "package": loaded.package.info(),
            "signature": {"status": verdict.status, "key_id": verdict.key_id, "message": verdict.message},
            "installed": _install_info(row) if row else None, "app_exists": exists,
            "demo_data": demo_data(loaded.seed)}


# Records a package's demo spec invents at install, for the first of its scaled forms (the others in proportion):
# enough to fill lists, inboxes and dashboards, few enough for an install job of seconds (``dajian demo``
# makes the full history for the server's own demo).
INSTALL_DEMO_RECORDS = 300


def demo_spec(seed: Seed) -> dict[str, Any] | None:
    """The package's demo spec as an install runs it (``None``: the package invents no records)."""
    if not seed.demo or not seed.demo.get("forms"):
        return None
    return scaled(seed.demo, INSTALL_DEMO_RECORDS)


def demo_plan(seed: Seed) -> list[tuple[str, dict[str, Any]]]:
    """The progress steps of the invented records: one per form, in the order they are made."""
    spec = demo_spec(seed)
    forms = spec["forms"] if spec else {}
    return [("demo_records", {"form": key, "count": int(body.get("count", 0))}) for key, body in forms.items()]


def demo_data(seed: Seed) -> dict[str, Any] | None:
    """What the package's demo data holds (``None``: none): departments, users with their roles, fixed records
    per form, and the records its demo spec invents with their history (flows at their stages), installed
    with the app when the admin asks for it."""
    generated = [{"form": p["form"], "count": p["count"]} for _, p in demo_plan(seed)]
    if not (seed.departments or seed.users or seed.records or generated):
        return None
    return {"departments": len(seed.departments), "users": len(seed.users),
            "records": [{"form": part.form, "count": len(part.rows)} for part in seed.records],
            "generated": generated}


def _install_info(row: RowMapping) -> dict[str, Any]:
    return {"app": row["app"], "package_key": row["package_key"], "version": row["version"],
            "status": row["status"], "signature": row["signature"], "signer_key_id": row["signer_key_id"],
            "installed_at": row["installed_at"], "updated_at": row["updated_at"],
            "name": row["manifest"].get("name"), "description": row["manifest"].get("description")}


def list_installs(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    _admin(principal)
    query = (select(market_installs, apps.c.key.label("app"))
             .join(apps, apps.c.id == market_installs.c.app_id)
             .where(market_installs.c.org_id == principal.org_id).order_by(apps.c.key))  # fmt: skip
    return [_install_info(r) for r in conn.execute(query).mappings()]


# -- what a definition creates --------------------------------------------------------------------


def creates(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What installing ``doc`` makes: forms, flows, roles, channels, public endpoints and scheduled rules."""
    rules = [r for r in doc.get("rules") or [] if isinstance(r, dict)]

    def named(items: list[Any], **extra: Any) -> list[dict[str, Any]]:
        return [{"key": i.get("key"), "label": i.get("label"), **{k: i.get(v) for k, v in extra.items()}}
                for i in items if isinstance(i, dict)]

    return {
        "forms": [{"key": f.get("key"), "label": f.get("label"), "fields": len(f.get("fields") or [])}
                  for f in doc.get("forms") or [] if isinstance(f, dict)],
        "flows": named(doc.get("flows") or [], form="form"),
        "roles": named(doc.get("roles") or []),
        "channels": named([r for r in rules if r.get("kind") in CHANNELS], kind="kind"),
        "public_endpoints": named([r for r in rules if r.get("kind") in ("public_form", "inbound_webhook")],
                                  kind="kind"),
        "scheduled_rules": named([r for r in rules if any(isinstance(t, dict) and t.get("event") in SCHEDULED
                                                          for t in r.get("on") or [])], form="form"),
        "reports": named(doc.get("reports") or []),
    }


def _dry_run(conn: Connection, principal: Principal, doc: dict[str, Any]) -> dict[str, Any]:
    with conn.begin_nested() as savepoint:
        result = app_service.import_definition(conn, principal, doc, dry_run=True)
        savepoint.rollback()
    return result


def _signature_gate(verdict: Verdict, allow_unsigned: bool) -> str | None:
    """``None`` for a trusted package; the warning to record when the admin allows another; else 422."""
    if verdict.trusted:
        return None
    if not allow_unsigned:
        raise Invalid(f"{verdict.message}: install it only if you trust its source (allow_unsigned)",
                      errors=[{"path": "/allow_unsigned", "message": verdict.message}], signature=verdict.status)
    return f"installed without a trusted signature ({verdict.status}): {verdict.message}"


def _note(loaded: LoadedPackage) -> str:
    return f"template {loaded.package.key} {loaded.package.version}"


# -- install --------------------------------------------------------------------------------------


def install_preview(conn: Connection, principal: Principal, digest: str) -> dict[str, Any]:
    loaded = _loaded(conn, principal, digest)
    described = _describe(conn, principal, digest, loaded)
    plan = None if described["app_exists"] else _dry_run(conn, principal, loaded.doc)
    return {**described, "creates": creates(loaded.doc), "plan": plan}


def _install_checks(conn: Connection, principal: Principal, loaded: LoadedPackage, *, allow_unsigned: bool,
                    demo: bool) -> tuple[Verdict, str | None, RowMapping | None]:
    """What refuses an install before anything is written: the signature (422), an app of that key that was
    not archived by an uninstall (409), demo data asked of a package without any or of a reinstall (422)."""
    verdict = _verdict(conn, principal, loaded)
    warning = _signature_gate(verdict, allow_unsigned)
    key = loaded.package.key
    if demo and demo_data(loaded.seed) is None:
        raise Invalid("the package carries no demo data", errors=[{"path": "/demo", "message": "no demo data"}])
    row = _install_row(conn, principal.org_id, key)
    if row is not None and row["status"] == "archived":
        if demo:  # its records are back as they were: demo rows would mix into real ones
            raise Invalid(f"app '{key}' comes back from its archive with its own records: install it without "
                          "demo data", errors=[{"path": "/demo", "message": "not with a reinstall"}])
        return verdict, warning, row
    if conn.execute(select(apps.c.id).where(apps.c.org_id == principal.org_id, apps.c.key == key)).first():
        raise Conflict(f"an app '{key}' is installed already: upgrade it instead",
                       errors=[{"path": "/key", "message": "already installed"}])
    return verdict, warning, None


def check_install(conn: Connection, principal: Principal, digest: str, *, allow_unsigned: bool = False,
                  demo: bool = False) -> LoadedPackage:
    """``install``'s refusals, checked before its job is queued (the job checks them again)."""
    loaded = _loaded(conn, principal, digest)
    _install_checks(conn, principal, loaded, allow_unsigned=allow_unsigned, demo=demo)
    return loaded


def install(conn: Connection, principal: Principal, digest: str, *, allow_unsigned: bool = False,
            demo: bool = False, progress: Tracker | None = None) -> dict[str, Any]:
    """Publish the package's app (or bring back an archived one), with its demo data if asked; record where
    it came from. One transaction: the caller's (the install job's). ``progress`` counts the steps."""
    loaded = _loaded(conn, principal, digest)
    on_step = progress.step if progress is not None else None
    if progress is not None:
        progress.plan([("check", {}), *app_service.publish_plan(loaded.doc), ("record", {}),
                       *([*seed_plan(loaded.seed), *demo_plan(loaded.seed)] if demo else [])])
        progress.step("check", {})
    verdict, warning, archived = _install_checks(conn, principal, loaded, allow_unsigned=allow_unsigned, demo=demo)
    if archived is not None:
        return _reinstall(conn, principal, archived, loaded, verdict, warning)
    key = loaded.package.key
    result = app_service.import_definition(conn, principal, loaded.doc, note=_note(loaded), on_step=on_step)
    if on_step is not None:
        on_step("record", {})
    app_id = _record(conn, principal, loaded, verdict)
    _audit(conn, principal, "install", app_id, loaded, verdict, warning, demo_data=demo)
    if demo:  # demo users get a password nobody knows: an administrator sets theirs under Users
        with counters_in_transaction():  # the app is not committed yet: its serial counters cannot be taken outside
            people = install_seed(conn, principal, key, loaded.seed, password=secrets.token_urlsafe(24),
                                  on_step=on_step)
            _invent_records(conn, principal, key, loaded.seed, people, progress)
    return {"app": key, "version": loaded.package.version, "warning": warning, "result": result,
            "demo_data": demo}


def _invent_records(conn: Connection, principal: Principal, key: str, seed: Seed, people: People,
                    progress: Tracker | None) -> None:
    """The demo spec's records with their history, in the install's transaction (all or nothing with it)."""
    spec = demo_spec(seed)
    if spec is None:
        return
    started: set[str] = set()

    def on_progress(form: str, done: int, total: int) -> None:
        if progress is not None and form not in started:
            started.add(form)
            progress.step("demo_records", {"form": form, "count": total})

    DemoGenerator(conn, principal, key, spec, people=people).run(on_progress)


def _record(conn: Connection, principal: Principal, loaded: LoadedPackage, verdict: Verdict) -> int:
    """Insert or update the install row of the package's app; its id."""
    key = loaded.package.key
    app_id = int(conn.execute(select(apps.c.id).where(apps.c.org_id == principal.org_id, apps.c.key == key))
                 .scalar_one())
    now = utcnow()
    values = {"package_key": key, "version": loaded.package.version, "manifest": loaded.package.info(),
              "base_definition": loaded.doc, "signature": verdict.status, "signer_key_id": verdict.key_id,
              "status": "installed", "updated_at": now}
    changed = conn.execute(update(market_installs).where(market_installs.c.app_id == app_id).values(**values))
    if changed.rowcount == 0:
        conn.execute(insert(market_installs).values(org_id=principal.org_id, app_id=app_id,
                                                    installed_by=principal.user_id, installed_at=now, **values))
    return app_id


def install_bundled(conn: Connection, principal: Principal, loaded: LoadedPackage) -> dict[str, Any]:
    """Install (or re-publish) a package built on this server from a template folder it ships with
    (``dajian demo``): trusted as the server's own code is, audited as such."""
    result = app_service.import_definition(conn, principal, loaded.doc, note=_note(loaded))
    verdict = Verdict("unsigned", None, "built on this server from its bundled template folder")
    app_id = _record(conn, principal, loaded, verdict)
    _audit(conn, principal, "install", app_id, loaded, verdict, verdict.message)
    return result


def _audit(conn: Connection, principal: Principal, action: str, app_id: int, loaded: LoadedPackage,
           verdict: Verdict, warning: str | None, **extra: Any) -> None:
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template", action=action,
                app_id=app_id, changes={"package": loaded.package.key, "version": loaded.package.version,
                                        "signature": verdict.status, "signer_key_id": verdict.key_id,
                                        "warning": warning, **extra})


def _reinstall(conn: Connection, principal: Principal, row: RowMapping, loaded: LoadedPackage, verdict: Verdict,
               warning: str | None) -> dict[str, Any]:
    """Bring the archived version back online; a different package version is then an upgrade."""
    conn.execute(update(apps).where(apps.c.id == row["app_id"]).values(current_version_id=row["archived_version_id"]))
    conn.execute(update(market_installs).where(market_installs.c.id == row["id"]).values(
        status="installed", archived_version_id=None, updated_at=utcnow()))
    _audit(conn, principal, "reinstall", row["app_id"], loaded, verdict, warning)
    number = conn.execute(select(app_versions.c.number)
                          .where(app_versions.c.id == row["archived_version_id"])).scalar()
    result: dict[str, Any] = {"dry_run": False, "unchanged": True, "version": int(number or 0), "plan": []}
    if loaded.package.version != row["version"]:
        result = apply_upgrade(conn, principal, row["app"], loaded, allow_unsigned=True)["result"]
    return {"app": row["app"], "version": loaded.package.version, "warning": warning, "result": result,
            "reinstalled": True}


# -- upgrade --------------------------------------------------------------------------------------


def _running_instances(conn: Connection, app_id: int) -> list[dict[str, Any]]:
    query = (select(flow_instances.c.flow_key, func.count().label("running"))
             .where(flow_instances.c.app_id == app_id, flow_instances.c.state == "running")
             .group_by(flow_instances.c.flow_key).order_by(flow_instances.c.flow_key))  # fmt: skip
    return [dict(r) for r in conn.execute(query).mappings()]


def _upgrade_parts(conn: Connection, principal: Principal, key: str, loaded: LoadedPackage,
                   resolutions: dict[str, Side]) -> tuple[RowMapping, Any]:
    row = _install_row(conn, principal.org_id, key)
    if row is None:
        raise NotFound(f"app '{key}' was not installed from a package")
    if row["status"] != "installed":
        raise Conflict(f"app '{key}' is archived: reinstall it first", errors=[{"path": "/app", "message": "archived"}])
    if loaded.package.key != row["package_key"]:
        raise Invalid(f"the package is '{loaded.package.key}', the app came from '{row['package_key']}'",
                      errors=[{"path": "/key", "message": "another template"}])
    local = app_service.export_definition(conn, principal, key)
    return row, merge(row["base_definition"], local, loaded.doc, resolutions)


def upgrade_preview(conn: Connection, principal: Principal, key: str, digest: str,
                    resolutions: dict[str, Side] | None = None) -> dict[str, Any]:
    """The migration plan of the merged definition, the local changes kept and the conflicts to resolve."""
    loaded = _loaded(conn, principal, digest)
    row, merged = _upgrade_parts(conn, principal, key, loaded, resolutions or {})
    plan = _dry_run(conn, principal, merged.merged)
    try:
        bump = bump_of(row["version"], loaded.package.version)
    except ValueError:
        bump = None
    return {**_describe(conn, principal, digest, loaded), "from_version": row["version"],
            "to_version": loaded.package.version, "bump": bump,
            "needed_bump": required_bump(row["base_definition"], loaded.doc),
            "breaking": breaking_changes(row["base_definition"], loaded.doc),
            "conflicts": [c.as_dict() for c in merged.conflicts], "unresolved": merged.unresolved,
            "kept_local": merged.kept_local, "plan": plan,
            "running_instances": _running_instances(conn, row["app_id"]),
            "expected_version": _live_number(conn, row)}


def _live_number(conn: Connection, row: RowMapping) -> int:
    query = select(app_versions.c.number).where(app_versions.c.id == row["current_version_id"])
    return int(conn.execute(query).scalar() or 0)


def upgrade(conn: Connection, principal: Principal, key: str, digest: str, *, allow_unsigned: bool = False,
            resolutions: dict[str, Side] | None = None, expected_version: int | None = None,
            progress: Tracker | None = None) -> dict[str, Any]:
    """Publish the merged definition; refused while a conflict is unresolved (409) or the app changed since
    the preview (``expected_version``, 409). Records are migrated by the publish's plan, never dropped."""
    return apply_upgrade(conn, principal, key, _loaded(conn, principal, digest), allow_unsigned=allow_unsigned,
                         resolutions=resolutions, expected_version=expected_version, progress=progress)


def _upgrade_checks(conn: Connection, principal: Principal, key: str, loaded: LoadedPackage, *,
                    allow_unsigned: bool, resolutions: dict[str, Side],
                    expected_version: int | None) -> tuple[Verdict, str | None, RowMapping, Any]:
    verdict = _verdict(conn, principal, loaded)
    warning = _signature_gate(verdict, allow_unsigned)
    row, merged = _upgrade_parts(conn, principal, key, loaded, resolutions)
    live = _live_number(conn, row)
    if expected_version is not None and expected_version != live:
        raise Conflict(f"app '{key}' changed since the preview: review the new plan",
                       errors=[{"path": "/expected_version", "message": f"the live version is {live}"}])
    if merged.unresolved:
        raise Conflict(f"{len(merged.unresolved)} conflicts between local changes and the new version need a choice",
                       errors=[{"path": f"/resolutions{p}", "message": "choose local or new"}
                               for p in merged.unresolved])
    return verdict, warning, row, merged


def check_upgrade(conn: Connection, principal: Principal, key: str, digest: str, *, allow_unsigned: bool = False,
                  resolutions: dict[str, Side] | None = None, expected_version: int | None = None) -> LoadedPackage:
    """``upgrade``'s refusals, checked before its job is queued (the job checks them again)."""
    loaded = _loaded(conn, principal, digest)
    _upgrade_checks(conn, principal, key, loaded, allow_unsigned=allow_unsigned, resolutions=resolutions or {},
                    expected_version=expected_version)
    return loaded


def apply_upgrade(conn: Connection, principal: Principal, key: str, loaded: LoadedPackage, *,
                  allow_unsigned: bool = False, resolutions: dict[str, Side] | None = None,
                  expected_version: int | None = None, progress: Tracker | None = None) -> dict[str, Any]:
    on_step = progress.step if progress is not None else None
    if progress is not None:
        progress.plan([("check", {}), *app_service.publish_plan(loaded.doc), ("record", {})])
        progress.step("check", {})
    verdict, warning, row, merged = _upgrade_checks(conn, principal, key, loaded, allow_unsigned=allow_unsigned,
                                                    resolutions=resolutions or {}, expected_version=expected_version)
    if progress is not None:  # the tables of the merged definition: local forms too
        progress.plan([("check", {}), *app_service.publish_plan(merged.merged), ("record", {})])
    result = app_service.import_definition(conn, principal, merged.merged, note=_note(loaded), on_step=on_step)
    if on_step is not None:
        on_step("record", {})
    conn.execute(update(market_installs).where(market_installs.c.id == row["id"]).values(
        version=loaded.package.version, manifest=loaded.package.info(), base_definition=loaded.doc,
        signature=verdict.status, signer_key_id=verdict.key_id, updated_at=utcnow()))
    _audit(conn, principal, "upgrade", row["app_id"], loaded, verdict, warning, from_version=row["version"],
           kept_local=merged.kept_local, resolutions=resolutions or {})
    return {"app": key, "version": loaded.package.version, "warning": warning, "result": result,
            "kept_local": merged.kept_local}


# -- uninstall ------------------------------------------------------------------------------------


def uninstall(conn: Connection, principal: Principal, key: str) -> dict[str, Any]:
    """Archive the app: its published version goes offline, tables, records and history stay."""
    _admin(principal)
    row = _install_row(conn, principal.org_id, key)
    if row is None:
        raise NotFound(f"app '{key}' was not installed from a package")
    if row["status"] == "archived":
        raise Conflict(f"app '{key}' is archived already", errors=[{"path": "/app", "message": "archived"}])
    conn.execute(update(market_installs).where(market_installs.c.id == row["id"]).values(
        status="archived", archived_version_id=row["current_version_id"], updated_at=utcnow()))
    conn.execute(update(apps).where(apps.c.id == row["app_id"]).values(current_version_id=None))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template", action="uninstall",
                app_id=row["app_id"], changes={"package": row["package_key"], "version": row["version"]})
    return {"app": key, "status": "archived", "version": row["version"]}
