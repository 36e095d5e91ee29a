"""Survey links: a signed, expiring, one-use public link to a form, prefilled with a reference to the
record that sent it.

A token is ``<payload>.<signature>``: the payload is base64url JSON
``{"o": org_id, "a": app_id, "f": "survey", "rf": "complaint", "r": 42, "e": <expiry, unix s>, "n": <nonce>}``
and the signature its HMAC-SHA256 under the server's link secret (``DAJIAN_SECRET_KEY``, else one
generated once and kept in ``server_secrets`` so every process signs alike). Nothing is stored when a
link is made; the link's nonce is stored when it is answered, in the answer's transaction, and its
primary key refuses a second answer.

``survey_link("survey")`` in a message template (rule engine ``Env.survey_link``) makes such a link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Connection, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from dajian.engines.form.model import FieldDef
from dajian.engines.sqltypes import UtcDateTime
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.config import get_settings
from dajian.platform.errors import Conflict, DajianError, Gone, Invalid, NotFound
from dajian.platform.models import Id, apps, metadata, organisations
from dajian.platform.records import create_records

server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(63), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

survey_link_uses = Table(
    "survey_link_uses",
    metadata,
    Column("nonce", String(32), primary_key=True),
    Column("org_id", Id, nullable=False),
    Column("app_id", Id, nullable=False),
    Column("form_key", String(63), nullable=False),
    Column("ref_form", String(63), nullable=False),
    Column("ref_id", Id, nullable=False),
    Column("answer_id", Id, nullable=False),
    Column("used_at", UtcDateTime, nullable=False),
)

DEFAULT_DAYS = 14
MAX_DAYS = 90
# kinds a customer answers; relations, people, formulas and system values are not theirs to give
ANSWER_KINDS = frozenset({"rating", "integer", "decimal", "text", "long_text", "single_select", "multi_select",
                          "boolean", "slider", "date"})
_SECRET_NAME = "survey_links"


@dataclass(frozen=True)
class SurveyToken:
    org_id: int
    app_id: int
    form: str
    ref_form: str
    ref_id: int
    expires_at: datetime
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def link_secret(conn: Connection) -> bytes:
    configured = os.environ.get("DAJIAN_SECRET_KEY")
    if configured:
        return configured.encode()
    query = select(server_secrets.c.value).where(server_secrets.c.name == _SECRET_NAME)
    stored = conn.execute(query).scalar()
    if stored is None:
        try:
            with conn.begin_nested():  # two processes minting at once: the second reads the first's
                conn.execute(insert(server_secrets).values(name=_SECRET_NAME, value=secrets.token_urlsafe(48),
                                                           created_at=utcnow()))
        except IntegrityError:
            pass
        stored = conn.execute(query).scalar_one()
    return str(stored).encode()


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def make_token(conn: Connection, *, org_id: int, app_id: int, form: str, ref_form: str, ref_id: int,
               days: int = DEFAULT_DAYS) -> str:
    expires = int((utcnow() + timedelta(days=days)).timestamp())
    body = {"o": org_id, "a": app_id, "f": form, "rf": ref_form, "r": ref_id, "e": expires,
            "n": secrets.token_hex(12)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_sign(link_secret(conn), payload)}"


def read_token(conn: Connection, token: str) -> SurveyToken:
    """The token's content, or 404 for a link that is not ours (tampered, truncated) and 410 when expired."""
    payload, _, signature = token.partition(".")
    if not signature or not hmac.compare_digest(signature, _sign(link_secret(conn), payload)):
        raise NotFound("this survey link is not valid; please use the link from the e-mail as it is")
    try:
        body = json.loads(_unb64(payload))
        found = SurveyToken(int(body["o"]), int(body["a"]), str(body["f"]), str(body["rf"]), int(body["r"]),
                            datetime.fromtimestamp(int(body["e"]), tz=UTC), str(body["n"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise NotFound("this survey link is not valid") from None
    if found.expires_at <= utcnow():
        raise Gone("this survey link has expired", expired_at=found.expires_at.isoformat())
    return found


def relation_to(runtime: RuntimeApp, form: str, ref_form: str) -> str:
    """The field of ``form`` that references a ``ref_form`` record (the survey's link to what it rates)."""
    for f in runtime.form(form).form.fields:
        if f.kind == "relation" and (f.config or {}).get("form") == ref_form:
            return f.key
    raise Invalid(f"form '{form}' has no relation field to '{ref_form}'",
                  errors=[{"path": f"/forms/{form}", "message": f"add a relation field to '{ref_form}'"}])


def answer_fields(runtime: RuntimeApp, form: str) -> list[FieldDef]:
    """The questions: fields of answerable kinds that the form does not fill itself (a default, a
    ``default_from``, a read-only flag mark a field as the form's, e.g. the survey's channel)."""
    return [f for f in runtime.form(form).form.fields
            if f.kind in ANSWER_KINDS and f.default_from is None and f.default is None and not f.readonly]


def survey_url(conn: Connection, runtime: RuntimeApp, *, form: str, ref_form: str, record: Mapping[str, Any],
               days: int = DEFAULT_DAYS) -> str:
    """``https://host/p/<org>/<app>/survey/<token>`` for the record that sends it."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"survey_link: days must be between 1 and {MAX_DAYS}")
    try:
        relation_to(runtime, form, ref_form)  # refuse a link that could never be answered
    except DajianError as exc:
        raise ValueError(f"survey_link: {exc.message}") from None
    org_key = conn.execute(select(organisations.c.key).where(organisations.c.id == runtime.org_id)).scalar_one()
    token = make_token(conn, org_id=runtime.org_id, app_id=runtime.app_id, form=form, ref_form=ref_form,
                       ref_id=int(record["id"]), days=days)
    base = get_settings().public_url.rstrip("/")
    return f"{base}/p/{org_key}/{runtime.key}/survey/{token}"


def token_for(conn: Connection, *, org_key: str, app_key: str, token: str) -> SurveyToken:
    found = read_token(conn, token)
    query = (select(apps.c.id).join(organisations, organisations.c.id == apps.c.org_id)
             .where(organisations.c.key == org_key, apps.c.key == app_key))  # fmt: skip
    if conn.execute(query).scalar() != found.app_id:
        raise NotFound("this survey link belongs to another app")
    return found


def check_unused(conn: Connection, token: SurveyToken) -> None:
    used = conn.execute(select(survey_link_uses.c.used_at).where(survey_link_uses.c.nonce == token.nonce)).scalar()
    if used is not None:
        raise Conflict("this survey has already been answered; thank you", answered_at=used.isoformat())


def answer(conn: Connection, runtime: RuntimeApp, token: SurveyToken, body: Mapping[str, Any]) -> int:
    """Create the answer record and spend the link, in the caller's transaction."""
    from dajian.platform.rules.channels import create_only  # the public create context; rules import us

    allowed = {f.key for f in answer_fields(runtime, token.form)}
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise Invalid("unknown fields", errors=[{"path": f"/{k}", "message": "not part of this survey"}
                                                for k in unknown])
    check_unused(conn, token)
    ref_field = relation_to(runtime, token.form, token.ref_form)
    try:
        with conn.begin_nested():  # the nonce's primary key is the one-use guard under concurrency
            conn.execute(insert(survey_link_uses).values(
                nonce=token.nonce, org_id=token.org_id, app_id=token.app_id, form_key=token.form,
                ref_form=token.ref_form, ref_id=token.ref_id, answer_id=0, used_at=utcnow()))
    except IntegrityError:
        raise Conflict("this survey has already been answered; thank you") from None
    ctx = create_only(runtime, token.form, [*allowed, ref_field])
    created = create_records(conn, ctx, [{**body, ref_field: token.ref_id}])
    answer_id = int(created[0]["id"])
    conn.execute(survey_link_uses.update().where(survey_link_uses.c.nonce == token.nonce)
                 .values(answer_id=answer_id))  # fmt: skip
    return answer_id
