"""What an inbox row shows of the record behind a task: its form's title field (a complaint's subject), so
that a person recognises their work without opening every ``#id``, and the values of the fields the
task's step lists as ``visible`` (an approval's amount), so that an approver knows what they approve from
the inbox. Read through the reader's own grant on the form: rows and fields they may not read stay out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.backlinks import title_field
from dajian.platform.errors import DajianError
from dajian.platform.principal import Principal
from dajian.platform.record_parts import add_display
from dajian.platform.records import FormContext, form_context

VISIBLE = "_visible"  # an item's step's visible fields, put there by the inbox and taken away here


def add_summaries(conn: Connection, principal: Principal, items: Sequence[dict[str, Any]]) -> None:
    """``item["title"] = "扫地机器人充不上电"`` and ``item["summary"] = {"compensation_amount": "800.00"}``
    for items with ``app``, ``form_key``, ``record_id`` (and ``_visible``): one query per form among them."""
    by_form: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_form[(item["app"], item["form_key"])].append(item)
    for (app_key, form_key), group in by_form.items():
        wanted = sorted({key for item in group for key in item.get(VISIBLE, [])})
        rows = _read(conn, principal, app_key, form_key, {int(i["record_id"]) for i in group}, wanted)
        for item in group:
            row = rows.get(int(item["record_id"]), {})
            title = row.pop("_title", None)
            item["title"] = None if title is None else str(title)
            shown = [k for k in item.pop(VISIBLE, []) if k in row]
            item["summary"] = {k: row[k] for k in shown} if shown else {}
            names = {k: v for k, v in row.get("_display", {}).items() if k in shown}
            if names:
                item["summary"]["_display"] = names


def _context(conn: Connection, principal: Principal, app_key: str, form_key: str) -> FormContext | None:
    try:
        runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
        return form_context(conn, principal, runtime, form_key, "read", role_keys=role_keys)
    except DajianError:  # no longer readable (a removed form, a role taken away): the row keeps its #id
        return None


def _read(conn: Connection, principal: Principal, app_key: str, form_key: str, ids: set[int],
          wanted: list[str]) -> dict[int, dict[str, Any]]:
    """``{record id: {"_title": …, field: value, "_display": {…}}}`` of the rows the reader may read."""
    ctx = _context(conn, principal, app_key, form_key)
    if ctx is None:
        return {}
    table = ctx.form.table
    title = title_field(ctx.form, readable=ctx.grant.can_read)
    keys = [k for k in wanted if ctx.grant.can_read(k) and k in table.c]
    titles = [table.c[title]] if title is not None and title in table.c else []
    query = (select(table.c.id, *titles, *(table.c[k] for k in keys))
             .where(table.c.id.in_(sorted(ids)), table.c.deleted_at.is_(None), ctx.grant.row_filter))
    dump = ctx.form.row_dumper(keys)
    rows: dict[int, dict[str, Any]] = {}
    for row in conn.execute(query):
        rows[int(row[0])] = {"_title": row[1] if titles else None, **dump(row[1 + len(titles):])}
    if keys:
        add_display(conn, ctx.runtime, ctx.form, list(rows.values()))  # in place: relations' display names
    return rows
