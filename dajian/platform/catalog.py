"""``GET /api/v1/catalog``: what the designer's palettes show, assembled from the engines' registries.

The engines own the facts (``FIELD_KINDS`` and ``form/palette.py``, ``NODE_KINDS`` and
``flow/palette.py``, the rule, report and expression tables); this module only reads them, so a kind
registered with its palette text appears here without a change. The catalog depends only on code, so
it is built once per process.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dajian import __version__
from dajian.engines.expr.catalog import CATALOG, CATEGORY_TEXT, OPERATORS
from dajian.engines.flow.model import Assignee, NodeDef
from dajian.engines.flow.nodes import NODE_KINDS, NodeKind
from dajian.engines.flow.palette import MODE_TEXT, MODES, NODE_TEXT, STRATEGIES, STRATEGY_TEXT
from dajian.engines.form import compile as _form_compile  # noqa: F401 - registers the structural kinds
from dajian.engines.form.fields import FIELD_KINDS, FieldKind
from dajian.engines.form.model import FieldDef
from dajian.engines.form.palette import ADVANCED, GROUPS, KIND_TEXT, KindText
from dajian.engines.report.aggregates import AGGREGATES, Aggregate
from dajian.engines.report.buckets import GRANULARITIES
from dajian.engines.report.chart import CHARTS
from dajian.engines.report.palette import AGGREGATE_TEXT, BUCKET_TEXT, CHART_TEXT
from dajian.engines.report.periods import PERIODS, period_bounds
from dajian.engines.rule import actions as _actions  # noqa: F401 - registers the actions
from dajian.engines.rule import triggers as _triggers  # noqa: F401 - registers the triggers
from dajian.engines.rule.palette import ACTION_TEXT, HIT_POLICIES, HIT_POLICY_TEXT, TRIGGER_TEXT
from dajian.engines.rule.registry import ACTIONS, TRIGGERS
from dajian.platform.definition.model import APP_ICONS

JsonSchema = dict[str, Any]


class Text(BaseModel):
    """The same words in both languages the platform ships."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    zh_cn: str = Field(alias="zh-CN", min_length=1)
    en: str = Field(min_length=1)


class Choice(BaseModel):
    key: str
    label: Text


class FieldKindEntry(BaseModel):
    key: str
    label: Text
    group: str = Field(description="a key of field_groups")
    widget: str = Field(description="the default widget the designer renders for it")
    value_type: str = Field(description="its type in expressions: text, integer, decimal, date, …")
    value_schema: JsonSchema = Field(description="JSON Schema of a value in the record API (options aside)")
    attributes: list[str] = Field(description="FieldDef attributes it reads beyond the common ones")
    attributes_schema: JsonSchema = Field(description="JSON Schema of those attributes")
    config_schema: JsonSchema | None = Field(description="JSON Schema of its `config`; null: it takes none")
    references: str | None = Field(description='ids it holds of "user", "department" or "file"')
    stored: bool = Field(description="has a column of its own (false: sub-tables, lookups)")
    client_writable: bool
    importable: bool = Field(description="Excel import can fill it")
    searchable: bool = Field(description='full-text searchable when the field says "indexed": true')
    sortable: bool
    groupable: bool = Field(description="reports may group by it (date-times through a date bucket)")
    filterable: bool


class NodeKindEntry(BaseModel):
    key: str
    label: Text
    human: bool = Field(description="a person acts on it (approval, task)")
    waits: bool = Field(description="a token stays until something happens")
    gateway: str | None = Field(description='"split" or "join"')
    family: str | None = Field(description='"parallel", "inclusive" or "exclusive"')
    incoming: tuple[int, int | None] = Field(description="allowed incoming edges (min, max; null: any)")
    outgoing: tuple[int, int | None]
    settings: list[str] = Field(description="the node attributes it reads")
    settings_schema: JsonSchema = Field(description="JSON Schema of those attributes")


