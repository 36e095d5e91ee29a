"""The template center's shop window: published templates by search (Chinese segmented as record search is),
category, tag and publisher, a page at a time with the total count; a template's detail with versions,
changelog, screenshots, installs and ratings; a version's package for an install (never a yanked one); ratings
from admins whose organisation installed the template."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, Select, and_, func, insert, literal, select, update

from dajian.engines.expr.sql_dialect import list_has
from dajian.platform.clock import utcnow
from dajian.platform.errors import Forbidden, Gone, NotFound
from dajian.platform.market.center import LISTED
from dajian.platform.market.center_tables import (
    market_publisher_keys,
    market_publishers,
    market_ratings,
    market_templates,
    market_versions,
)
from dajian.platform.market.package import read_package
from dajian.platform.market.tables import market_installs
from dajian.platform.principal import Principal
from dajian.platform.search import segment
from dajian.platform.templates import parse_version

MAX_WORDS = 16
PAGE = 12  # cards on a page: three rows of four at 1280 px
MAX_PAGE = 100


def _listed_templates(conn: Connection) -> Any:
    listed = select(market_versions.c.template_id).where(market_versions.c.state.in_(LISTED))
    return (select(market_templates, market_publishers.c.name.label("publisher"))
            .join(market_publishers, market_publishers.c.id == market_templates.c.publisher_id)
            .where(market_templates.c.id.in_(listed)))  # fmt: skip


def _ratings(conn: Connection, template_ids: list[int]) -> dict[int, tuple[float, int]]:
    query = (select(market_ratings.c.template_id, func.avg(market_ratings.c.stars), func.count())
             .where(market_ratings.c.template_id.in_(template_ids)).group_by(market_ratings.c.template_id))
    return {r[0]: (round(float(r[1]), 1), int(r[2])) for r in conn.execute(query)}


def _latest(conn: Connection, template_id: int) -> RowMapping | None:
    query = select(market_versions).where(market_versions.c.template_id == template_id,
                                          market_versions.c.state.in_(LISTED))
    rows = sorted(conn.execute(query).mappings(), key=lambda r: parse_version(r["version"]))
    return rows[-1] if rows else None


def _latest_listed(conn: Connection, template_ids: list[int]) -> dict[int, RowMapping]:
    """Each template's highest listed version (without its package bytes)."""
    query = (select(market_versions.c.template_id, market_versions.c.version, market_versions.c.manifest)
             .where(market_versions.c.template_id.in_(template_ids), market_versions.c.state.in_(LISTED)))
    latest: dict[int, RowMapping] = {}
    for row in conn.execute(query).mappings():
        known = latest.get(row["template_id"])
        if known is None or parse_version(row["version"]) > parse_version(known["version"]):
            latest[row["template_id"]] = row
    return latest


def _card(row: RowMapping, latest: RowMapping | None, rating: tuple[float, int] | None) -> dict[str, Any]:
    manifest = latest["manifest"] if latest else {}
    return {"key": row["key"], "name": row["name"], "description": row["description"],
            "category": row["category"], "tags": row["tags"], "publisher": row["publisher"],
            "installs": row["installs"], "latest_version": latest["version"] if latest else None,
            "screenshots": len(manifest.get("screenshots") or []),
            "rating": rating[0] if rating else None, "ratings": rating[1] if rating else 0}


def _matching(conn: Connection, *, q: str | None, category: str | None, tag: str | None,
              publisher: str | None) -> Select[Any]:
    """Listed templates where every word of ``q`` matches (``客诉`` finds 客诉管理) and the filters hold."""
    query: Select[Any] = _listed_templates(conn)
    for word in segment(q or "")[:MAX_WORDS]:
        query = query.where(market_templates.c.search_tokens.contains(f" {word}", autoescape=True))
    if category:
        query = query.where(market_templates.c.category == category)
    if tag:
        query = query.where(list_has(market_templates.c.tags, literal(tag)))
    if publisher:
        query = query.where(market_publishers.c.name == publisher)
    return query


def _ordered(query: Select[Any], sort: str) -> Select[Any]:
    """``popular``: most installed first; ``newest``: the latest published first; ``rating``: best rated first
    (unrated last); the key breaks ties, so pages never overlap."""
    templates, versions, ratings = market_templates.c, market_versions.c, market_ratings.c
    if sort == "newest":
        latest = (select(versions.template_id, func.max(versions.updated_at).label("at"))
                  .where(versions.state.in_(LISTED)).group_by(versions.template_id).subquery())
        return query.join(latest, latest.c.template_id == templates.id).order_by(latest.c.at.desc(), templates.key)
    if sort == "rating":
        stars = (select(ratings.template_id, func.avg(ratings.stars).label("stars"), func.count().label("ratings"))
                 .group_by(ratings.template_id).subquery())
        return query.outerjoin(stars, stars.c.template_id == templates.id).order_by(
            func.coalesce(stars.c.stars, 0).desc(), func.coalesce(stars.c.ratings, 0).desc(), templates.key)
    return query.order_by(templates.installs.desc(), templates.key)


def list_templates(conn: Connection, *, q: str | None, category: str | None, tag: str | None,
                   publisher: str | None = None, sort: str = "popular", page: int = 1,
                   limit: int = PAGE) -> dict[str, Any]:
    """Page ``page`` (from 1) of the matching templates in ``sort`` order, with ``count`` of all pages::

        list_templates(conn, q="客诉", category=None, tag=None, page=2, limit=12)
        → {"items": [cards 13–24], "count": 30, "page": 2, "limit": 12, "categories": [...]}
    """
    query = _matching(conn, q=q, category=category, tag=tag, publisher=publisher)
    count = int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    ordered = _ordered(query, sort)
    rows = conn.execute(ordered.limit(limit).offset((page - 1) * limit)).mappings().all()
    ids = [r["id"] for r in rows]
    ratings, latest = _ratings(conn, ids), _latest_listed(conn, ids)
    cards = [_card(r, latest.get(r["id"]), ratings.get(r["id"])) for r in rows]
    listed = _listed_templates(conn).with_only_columns(market_templates.c.category).distinct()
    categories = sorted(c for c in conn.execute(listed).scalars() if c)
    return {"items": cards, "count": count, "page": page, "limit": limit, "categories": categories}


