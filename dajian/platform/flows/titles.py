"""What names the record behind an inbox row: its form's title field (a complaint's subject), so that a
person recognises their work without opening every ``#id``. Read through the reader's own grant on the
form: rows and fields they may not read get no title."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.backlinks import title_field
from dajian.platform.errors import DajianError
from dajian.platform.principal import Principal
from dajian.platform.records import form_context


def add_titles(conn: Connection, principal: Principal, items: Sequence[dict[str, Any]]) -> None:
    """``item["title"] = "扫地机器人充不上电"`` (or None) for items with ``app``, ``form_key`` and ``record_id``:
    one query per form among the items."""
    by_form: dict[tuple[str, str], set[int]] = defaultdict(set)
    for item in items:
        item["title"] = None
        by_form[(item["app"], item["form_key"])].add(int(item["record_id"]))
    for (app_key, form_key), ids in by_form.items():
        titles = _titles(conn, principal, app_key, form_key, ids)
        for item in items:
            if (item["app"], item["form_key"]) == (app_key, form_key):
                item["title"] = titles.get(int(item["record_id"]))


def _titles(conn: Connection, principal: Principal, app_key: str, form_key: str, ids: set[int]) -> dict[int, str]:
    try:
        runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
        ctx = form_context(conn, principal, runtime, form_key, "read", role_keys=role_keys)
    except DajianError:  # no longer readable (a removed form, a role taken away): the row keeps its #id
        return {}
    field = title_field(ctx.form, readable=ctx.grant.can_read)
    table = ctx.form.table
    if field is None or field not in table.c:
        return {}
    query = (select(table.c.id, table.c[field])
             .where(table.c.id.in_(sorted(ids)), table.c.deleted_at.is_(None), ctx.grant.row_filter))
    return {int(row_id): str(value) for row_id, value in conn.execute(query) if value is not None}
