"""Remote template centers: another Dajian server's center, configured by URL by an organisation's admins,
browsed and installed from over HTTP with the same API (``GET /api/v1/market/templates…``).

Every request goes out as webhooks do (``rules.outbound``): the URL's name is resolved for each request and
every address must be global unless the organisation's outbound allow-list (the webhook allow-list, set by
its admins) names it; the connection goes to the checked address; no redirects; ``TIMEOUT`` seconds; an
answer larger than ``MAX_JSON`` (JSON) or the package limit (a package) is refused; a JSON answer must match
the center's response models. Anything else is a 502 naming the remote and what went wrong.

Trust, per remote: a package is installed only if its signature verifies against the key the remote serves
for that version's publisher (``…/versions/{version}/signer``). The first key seen for a publisher is pinned
on the remote's row (trust on first use, audited) and added to the organisation's trusted keys, labelled with
the publisher and the remote (the admin sees and can remove it there); later, the remote must serve that same
key for that publisher: a different one (the remote was compromised, or the publisher rotated keys) is
refused until an admin removes the remote and adds it again, which forgets its pins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from dajian.platform.api.schemas import market_center as center_out
from dajian.platform.audit import write_audit
from dajian.platform.clock import utcnow
from dajian.platform.errors import BadGateway, Conflict, Forbidden, Invalid, NotFound
from dajian.platform.market import install as installs
from dajian.platform.market.package import key_id, load_package, read_package, verify_signature
from dajian.platform.market.tables import market_remotes, market_trusted_keys
from dajian.platform.principal import Principal
from dajian.platform.rules import outbound
from dajian.platform.rules.webhooks import allow_list
from dajian.platform.template_archive import MAX_ARCHIVE

TIMEOUT = 10.0
MAX_JSON = 2 * 1024 * 1024
API = "/api/v1/market"
Model = TypeVar("Model", bound=BaseModel)


def _admin(principal: Principal) -> None:
    if not principal.is_org_admin:
        raise Forbidden("only organisation administrators may use remote template centers", reason="admins_only")


def normalise(url: str) -> str:
    """``https://Center.example/`` → ``https://center.example``; 422 naming ``/url`` for anything but a plain
    http(s) base address (no user, query or fragment)."""
    parts = urlsplit(url.strip())
    problem = ("use http:// or https://" if parts.scheme not in ("http", "https") or not parts.hostname else
               "no user name, password, query or fragment" if parts.username or parts.password or parts.query
               or parts.fragment else None)
    if problem is not None:
        raise Invalid(f"{url!r} is not a template center's address: {problem}",
                      errors=[{"path": "/url", "message": problem}])
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{netloc}{f':{parts.port}' if parts.port else ''}{parts.path.rstrip('/')}"


def _shown(row: RowMapping) -> dict[str, Any]:
    return {"id": row["id"], "url": row["url"], "label": row["label"], "pins": row["pins"] or {},
            "created_at": row["created_at"]}


def list_remotes(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    _admin(principal)
    query = select(market_remotes).where(market_remotes.c.org_id == principal.org_id).order_by(market_remotes.c.id)
    return [_shown(r) for r in conn.execute(query).mappings()]


def add_remote(conn: Connection, principal: Principal, *, url: str, label: str) -> dict[str, Any]:
    """Remember a remote center; its address is checked against the outbound rules now (and on every use)."""
    _admin(principal)
    base = normalise(url)
    _destination(conn, principal.org_id, base)
    taken = select(market_remotes.c.id).where(market_remotes.c.org_id == principal.org_id,
                                              market_remotes.c.url == base)
    if conn.execute(taken).first():
        raise Conflict(f"{base} is configured already", errors=[{"path": "/url", "message": "configured already"}])
    made = conn.execute(insert(market_remotes).values(org_id=principal.org_id, url=base, label=label, pins={},
                                                      created_by=principal.user_id, created_at=utcnow()))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template", action="add_remote",
                changes={"url": base, "label": label})
    return _shown(_row(conn, principal, int(made.inserted_primary_key[0])))  # type: ignore[index]


def remove_remote(conn: Connection, principal: Principal, remote_id: int) -> None:
    """Forget a remote and its pins (the keys it added to the trusted keys stay until removed there)."""
    row = _row(conn, principal, remote_id)
    conn.execute(delete(market_remotes).where(market_remotes.c.id == remote_id))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template",
                action="remove_remote", changes={"url": row["url"]})


def _row(conn: Connection, principal: Principal, remote_id: int) -> RowMapping:
    _admin(principal)
    row = conn.execute(select(market_remotes).where(market_remotes.c.id == remote_id,
                                                    market_remotes.c.org_id == principal.org_id)).mappings().first()
    if row is None:
        raise NotFound(f"no remote template center {remote_id}")
    return row


# -- HTTP -----------------------------------------------------------------------------------------


def _destination(conn: Connection, org_id: int, url: str) -> outbound.Destination:
    try:
        return outbound.resolve(url, allow_list(conn, org_id))
    except outbound.DestinationUnreachable as exc:
        raise Invalid(str(exc), errors=[{"path": "/url", "message": str(exc)}]) from None
    except Forbidden as exc:  # a private address the allow-list does not name
        raise Forbidden(exc.message, reason="destination_refused",
                        errors=[{"path": "/url", "message": exc.message}]) from None


@contextmanager
def _failing(remote: str) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException:
        raise BadGateway(f"the template center {remote} did not answer within {TIMEOUT:g} s") from None
    except httpx.HTTPError as exc:
        raise BadGateway(f"the template center {remote} could not be reached: {exc}") from None


def _get(conn: Connection, org_id: int, base: str, path: str, *, params: dict[str, Any] | None = None,
         limit: int | None = None) -> bytes:
    """GET ``base + path`` at the checked address: the body (at most ``limit`` bytes, ``MAX_JSON`` unless
    said), or 502 / 404."""
    limit = MAX_JSON if limit is None else limit
    destination = _destination(conn, org_id, base + path)
    url = httpx.URL(destination.url, params={k: v for k, v in (params or {}).items() if v is not None})
    extensions = {"sni_hostname": destination.host} if url.scheme == "https" else {}
    with _failing(base), httpx.Client(follow_redirects=False, timeout=TIMEOUT) as client, client.stream(
            "GET", url.copy_with(host=str(destination.address)), extensions=extensions,
            headers={"Host": url.netloc.decode("ascii"), "Accept": "application/json, application/zip"}) as answer:
        if answer.status_code in (404, 410):
            raise NotFound(f"{base}: {path} is not there ({answer.status_code})")
        if answer.status_code != 200:
            raise BadGateway(f"the template center {base} answered {answer.status_code} to {path}")
        body = bytearray()
        for chunk in answer.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise BadGateway(f"the template center {base} answered more than {limit} bytes to {path}")
    return bytes(body)


def _json(conn: Connection, org_id: int, base: str, path: str, model: type[Model], *,
          params: dict[str, Any] | None = None) -> Model:
    data = _get(conn, org_id, base, path, params=params)
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise BadGateway(f"the template center {base} answered {path} with something else than a "
                         f"{model.__name__}: {exc.errors()[0]['msg']}") from None


# -- browsing -------------------------------------------------------------------------------------


def listing(conn: Connection, principal: Principal, remote_id: int, **query: Any) -> dict[str, Any]:
    """A page of the remote's listing; its screenshots are fetched through ``screenshot``."""
    row = _row(conn, principal, remote_id)
    page = _json(conn, principal.org_id, row["url"], API + "/templates", center_out.Listing, params=query)
    return page.model_dump()


