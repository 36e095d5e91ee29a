"""Ranked, permission-filtered full-text queries: search a form, suggest records related to a record.

Every query joins the index to the form table and applies the caller's row
scope and ``deleted_at IS NULL`` in the same SQL; only words of fields the
caller may read can match, and only readable fields are returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, column, func, literal_column, select, table

from dajian.platform.errors import Forbidden, Invalid, NotFound
from dajian.platform.permissions import visible
from dajian.platform.records import FormContext
from dajian.platform.search.index import runtime_plan, search_index
from dajian.platform.search.plan import SearchField
from dajian.platform.search.tokens import record_words, segment

MAX_QUERY_WORDS = 16
MAX_RELATED_WORDS = 48
Groups = list[list[str]]  # AND over groups, OR inside a group; each entry a field-marked word
_FTS = table("search_fts", column("rowid"))
_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")


def all_words(words: Sequence[str], fields: Sequence[SearchField]) -> Groups:
    """Each word in some field: ``["屏幕", "碎裂"]`` over title, body → ``[[t屏幕, b屏幕], [t碎裂, b碎裂]]``."""
    return [[f.prefix + w for f in fields] for w in words]


def any_word(words: Sequence[str], fields: Sequence[SearchField]) -> Groups:
    return [[f.prefix + w for w in words for f in fields]]


def tsquery_text(groups: Groups) -> str:
    """``[["fa1", "fb1"], ["fa2"]]`` → ``"('fa1' | 'fb1') & ('fa2')"`` (words are letters and digits only)."""
    return " & ".join("(" + " | ".join(f"'{w}'" for w in group) + ")" for group in groups)


def fts5_text(groups: Groups) -> str:
    """``[["fa1", "fb1"], ["fa2"]]`` → ``'("fa1" OR "fb1") AND ("fa2")'``."""
    return " AND ".join("(" + " OR ".join(f'"{w}"' for w in group) + ")" for group in groups)


def _match(conn: Connection, groups: Groups) -> tuple[FromClause, ColumnElement[bool], ColumnElement[Any]]:
    """The FROM, the match condition and the score (higher is better) for this database."""
    if conn.dialect.name == "postgresql":
        vector = func.to_tsvector(_SIMPLE, search_index.c.tokens)
        query = func.to_tsquery(_SIMPLE, tsquery_text(groups))
        return search_index, vector.bool_op("@@")(query), func.ts_rank(vector, query, 1)
    fts: ColumnElement[Any] = literal_column("search_fts")
    joined = _FTS.join(search_index, search_index.c.id == _FTS.c.rowid)
    return joined, fts.bool_op("MATCH")(fts5_text(groups)), -func.bm25(fts)


def ranked(conn: Connection, ctx: FormContext, groups: Groups, *, limit: int,
           exclude: int | None = None) -> list[dict[str, Any]]:
    """The live records of ``ctx``'s form matching ``groups`` within the caller's rows, best first."""
    if not groups or not all(groups):
        return []
    form_table = ctx.table
    source, match, score = _match(conn, groups)
    keys = [k for k in ctx.form.output_keys() if k not in ctx.form.fields or ctx.grant.can_read(k)]
    where = visible(ctx.grant, form_table, match & (search_index.c.app_id == ctx.runtime.app_id)
                    & (search_index.c.form_key == ctx.form.form.key))
    if exclude is not None:
        where = where & (form_table.c.id != exclude)
    scored = score.label("score")
    stmt = (select(*(form_table.c[k] for k in keys), scored)
            .select_from(source.join(form_table, form_table.c.id == search_index.c.record_id))
            .where(where).order_by(scored.desc(), form_table.c.id).limit(limit))
    dump = ctx.form.row_dumper(keys)
    return [{**dump(r[:-1]), "_score": round(float(r[-1]), 6)} for r in conn.execute(stmt)]


def search_records(conn: Connection, ctx: FormContext, q: str, *, limit: int) -> dict[str, Any]:
    """Records containing every word of ``q`` in fields the caller may read, most relevant first."""
    words = list(dict.fromkeys(segment(q)))[:MAX_QUERY_WORDS]
    fields = _searchable(ctx)
    return {"items": ranked(conn, ctx, all_words(words, fields), limit=limit), "words": words}


def related_records(conn: Connection, source: FormContext, record_id: int, target: FormContext, *,
                    fields: Sequence[str] | None, limit: int) -> dict[str, Any]:
    """Records of ``target`` sharing the most telling words with ``fields`` of one record of ``source``."""
    keys = list(fields) if fields else [f.key for f in runtime_plan(source.runtime, source.form.form.key).fields]
    _check_source_fields(source, keys)
    t = source.table
    row = conn.execute(select(*(t.c[k] for k in keys)).where(visible(source.grant, t, t.c.id == record_id)))
    found = row.mappings().first()
    if found is None:
        raise NotFound(f"no record {record_id} in form '{source.form.form.key}'")
    words = record_words({k: source.form.fields[k] for k in keys}, dict(found))[:MAX_RELATED_WORDS]
    same = target.form.form.key == source.form.form.key
    items = ranked(conn, target, any_word(words, _searchable(target)), limit=limit,
                   exclude=record_id if same else None)
    return {"items": items, "words": words}


def _searchable(ctx: FormContext) -> tuple[SearchField, ...]:
    plan = runtime_plan(ctx.runtime, ctx.form.form.key)
    if not plan.fields:
        raise Invalid(f"form '{ctx.form.form.key}' has no searchable fields",
                      errors=[{"path": "/form", "message": "mark text fields with \"indexed\": true"}])
    return plan.readable(ctx.grant.can_read)


def _check_source_fields(ctx: FormContext, keys: list[str]) -> None:
    if not keys:
        raise Invalid("name the fields to suggest by", errors=[{"path": "/fields", "message": "is required"}])
    bad = [k for k in keys if k not in ctx.form.fields or not ctx.form.kinds[k].has_column]
    if bad:
        raise Invalid("unknown fields", errors=[{"path": "/fields", "message": f"unknown field '{k}'"} for k in bad])
    denied = [k for k in keys if not ctx.grant.can_read(k)]
    if denied:
        raise Forbidden("you may not read these fields",
                        reason="fields_not_readable", params={"fields": ", ".join(denied)},
                        errors=[{"path": "/fields", "message": f"field '{k}' is not readable for you"} for k in denied])
