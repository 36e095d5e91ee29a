"""Report definition + form schema -> an immutable ``ReportPlan``; every check happens here.

``compile_report({"key": "by_month", "dataset": {"form": "complaint"},
"dimensions": [{"field": "created_at", "granularity": "month"}], "measures": [{"key": "n", "agg": "count"}]},
ReportSource(forms, timezone="Asia/Shanghai", dialect="postgresql"))`` gives a plan whose one dimension
groups by ``date_trunc('month', timezone('Asia/Shanghai', f1_complaint.created_at))`` and whose measure
is ``count(*)``. ``{"agg": "sum", "field": "title"}`` instead raises ``ReportError`` with
``[{"path": "/measures/0/field", "message": "cannot sum a text field (takes integer, decimal, boolean)"}]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import JSONB

from dajian.engines.expr import ExprError, analyze, compile_sql
from dajian.engines.expr.model import BOOLEAN, DATE, DATETIME, TEXT_LIST
from dajian.engines.form.fields import GROUPABLE_TYPES
from dajian.engines.form.trees import CascadeConfig, OptionNode
from dajian.engines.report.aggregates import AGGREGATES, SCALARS, AggInput
from dajian.engines.report.buckets import GRANULARITIES, bucket_sql
from dajian.engines.report.checks import chart_issues, order_issues
from dajian.engines.report.errors import Issue, ReportError
from dajian.engines.report.model import Dimension, Measure, ParamDef, ReportDef
from dajian.engines.report.plan import DimPlan, FilterPart, Join, MeasurePlan, ParamPlan, ReportPlan
from dajian.engines.report.scope import ReportScope, dotted_name, flat_name, rewrite, var_names
from dajian.engines.report.source import FieldInfo, ReportSource, resolve_dataset
from dajian.engines.sqltypes import ExactDecimal, UtcDateTime

Col = sa.ColumnElement[Any]
AGG_LABELS = {"count": ("数量", "Count"), "count_distinct": ("去重数", "Distinct count"), "sum": ("合计", "Sum"),
              "avg": ("平均", "Average"), "min": ("最小", "Min"), "max": ("最大", "Max"),
              "median": ("中位数", "Median"), "percentile": ("分位数", "Percentile")}
GRAIN_LABELS = {"hour": ("时", "hour"), "day": ("日", "day"), "week": ("周", "week"), "month": ("月", "month"),
                "quarter": ("季度", "quarter"), "year": ("年", "year")}
PARAM_SQL: dict[str, Any] = {"text": sa.String(), "integer": sa.BigInteger(), "user": sa.BigInteger(),
                             "department": sa.BigInteger(), "decimal": sa.Numeric(38, 6), "boolean": sa.Boolean(),
                             "date": sa.Date(), "datetime": UtcDateTime()}
PARAM_FIELDS = {"text": {"text"}, "integer": {"integer"}, "decimal": {"decimal", "integer"}, "boolean": {"boolean"},
                "date": {"date"}, "datetime": {"datetime"}, "user": {"user"}, "department": {"department"},
                "date_range": {"date", "datetime"}}
_FLAT = re.compile(r"'([a-z][a-z0-9_]*):([a-z][a-z0-9_]*)'")


def compile_report(definition: ReportDef | Mapping[str, Any], source: ReportSource, *, path: str = "") -> ReportPlan:
    """Check ``definition`` against ``source`` and build its plan; ``ReportError`` lists every issue."""
    report = parse_report(definition, path)
    compiler = _Compiler(report, source, path)
    plan = compiler.plan()
    if plan is None or compiler.issues:
        raise ReportError("the report is invalid", compiler.issues)
    return plan


def report_issues(definition: Mapping[str, Any], source: ReportSource, *, path: str = "") -> list[Issue]:
    try:
        compile_report(definition, source, path=path)
    except ReportError as exc:
        return exc.issues
    return []


def parse_report(definition: ReportDef | Mapping[str, Any], path: str = "") -> ReportDef:
    if isinstance(definition, ReportDef):
        return definition
    try:
        return ReportDef.model_validate(definition)
    except ValidationError as exc:
        raise ReportError("the report is invalid", [
            {"path": path + "".join(f"/{p}" for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]) from None


def _message(text: str) -> str:
    return _FLAT.sub(lambda m: "'" + dotted_name(f"{m[1]}:{m[2]}") + "'", text)


def _tree_level(nodes: list[OptionNode], level: int) -> list[OptionNode]:
    return nodes if level == 0 else [c for n in nodes for c in _tree_level(n.children, level - 1)]


class _Compiler:
    def __init__(self, report: ReportDef, source: ReportSource, path: str) -> None:
        self.report, self.source, self.path = report, source, path
        self.dialect = source.dialect or "postgresql"
        self.issues: list[Issue] = []
        self.reads: dict[str, set[str]] = {}
        self.titles: list[Join] = []

    def fail(self, path: str, message: str) -> None:
        self.issues.append({"path": self.path + path, "message": message})

    def plan(self) -> ReportPlan | None:
        resolved, issues = resolve_dataset(self.report.dataset, self.source, self.path + "/dataset")
        self.issues += issues
        if resolved is None:
            return None
        self.data = resolved
        params = [self.param(p, f"/params/{i}") for i, p in enumerate(self.report.params)]
        columns = {name: (info.column, info.type) for name, info in resolved.fields.items()}
        columns.update({f"param:{p.key}": (sa.bindparam(f"p_{p.key}", type_=PARAM_SQL[p.type]), p.type)
                        for p in self.report.params if p.type in PARAM_SQL and not (p.multiple or p.include_children)})
        self.scope = ReportScope(columns)
        filters = self.filters()
        rows = [self.dimension(d, f"/dimensions/{i}") for i, d in enumerate(self.report.dimensions)]
        cols = [self.dimension(d, f"/columns/{i}") for i, d in enumerate(self.report.columns)]
        measures = [self.measure(m, f"/measures/{i}") for i, m in enumerate(self.report.measures)]
        self.issues += [{**i, "path": self.path + i["path"]} for i in order_issues(self.report)]
        self.issues += [{**i, "path": self.path + i["path"]} for i in chart_issues(self.report)]
        ranked = tuple(self.with_top(d) for d in rows if d)
        if self.issues:
            return None
        return ReportPlan(
            definition=self.report, form=resolved.form, row_table=resolved.row_table, base=resolved.base,
            joins=tuple(resolved.joins), rows=ranked,
            columns=tuple(d for d in cols if d), measures=tuple(m for m in measures if m),
            params=tuple(p for p in params if p), filters=tuple(filters), timezone=self.source.timezone,
            dialect=self.source.dialect, reads={k: frozenset(v) for k, v in self.reads.items()},
            drillable=self.report.dataset.subtable is None, titles=tuple(self.titles),
        )

    # --- fields and expressions ----------------------------------------------------------------

    def field(self, name: str, path: str) -> FieldInfo | None:
        info = self.data.fields.get(flat_name(name))
        if info is None:
            self.fail(path, f"unknown field '{name}'")
            return None
        self.read(flat_name(name))
        return info

    def read(self, flat: str) -> None:
        info = self.data.fields.get(flat)
        if info is None:
            return
        self.reads.setdefault(info.form, set()).add(info.read_key)
        if ":" in flat and (hop := self.data.fields.get(flat.split(":")[0])) is not None:
            self.reads.setdefault(hop.form, set()).add(hop.read_key)

    def expression(self, ast: Any, path: str, *, as_value: bool = False) -> tuple[Col, str] | None:
        flat = rewrite(ast)
        node, issues = analyze(flat, self.scope.schema, sql=True)
        for issue in issues:
            self.fail(path + issue.path, _message(issue.message))
        if node is None:
            return None
        for name in var_names(flat):
            self.read(name)
        try:
            return compile_sql(flat, self.scope, as_value=as_value), node.type
        except ExprError as exc:
            self.fail(path + exc.path, _message(exc.message))
            return None

    def condition(self, ast: Any, path: str) -> Col | None:
        compiled = self.expression(ast, path)
        if compiled is not None and compiled[1] != BOOLEAN:
            self.fail(path, f"must be a condition (true or false), not {compiled[1]}")
            return None
        return compiled[0] if compiled else None

    def params_of(self, ast: Any) -> frozenset[str]:
        return frozenset(n[len("$param."):] for n in var_names(ast) if n.startswith("$param."))

    def filters(self) -> list[FilterPart]:
        raw = self.report.filter
        spread = isinstance(raw, dict) and len(raw) == 1 and isinstance(raw.get("and"), list)
        parts = [(a, f"/filter/and/{i}") for i, a in enumerate(raw["and"])] if spread else \
            [] if raw is None else [(raw, "/filter")]
        out = []
        for ast, path in parts:
            sql = self.condition(ast, path)
            if sql is not None:
                out.append(FilterPart(ast, sql, self.params_of(ast)))
        return out

    # --- parameters ----------------------------------------------------------------------------

    def param(self, p: ParamDef, path: str) -> ParamPlan | None:
        is_list = p.multiple or p.include_children
        if p.include_children and p.type != "department":
            self.fail(path + "/include_children", "only a department parameter includes children")
        if p.options_from is not None:
            self.field(p.options_from, path + "/options_from")
        if p.field is None:
            if p.type == "date_range" or is_list:
                self.fail(path + "/field", f"a {'date_range' if p.type == 'date_range' else 'multi-value'} "
                                           "parameter needs the field it filters")
            return ParamPlan(p, PARAM_SQL.get(p.type))
        info = self.field(p.field, path + "/field")
        if info is None:
            return None
        if info.type not in PARAM_FIELDS[p.type]:
            self.fail(path + "/field", f"a {p.type} parameter cannot filter the {info.type} field '{p.field}'")
            return None
        col = info.column
        if p.type == "date_range":
            def between(prefix: str) -> Col:
                return sa.and_(col >= sa.bindparam(f"{prefix}_from", type_=col.type),
                               col < sa.bindparam(f"{prefix}_to", type_=col.type))
            return ParamPlan(p, col.type, info.type, between(f"p_{p.key}"), between(f"p_{p.key}_prev"))
        bind = sa.bindparam(f"p_{p.key}", type_=col.type, expanding=is_list)
        return ParamPlan(p, col.type, info.type, col.in_(bind) if is_list else col == bind)

    # --- dimensions ----------------------------------------------------------------------------

    def dimension(self, d: Dimension, path: str) -> DimPlan | None:
        info = self.field(d.field, path + "/field")
        if info is None:
            return None
        flat = flat_name(d.field)
        label = dict(d.label or self.data.label(flat))
        if d.granularity is not None:
            return self.time_dimension(d, info, label, path)
        if d.level is not None:
            return self.tree_dimension(d, info, label, path)
        if info.type == DATETIME:
            self.fail(path + "/granularity", f"'{d.field}' is a date-time: give a granularity "
                                             f"({', '.join(GRANULARITIES)})")
            return None
        if info.type not in GROUPABLE_TYPES:  # date-times were sent to a granularity above
            self.fail(path + "/field", f"cannot group by the {info.type} field '{d.field}'")
            return None
        options = tuple((o.value, dict(o.label)) for o in (info.definition.options or [])) \
            if info.definition is not None and info.definition.kind == "single_select" else ()
        return DimPlan(d.name, d.field, label, info.column, info.type, options=options, fill=d.fill,
                       title=self.title(d.name, info))

    def title(self, dim_key: str, info: FieldInfo) -> Col | None:
        """A relation's display field (``display_field``, else the target form's ``title_field``), read
        through a LEFT JOIN on the target's id, so the one statement names what it groups by:
        ``max(t_customer.name)`` beside ``f1_complaint.customer``."""
        fdef = info.definition
        if fdef is None or fdef.kind != "relation":
            return None
        config = fdef.config or {}
        target = self.source.forms.get(str(config.get("form")))
        shown = config.get("display_field") or (target.form.title_field if target is not None else None)
        if target is None or not shown or shown not in target.table.c:
            return None
        kind = target.kinds.get(str(shown))
        if kind is None or kind.expr_type not in GROUPABLE_TYPES:  # max() needs a scalar column
            return None
        alias = target.table.alias(f"t_{dim_key}")
        on = sa.and_(alias.c.id == info.column, alias.c.deleted_at.is_(None))
        self.titles.append(Join(f"title:{dim_key}", str(config.get("form")), alias, on))
        return alias.c[str(shown)]

    def time_dimension(self, d: Dimension, info: FieldInfo, label: dict[str, str], path: str) -> DimPlan | None:
        grain = GRANULARITIES.get(str(d.granularity))
        if info.type not in (DATE, DATETIME) or grain is None:
            self.fail(path + "/granularity", f"only dates and date-times have a granularity; '{d.field}' is "
                                             f"{info.type}")
            return None
        if grain.needs_time and info.type == DATE:
            self.fail(path + "/granularity", f"'{d.field}' is a date: it has no {grain.name}s")
            return None
        zh, en = GRAIN_LABELS.get(grain.name, (grain.name, grain.name))
        label = d.label or {lang: f"{text} ({zh if lang == 'zh-CN' else en})" for lang, text in label.items()}
        expr = bucket_sql(grain.name, info.column, tz=self.source.timezone, dialect=self.dialect,
                          is_date=info.type == DATE)
        return DimPlan(d.name, d.field, dict(label), expr, info.type, granularity=grain.name,
                       is_date=info.type == DATE, fill=d.fill)

    def tree_dimension(self, d: Dimension, info: FieldInfo, label: dict[str, str], path: str) -> DimPlan | None:
        fdef = info.definition
        if fdef is None or fdef.kind != "cascade_select" or info.type != TEXT_LIST:
            self.fail(path + "/level", f"only a cascade select has levels; '{d.field}' is not one")
            return None
        level = int(d.level or 0)
        config = CascadeConfig.model_validate(fdef.config or {})
        nodes = _tree_level(config.tree.root, level) if config.tree else []
        options = tuple((n.value, dict(n.label)) for n in nodes)
        text = f"'$[{level}]'" if self.dialect == "sqlite" else f"'{level}'"
        path_item: Col = sa.literal_column(text)
        expr = sa.func.json_extract(info.column, path_item) if self.dialect == "sqlite" else \
            sa.func.jsonb_extract_path_text(sa.cast(info.column, JSONB()), path_item)
        return DimPlan(d.name, d.field, label, sa.type_coerce(expr, sa.String()), "text", level=level,
                       options=options, fill=d.fill)

    def with_top(self, dim: DimPlan) -> DimPlan:
        top = self.report.top
        if top is None or top.dimension != dim.key:
            return dim
        if dim.type not in ("text", "integer", "user", "department") or dim.granularity:
            self.fail("/top/dimension", f"top-N groups text, integer, user or department values, not {dim.type}")
            return dim
        return replace(dim, top=(top.n, top.by, top.others))

    # --- measures ------------------------------------------------------------------------------

    def measure(self, m: Measure, path: str) -> MeasurePlan | None:
        if m.ratio is not None:
            return self.ratio(m, path)
        agg = AGGREGATES.get(str(m.agg))
        if agg is None:
            self.fail(path + "/agg", f"unknown aggregate '{m.agg}'; known: {', '.join(AGGREGATES)}")
            return None
        value, kind, scale, label = self.measure_value(m, path)
        if self.issues and value is None and (m.field or m.expr is not None):
            return None
        if agg.needs_value and value is None:
            self.fail(path, f"'{agg.name}' needs a field or expr")
            return None
        accepts = agg.accepts if agg.accepts is not None else SCALARS
        if value is not None and kind not in accepts:
            self.fail(path + ("/field" if m.field else "/expr"),
                      f"cannot {agg.name} a {kind} {'field' if m.field else 'value'} (takes "
                      f"{', '.join(sorted(accepts))})")
            return None
        if agg.dialects is not None and self.source.dialect is not None and self.source.dialect not in agg.dialects:
            self.fail(path + "/agg", f"'{agg.name}' is not supported on {self.source.dialect} "
                                     f"(needs {', '.join(sorted(agg.dialects))})")
            return None
        if agg.needs_p != (m.p is not None):
            self.fail(path + "/p", "percentile needs p (0 < p < 1)" if agg.needs_p else f"'{agg.name}' takes no p")
            return None
        where = self.condition(m.where, path + "/where") if m.where is not None else None
        if m.where is not None and where is None:
            return None
        self.require_bound(m, path)
        sql = agg.build(AggInput(value, where, kind, scale, self.dialect, m.p, 4 if m.decimals is None else m.decimals))
        zh, en = AGG_LABELS.get(agg.name, (agg.name, agg.name))
        default = {"zh-CN": f"{label.get('zh-CN', '')}{zh}", "en": f"{en} {label.get('en', '')}".strip()}
        return MeasurePlan(m.key, dict(m.label or default), sql, agg.result(kind), where=m.where, format=m.format,
                           decimals=4 if m.decimals is None else m.decimals, agg=agg.name)

    def measure_value(self, m: Measure, path: str) -> tuple[Col | None, str, int, dict[str, str]]:
        if m.field is not None:
            info = self.field(m.field, path + "/field")
            if info is None:
                return None, "", 0, {}
            scale = info.column.type.scale if isinstance(info.column.type, ExactDecimal) else 0
            return info.column, info.type, scale, self.data.label(flat_name(m.field))
        if m.expr is not None:
            compiled = self.expression(m.expr, path + "/expr", as_value=True)
            if compiled is None:
                return None, "", 0, {}
            col, kind = compiled
            scale = col.type.scale if isinstance(col.type, ExactDecimal) else 0
            return col, kind, scale, {}
        return None, "", 0, {}

    def require_bound(self, m: Measure, path: str) -> None:
        for key in self.params_of([m.expr, m.where]):
            param = next((p for p in self.report.params if p.key == key), None)
            if param is not None and not param.required and param.default is None:
                self.fail(path, f"a measure may only read required parameters or ones with a default; "
                                f"'$param.{key}' is neither")

    def ratio(self, m: Measure, path: str) -> MeasurePlan | None:
        assert m.ratio is not None
        by_key = {x.key: x for x in self.report.measures}
        for i, key in enumerate(m.ratio):
            if key not in by_key or by_key[key].ratio is not None:
                self.fail(f"{path}/ratio/{i}", f"'{key}' is not an aggregate measure of this report")
        num, den = m.ratio
        return MeasurePlan(m.key, dict(m.label or {"zh-CN": m.key, "en": m.key}), None, "real",
                           ratio=(num, den), format=m.format, decimals=4 if m.decimals is None else m.decimals)

