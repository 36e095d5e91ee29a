/**
 * The report designer's model: a report definition (`dajian/engines/report/model.py::ReportDef`) read
 * from the draft and edited with JSON-path ops, so every change is one undo step and nothing the
 * designer does not touch is rewritten.
 *
 *   addDimensionOps(doc, 0, 'dimensions', {path: 'created_at', …, valueType: 'datetime'}, 1, 'month')
 *   → [{op: 'insert', path: ['reports', '0', 'dimensions', '1'], value: {field: 'created_at', granularity: 'month'}}]
 */
import type { Label } from '../labels'
import { uniqueKey } from './keys'
import type { Op } from './ops'
import { getAt } from './pointer'

export type Zone = 'dimensions' | 'columns' | 'measures'
export const ZONES: readonly Zone[] = ['dimensions', 'columns', 'measures']

export interface DimensionDef {
  field: string
  key?: string
  label?: Label
  granularity?: string | null
  level?: number | null
}

export interface MeasureDef {
  key: string
  label?: Label
  agg?: string | null
  field?: string | null
  expr?: unknown
  where?: unknown
  p?: number | null
  ratio?: string[] | null
  format?: string | null
}

export interface ChartDefLike {
  type?: string
  [k: string]: unknown
}

export interface ReportDefLike {
  key: string
  label?: Label
  dataset?: { form?: string; join?: string[]; subtable?: string | null }
  params?: { key: string; type: string; field?: string | null; default?: unknown }[]
  filter?: unknown
  dimensions?: DimensionDef[]
  columns?: DimensionDef[]
  measures?: MeasureDef[]
  sort?: { by: string; desc?: boolean }[]
  limit?: number | null
  top?: { dimension: string; n: number; by: string; others?: boolean } | null
  totals?: boolean
  compare?: { param: string } | null
  chart?: ChartDefLike
}

/** A field a report can read: the form's own, a standard column, or `relation.field` through a join. */
export interface SourceField {
  path: string
  label: Label
  kind: string
  valueType: string
  groupable: boolean
  /** The relation this field is read through (it must be in dataset.join). */
  via: string | null
}

export interface KindInfo {
  value_type: string
  groupable: boolean
}

type FieldObj = { key?: unknown; kind?: unknown; label?: Label; config?: { form?: unknown; result?: unknown } }
type FormObj = { key?: unknown; label?: Label; fields?: FieldObj[] }

/** Columns every form has (`dajian/engines/report/source.py::STANDARD_TYPES`, the ones a report shows). */
export const STANDARD_FIELDS: readonly { key: string; valueType: string; kind: string }[] = [
  { key: 'created_at', valueType: 'datetime', kind: 'datetime' },
  { key: 'updated_at', valueType: 'datetime', kind: 'datetime' },
  { key: 'created_by', valueType: 'user', kind: 'user' },
  { key: 'owner_id', valueType: 'user', kind: 'user' },
  { key: 'dept_id', valueType: 'department', kind: 'department' },
]

const TIME_TYPES = new Set(['date', 'datetime'])

export function reportsOf(doc: unknown): ReportDefLike[] {
  const reports = getAt(doc, ['reports'])
  return Array.isArray(reports) ? (reports as ReportDefLike[]) : []
}

export function reportIndex(doc: unknown, key: string): number {
  return reportsOf(doc).findIndex((r) => r.key === key)
}

export function formsOf(doc: unknown): FormObj[] {
  const forms = getAt(doc, ['forms'])
  return Array.isArray(forms) ? (forms as FormObj[]) : []
}

/** The result column name of a dimension, as the engine names it (`Dimension.name`). */
export function dimensionName(d: DimensionDef): string {
  if (d.key) return d.key
  const base = d.field.replace('.', '_')
  if (d.granularity) return `${base}_${d.granularity}`
  return d.level === null || d.level === undefined ? base : `${base}_l${String(d.level)}`
}

