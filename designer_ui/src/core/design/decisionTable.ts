/**
 * A decision table as a grid: cells as the text a person types, the server's problems placed on the cells
 * they concern (an overlap on both rows' cells, a gap above the grid), and edits as JSON-path ops that touch
 * only the cell, row or column changed — so a table opened and saved unchanged stays byte-identical.
 *
 *   cellText(['quality', 'logistics'], 'text') → 'quality, logistics'
 *   parseCell('[1..5)', 'integer')             → '[1..5)'   (the engine reads ranges and comparisons)
 *   parseCell('=amount > 2 * limit', 'decimal') → {formula: 'amount > 2 * limit'}
 */
import type { ScopeField } from '../expr/scope'
import { pickLabel } from '../labels'
import type { Problem } from './draftStore'
import type { Op } from './ops'
import type { Obj } from './rules'

export type ValueType = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'any'

export interface Column {
  key: string
  label?: Record<string, string>
  type?: ValueType
  values?: unknown[]
  priority?: unknown[]
}

export interface TableDef {
  key: string
  hit_policy?: string
  aggregate?: string
  inputs: Column[]
  outputs: Column[]
  rows: { when?: Obj; then?: Obj; note?: string }[]
  default?: Obj
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const NUMBER = /^-?\d+(\.\d+)?$/

export function asTable(raw: unknown): TableDef | null {
  if (!isObj(raw) || !Array.isArray(raw.inputs) || !Array.isArray(raw.outputs) || !Array.isArray(raw.rows)) return null
  return raw as unknown as TableDef
}

function atom(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** A condition cell as text: blank for "any", `=` before an expression, a list as comma-separated values. */
export function cellText(raw: unknown): string {
  if (raw === undefined || raw === null || raw === '-') return ''
  if (Array.isArray(raw)) return raw.map(atom).join(', ')
  if (isObj(raw)) {
    if (typeof raw.formula === 'string') return `=${raw.formula}`
    return `=${JSON.stringify(raw.expr ?? raw)}`
  }
  return atom(raw)
}

function literal(text: string, type: ValueType | undefined): unknown {
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  if ((type === 'integer' || type === 'decimal') && NUMBER.test(text)) return Number(text)
  return text
}

/** The JSON of a condition cell typed as text (`undefined`: the cell matches anything and is left out). */
export function parseCell(text: string, type: ValueType | undefined): unknown {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed === '-') return undefined
  if (trimmed.startsWith('=')) return { formula: trimmed.slice(1).trim() }
  const ranged = /^[[(].*\.\..*[\])]$/.test(trimmed)
  const compared = /^(>=|<=|!=|>|<|=)/.test(trimmed)
  if (!ranged && !compared && trimmed.includes(',')) {
    return trimmed.split(',').map((part) => literal(part.trim(), type)).filter((v) => v !== '')
  }
  return ranged || compared ? trimmed : literal(trimmed, type)
}

/** An output cell as text, and back (blank: the row sets no value for it). */
export function outputText(raw: unknown): string {
  return atom(raw)
}

export function parseOutput(text: string, type: ValueType | undefined): unknown {
  const trimmed = text.trim()
  return trimmed === '' ? undefined : literal(trimmed, type)
}

/** What a condition cell's formula may read: the table's inputs, with their labels, types and listed values. */
export function inputScope(table: TableDef, locale: string): ScopeField[] {
  return table.inputs.map((c) => ({
    path: c.key,
    label: pickLabel(c.label, locale, c.key),
    kind: c.type ?? 'any',
    type: c.type ?? 'any',
    options: (c.values ?? []).filter((v): v is string => typeof v === 'string').map((v) => ({ value: v, label: v })),
  }))
}

/** The cell (condition or result) a JSON path names in table `/rules/<index>` (`/rules/2/rows/1/when/vip` → `when/1/vip`), else null. */
export function cellAt(pointer: string | null, index: number): string | null {
  const m = pointer === null ? null : /^\/rules\/(\d+)\/rows\/(\d+)\/(when|then)\/([^/]+)/.exec(pointer)
  return m && Number(m[1]) === index ? `${m[3] ?? ''}/${m[2] ?? ''}/${m[4] ?? ''}` : null
}

export type CellId = `when/${number}/${string}` | `then/${number}/${string}`

export interface TableMarks {
  /** Problems on one cell: condition cells `when/<row>/<input>`, result cells `then/<row>/<output>`. */
  cells: Map<string, string[]>
  /** Problems on a whole row (an overlap names both rows). */
  rows: Map<number, string[]>
  /** Problems of the table itself: gaps, hit policy, columns. */
  table: string[]
}

function add(map: Map<string, string[]> | Map<number, string[]>, key: string | number, message: string): void {
  const m = map as Map<string | number, string[]>
  const list = m.get(key) ?? []
  if (!list.includes(message)) list.push(message)
  m.set(key, list)
}

/** The inputs an overlap's example names: "rows 0 and 1 overlap … (e.g. category='quality', vip=True)". */
function namedInputs(message: string, inputs: readonly string[]): string[] {
  const example = /\(e\.g\. (.*)\)$/.exec(message)?.[1] ?? ''
  const named = [...example.matchAll(/(?:^|, )([a-z][a-z0-9_]*)=/g)].map((m) => m[1] ?? '')
  const known = named.filter((k) => inputs.includes(k))
  return known.length > 0 ? known : [...inputs]
}

/** The server's problems of table `/rules/<index>` placed on its cells, rows and the table. */
export function tableMarks(problems: readonly Problem[], index: number, table: TableDef): TableMarks {
  const marks: TableMarks = { cells: new Map(), rows: new Map(), table: [] }
  const base = `/rules/${String(index)}`
  const inputs = table.inputs.map((c) => c.key)
  for (const { path, message } of problems) {
    if (path !== base && !path.startsWith(`${base}/`)) continue
    const cell = /^\/rows\/(\d+)\/(when|then)\/([^/]+)/.exec(path.slice(base.length))
    const row = /^\/rows\/(\d+)$/.exec(path.slice(base.length))
    if (cell) {
      add(marks.cells, `${cell[2] ?? ''}/${cell[1] ?? ''}/${cell[3] ?? ''}`, message)
      add(marks.rows, Number(cell[1]), message)
    } else if (row) {
      const overlap = /^rows (\d+) and (\d+) overlap/.exec(message)
      const rows = overlap ? [Number(overlap[1]), Number(overlap[2])] : [Number(row[1])]
      for (const r of rows) {
        add(marks.rows, r, message)
        if (overlap) for (const k of namedInputs(message, inputs)) add(marks.cells, `when/${String(r)}/${k}`, message)
      }
    } else {
      marks.table.push(message)
    }
  }
  return marks
}

const tablePath = (index: number): string[] => ['rules', String(index)]

/** Set one cell (`undefined` removes it: "any" for a condition, no value for a result). */
export function setCellOps(table: TableDef, index: number, row: number, part: 'when' | 'then', key: string,
  value: unknown): Op[] {
  const current = table.rows[row]?.[part]
  const path = [...tablePath(index), 'rows', String(row), part]
  if (!isObj(current)) return value === undefined ? [] : [{ op: 'set', path, value: { [key]: value } }]
  if (value === undefined) return key in current ? [{ op: 'remove', path: [...path, key] }] : []
  if (JSON.stringify(current[key]) === JSON.stringify(value)) return []
  return [{ op: 'set', path: [...path, key], value }]
}

export function insertRowOps(index: number, at: number): Op[] {
  return [{ op: 'insert', path: [...tablePath(index), 'rows', String(at)], value: { when: {}, then: {} } }]
}

export function removeRowOps(table: TableDef, index: number, row: number): { ops: Op[]; restore: Op[] } {
  const path = [...tablePath(index), 'rows', String(row)]
  return { ops: [{ op: 'remove', path }], restore: [{ op: 'insert', path, value: table.rows[row], clamp: true }] }
}

export function addColumnOps(table: TableDef, index: number, part: 'inputs' | 'outputs', key: string,
  label: Record<string, string>): Op[] {
  return [{ op: 'insert', path: [...tablePath(index), part, String(table[part].length)], value: { key, label } }]
}

/** A column renamed: its definition and the same key in every row, each keeping its place among the others. */
export function renameColumnOps(table: TableDef, index: number, part: 'inputs' | 'outputs', column: number,
  key: string): Op[] {
  const old = table[part][column]?.key
  if (old === undefined || old === key) return []
  const cells = part === 'inputs' ? 'when' : 'then'
  const ops: Op[] = [{ op: 'set', path: [...tablePath(index), part, String(column), 'key'], value: key }]
  table.rows.forEach((row, r) => {
    const values = row[cells]
    if (!isObj(values) || !(old in values)) return
    const renamed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k === old ? key : k, v]))
    ops.push({ op: 'set', path: [...tablePath(index), 'rows', String(r), cells], value: renamed })
  })
  return ops
}
