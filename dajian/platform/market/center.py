"""The template center's publishing side: publisher profiles and keys, reviewers, uploading a version (signed by
a registered key, semver checked against the last published version, the automatic checks computed once), and
the version lifecycle::

    draft → submitted → in_review → approved | changes_requested;  approved → published → deprecated | yanked

Every transition is a row of ``market_review_events`` (the reviewer's comments live there) and an audit entry.
Yanking a version notifies the administrators of every organisation that installed it."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.market.center_tables import (
    market_publisher_keys,
    market_publishers,
    market_review_events,
    market_reviewers,
    market_templates,
    market_versions,
)
from dajian.platform.market.checks import attention, diff_definitions
from dajian.platform.market.package import key_id, load_package, parse_public_key, read_package, sha256
from dajian.platform.market.package import verify_signature as verify
from dajian.platform.market.semver import required_bump, semver_issues
from dajian.platform.market.tables import market_installs
from dajian.platform.models import users
from dajian.platform.principal import Principal
from dajian.platform.rules.tables import notifications
from dajian.platform.search import segment
from dajian.platform.templates import parse_version

REVIEWABLE = ("submitted", "in_review")
LISTED = ("published", "deprecated")  # shown to admins; yanked ones only to those who installed them


class Move(NamedTuple):
    sources: tuple[str, ...]
    target: str
    who: str  # publisher | reviewer | either


MOVES: dict[str, Move] = {
    "submit": Move(("draft", "changes_requested"), "submitted", "publisher"),
    "start_review": Move(("submitted",), "in_review", "reviewer"),
    "approve": Move(REVIEWABLE, "approved", "reviewer"),
    "request_changes": Move(REVIEWABLE, "changes_requested", "reviewer"),
    "publish": Move(("approved",), "published", "either"),
    "deprecate": Move(("published",), "deprecated", "either"),
    "yank": Move(("published", "deprecated"), "yanked", "either"),
}


# -- people ---------------------------------------------------------------------------------------


def is_reviewer(conn: Connection, user_id: int) -> bool:
    return conn.execute(select(market_reviewers.c.id).where(market_reviewers.c.user_id == user_id)).first() is not None


def add_reviewer(conn: Connection, user_id: int) -> None:
    """Make a user a reviewer of this server's template center (``dajian market reviewer``)."""
    if not is_reviewer(conn, user_id):
        conn.execute(insert(market_reviewers).values(user_id=user_id, created_at=utcnow()))


def _publisher_row(conn: Connection, principal: Principal) -> RowMapping | None:
    query = select(market_publishers).where(market_publishers.c.user_id == principal.user_id)
    return conn.execute(query).mappings().first()


def _require_publisher(conn: Connection, principal: Principal) -> RowMapping:
    row = _publisher_row(conn, principal)
    if row is None:
        raise Forbidden("create your publisher profile first", reason="publisher_profile_missing")
    return row


def _keys(conn: Connection, publisher_id: int) -> list[dict[str, Any]]:
    query = (select(market_publisher_keys.c.key_id, market_publisher_keys.c.public_key,
                    market_publisher_keys.c.created_at)
             .where(market_publisher_keys.c.publisher_id == publisher_id).order_by(market_publisher_keys.c.id))
    return [dict(r) for r in conn.execute(query).mappings()]


def me(conn: Connection, principal: Principal) -> dict[str, Any]:
    """The caller's place in the center: their publisher profile (or None) and whether they review."""
    row = _publisher_row(conn, principal)
    profile = None if row is None else {"name": row["name"], "site": row["site"],
                                        "description": row["description"], "keys": _keys(conn, row["id"])}
    return {"publisher": profile, "reviewer": is_reviewer(conn, principal.user_id)}


def save_profile(conn: Connection, principal: Principal, *, name: str, site: str | None,
                 description: str | None) -> dict[str, Any]:
    values = {"name": name, "site": site, "description": description}
    row = _publisher_row(conn, principal)
    if row is None:
        conn.execute(insert(market_publishers).values(org_id=principal.org_id, user_id=principal.user_id,
                                                      created_at=utcnow(), **values))
    else:
        conn.execute(update(market_publishers).where(market_publishers.c.id == row["id"]).values(**values))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="market_publisher",
                action="save", changes=values)
    return me(conn, principal)