export function isTime(field: SourceField): boolean {
  return TIME_TYPES.has(field.valueType)
}

/**
 * A field's value type for the report: its kind's, except a formula, whose values are of its result type
 * (`config.result`, decimal when unset, as the server's FormulaConfig) rather than "any".
 *
 *   valueTypeOf({kind: 'formula', formula: 'SUM(parts.amount)'}, {value_type: 'any'}) → 'decimal'
 */
export function valueTypeOf(field: { kind?: unknown; config?: { result?: unknown } | null }, info: { value_type: string }): string {
  if (field.kind !== 'formula') return info.value_type
  const result = field.config?.result
  return typeof result === 'string' ? result : 'decimal'
}

function fieldsOfForm(form: FormObj | undefined, kinds: ReadonlyMap<string, KindInfo>, prefix: string,
  standardLabels: Record<string, Label>): SourceField[] {
  if (!form) return []
  const via = prefix ? prefix.slice(0, -1) : null
  const own = (form.fields ?? []).flatMap((f): SourceField[] => {
    if (typeof f.key !== 'string' || typeof f.kind !== 'string') return []
    const info = kinds.get(f.kind)
    if (!info) return []
    return [{ path: prefix + f.key, label: f.label ?? {}, kind: f.kind, valueType: valueTypeOf(f, info), groupable: info.groupable, via }]
  })
  const standard = STANDARD_FIELDS.map((s) => ({ path: prefix + s.key, label: standardLabels[s.key] ?? {}, kind: s.kind,
    valueType: s.valueType, groupable: true, via }))
  return [...own, ...standard]
}

/** Relation fields of `form` (each can be joined: one hop) with the form they point at. */
export function relationsOf(doc: unknown, formKey: string): { key: string; label: Label; form: string }[] {
  const form = formsOf(doc).find((f) => f.key === formKey)
  return (form?.fields ?? []).flatMap((f) => f.kind === 'relation' && typeof f.key === 'string' && typeof f.config?.form === 'string'
    ? [{ key: f.key, label: f.label ?? {}, form: f.config.form }] : [])
}

/** Every field the report's dataset reads: its form's, then those of each joined relation's form. */
export function sourceFields(doc: unknown, report: ReportDefLike, kinds: ReadonlyMap<string, KindInfo>,
  standardLabels: Record<string, Label>): SourceField[] {
  const formKey = report.dataset?.form ?? ''
  const forms = formsOf(doc)
  const own = fieldsOfForm(forms.find((f) => f.key === formKey), kinds, '', standardLabels)
  const joined = new Set(report.dataset?.join ?? [])
  const through = relationsOf(doc, formKey).filter((r) => joined.has(r.key)).flatMap((r) =>
    fieldsOfForm(forms.find((f) => f.key === r.form), kinds, `${r.key}.`, standardLabels))
  return [...own, ...through]
}

const reportPath = (ri: number, ...rest: string[]) => ['reports', String(ri), ...rest]

function listOps(report: ReportDefLike, ri: number, zone: Zone, index: number, value: unknown): Op[] {
  const list = report[zone]
  if (!Array.isArray(list)) return [{ op: 'set', path: reportPath(ri, zone), value: [value] }]
  return [{ op: 'insert', path: reportPath(ri, zone, String(Math.min(index, list.length))), value }]
}

/** The names already used by dimensions, columns and measures (they share one result row). */
export function takenNames(report: ReportDefLike): Set<string> {
  return new Set([...(report.dimensions ?? []), ...(report.columns ?? [])].map(dimensionName)
    .concat((report.measures ?? []).map((m) => m.key)))
}

/** A dimension for `field`: a time field groups by `bucket` (month unless told); the name stays unique. */
export function newDimension(report: ReportDefLike, field: SourceField, bucket?: string): DimensionDef {
  const d: DimensionDef = { field: field.path }
  if (isTime(field)) d.granularity = bucket ?? 'month'
  const name = dimensionName(d)
  const taken = takenNames(report)
  if (taken.has(name)) d.key = uniqueKey(name.slice(0, 58), taken, { numbered: true })
  return d
}

