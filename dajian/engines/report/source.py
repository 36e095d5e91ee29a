"""The data a report reads: a form's table, its joined relations or a sub-table with its parent.

``resolve_dataset(Dataset(form="complaint", join=["customer"]), source)`` gives the FROM clause
``f3_complaint LEFT OUTER JOIN f3_customer AS j_customer ON j_customer.id = f3_complaint.customer``
(built by ``statement.from_clause``)
and the columns expressions may read: ``amount``, ``created_at``, ..., ``customer:level``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from dajian.engines.expr.sql_scope import field_type
from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.kinds_structure import result_field
from dajian.engines.form.model import FieldDef
from dajian.engines.report.errors import Issue
from dajian.engines.report.plan import Join

Col = ColumnElement[Any]
STANDARD_TYPES = {
    "id": "integer", "created_at": "datetime", "updated_at": "datetime", "created_by": "user",
    "owner_id": "user", "dept_id": "department", "row_version": "integer", "parent_id": "integer",
    "position": "integer",
}
STANDARD_LABELS = {
    "id": {"zh-CN": "编号", "en": "ID"}, "created_at": {"zh-CN": "创建时间", "en": "Created at"},
    "updated_at": {"zh-CN": "更新时间", "en": "Updated at"}, "created_by": {"zh-CN": "创建人", "en": "Created by"},
    "owner_id": {"zh-CN": "负责人", "en": "Owner"}, "dept_id": {"zh-CN": "部门", "en": "Department"},
}
HIDDEN = frozenset({"deleted_at", "row_version"})


@dataclass(frozen=True)
class ReportSource:
    """What the compiler knows about the app: compiled forms, time zone, database kind (None: any)."""

    forms: Mapping[str, CompiledForm]
    timezone: str = "Asia/Shanghai"
    dialect: str | None = None


@dataclass(frozen=True)
class FieldInfo:
    form: str  # the form key holding the field
    key: str  # the field key in that form
    column: Col
    type: str  # expression type
    definition: FieldDef | None  # None for standard columns
    guard: str | None = None  # the field the reader must be able to read (a sub-table's rows: the sub-table)

    @property
    def read_key(self) -> str:
        return self.guard or self.key


@dataclass
class Resolved:
    form: str
    row_table: sa.Table
    base: sa.FromClause  # the table whose rows are counted, before joins
    joins: list[Join] = field(default_factory=list)
    fields: dict[str, FieldInfo] = field(default_factory=dict)  # flat name ("customer:level") -> info

    def label(self, name: str) -> dict[str, str]:
        info = self.fields[name]
        own = info.definition.label if info.definition else STANDARD_LABELS.get(info.key, {"en": info.key})
        if ":" not in name:
            return dict(own)
        hop = name.split(":")[0]
        head = self.fields.get(hop)
        hop_label = head.definition.label if head and head.definition else {"zh-CN": "上级", "en": "Parent"}
        return {lang: f"{hop_label.get(lang, hop)}.{text}" for lang, text in own.items()}


def _columns(form: CompiledForm, table: sa.FromClause, form_key: str, prefix: str) -> dict[str, FieldInfo]:
    out: dict[str, FieldInfo] = {}
    for column in table.columns:
        key = column.key
        if key in HIDDEN:
            continue
        kind = form.kinds.get(key)
        fdef = form.fields.get(key)
        kind_type = kind.expr_type if kind is not None else STANDARD_TYPES.get(key) or field_type(column.type)
        if fdef is not None and fdef.kind == "formula":  # stored as its result: a decimal total can be summed
            kind_type = FIELD_KINDS[result_field(fdef).kind].expr_type
        out[prefix + key] = FieldInfo(form_key, key, column, kind_type, fdef)
    return out


def resolve_dataset(
    dataset: Any, source: ReportSource, path: str
) -> tuple[Resolved | None, list[Issue]]:
    form = source.forms.get(dataset.form)
    if form is None:
        return None, [{"path": f"{path}/form", "message": f"no form '{dataset.form}'"}]
    if dataset.subtable is not None:
        return _subtable(form, dataset, path)
    table = form.table
    resolved = Resolved(dataset.form, table, table, fields=_columns(form, table, dataset.form, ""))
    issues: list[Issue] = []
    for i, name in enumerate(dataset.join):
        fdef = form.fields.get(name)
        target_key = (fdef.config or {}).get("form") if fdef is not None and fdef.kind == "relation" else None
        target = source.forms.get(str(target_key)) if target_key else None
        if target is None:
            issues.append({"path": f"{path}/join/{i}", "message": f"'{name}' is not a relation field of this form"})
            continue
        alias = target.table.alias(f"j_{name}")
        on = sa.and_(alias.c.id == table.c[name], alias.c.deleted_at.is_(None))
        resolved.joins.append(Join(name, str(target_key), alias, on))
        resolved.fields.update(_columns(target, alias, str(target_key), f"{name}:"))
    return resolved, issues


def _subtable(form: CompiledForm, dataset: Any, path: str) -> tuple[Resolved | None, list[Issue]]:
    child = form.children.get(dataset.subtable)
    if child is None:
        return None, [{"path": f"{path}/subtable", "message": f"'{dataset.subtable}' is not a sub-table field"}]
    if dataset.join:
        return None, [{"path": f"{path}/join", "message": "a sub-table dataset cannot join relations"}]
    parent = form.table
    on = parent.c.id == child.table.c.parent_id
    rows = {name: FieldInfo(info.form, info.key, info.column, info.type, info.definition, guard=dataset.subtable)
            for name, info in _columns(child, child.table, dataset.form, "").items()}
    resolved = Resolved(dataset.form, parent, child.table, joins=[Join("parent", dataset.form, parent, on, inner=True)],
                        fields=rows)
    resolved.fields.update(_columns(form, parent, dataset.form, "parent:"))
    return resolved, []
