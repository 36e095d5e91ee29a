"""Schema evolution: diff a form definition against the live column map.

The plan is pure data (shown to the user on ``dry_run``); the platform runs
it. Nothing is ever dropped: a removed field's column is renamed to an
archive name, and a retype archives the old column after copying converted
values into a new one, so every stored value survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from dajian.engines.form.compile import is_unique, sql_name
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef, FormDef

ColumnState = dict[str, Any]


@dataclass(frozen=True)
class Step:
    op: str  # create_table | add_field | rename_field | retype_field | archive_field | relabel | index
    field: str | None = None
    detail: dict[str, Any] = dc_field(default_factory=dict)
    ddl: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "field": self.field, "ddl": self.ddl, **self.detail}


@dataclass(frozen=True)
class FormMigrationPlan:
    form_key: str
    table_name: str
    steps: list[Step]
    new_state: ColumnState

    @property
    def retypes(self) -> list[Step]:
        return [s for s in self.steps if s.op == "retype_field"]


def stored_form(form: FormDef) -> FormDef:
    """The form as its table sees it: only fields that have a column."""
    return form.model_copy(update={"fields": [f for f in form.fields if FIELD_KINDS[f.kind].has_column]})


def state_entry(fdef: FieldDef) -> dict[str, Any]:
    return {
        "column": fdef.key,
        "kind": fdef.kind,
        "signature": FIELD_KINDS[fdef.kind].signature(fdef),
        "unique": is_unique(fdef),
        "unique_within": list(fdef.unique_within or []),
        "indexed": fdef.indexed or is_unique(fdef),
    }


def initial_state(form: FormDef) -> ColumnState:
    return {"fields": {f.key: state_entry(f) for f in form.fields}, "archived": []}


def plan_form_migration(
    state: ColumnState | None,
    form: FormDef,
    *,
    table_name: str,
    version: int,
    previous: FormDef | None = None,
) -> FormMigrationPlan:
    """Diff ``form`` against the live ``state``.

    ``state={"fields": {"a": {"kind": "text", ...}}}`` and a form with fields
    ``b`` (``renamed_from: "a"``) and ``c`` gives steps
    ``[rename_field a -> b, add_field c]``.
    """
    form = stored_form(form)
    previous = stored_form(previous) if previous is not None else None
    if state is None:
        step = Step("create_table", detail={"table": table_name, "fields": [f.key for f in form.fields]})
        return FormMigrationPlan(form.key, table_name, [step], initial_state(form))
    live: dict[str, dict[str, Any]] = {k: dict(v) for k, v in state["fields"].items()}
    archived: list[dict[str, Any]] = [dict(a) for a in state.get("archived", [])]
    steps: list[Step] = []
    steps += _renames(live, form)
    kept = {f.key for f in form.fields}
    for key in [k for k in live if k not in kept]:
        entry = live.pop(key)
        column = sql_name(key, f"arch{version}")
        archived.append({**entry, "key": key, "column": column, "version": version})
        steps.append(Step("archive_field", key, {"column": column}))
    for fdef in form.fields:
        steps += _field_steps(live, archived, fdef, version)
    steps += _relabels(previous, form)
    return FormMigrationPlan(form.key, table_name, steps, {"fields": live, "archived": archived})


def _renames(live: dict[str, dict[str, Any]], form: FormDef) -> list[Step]:
    steps = []
    for fdef in form.fields:
        old = fdef.renamed_from
        if old and old in live and fdef.key not in live:
            entry = live.pop(old)
            live[fdef.key] = {**entry, "column": fdef.key}
            steps.append(Step("rename_field", fdef.key, {"from": old, "to": fdef.key}))
    return steps


def _field_steps(
    live: dict[str, dict[str, Any]], archived: list[dict[str, Any]], fdef: FieldDef, version: int
) -> list[Step]:
    wanted = state_entry(fdef)
    current = live.get(fdef.key)
    if current is None:
        live[fdef.key] = wanted
        return [Step("add_field", fdef.key, {"kind": fdef.kind})]
    steps = []
    if current["signature"] != wanted["signature"]:
        column = sql_name(fdef.key, f"arch{version}")
        archived.append({**current, "key": fdef.key, "column": column, "version": version})
        steps.append(Step("retype_field", fdef.key, {
            "from_kind": current["kind"], "from": current["signature"],
            "to_kind": fdef.kind, "to": wanted["signature"], "archive_column": column,
        }))
    elif _index_shape(current) != _index_shape(wanted):
        steps.append(Step("index", fdef.key, {"unique": wanted["unique"], "indexed": wanted["indexed"]}))
    live[fdef.key] = wanted
    return steps


def _index_shape(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry["unique"], entry["indexed"], entry.get("unique_within", [])


def _relabels(previous: FormDef | None, form: FormDef) -> list[Step]:
    if previous is None:
        return []
    before = {f.key: f for f in previous.fields}
    steps = []
    for fdef in form.fields:
        old = before.get(fdef.key) or before.get(fdef.renamed_from or "")
        if old is not None and (old.label != fdef.label or old.options != fdef.options):
            steps.append(Step("relabel", fdef.key, {}, ddl=False))
    return steps