export function addDimensionOps(doc: unknown, ri: number, zone: 'dimensions' | 'columns', field: SourceField, index: number,
  bucket?: string): Op[] {
  const report = reportsOf(doc)[ri]
  if (!report) return []
  return [...joinOps(report, ri, field), ...listOps(report, ri, zone, index, newDimension(report, field, bucket))]
}

/** Reading a field through a relation joins it, once. */
function joinOps(report: ReportDefLike, ri: number, field: SourceField): Op[] {
  if (!field.via || (report.dataset?.join ?? []).includes(field.via)) return []
  return [{ op: 'set', path: reportPath(ri, 'dataset', 'join'), value: [...(report.dataset?.join ?? []), field.via] }]
}

/** The aggregates a field takes (`accepts` null: any); a drop with no field counts records. */
export function aggregatesFor<T extends { key: string; accepts?: string[] | null; needs_value: boolean }>(
  aggregates: readonly T[], field: SourceField | null): T[] {
  if (!field) return aggregates.filter((a) => !a.needs_value)
  return aggregates.filter((a) => a.accepts === null || a.accepts === undefined || a.accepts.includes(field.valueType))
}

/** A measure of `agg` over `field` (none: count records); numbers sum by default, other values count distinct. */
export function newMeasure(report: ReportDefLike, field: SourceField | null, agg: string, label: Label): MeasureDef {
  const base = field ? `${agg}_${field.path.replace('.', '_')}` : 'n'
  const taken = takenNames(report)
  const key = uniqueKey(base.slice(0, 58), taken, { numbered: taken.has(base) })
  const m: MeasureDef = { key, label, agg }
  if (field) m.field = field.path
  if (agg === 'percentile') m.p = 0.9
  return m
}

export function defaultAggregate(field: SourceField | null, available: readonly string[]): string {
  const want = !field ? 'count' : ['integer', 'decimal'].includes(field.valueType) ? 'sum' : 'count_distinct'
  return available.includes(want) ? want : (available[0] ?? 'count')
}

export function addMeasureOps(doc: unknown, ri: number, measure: MeasureDef, index: number, field: SourceField | null): Op[] {
  const report = reportsOf(doc)[ri]
  if (!report) return []
  return [...(field ? joinOps(report, ri, field) : []), ...listOps(report, ri, 'measures', index, measure)]
}

/** Move a dimension between rows and columns, or reorder within one; measures only reorder. */
export function moveItemOps(doc: unknown, ri: number, from: { zone: Zone; index: number }, to: { zone: Zone; index: number }): Op[] {
  const report = reportsOf(doc)[ri]
  if (!report) return []
  if ((from.zone === 'measures') !== (to.zone === 'measures')) return []
  const source = report[from.zone] ?? []
  const item = source[from.index]
  if (item === undefined) return []
  if (from.zone === to.zone) {
    // `to.index` counts the list with the item still in it; once it has left, later slots shift down
    const target = Math.min(to.index > from.index ? to.index - 1 : to.index, source.length - 1)
    if (target === from.index) return []
    return [{ op: 'move', from: reportPath(ri, from.zone, String(from.index)), path: reportPath(ri, to.zone, String(target)) }]
  }
  const ops: Op[] = [{ op: 'remove', path: reportPath(ri, from.zone, String(from.index)) }]
  const dest = report[to.zone]
  if (!Array.isArray(dest)) ops.push({ op: 'set', path: reportPath(ri, to.zone), value: [item] })
  else ops.push({ op: 'insert', path: reportPath(ri, to.zone, String(Math.min(to.index, dest.length))), value: item })
  return ops
}