def detail(conn: Connection, principal: Principal, remote_id: int, key: str) -> dict[str, Any]:
    row = _row(conn, principal, remote_id)
    found = _json(conn, principal.org_id, row["url"], f"{API}/templates/{quote(key)}", center_out.Detail)
    return found.model_dump()


MAX_SCREENSHOT = 5 * 1024 * 1024
# What a screenshot's first bytes must be: the browser is handed the remote's bytes with our media type, so they
# are checked to be the image they claim (never HTML or script served from our origin).
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def image_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG or WebP image by its first bytes; ``None`` for anything else."""
    for magic, media in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media
    return "image/webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else None


def screenshot(conn: Connection, principal: Principal, remote_id: int, key: str, index: int) -> tuple[bytes, str]:
    """The remote template's ``index``-th screenshot, fetched as every remote request is (at most
    ``MAX_SCREENSHOT`` bytes), and only if it is a PNG, JPEG or WebP image (else 502)."""
    row = _row(conn, principal, remote_id)
    path = f"{API}/templates/{quote(key)}/screenshots/{index}"
    data = _get(conn, principal.org_id, row["url"], path, limit=MAX_SCREENSHOT)
    media = image_type(data)
    if media is None:
        raise BadGateway(f"the template center {row['url']} answered {path} with something else than an image")
    return data, media


class Downloaded(NamedTuple):
    remote_id: int
    signer: center_out.Signer
    data: bytes


def download(conn: Connection, principal: Principal, remote_id: int, key: str, version: str) -> Downloaded:
    """A version's package from the remote, verified against the publisher key the remote serves for it
    (reads only: run it outside a write transaction, then ``accept`` it)."""
    row = _row(conn, principal, remote_id)
    base, path = row["url"], f"{API}/templates/{quote(key)}/versions/{quote(version)}"
    signer = _json(conn, principal.org_id, base, path + "/signer", center_out.Signer)
    data = _get(conn, principal.org_id, base, path + "/package", limit=MAX_ARCHIVE)
    loaded = load_package(read_package(data))
    if loaded.package.key != key or loaded.package.version != version:
        raise BadGateway(f"{base} served {loaded.package.key} {loaded.package.version} for {key} {version}")
    verdict = verify_signature(loaded.package, [signer.public_key])
    if not verdict.trusted or key_id(signer.public_key) != signer.key_id:
        raise Invalid(f"the package is not signed by the key {base} serves for {signer.publisher}: "
                      f"{verdict.message}", errors=[{"path": "/signature", "message": verdict.message}])
    return Downloaded(remote_id, signer, data)


def accept(conn: Connection, principal: Principal, downloaded: Downloaded) -> dict[str, Any]:
    """Pin the signer's key (first use) or insist on the pinned one, trust it here, keep the package as an
    upload: the install wizard's start."""
    _pin(conn, principal, _row(conn, principal, downloaded.remote_id), downloaded.signer)
    return installs.upload(conn, principal, downloaded.data)