class FlowCatalog(BaseModel):
    node_kinds: list[NodeKindEntry]
    assignee_strategies: list[Choice]
    assignee_schema: JsonSchema
    approval_modes: list[Choice]


class SchemaEntry(BaseModel):
    key: str
    label: Text
    definition_schema: JsonSchema = Field(description="JSON Schema of its definition")


class RuleCatalog(BaseModel):
    triggers: list[SchemaEntry]
    actions: list[SchemaEntry]
    hit_policies: list[Choice]


class AggregateEntry(BaseModel):
    key: str
    label: Text
    accepts: list[str] | None = Field(description="value types it takes; null: rows or any value")
    needs_value: bool
    needs_p: bool = Field(description="takes a percentile p")
    databases: list[str] | None = Field(description="databases that run it; null: every one")


class BucketEntry(BaseModel):
    key: str
    label: Text
    needs_time: bool = Field(description="only for date-times")


class ReportCatalog(BaseModel):
    aggregates: list[AggregateEntry]
    date_buckets: list[BucketEntry]
    chart_kinds: list[Choice]


class FunctionEntry(BaseModel):
    name: str
    signature: str
    category: str
    description: Text
    sql: bool = Field(description="also runs in SQL (list filters, row scopes, reports)")


class OperatorEntry(BaseModel):
    symbol: str
    aliases: list[str]
    example: str
    description: Text


class ExpressionCatalog(BaseModel):
    categories: list[Choice]
    functions: list[FunctionEntry]
    operators: list[OperatorEntry]


class DatePreset(BaseModel):
    """A named period (this week …): a dashboard's date-range value, and in a list filter on field f
    ``f >= start AND f < stop``."""

    key: str
    label: Text
    start: Any = Field(description="expression (JSON AST over $today) of the period's first day")
    stop: Any = Field(description="expression of the day after its last day")


class Catalog(BaseModel):
    version: str = Field(description="the server's version; the catalog changes only with it")
    field_groups: list[Choice]
    field_kinds: list[FieldKindEntry]
    flows: FlowCatalog
    rules: RuleCatalog
    reports: ReportCatalog
    expressions: ExpressionCatalog
    date_presets: list[DatePreset]
    app_icons: list[str] = Field(description="the icons an app's settings.icon may name")
    app_colors: list[str] = Field(description="suggested icon colours (#rrggbb); any such colour is accepted")


def _text(pair: tuple[str, str] | None, key: str) -> Text:
    en, zh = pair or (key, key)
    return Text(en=en, zh_cn=zh)


def _choices(keys: Any, texts: dict[str, tuple[str, str]]) -> list[Choice]:
    return [Choice(key=k, label=_text(texts.get(k), k)) for k in keys]


def _field_kind(kind: FieldKind, field_schema: JsonSchema) -> FieldKindEntry:
    text = KIND_TEXT.get(kind.name) or KindText(ADVANCED, "input", kind.name, kind.name)
    return FieldKindEntry(
        attributes_schema=_subschema(field_schema, list(text.attributes)),
        key=kind.name, label=_text((text.en, text.zh), kind.name), group=text.group, widget=text.widget,
        value_type=kind.expr_type, value_schema=kind.value_schema(), attributes=list(text.attributes),
        config_schema=kind.config_model.model_json_schema() if kind.config_model else None,
        references=kind.references, stored=kind.has_column, client_writable=kind.client_writable,
        importable=kind.importable,
        searchable=kind.searchable, sortable=kind.sortable, groupable=kind.groupable, filterable=kind.filterable)


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            yield ref.removeprefix("#/$defs/")
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _subschema(schema: JsonSchema, names: list[str]) -> JsonSchema:
    """The object schema of some of ``schema``'s properties, with only the ``$defs`` they reach."""
    defs = schema.get("$defs", {})
    root = defs[next(_refs({"$ref": schema["$ref"]}))] if "$ref" in schema else schema  # a recursive model
    properties = {n: root["properties"][n] for n in names}
    pending = list(_refs(properties))
    used: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name not in used:
            used[name] = defs[name]
            pending += _refs(defs[name])
    return {"type": "object", "properties": properties, **({"$defs": used} if used else {})}