/** Remove a dimension or measure, and the sort keys, top-N and chart references that named it. */
export function removeItemOps(doc: unknown, ri: number, zone: Zone, index: number): Op[] {
  const report = reportsOf(doc)[ri]
  const item = report?.[zone]?.[index]
  if (!report || item === undefined) return []
  const name = zone === 'measures' ? (item as MeasureDef).key : dimensionName(item as DimensionDef)
  const ops: Op[] = [{ op: 'remove', path: reportPath(ri, zone, String(index)) }]
  const sort = report.sort ?? []
  if (sort.some((s) => s.by === name)) ops.push({ op: 'set', path: reportPath(ri, 'sort'), value: sort.filter((s) => s.by !== name) })
  if (report.top && (report.top.by === name || report.top.dimension === name)) ops.push({ op: 'remove', path: reportPath(ri, 'top') })
  const chart = report.chart ?? {}
  for (const k of ['x', 'series'] as const) {
    if (chart[k] === name) ops.push({ op: 'remove', path: reportPath(ri, 'chart', k) })
  }
  if (Array.isArray(chart.y) && chart.y.includes(name)) {
    const rest = (chart.y as string[]).filter((y) => y !== name)
    ops.push(rest.length ? { op: 'set', path: reportPath(ri, 'chart', 'y'), value: rest } : { op: 'remove', path: reportPath(ri, 'chart', 'y') })
  }
  return ops
}

/** Set (or, with undefined, remove) one property of the report; a missing parent object is created. */
export function setReportOps(doc: unknown, ri: number, path: readonly string[], value: unknown): Op[] {
  const report = reportsOf(doc)[ri]
  if (!report) return []
  const full = reportPath(ri, ...path)
  const current = getAt(doc, full)
  if (value === undefined) return current === undefined ? [] : [{ op: 'remove', path: full }]
  if (JSON.stringify(current) === JSON.stringify(value)) return []
  for (let depth = 1; depth < path.length; depth++) {
    const parentPath = reportPath(ri, ...path.slice(0, depth))
    if (getAt(doc, parentPath) === undefined) {
      let nested: unknown = value
      for (let i = path.length - 1; i >= depth; i--) nested = { [path[i] ?? '']: nested }
      return [{ op: 'set', path: parentPath, value: nested }]
    }
  }
  return [{ op: 'set', path: full, value }]
}

/** A new report on `form` counting its records as a bar chart. */
export function newReport(doc: unknown, form: string, label: Label, countLabel: Label): ReportDefLike {
  const taken = new Set(reportsOf(doc).map((r) => r.key))
  return { key: uniqueKey(`${form}_report`.slice(0, 55), taken, { numbered: true }), label, dataset: { form },
    measures: [{ key: 'n', label: countLabel, agg: 'count' }], chart: { type: 'bar' } }
}

export function addReportOps(doc: unknown, report: ReportDefLike): Op[] {
  return Array.isArray(getAt(doc, ['reports']))
    ? [{ op: 'insert', path: ['reports', '-'], value: report }]
    : [{ op: 'set', path: ['reports'], value: [report] }]
}

/**
 * What the live preview sends: the report without its label texts (renaming a measure is no reason to
 * query again). Null when it cannot run yet (no form, nothing to compute).
 */
export function previewKey(report: ReportDefLike | undefined): string | null {
  if (!report?.dataset?.form) return null
  if ((report.measures ?? []).length === 0 && (report.dimensions ?? []).length === 0) return null
  return JSON.stringify(report, (k, v: unknown) => (k === 'label' || k === 'description' ? undefined : v))
}

/**
 * Where a problem's JSON path points inside the report designer, e.g. '/reports/2/measures/1/agg'
 * → {report: 2, zone: 'measures', index: 1}.
 */
export function reportSelection(pointer: string): { report: number; zone: Zone | null; index: number | null } | null {
  const m = /^\/reports\/(\d+)(?:\/(dimensions|columns|measures)\/(\d+))?/.exec(pointer)
  if (!m) return null
  return { report: Number(m[1]), zone: (m[2] as Zone | undefined) ?? null, index: m[3] === undefined ? null : Number(m[3]) }
}