def _pin(conn: Connection, principal: Principal, row: RowMapping, signer: center_out.Signer) -> None:
    """Trust on first use, per remote and publisher; afterwards only the pinned key."""
    pins = dict(row["pins"] or {})
    pinned = pins.get(signer.publisher)
    if pinned is not None and pinned != signer.key_id:
        raise Conflict(f"{row['url']} now serves key {signer.key_id} for {signer.publisher}, not the pinned "
                       f"{pinned}: check with the publisher, then remove the remote and add it again to pin anew",
                       errors=[{"path": "/signature", "message": f"pinned key is {pinned}"}])
    if pinned is None:
        conn.execute(update(market_remotes).where(market_remotes.c.id == row["id"])
                     .values(pins={**pins, signer.publisher: signer.key_id}))
        write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="template", action="pin_key",
                    changes={"url": row["url"], "publisher": signer.publisher, "key_id": signer.key_id})
    known = select(market_trusted_keys.c.id).where(market_trusted_keys.c.org_id == principal.org_id,
                                                   market_trusted_keys.c.key_id == signer.key_id)
    if conn.execute(known).first() is None:
        label = f"{signer.publisher} @ {urlsplit(row['url']).netloc}"[:200]
        installs.add_key(conn, principal, label=label, public_key=signer.public_key)