def _node_kind(kind: NodeKind, node_schema: JsonSchema) -> NodeKindEntry:
    settings = sorted(kind.attributes)
    schema = _subschema(node_schema, settings)
    return NodeKindEntry(
        key=kind.name, label=_text(NODE_TEXT.get(kind.name), kind.name), human=kind.human, waits=kind.waits,
        gateway=kind.gateway, family=kind.family, incoming=kind.incoming, outgoing=kind.outgoing,
        settings=settings, settings_schema=schema)


def _flows() -> FlowCatalog:
    node_schema = NodeDef.model_json_schema()
    return FlowCatalog(
        node_kinds=[_node_kind(k, node_schema) for k in NODE_KINDS.values()],
        assignee_strategies=_choices(STRATEGIES, STRATEGY_TEXT), assignee_schema=Assignee.model_json_schema(),
        approval_modes=_choices(MODES, MODE_TEXT))


def _rules() -> RuleCatalog:
    return RuleCatalog(
        triggers=[SchemaEntry(key=k, label=_text(TRIGGER_TEXT.get(k), k), definition_schema=t.model.model_json_schema())
                  for k, t in TRIGGERS.items()],
        actions=[SchemaEntry(key=k, label=_text(ACTION_TEXT.get(k), k), definition_schema=a.model.model_json_schema())
                 for k, a in ACTIONS.items()],
        hit_policies=_choices(HIT_POLICIES, HIT_POLICY_TEXT))


def _aggregate(agg: Aggregate) -> AggregateEntry:
    return AggregateEntry(
        key=agg.name, label=_text(AGGREGATE_TEXT.get(agg.name), agg.name),
        accepts=sorted(agg.accepts) if agg.accepts is not None else None, needs_value=agg.needs_value,
        needs_p=agg.needs_p, databases=sorted(agg.dialects) if agg.dialects is not None else None)


def _reports() -> ReportCatalog:
    return ReportCatalog(
        aggregates=[_aggregate(a) for a in AGGREGATES.values()],
        date_buckets=[BucketEntry(key=k, label=_text(BUCKET_TEXT.get(k), k), needs_time=g.needs_time)
                      for k, g in GRANULARITIES.items()],
        chart_kinds=_choices(CHARTS, CHART_TEXT))


def _expressions() -> ExpressionCatalog:
    return ExpressionCatalog(
        categories=_choices(CATEGORY_TEXT, CATEGORY_TEXT),
        functions=[FunctionEntry(name=f.name, signature=f.signature, category=f.category,
                                 description=Text(en=f.en, zh_cn=f.zh), sql=f.sql) for f in CATALOG],
        operators=[OperatorEntry(symbol=o.symbol, aliases=list(o.aliases), example=o.example,
                                 description=Text(en=o.en, zh_cn=o.zh)) for o in OPERATORS])


APP_COLORS = ("#1677ff", "#13c2c2", "#52c41a", "#fa8c16", "#f5222d", "#eb2f96", "#722ed1", "#595959")


@cache
def build_catalog() -> Catalog:
    """The whole catalog, built once per process (it depends only on the code)."""
    return Catalog(
        version=__version__, field_groups=_choices(GROUPS, GROUPS),
        field_kinds=[_field_kind(k, FieldDef.model_json_schema()) for k in FIELD_KINDS.values()],
        flows=_flows(), rules=_rules(), reports=_reports(), expressions=_expressions(),
        date_presets=[DatePreset(key=k, label=Text(en=p.en, zh_cn=p.zh), start=period_bounds(k)[0],
                                 stop=period_bounds(k)[1]) for k, p in PERIODS.items()],
        app_icons=list(APP_ICONS), app_colors=list(APP_COLORS))
