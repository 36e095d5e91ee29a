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
from dajian.platform.search.index import runtime_plan


def backlinks(conn: Connection, principal: Principal, app_key: str, form_key: str, record_id: int, *,
              limit: int, count_cap: int) -> dict[str, list[dict[str, Any]]]:
    """``{"groups": [{"form": "complaint", "field": "customer", "title_field": "title", "total": 3,
    "items": [...]}], "suggest": [{"form": "knowledge_article", "title_field": "title", ...}]}``"""
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    source = form_context(conn, principal, runtime, form_key, "read", role_keys=role_keys)
    get_record(conn, source, record_id)
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
    return {"groups": groups, "suggest": _suggest(conn, principal, source, role_keys)}


def _suggest(conn: Connection, principal: Principal, source: FormContext, role_keys: list[str]) -> list[dict[str, Any]]:
    """The forms this record's relation fields point at that have searchable fields and that the caller
    may read: where ``/related`` can suggest records (knowledge articles beside a complaint)."""
    targets: list[dict[str, Any]] = []
    for key, fdef in source.form.fields.items():
        target = (fdef.config or {}).get("form") if fdef.kind == "relation" else None
        if not target or target == source.form.form.key or not source.grant.can_read(key):
            continue
        if any(t["form"] == target for t in targets) or not runtime_plan(source.runtime, target).fields:
            continue
        try:
            ctx = form_context(conn, principal, source.runtime, target, "read", role_keys=role_keys)
        except Forbidden:
            continue
        targets.append({"form": target, "form_label": ctx.form.form.label, "field": key, "field_label": fdef.label,
                        "title_field": title_field(ctx.form, readable=ctx.grant.can_read)})
    return targets


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
