"""The generic record service behind every published form's API.

Each function runs inside the caller's transaction, takes its ``Grant``
from ``permissions.authorize`` (the one permission check) and writes the
audit log for every change in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, func, literal, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError

from dajian.engines.expr import EvalContext
from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.prepare import Prepared, prepare
from dajian.platform import reactions
from dajian.platform.apps import RuntimeApp
from dajian.platform.audit import (
    audit_row,
    field_changes,
    insert_audited,
    jsonable,
    update_audited,
    write_audit_many,
)
from dajian.platform.clock import utcnow
from dajian.platform.errors import Conflict, Forbidden, Invalid, NotFound
from dajian.platform.events import EventKind, RecordEvent
from dajian.platform.filters import compile_filter, row_condition
from dajian.platform.models import audit_log
from dajian.platform.pagination import SortKey, decode_cursor, encode_cursor, keyset_after, order_by, parse_sort
from dajian.platform.permissions import Grant, authorize, visible
from dajian.platform.principal import Principal
from dajian.platform.record_parts import (
    add_display,
    add_lookups,
    apply_delete_rules,
    assign_serials,
    read_children,
    relation_issues,
    write_children,
)
from dajian.platform.references import ReferenceGuard, check_references, guarded_insert, reference_guard

MAX_BULK = 1000
MAX_PAGE = 500


@dataclass(frozen=True)
class FormContext:
    runtime: RuntimeApp
    form: CompiledForm
    grant: Grant
    principal: Principal
    depth: int = 0  # how many reactions (rules) deep this change is

    @property
    def table(self) -> Table:
        return self.form.table

    def event(self, kind: EventKind, record_id: int, *, old: Mapping[str, Any] | None,
              new: Mapping[str, Any] | None, request_id: str | None) -> RecordEvent:
        changed = frozenset(k for k in {*(old or {}), *(new or {})}
                            if (old or {}).get(k) != (new or {}).get(k)) if old and new else frozenset()
        return RecordEvent(kind=kind, app_id=self.runtime.app_id, app_key=self.runtime.key,
                           version_id=self.runtime.version_id, form_key=self.form.form.key, record_id=record_id,
                           principal=self.principal, old=old, new=new, changed=changed, depth=self.depth,
                           request_id=request_id)


WriteGuard = Callable[[Connection, "FormContext", int, frozenset[str]], None]
_WRITE_GUARDS: list[WriteGuard] = []


def register_write_guard(guard: WriteGuard) -> None:
    """``guard(conn, ctx, record_id, field_keys)`` raises to refuse an update (e.g. a flow step's field rules)."""
    if guard not in _WRITE_GUARDS:
        _WRITE_GUARDS.append(guard)


def form_context(
    conn: Connection, principal: Principal, runtime: RuntimeApp, form_key: str, action: str, *,
    role_keys: Sequence[str] | None = None,
) -> FormContext:
    form = runtime.form(form_key)
    grant = authorize(conn, principal, app=runtime.definition, app_id=runtime.app_id, form_key=form_key,
                      action=action, table=form.table, role_keys=role_keys,
                      condition=row_condition(form, runtime, principal))
    return FormContext(runtime, form, grant, principal)


def _check_writable(ctx: FormContext, values: Mapping[str, Any], base: str = "") -> None:
    denied = [k for k in values if k in ctx.form.fields and not ctx.grant.can_write(k)]
    if denied:
        raise Forbidden("you may not write these fields",
                        reason="fields_not_writable", params={"fields": ", ".join(denied)},
                        errors=[{"path": f"{base}/{k}", "message": "not writable for you"} for k in denied])


def _check_references(conn: Connection, ctx: FormContext, values: Sequence[Mapping[str, Any]], *,
                      path_prefix: str = "") -> list[dict[str, str]]:
    return check_references(conn, org_id=ctx.principal.org_id, kinds=ctx.form.kinds, rows=values,
                            path_prefix=path_prefix)


def eval_context(ctx: FormContext) -> EvalContext:
    now = utcnow()
    today = now.astimezone(ZoneInfo(ctx.runtime.definition.settings.timezone)).date()
    # anonymous channels (a public form) act as user 0: "the current user" is then nobody
    user_id = ctx.principal.user_id if ctx.principal.user_id > 0 else None
    return EvalContext(now=now, today=today, user_id=user_id, dept_id=ctx.principal.dept_id)


def _prepare_all(conn: Connection, ctx: FormContext, items: Sequence[Mapping[str, Any]],
                 existing: Mapping[str, Any] | None = None, *, defer_references: bool = False
                 ) -> tuple[list[Prepared], bool]:
    """The prepared items, and whether their references are left to the guarded insert: with
    ``defer_references`` and nothing else wrong, the check costs no statement of its own here."""
    bulk = len(items) > 1
    prefix = "/records" if bulk else ""
    evaluation = eval_context(ctx)
    done, issues = [], []
    for i, item in enumerate(items):
        _check_writable(ctx, item, f"{prefix}/{i}" if bulk else "")
        prepared = prepare(ctx.form, item, existing=existing, ctx=evaluation)
        issues += [{**e, "path": (f"{prefix}/{i}" if bulk else "") + e["path"]} for e in prepared.issues]
        done.append(prepared)
    values = [p.values for p in done]
    later = relation_issues(conn, ctx.runtime, ctx.form, values, path_prefix=prefix)
    for key, child in ctx.form.children.items():
        for i, p in enumerate(done):
            rows = p.rows.get(key, [])
            base = f"{prefix}/{i}/{key}" if bulk else f"/{key}"
            later += check_references(conn, org_id=ctx.principal.org_id, kinds=child.kinds, rows=rows,
                                      path_prefix=base)
    if defer_references and not issues and not later:
        return done, True
    issues += _check_references(conn, ctx, values, path_prefix=prefix) + later
    if issues:
        raise Invalid("the record is invalid" if not bulk else "some records are invalid", errors=issues)
    return done, False


def preview_record(conn: Connection, ctx: FormContext, values: Mapping[str, Any], *,
                   record_id: int | None = None) -> dict[str, Any]:
    """What a save would do, without saving: computed values, field states and every problem.

    The designer and the runtime form call this as the user types, so hidden,
    required and read-only fields follow the linkage rules live.
    """
    existing: dict[str, Any] | None = None
    if record_id is not None:
        before = _fetch(conn, ctx, record_id)
        existing = {k: before[k] for k in ctx.form.stored_keys}
        existing.update({k: rows[record_id] for k, rows in read_children(conn, ctx.form, [record_id]).items()})
    prepared = prepare(ctx.form, values, existing=existing, ctx=eval_context(ctx))
    shown = {k: v for k, v in prepared.record.items() if k in ctx.form.fields and ctx.grant.can_read(k)}
    dumped = ctx.form.dump(shown, [k for k in shown if ctx.form.kinds[k].has_column])
    dumped.update({k: shown[k] for k in ctx.form.children if k in shown})
    return {
        "values": jsonable(dumped),
        "states": prepared.states.as_dict() if prepared.states else None,
        "errors": prepared.issues,
        "valid": not prepared.issues,
    }


def create_records(
    conn: Connection, ctx: FormContext, items: Sequence[Mapping[str, Any]], *, request_id: str | None = None
) -> list[dict[str, Any]]:
    if not items:
        raise Invalid("nothing to create", errors=[{"path": "/records", "message": "empty list"}])
    if len(items) > MAX_BULK:
        raise Invalid(f"at most {MAX_BULK} records per request",
                      errors=[{"path": "/records", "message": f"{len(items)} records"}])
    with reactions.scope(conn, ctx.runtime) as scope:
        return _create(conn, ctx, items, scope, request_id)


def _create(conn: Connection, ctx: FormContext, items: Sequence[Mapping[str, Any]], scope: reactions.Scope,
            request_id: str | None) -> list[dict[str, Any]]:
    one_statement = len(items) == 1 and conn.dialect.name == "postgresql"  # record, audit, search row
    prepared, deferred = _prepare_all(conn, ctx, items, defer_references=len(items) == 1)
    now, p = utcnow(), ctx.principal
    standard = {"created_at": now, "updated_at": now, "created_by": p.user_id, "owner_id": p.user_id,
                "dept_id": p.dept_id, "row_version": 1}
    full = [{**standard, **item.values} for item in prepared]
    assign_serials(conn, ctx.runtime, ctx.form, full, now)
    def audit_entry(rid: int | None, row: dict[str, Any], item: Prepared) -> dict[str, Any]:
        fields = {k: v for k, v in row.items() if k in ctx.form.fields}
        return audit_row(org_id=p.org_id, actor_id=p.user_id, entity="record", action="create",
                         app_id=ctx.runtime.app_id, form_key=ctx.form.form.key, record_id=rid,
                         changes=field_changes({}, {**fields, **item.rows}), request_id=request_id)

    guard = reference_guard(org_id=p.org_id, kinds=ctx.form.kinds, row=full[0]) if deferred else None
    if one_statement:
        indexed = reactions.index_with_insert(ctx.runtime, ctx.form.form.key, {**full[0], **prepared[0].rows})
        ids = [_insert_audited(conn, ctx, full[0], audit_entry(None, full[0], prepared[0]), extra=indexed,
                               guard=guard)]
        if indexed is not None:  # the search row went in with the record: the search step has nothing to do
            scope.indexed.add((ctx.runtime.app_id, ctx.form.form.key, ids[0]))
    else:
        ids = _insert(conn, ctx, full, guard=guard)
        entries = [audit_entry(rid, row, item) for rid, row, item in zip(ids, full, prepared, strict=True)]
        write_audit_many(conn, entries)
    for rid, item in zip(ids, prepared, strict=True):
        if item.rows:
            write_children(conn, ctx.form, rid, item.rows)
    for rid, row, item in zip(ids, full, prepared, strict=True):
        reactions.react(conn, ctx.event("created", rid, old=None, new={**row, **item.rows, "id": rid},
                                        request_id=request_id))
    # the reactions (rules, flows) may have changed what was just created: reply with the final state
    key = ctx.runtime.app_id, ctx.form.form.key
    out = [_public(ctx, scope.latest(*key, rid) or {**row, "id": rid}) for rid, row in zip(ids, full, strict=True)]
    _complete(conn, ctx, out)
    for answer in out:
        warnings = scope.warnings.get((*key, answer["id"]))
        if warnings:
            answer["_warnings"] = warnings
    return out


def _complete(conn: Connection, ctx: FormContext, items: list[dict[str, Any]],
              known_rows: list[dict[str, list[dict[str, Any]]]] | None = None) -> None:
    """Add sub-table rows and lookups to records about to be returned."""
    if not items:
        return
    readable = [k for k in ctx.form.children if ctx.grant.can_read(k)]
    if readable:
        children = read_children(conn, ctx.form, [i["id"] for i in items], readable)
        for item in items:
            for key in readable:
                item[key] = children[key].get(item["id"], [])
    lookups = [k for k, f in ctx.form.fields.items() if f.kind == "lookup" and ctx.grant.can_read(k)]
    if lookups:
        add_lookups(conn, ctx.runtime, ctx.form, items)
    if any(f.kind == "relation" for f in ctx.form.fields.values()):
        add_display(conn, ctx.runtime, ctx.form, items)


def _insert(conn: Connection, ctx: FormContext, rows: list[dict[str, Any]], *,
            guard: ReferenceGuard | None = None) -> list[int]:
    try:
        if guard is not None:
            new_id = conn.execute(guarded_insert(ctx.table, guard),
                                  {**{f"v_{c.key}": rows[0].get(c.key) for c in ctx.table.c if c.key != "id"},
                                   **guard.params}).scalar_one_or_none()
            return [int(new_id) if new_id is not None else _refused_by_guard(conn, ctx, rows[0])]
        if len(rows) == 1:
            return [int(conn.execute(ctx.form.insert_one, rows[0]).scalar_one())]
        result = conn.execute(ctx.form.insert_many, rows)
        return [int(r) for r in result.scalars()]
    except IntegrityError as exc:
        raise _unique_conflict(ctx, exc) from None


def _insert_audited(conn: Connection, ctx: FormContext, row: dict[str, Any], entry: dict[str, Any], *,
                    extra: tuple[Table, dict[str, Any]] | None, guard: ReferenceGuard | None) -> int:
    try:
        new_id = insert_audited(conn, ctx.table, row, entry, extra=extra,
                                guard=(guard.key, guard.condition, guard.params) if guard is not None else None)
    except IntegrityError as exc:
        raise _unique_conflict(ctx, exc) from None
    return new_id if new_id is not None else _refused_by_guard(conn, ctx, row)


def _refused_by_guard(conn: Connection, ctx: FormContext, row: Mapping[str, Any]) -> NoReturn:
    """The guard stopped the insert: a referenced user or department is not the organisation's."""
    issues = _check_references(conn, ctx, [row])
    if issues:
        raise Invalid("the record is invalid", errors=issues)
    raise Conflict("a referenced user or department changed while the record was saved; retry")


def _unique_conflict(ctx: FormContext, exc: IntegrityError) -> Conflict:
    text = str(exc.orig)
    keys = [k for k, f in ctx.form.fields.items() if f.unique and re.search(rf"\b{k}\b", text)]
    errors = [{"path": f"/{k}", "message": "this value is already used by another record"} for k in keys]
    return Conflict("a unique field already has this value", errors=errors)


def _public(ctx: FormContext, row: Mapping[str, Any] | RowMapping, keys: list[str] | None = None) -> dict[str, Any]:
    keys = keys if keys is not None else ctx.form.output_keys()
    return ctx.form.dump(row, [k for k in keys if k not in ctx.form.fields or ctx.grant.can_read(k)])


def _fetch(conn: Connection, ctx: FormContext, record_id: int, *, lock: bool = False,
           deleted: bool = False) -> RowMapping:
    table = ctx.table
    clause = visible(ctx.grant, table, table.c.id == record_id)
    if deleted:
        clause = (table.c.id == record_id) & table.c.deleted_at.is_not(None) & ctx.grant.row_filter
    query = select(table).where(clause)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no record {record_id} in form '{ctx.form.form.key}'")
    return row


def get_record(conn: Connection, ctx: FormContext, record_id: int) -> dict[str, Any]:
    item = _public(ctx, _fetch(conn, ctx, record_id))
    _complete(conn, ctx, [item])
    return item


def update_record(
    conn: Connection, ctx: FormContext, record_id: int, values: Mapping[str, Any], *,
    row_version: int | None, request_id: str | None = None,
) -> dict[str, Any]:
    """Change a record; answers the record as the caller may now read it (after the reactions)."""
    with reactions.scope(conn, ctx.runtime) as scope:
        change_record(conn, ctx, record_id, values, row_version=row_version, request_id=request_id)
        latest = scope.latest(ctx.runtime.app_id, ctx.form.form.key, record_id)
        if latest is None:
            return get_record(conn, ctx, record_id)
        item = _public(ctx, latest)
        _complete(conn, ctx, [item])
        return item


def change_record(conn: Connection, ctx: FormContext, record_id: int, values: Mapping[str, Any], *,
                  row_version: int | None, request_id: str | None = None) -> None:
    """``update_record`` without the answer: for rules and flows writing inside a change."""
    if row_version is None:
        raise Invalid("row_version is required", errors=[{"path": "/row_version", "message": "is required"}])
    before = _created_in_this_action(ctx, record_id) or _fetch(conn, ctx, record_id, lock=True)
    for guard in _WRITE_GUARDS:
        guard(conn, ctx, record_id, frozenset(k for k in values if k in ctx.form.fields))
    existing: dict[str, Any] = {k: before[k] for k in ctx.form.stored_keys}
    old_rows = read_children(conn, ctx.form, [record_id]) if ctx.form.children else {}
    existing.update({k: rows[record_id] for k, rows in old_rows.items()})
    prepared = _prepare_all(conn, ctx, [values], existing=existing)[0][0]
    if before["row_version"] != row_version:
        raise Conflict("the record was changed by someone else", current=get_record(conn, ctx, record_id))
    changes = field_changes({k: before[k] for k in prepared.values}, prepared.values)
    changes.update(field_changes({k: existing[k] for k in prepared.rows}, dict(prepared.rows)))
    if not changes:
        return
    values_out = {**prepared.values, "updated_at": utcnow(), "row_version": row_version + 1}
    stmt = update(ctx.table).where(ctx.table.c.id == record_id, ctx.table.c.row_version == row_version)
    entry = _audit_entry(ctx, record_id, "update", changes, request_id)
    try:
        if conn.dialect.name == "postgresql":  # the update and its audit entry: one statement
            updated = update_audited(conn, ctx.table, record_id, row_version, values_out, entry)
        else:
            updated = conn.execute(stmt.values(values_out)).rowcount == 1
            if updated:
                write_audit_many(conn, [entry])
    except IntegrityError as exc:
        raise _unique_conflict(ctx, exc) from None
    if not updated:  # SQLite has no row lock: a concurrent writer won the race
        raise Conflict("the record was changed by someone else", current=get_record(conn, ctx, record_id))
    write_children(conn, ctx.form, record_id, prepared.rows)
    after = {**before, **existing, **values_out, **prepared.rows, "id": record_id}
    reactions.react(conn, ctx.event("updated", record_id, old={**existing, "id": record_id}, new=after,
                                    request_id=request_id))


def _created_in_this_action(ctx: FormContext, record_id: int) -> Mapping[str, Any] | None:
    """The stored state of a record that this same user action created, when rules or flows change it
    right after: no other transaction sees the row before the commit, so it needs neither a lock nor a
    read (the scope holds what was written). A write that bypassed the scope (a relation's delete rule)
    raised its ``row_version``, and the update's version check refuses the stale state."""
    running = reactions.current_scope() if ctx.principal.via == "system" else None
    seen = running.touched.get((ctx.runtime.app_id, ctx.form.form.key, record_id)) if running else None
    if seen is None or not seen.created or seen.state is None:
        return None
    state = seen.state
    whole = "row_version" in state and all(k in state for k in ctx.form.stored_keys)
    return state if whole else None


def _audit_entry(ctx: FormContext, record_id: int, action: str, changes: dict[str, Any],
                 request_id: str | None) -> dict[str, Any]:
    p = ctx.principal
    return audit_row(org_id=p.org_id, actor_id=p.user_id, entity="record", action=action, app_id=ctx.runtime.app_id,
                     form_key=ctx.form.form.key, record_id=record_id, changes=changes, request_id=request_id)


def _audit(conn: Connection, ctx: FormContext, record_id: int, action: str, changes: dict[str, Any],
           request_id: str | None) -> None:
    write_audit_many(conn, [_audit_entry(ctx, record_id, action, changes, request_id)])


def delete_record(conn: Connection, ctx: FormContext, record_id: int, *, request_id: str | None = None) -> None:
    row = _fetch(conn, ctx, record_id, lock=True)
    now = utcnow()
    effects = apply_delete_rules(conn, ctx.runtime, ctx.form.form.key, record_id, now)
    conn.execute(update(ctx.table).where(ctx.table.c.id == record_id)
                 .values(deleted_at=now, updated_at=now, row_version=row["row_version"] + 1))
    changes: dict[str, Any] = {"deleted_at": [None, now.isoformat()]}
    if effects:
        changes["related"] = effects
    _audit(conn, ctx, record_id, "delete", changes, request_id)
    old = {k: row[k] for k in ctx.form.stored_keys} | {"id": record_id}
    reactions.react(conn, ctx.event("deleted", record_id, old=old, new=None, request_id=request_id))


def restore_record(conn: Connection, ctx: FormContext, record_id: int, *,
                   request_id: str | None = None) -> dict[str, Any]:
    row = _fetch(conn, ctx, record_id, lock=True, deleted=True)
    values = {"deleted_at": None, "updated_at": utcnow(), "row_version": row["row_version"] + 1}
    conn.execute(update(ctx.table).where(ctx.table.c.id == record_id).values(values))
    _audit(conn, ctx, record_id, "restore", {"deleted_at": [row["deleted_at"].isoformat(), None]}, request_id)
    new = {**row, **values, "id": record_id}
    reactions.react(conn, ctx.event("restored", record_id, old=None, new=new, request_id=request_id))
    return _public(ctx, {**row, **values})


@dataclass(frozen=True)
class ListQuery:
    filter: Any = None
    sort: str | None = None
    limit: int = 50
    after: str | None = None
    fields: list[str] | None = None
    count: str = "capped"  # capped | exact | none
    deleted: bool = False


def list_records(conn: Connection, ctx: FormContext, query: ListQuery, *, count_cap: int) -> dict[str, Any]:
    table = ctx.table
    keys = _output_keys(ctx, query.fields)
    wanted_extra = query.fields is not None and any(
        k in ctx.form.children or ctx.form.fields[k].kind == "lookup" for k in query.fields if k in ctx.form.fields)
    if query.fields is None:
        wanted_extra = any(f.kind in ("lookup", "relation") for f in ctx.form.fields.values())
    keys = [k for k in keys if k not in ctx.form.fields or ctx.form.kinds[k].has_column]
    sort = parse_sort(query.sort, ctx.form)
    _check_readable(ctx, [k.key for k in sort], "/sort")
    where = visible(ctx.grant, table)
    if query.deleted:
        where = table.c.deleted_at.is_not(None) & ctx.grant.row_filter
    if query.filter is not None:
        where = where & compile_filter(query.filter, ctx.form, readable=ctx.grant.can_read,
                                       principal=ctx.principal, runtime=ctx.runtime)
    limit = max(1, min(query.limit, MAX_PAGE))
    page_where = where
    if query.after:
        page_where = where & keyset_after(table, sort, decode_cursor(query.after, sort, ctx.form))
    fetched = list(dict.fromkeys([*keys, *(s.key for s in sort)]))
    stmt = select(*(table.c[k] for k in fetched)).where(page_where).order_by(*order_by(table, sort))
    try:
        rows = conn.execute(stmt.limit(limit + 1)).all()
    except (DataError, ProgrammingError) as exc:
        # a type the checker could not rule out (e.g. comparing a JSON list field): the client's filter
        message = str(exc.orig).splitlines()[0][:300]
        raise Invalid("the filter cannot be applied", errors=[{"path": "/filter", "message": message}]) from None
    page, more = rows[:limit], len(rows) > limit
    dump = ctx.form.row_dumper(keys)
    width = len(keys)
    items = [dump(r[:width]) for r in page]
    if wanted_extra:
        _complete(conn, ctx, items)
    result: dict[str, Any] = {
        "items": items,
        "next_cursor": encode_cursor(page[-1]._mapping, sort) if more and page else None,
    }
    # later pages of a walk do not recount unless asked: the first page's total stands
    if query.count == "exact" or (query.count == "capped" and not query.after):
        result.update(_count(conn, table, where, cap=None if query.count == "exact" else count_cap))
    return result


def _output_keys(ctx: FormContext, fields: list[str] | None) -> list[str]:
    if fields is None:
        return [k for k in ctx.form.output_keys() if k not in ctx.form.fields or ctx.grant.can_read(k)]
    unknown = [f for f in fields if f not in ctx.form.output_keys()]
    if unknown:
        raise Invalid("unknown fields", errors=[{"path": "/fields", "message": f"unknown field '{f}'"}
                                                for f in unknown])
    _check_readable(ctx, fields, "/fields")
    return list(dict.fromkeys(["id", "row_version", *fields]))


def _check_readable(ctx: FormContext, keys: list[str], path: str) -> None:
    denied = [k for k in keys if k in ctx.form.fields and not ctx.grant.can_read(k)]
    if denied:
        raise Forbidden("you may not read these fields",
                        reason="fields_not_readable", params={"fields": ", ".join(denied)},
                        errors=[{"path": path, "message": f"field '{k}' is not readable for you"} for k in denied])


def _count(conn: Connection, table: Table, where: Any, *, cap: int | None) -> dict[str, Any]:
    """Exact below ``cap``; above it say "more than cap" instead of scanning a million rows."""
    inner = select(literal(1)).select_from(table).where(where)
    if cap is not None:
        inner = inner.limit(cap + 1)
    total = int(conn.execute(select(func.count()).select_from(inner.subquery())).scalar_one())
    if cap is not None and total > cap:
        return {"total": cap, "total_is_exact": False}
    return {"total": total, "total_is_exact": True}


def record_history(conn: Connection, ctx: FormContext, record_id: int) -> list[dict[str, Any]]:
    row = conn.execute(select(ctx.table.c.id).where(ctx.table.c.id == record_id, ctx.grant.row_filter)).first()
    if row is None:
        raise NotFound(f"no record {record_id} in form '{ctx.form.form.key}'")
    query = (select(audit_log.c.at, audit_log.c.actor_id, audit_log.c.action, audit_log.c.changes,
                    audit_log.c.request_id)
             .where(audit_log.c.app_id == ctx.runtime.app_id, audit_log.c.form_key == ctx.form.form.key,
                    audit_log.c.record_id == record_id)
             .order_by(audit_log.c.id))
    entries = []
    for r in conn.execute(query).mappings():
        changes = {k: v for k, v in r["changes"].items() if k not in ctx.form.fields or ctx.grant.can_read(k)}
        entries.append({**r, "at": r["at"].isoformat(), "changes": changes})
    return entries


__all__ = ["SortKey"]