def add_key(conn: Connection, principal: Principal, public_key: str) -> dict[str, Any]:
    row = _require_publisher(conn, principal)
    try:
        parse_public_key(public_key.strip())
    except ValueError as exc:
        raise Invalid(str(exc), errors=[{"path": "/public_key", "message": str(exc)}]) from None
    fingerprint = key_id(public_key)
    if any(k["key_id"] == fingerprint for k in _keys(conn, row["id"])):
        raise Conflict(f"key {fingerprint} is already registered")
    conn.execute(insert(market_publisher_keys).values(publisher_id=row["id"], key_id=fingerprint,
                                                      public_key=public_key.strip(), created_at=utcnow()))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="market_publisher",
                action="add_key", changes={"key_id": fingerprint})
    return me(conn, principal)


# -- uploading a version --------------------------------------------------------------------------


def search_tokens(info: dict[str, Any], publisher: str) -> str:
    """The words a listing search matches, segmented as record search does: `` 客诉 管理 complaint ``."""
    parts = [*(info.get("name") or {}).values(), *(info.get("description") or {}).values(),
             *(info.get("tags") or []), info.get("category") or "", publisher, info.get("key") or ""]
    words = {w.lower() for p in parts if isinstance(p, str) for w in segment(p)}
    return " " + " ".join(sorted(words)) + " "


def _template_row(conn: Connection, key: str) -> RowMapping | None:
    return conn.execute(select(market_templates).where(market_templates.c.key == key)).mappings().first()


def _versions(conn: Connection, template_id: int) -> list[RowMapping]:
    query = select(market_versions).where(market_versions.c.template_id == template_id)
    return sorted(conn.execute(query).mappings(), key=lambda r: parse_version(r["version"]))


def _previous_published(conn: Connection, template_id: int) -> RowMapping | None:
    listed = [r for r in _versions(conn, template_id) if r["state"] in (*LISTED, "yanked")]
    return listed[-1] if listed else None


def _checks(previous: RowMapping | None, version: str, doc: dict[str, Any]) -> dict[str, Any]:
    old = load_package(read_package(bytes(previous["data"]))).doc if previous else None
    issues = [] if previous is None or old is None else semver_issues(
        old_version=previous["version"], new_version=version, old=old, new=doc)
    if issues:
        raise Invalid(issues[0]["message"], errors=issues)
    return {"schema": {"valid": True, "errors": []},
            "previous": previous["version"] if previous else None,
            "bump": required_bump(old, doc) if old is not None else None,
            "diff": diff_definitions(old, doc), "attention": attention(doc)}


