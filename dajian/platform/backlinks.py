"""Reverse relations: the records of other forms that point at a record through a relation field,
grouped by form and field (a customer's complaints and surveys: the customer 360 view). Only forms and
fields the caller may read are listed, each with its visible rows only, as in the form's own list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from dajian.engines.form.compile import CompiledForm
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.errors import Forbidden
from dajian.platform.principal import Principal
from dajian.platform.records import FormContext, ListQuery, form_context, get_record, list_records


def backlinks(conn: Connection, principal: Principal, app_key: str, form_key: str, record_id: int, *,
              limit: int, count_cap: int) -> list[dict[str, Any]]:
    """``[{"form": "complaint", "field": "customer", "title_field": "title", "total": 3, "items": [...]}]``"""
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    get_record(conn, form_context(conn, principal, runtime, form_key, "read", role_keys=role_keys), record_id)
    groups = []
    for other in runtime.definition.forms:
        pointing = [f for f in other.fields if f.kind == "relation" and (f.config or {}).get("form") == form_key]
        if not pointing:
            continue
        try:
            ctx = form_context(conn, principal, runtime, other.key, "read", role_keys=role_keys)
        except Forbidden:
            continue
        for field in (f for f in pointing if ctx.grant.can_read(f.key)):
            groups.append(_group(conn, ctx, field.key, field.label, record_id, limit=limit, count_cap=count_cap))
    return groups


def _group(conn: Connection, ctx: FormContext, field_key: str, field_label: Any, record_id: int, *,
           limit: int, count_cap: int) -> dict[str, Any]:
    title = title_field(ctx.form, readable=ctx.grant.can_read)
    query = ListQuery(filter={"==": [{"var": field_key}, record_id]}, sort="-created_at", limit=limit,
                      fields=[title] if title else [], count="capped")
    page = list_records(conn, ctx, query, count_cap=count_cap)
    items = [{"id": r["id"], "title": None if title is None or r.get(title) is None else str(r[title]),
              "created_at": r.get("created_at")} for r in page["items"]]
    return {"form": ctx.form.form.key, "form_label": ctx.form.form.label, "field": field_key,
            "field_label": field_label, "title_field": title, "total": page["total"],
            "total_is_exact": page["total_is_exact"], "items": items}


def title_field(form: CompiledForm, *, readable: Any) -> str | None:
    """The form's ``title_field``, else its first readable text field: what names a record in a list."""
    declared = form.form.title_field
    if declared and readable(declared):
        return declared
    return next((k for k, f in form.fields.items() if f.kind in ("text", "serial") and readable(k)), None)
