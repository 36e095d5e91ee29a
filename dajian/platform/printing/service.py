"""Print a form's records with a template: read them as the reader may (row scope, readable fields), name their
users and departments, build the links their codes encode, and render (``render.py``, ``pdf.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from dajian.engines.form.model import FormDef
from dajian.engines.printing.model import PrintTemplateDef
from dajian.platform.apps import RuntimeApp
from dajian.platform.clock import utcnow
from dajian.platform.errors import Invalid, NotFound
from dajian.platform.models import departments, organisations, users
from dajian.platform.principal import Principal
from dajian.platform.printing.render import PrintedRecord, render_html
from dajian.platform.printing.values import Sheet, label_in
from dajian.platform.records import FormContext, form_context, get_record

MAX_BULK = 500  # records in one PDF; a larger selection is printed in parts
USER_KINDS = frozenset({"user", "multi_user"})
DEPT_KINDS = frozenset({"department", "multi_department"})


def templates_of(runtime: RuntimeApp, form_key: str | None = None) -> list[PrintTemplateDef]:
    found = [PrintTemplateDef.model_validate(e.model_dump(exclude_none=True)) for e in runtime.definition.prints]
    return [t for t in found if form_key is None or t.form == form_key]


def find_template(runtime: RuntimeApp, key: str) -> PrintTemplateDef:
    template = next((t for t in templates_of(runtime) if t.key == key), None)
    if template is None:
        raise NotFound(f"app '{runtime.key}' has no print template '{key}'")
    return template


def _ids(values: Iterable[Any]) -> set[int]:
    out: set[int] = set()
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                out.add(item)
    return out


def _names(conn: Connection, table: Any, column: str, ids: set[int], org_id: int) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(select(table.c.id, table.c[column]).where(table.c.id.in_(ids), table.c.org_id == org_id))
    return {int(r[0]): str(r[1]) for r in rows}


def _status_link(conn: Connection, runtime: RuntimeApp, form: FormDef, record: dict[str, Any],
                 public_url: str) -> str | None:
    """The public status page of the record, when a public form with status lookup takes in this form."""
    serial = next((f.key for f in form.fields if f.kind == "serial"), None)
    channel = next((e for e in runtime.definition.rules if (e.model_extra or {}).get("kind") == "public_form"
                    and (e.model_extra or {}).get("form") == form.key
                    and (e.model_extra or {}).get("status_lookup", True)), None)
    if serial is None or channel is None or not record.get(serial):
        return None
    org_key = conn.scalar(select(organisations.c.key).where(organisations.c.id == runtime.org_id))
    query = urlencode({"form": form.key, "serial": str(record[serial])})
    return f"{public_url}/p/{quote(str(org_key))}/{quote(runtime.key)}/status?{query}"


def printed_records(conn: Connection, ctx: FormContext, ids: Sequence[int], *, lang: str,
                    public_url: str) -> list[PrintedRecord]:
    """The records as ``ctx``'s reader sees them (``NotFound`` for one out of their row scope)."""
    form = ctx.form.form
    records = [get_record(conn, ctx, rid) for rid in ids]
    readable = [f for f in form.fields if ctx.grant.can_read(f.key)]
    user_ids = _ids(r.get(f.key) for r in records for f in readable if f.kind in USER_KINDS)
    dept_ids = _ids(r.get(f.key) for r in records for f in readable if f.kind in DEPT_KINDS)
    user_names = _names(conn, users, "display_name", user_ids, ctx.runtime.org_id)
    dept_names = _names(conn, departments, "name", dept_ids, ctx.runtime.org_id)
    tz = ZoneInfo(ctx.runtime.definition.settings.timezone)
    app = ctx.runtime.key
    out = []
    for record in records:
        values = {f.key: record.get(f.key) for f in readable if f.key in record}
        sheet = Sheet(lang=lang, tz=tz, users=user_names, departments=dept_names, linked=record.get("_display") or {})
        out.append(PrintedRecord(
            id=int(record["id"]), values=values, sheet=sheet,
            record_link=f"{public_url}/a/{quote(app)}/forms/{quote(form.key)}/records/{record['id']}",
            status_link=_status_link(conn, ctx.runtime, form, record, public_url)))
    return out


def print_html(conn: Connection, principal: Principal, runtime: RuntimeApp, template_key: str, ids: Sequence[int],
               *, lang: str, public_url: str, role_keys: Sequence[str] | None = None) -> tuple[str, str]:
    """``(title, html)`` of ``ids`` printed with the template; 422 for an empty or too large selection."""
    if not ids:
        raise Invalid("choose at least one record", errors=[{"path": "/ids", "message": "empty"}])
    if len(ids) > MAX_BULK:
        raise Invalid(f"at most {MAX_BULK} records at once",
                      errors=[{"path": "/ids", "message": f"{len(ids)} records; at most {MAX_BULK}"}])
    template = find_template(runtime, template_key)
    ctx = form_context(conn, principal, runtime, template.form, "read", role_keys=role_keys)
    records = printed_records(conn, ctx, list(dict.fromkeys(ids)), lang=lang, public_url=public_url.rstrip("/"))
    title = label_in(template.label, lang, template.key)
    return title, render_html(template, ctx.form.form, records, title=title, now=utcnow())