def _ensure_template(conn: Connection, publisher: RowMapping, info: dict[str, Any]) -> int:
    row = _template_row(conn, info["key"])
    if row is not None and row["publisher_id"] != publisher["id"]:
        raise Forbidden(f"the template key '{info['key']}' belongs to another publisher", reason="template_key_taken")
    values = {"name": info.get("name") or {}, "description": info.get("description"),
              "category": info.get("category"), "tags": info.get("tags") or [],
              "search_tokens": search_tokens(info, publisher["name"]), "updated_at": utcnow()}
    if row is None:
        made = conn.execute(insert(market_templates).values(publisher_id=publisher["id"], key=info["key"],
                                                            installs=0, created_at=utcnow(), **values))
        return int(made.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(update(market_templates).where(market_templates.c.id == row["id"]).values(**values))
    return int(row["id"])


def upload_version(conn: Connection, principal: Principal, data: bytes) -> dict[str, Any]:
    """Read the package (hostile input), require a signature by one of the publisher's keys and a version
    number that fits the change, keep it as a draft with its automatic checks."""
    loaded = load_package(read_package(data))
    publisher = _require_publisher(conn, principal)
    verdict = verify(loaded.package, [k["public_key"] for k in _keys(conn, publisher["id"])])
    if not verdict.trusted:
        raise Invalid(f"sign the package with a key registered to your publisher profile: {verdict.message}",
                      errors=[{"path": "/signature", "message": verdict.message}])
    info = loaded.package.info()
    template_id = _ensure_template(conn, publisher, info)
    existing = _versions(conn, template_id)
    version = loaded.package.version
    if any(parse_version(r["version"]) >= parse_version(version) for r in existing):
        raise Conflict(f"version {version} is not greater than {existing[-1]['version']}")
    checks = _checks(_previous_published(conn, template_id), version, loaded.doc)
    made = conn.execute(insert(market_versions).values(
        template_id=template_id, version=version, state="draft", sha256=sha256(data), data=data, manifest=info,
        checks=checks, signer_key_id=verdict.key_id, created_by=principal.user_id, created_at=utcnow(),
        updated_at=utcnow()))
    version_id = int(made.inserted_primary_key[0])  # type: ignore[index]
    _event(conn, principal, version_id, "upload", "draft", "draft", None)
    return version_detail(conn, principal, version_id)


# -- the lifecycle --------------------------------------------------------------------------------


def _actor_name(conn: Connection, principal: Principal) -> str:
    return str(conn.execute(select(users.c.username).where(users.c.id == principal.user_id)).scalar() or "?")


def _event(conn: Connection, principal: Principal, version_id: int, action: str, source: str, target: str,
           comment: str | None) -> None:
    conn.execute(insert(market_review_events).values(
        version_id=version_id, actor_id=principal.user_id, actor_name=_actor_name(conn, principal),
        action=action, from_state=source, to_state=target, comment=comment, at=utcnow()))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="market_version",
                action=action, record_id=version_id,
                changes={"state": [source, target], **({"comment": comment} if comment else {})})


def _version_row(conn: Connection, version_id: int) -> RowMapping:
    query = (select(market_versions, market_templates.c.key.label("template_key"),
                    market_templates.c.publisher_id, market_publishers.c.user_id.label("publisher_user"),
                    market_publishers.c.name.label("publisher"))
             .join(market_templates, market_templates.c.id == market_versions.c.template_id)
             .join(market_publishers, market_publishers.c.id == market_templates.c.publisher_id)
             .where(market_versions.c.id == version_id))  # fmt: skip
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no template version {version_id}")
    return row


def _may(conn: Connection, principal: Principal, row: RowMapping, who: str) -> bool:
    owner = bool(row["publisher_user"] == principal.user_id)
    reviewer = is_reviewer(conn, principal.user_id)
    return {"publisher": owner, "reviewer": reviewer, "either": owner or reviewer}[who]


def act(conn: Connection, principal: Principal, version_id: int, action: str, comment: str | None) -> dict[str, Any]:
    """Move a version along ``MOVES``; a reviewer's request for changes needs a comment."""
    move = MOVES.get(action)
    if move is None:
        raise Invalid(f"unknown action '{action}'", errors=[{"path": "/action", "message": "unknown action"}])
    row = _version_row(conn, version_id)
    if not _may(conn, principal, row, move.who):
        raise Forbidden(f"you may not {action.replace('_', ' ')} this version", reason="review_action_denied")
    if row["state"] not in move.sources:
        raise Conflict(f"a {row['state']} version cannot be moved by '{action}'")
    if action == "request_changes" and not (comment or "").strip():
        raise Invalid("say what to change", errors=[{"path": "/comment", "message": "required"}])
    conn.execute(update(market_versions).where(market_versions.c.id == version_id)
                 .values(state=move.target, updated_at=utcnow()))
    _event(conn, principal, version_id, action, row["state"], move.target, comment)
    if action == "yank":
        _tell_installers(conn, row)
    return version_detail(conn, principal, version_id)


