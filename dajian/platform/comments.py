"""Comments on a record: anyone who may read a record may read and add its comments, @mention
people of the organisation (they get an in-app notification linking to the record) and attach files
uploaded for the comment. Comments share ``record_comments`` with the replies threaded from inbound
e-mail, so a record page shows both in one list; every comment is also an audit entry of the record,
so the record's history shows who commented when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select

from dajian.platform.apps import load_runtime
from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.files import files, public
from dajian.platform.models import users
from dajian.platform.principal import Principal
from dajian.platform.records import FormContext, form_context, get_record
from dajian.platform.rules.notify import in_app
from dajian.platform.rules.tables import record_comments

WEB_CHANNEL = "web"
MAX_MENTIONS = 20
MAX_FILES = 10


def readable_record(conn: Connection, principal: Principal, app_key: str, form_key: str,
                    record_id: int) -> FormContext:
    """The form context of a record the principal may read (``NotFound`` otherwise, as for the record)."""
    ctx = form_context(conn, principal, load_runtime(conn, principal, app_key), form_key, "read")
    get_record(conn, ctx, record_id)
    return ctx


def list_comments(conn: Connection, principal: Principal, app_key: str, form_key: str,
                  record_id: int) -> list[dict[str, Any]]:
    """The record's comments, oldest first, with their authors' names, mentions and files."""
    ctx = readable_record(conn, principal, app_key, form_key, record_id)
    c = record_comments
    rows = conn.execute(select(c).where(c.c.org_id == principal.org_id, c.c.app_id == ctx.runtime.app_id,
                                        c.c.form_key == form_key, c.c.record_id == record_id)
                        .order_by(c.c.at, c.c.id)).mappings().all()
    names = _names(conn, principal.org_id, {u for r in rows for u in [r["author_id"], *(r["mentions"] or [])]})
    return [_view(r, names) for r in rows]


def add_comment(conn: Connection, principal: Principal, app_key: str, form_key: str, record_id: int, *,
                body: str, mentions: Sequence[int] = (), file_ids: Sequence[int] = (),
                public_: bool = False) -> dict[str, Any]:
    ctx = readable_record(conn, principal, app_key, form_key, record_id)
    text = body.strip()
    if not text and not file_ids:
        raise Invalid("write a comment or attach a file", errors=[{"path": "/body", "message": "is empty"}])
    mentioned = sorted(set(mentions))
    names = _names(conn, principal.org_id, {principal.user_id, *mentioned})
    for i, user_id in enumerate(mentions):
        if user_id not in names:
            raise Invalid("no such person", errors=[{"path": f"/mentions/{i}", "message": f"no user {user_id}"}])
    attached = _own_uploads(conn, principal, ctx.runtime.app_id, form_key, file_ids)
    row = {"org_id": principal.org_id, "app_id": ctx.runtime.app_id, "form_key": form_key, "record_id": record_id,
           "author": names[principal.user_id], "author_id": principal.user_id, "channel": WEB_CHANNEL,
           "body": text, "public": public_, "at": utcnow(), "mentions": mentioned, "files": attached}
    comment_id = int(conn.execute(insert(record_comments).values(row).returning(record_comments.c.id)).scalar_one())
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="comment", action="comment",
                app_id=ctx.runtime.app_id, form_key=form_key, record_id=record_id,
                changes={"comment": [None, text], "mentions": [None, mentioned],
                         "files": [None, [f["name"] for f in attached]]})
    link = {"app": app_key, "form": form_key, "record": record_id}
    for user_id in mentioned:
        if user_id != principal.user_id:
            in_app(conn, org_id=principal.org_id, user_id=user_id, app_id=ctx.runtime.app_id, link=link,
                   title=f"{names[principal.user_id]} @: {text[:200]}", body=text, source="mention")
    return _view({**row, "id": comment_id}, names)


def comment_file(conn: Connection, principal: Principal, app_key: str, form_key: str, record_id: int,
                 comment_id: int, file_id: int) -> dict[str, Any]:
    """The file row of a comment's attachment, for anyone who may read the record."""
    ctx = readable_record(conn, principal, app_key, form_key, record_id)
    c = record_comments
    attached = conn.execute(select(c.c.files).where(c.c.id == comment_id, c.c.org_id == principal.org_id,
                                                    c.c.app_id == ctx.runtime.app_id, c.c.form_key == form_key,
                                                    c.c.record_id == record_id)).scalar_one_or_none()
    if not attached or file_id not in {f["id"] for f in attached}:
        raise NotFound(f"no file {file_id} on comment {comment_id}")
    row = conn.execute(select(files).where(files.c.id == file_id, files.c.org_id == principal.org_id)
                       ).mappings().one()
    return dict(row)


def _own_uploads(conn: Connection, principal: Principal, app_id: int, form_key: str,
                 file_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Files the author uploaded for comments of this form; anything else is refused by its index."""
    if len(file_ids) > MAX_FILES:
        raise Invalid("too many files", errors=[{"path": "/files", "message": f"at most {MAX_FILES}"}])
    found = {r["id"]: r for r in conn.execute(select(files).where(
        files.c.id.in_(list(file_ids)), files.c.org_id == principal.org_id, files.c.uploaded_by == principal.user_id,
        files.c.app_id == app_id, files.c.form_key == form_key, files.c.field_key.is_(None))).mappings()}
    for i, file_id in enumerate(file_ids):
        if file_id not in found:
            raise Invalid("attach files you uploaded for this comment",
                          errors=[{"path": f"/files/{i}", "message": f"no comment upload {file_id}"}])
    return [public(found[f]) for f in dict.fromkeys(file_ids)]


def _names(conn: Connection, org_id: int, user_ids: set[int | None]) -> dict[int, str]:
    wanted = [u for u in user_ids if u is not None]
    if not wanted:
        return {}
    query = select(users.c.id, users.c.display_name).where(users.c.org_id == org_id, users.c.id.in_(wanted),
                                                           users.c.is_active)
    return {int(i): str(n) for i, n in conn.execute(query)}


def _view(row: Any, names: dict[int, str]) -> dict[str, Any]:
    mentions = row["mentions"] or []
    return {"id": row["id"], "at": row["at"].isoformat(), "author": row["author"], "author_id": row["author_id"],
            "channel": row["channel"], "body": row["body"], "public": bool(row["public"]),
            "mentions": [{"id": u, "name": names.get(u, str(u))} for u in mentions],
            "files": list(row["files"] or [])}