def _template(conn: Connection, key: str) -> RowMapping:
    row = conn.execute(_listed_templates(conn).where(market_templates.c.key == key)).mappings().first()
    if row is None:
        raise NotFound(f"no published template '{key}'")
    return row


def _reviews(conn: Connection, template_id: int) -> list[dict[str, Any]]:
    from dajian.platform.models import organisations, users

    query = (select(market_ratings.c.stars, market_ratings.c.comment, market_ratings.c.at,
                    users.c.username, organisations.c.name.label("organisation"))
             .join(users, users.c.id == market_ratings.c.user_id)
             .join(organisations, organisations.c.id == market_ratings.c.org_id)
             .where(market_ratings.c.template_id == template_id).order_by(market_ratings.c.at.desc()))
    return [dict(r) for r in conn.execute(query).mappings()]


def template_detail(conn: Connection, key: str) -> dict[str, Any]:
    row = _template(conn, key)
    query = select(market_versions).where(market_versions.c.template_id == row["id"],
                                          market_versions.c.state.in_((*LISTED, "yanked")))
    versions = sorted(conn.execute(query).mappings(), key=lambda r: parse_version(r["version"]), reverse=True)
    latest = next((v for v in versions if v["state"] in LISTED), None)
    card = _card(row, latest, _ratings(conn, [row["id"]]).get(row["id"]))
    return {**card, "versions": [{"version": v["version"], "state": v["state"], "published_at": v["updated_at"],
                                  "changelog": _notes(v["manifest"], v["version"]),
                                  "min_platform_version": v["manifest"].get("min_platform_version")}
                                 for v in versions],
            "licence": latest["manifest"].get("licence") if latest else None,
            "reviews": _reviews(conn, row["id"])}


def _notes(manifest: dict[str, Any], version: str) -> dict[str, str] | None:
    entry = next((c for c in manifest.get("changelog") or [] if c.get("version") == version), None)
    return entry.get("notes") if entry else None


def _version(conn: Connection, key: str, version: str) -> RowMapping:
    query = (select(market_versions).join(market_templates, market_templates.c.id == market_versions.c.template_id)
             .where(market_templates.c.key == key, market_versions.c.version == version))  # fmt: skip
    found = conn.execute(query).mappings().first()
    if found is None or found["state"] not in (*LISTED, "yanked"):
        raise NotFound(f"no published version {version} of '{key}'")
    return found


def package_data(conn: Connection, key: str, version: str) -> bytes:
    """The signed package of a published version, counted as an install; a yanked version is gone."""
    found = _version(conn, key, version)
    if found["state"] == "yanked":
        raise Gone(f"{key} {version} was yanked: install a newer version")
    conn.execute(update(market_templates).where(market_templates.c.key == key)
                 .values(installs=market_templates.c.installs + 1))
    return bytes(found["data"])


def signer(conn: Connection, key: str, version: str) -> dict[str, Any]:
    """The publisher and public key a published version was signed with (a remote installer checks it)."""
    found = _version(conn, key, version)
    query = (select(market_publishers.c.name, market_publisher_keys.c.key_id, market_publisher_keys.c.public_key)
             .join(market_templates, market_templates.c.publisher_id == market_publishers.c.id)
             .join(market_publisher_keys, market_publisher_keys.c.publisher_id == market_publishers.c.id)
             .where(market_templates.c.key == key, market_publisher_keys.c.key_id == found["signer_key_id"]))
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"the key that signed {key} {version} is no longer registered")
    return {"publisher": row.name, "key_id": row.key_id, "public_key": row.public_key}


def screenshot(conn: Connection, key: str, index: int) -> tuple[bytes, str]:
    """The ``index``-th screenshot of the latest published version, with its media type."""
    latest = _latest(conn, _template(conn, key)["id"])
    names = (latest["manifest"].get("screenshots") or []) if latest else []
    if not 0 <= index < len(names):
        raise NotFound(f"'{key}' has no screenshot {index}")
    assert latest is not None
    name = names[index]
    data = read_package(bytes(latest["data"])).files[name]
    kind = "png" if name.endswith(".png") else "webp" if name.endswith(".webp") else "jpeg"
    return data, f"image/{kind}"


def rate(conn: Connection, principal: Principal, key: str, *, stars: int, comment: str | None) -> dict[str, Any]:
    """An admin of an organisation that installed the template rates it (again: the rating is replaced)."""
    row = _template(conn, key)
    installed = select(market_installs.c.id).where(market_installs.c.org_id == principal.org_id,
                                                   market_installs.c.package_key == key)
    if not principal.is_org_admin or conn.execute(installed).first() is None:
        raise Forbidden("only administrators whose organisation installed this template may rate it",
                        reason="rating_needs_install")
    mine = and_(market_ratings.c.template_id == row["id"], market_ratings.c.user_id == principal.user_id)
    values = {"stars": stars, "comment": comment, "at": utcnow()}
    if conn.execute(update(market_ratings).where(mine).values(**values)).rowcount == 0:
        conn.execute(insert(market_ratings).values(template_id=row["id"], org_id=principal.org_id,
                                                   user_id=principal.user_id, **values))
    return template_detail(conn, key)