def _tell_installers(conn: Connection, row: RowMapping) -> None:
    """A notification to every admin of every organisation that installed the yanked version."""
    query = (select(users.c.id, users.c.org_id, market_installs.c.app_id)
             .join(market_installs, market_installs.c.org_id == users.c.org_id)
             .where(market_installs.c.package_key == row["template_key"],
                    market_installs.c.version == row["version"], users.c.is_org_admin.is_(True)))  # fmt: skip
    title = f"Template {row['template_key']} {row['version']} was yanked / 模板版本已撤回"
    body = "It keeps running; upgrade to a newer version. 已安装的应用继续运行，请升级到新版本。"
    rows = [{"org_id": r.org_id, "user_id": r.id, "app_id": r.app_id, "title": title, "body": body,
             "link": None, "source": "market", "created_at": utcnow()} for r in conn.execute(query)]
    if rows:
        conn.execute(insert(notifications), rows)


# -- what publishers and reviewers see ------------------------------------------------------------


def _events(conn: Connection, version_id: int) -> list[dict[str, Any]]:
    query = (select(market_review_events).where(market_review_events.c.version_id == version_id)
             .order_by(market_review_events.c.id))
    return [{k: r[k] for k in ("actor_name", "action", "from_state", "to_state", "comment", "at")}
            for r in conn.execute(query).mappings()]


def _summary(row: RowMapping) -> dict[str, Any]:
    return {"id": row["id"], "template": row["template_key"], "version": row["version"], "state": row["state"],
            "publisher": row["publisher"], "name": row["manifest"].get("name") or {},
            "signer_key_id": row["signer_key_id"], "created_at": row["created_at"], "updated_at": row["updated_at"]}


def version_detail(conn: Connection, principal: Principal, version_id: int) -> dict[str, Any]:
    row = _version_row(conn, version_id)
    if not _may(conn, principal, row, "either"):
        raise NotFound(f"no template version {version_id}")
    return {**_summary(row), "manifest": row["manifest"], "checks": row["checks"],
            "events": _events(conn, version_id)}


def _version_ids(conn: Connection, *where: Any) -> list[int]:
    query = (select(market_versions.c.id)
             .join(market_templates, market_templates.c.id == market_versions.c.template_id)
             .join(market_publishers, market_publishers.c.id == market_templates.c.publisher_id)
             .where(*where).order_by(market_versions.c.id.desc()))  # fmt: skip
    return list(conn.execute(query).scalars())


def my_versions(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """The caller's versions, newest first (none without a publisher profile)."""
    ids = _version_ids(conn, market_publishers.c.user_id == principal.user_id)
    return [version_detail(conn, principal, i) for i in ids]


def _queue_summary(row: RowMapping) -> dict[str, Any]:
    checks = row["checks"] or {}
    diff = (checks.get("diff") or {}).values()
    return {"id": row["id"], "template": row["template_key"], "version": row["version"], "state": row["state"],
            "publisher": row["publisher"], "name": row["manifest"].get("name") or {},
            "submitted_at": row["submitted_at"], "previous": checks.get("previous"), "bump": checks.get("bump"),
            "schema_errors": len((checks.get("schema") or {}).get("errors") or []),
            "attention": len(checks.get("attention") or []),
            "changes": {part: sum(len(d.get(part) or []) for d in diff) for part in ("added", "changed", "removed")}}


def review_queue(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """Versions waiting for a reviewer, the longest waiting (since its last submit) first, each with a summary
    of its checks; empty for anyone who does not review."""
    if not is_reviewer(conn, principal.user_id):
        return []
    events = market_review_events.c
    submits = (select(events.version_id, func.max(events.at).label("at")).where(events.action == "submit")
               .group_by(events.version_id).subquery())  # fmt: skip
    submitted_at = func.coalesce(submits.c.at, market_versions.c.created_at).label("submitted_at")
    query = (select(market_versions.c.id, market_versions.c.version, market_versions.c.state,
                    market_versions.c.manifest, market_versions.c.checks, submitted_at,
                    market_templates.c.key.label("template_key"), market_publishers.c.name.label("publisher"))
             .join(market_templates, market_templates.c.id == market_versions.c.template_id)
             .join(market_publishers, market_publishers.c.id == market_templates.c.publisher_id)
             .outerjoin(submits, submits.c.version_id == market_versions.c.id)
             .where(market_versions.c.state.in_(REVIEWABLE)).order_by(submitted_at, market_versions.c.id))  # fmt: skip
    return [_queue_summary(r) for r in conn.execute(query).mappings()]
