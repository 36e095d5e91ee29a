/**
 * The list page's filter builder as data: rows of field / operator / value in AND / OR groups,
 * turned into the expression JSON AST the records API accepts, into formula text, and back.
 *
 *   toAst({ combinator: 'and', items: [{ field: 'status', operator: 'eq', value: 'open' }] }, kinds)
 *     → {"==": [{"var": "status"}, "open"]}
 *   toFormula(same) → 'status = "open"'
 *
 * `fromAst` reads back only what the builder writes; anything else (a formula with functions of its
 * own) answers null, and the page keeps it as formula text, so switching never changes the meaning.
 */

export type Combinator = 'and' | 'or'
export type OperatorKey = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'empty' | 'notEmpty' | 'period'

export interface FilterRow {
  field: string
  operator: OperatorKey
  value?: string | number | boolean | null
}

export interface FilterGroup {
  combinator: Combinator
  items: (FilterRow | FilterGroup)[]
}

/**
 * A named period from the server's catalog (`date_presets`): the expressions of its first day and of
 * the day after its last, over `$today`. A period row on field f is `f >= start AND f < stop`.
 */
export interface DatePreset {
  key: string
  start: unknown
  stop: unknown
}

/** What the builder needs to know of a field: its kind and its type in expressions (catalog value_type). */
export interface FieldInfo {
  kind: string
  valueType: string
}

import { parseFormula, toFormula as exprFormula } from './expr'
import { isFormulaText, jsonFilterFromUrl } from './filterUrl'

type Ast = unknown

const COMPARISONS: Record<string, OperatorKey> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' }
const AST_OF: Record<string, string> = Object.fromEntries(Object.entries(COMPARISONS).map(([k, v]) => [v, k]))
const FORMULA_OF: Record<string, string> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' }
const CATALOG_NAME: Record<OperatorKey, string> = {
  eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=', contains: 'CONTAINS', empty: 'ISBLANK', notEmpty: 'ISBLANK',
  period: '>=',
}
const ORDERED = new Set(['integer', 'decimal', 'date', 'datetime', 'time', 'duration'])
const DATED = new Set(['date', 'datetime'])
const NUMERIC = new Set(['integer', 'decimal'])
const NUMBER = /^-?\d+(\.\d+)?$/

/**
 * The operators a field offers, limited to what the server's catalog lists (`ops`: the catalog's
 * operator symbols and function names, e.g. "=", "<>", "CONTAINS", "ISBLANK").
 */
export function operatorsFor(field: FieldInfo, ops: ReadonlySet<string>): OperatorKey[] {
  const wanted: OperatorKey[] = []
  const multi = field.valueType === 'multi_select' || field.kind === 'multi_select' || field.kind === 'tags'
  if (!multi) wanted.push('eq', 'ne')
  if (DATED.has(field.valueType)) wanted.push('period')
  if (ORDERED.has(field.valueType)) wanted.push('lt', 'le', 'gt', 'ge')
  if ((field.valueType === 'text' && !isChoice(field)) || multi) wanted.push('contains')
  wanted.push('empty', 'notEmpty')
  return wanted.filter((op) => ops.has(CATALOG_NAME[op]))
}

function isChoice(field: FieldInfo): boolean {
  return field.kind === 'single_select'
}

function astOp(op: OperatorKey): string {
  if (op === 'contains') return 'contains'
  if (op === 'empty' || op === 'notEmpty') return 'is_empty'
  return AST_OF[op] ?? op
}

export function isGroup(item: FilterRow | FilterGroup): item is FilterGroup {
  return 'combinator' in item
}

/** True when a row has what it needs to mean something (a value, unless it tests emptiness). */
export function isComplete(row: FilterRow): boolean {
  if (!row.field) return false
  if (row.operator === 'empty' || row.operator === 'notEmpty') return true
  return row.value !== undefined && row.value !== null && row.value !== ''
}

function literal(row: FilterRow, fields: Record<string, FieldInfo>): Ast {
  const info = fields[row.field]
  if (info && DATED.has(info.valueType) && typeof row.value === 'string') return { date: row.value }
  if (info && NUMERIC.has(info.valueType) && NUMBER.test(String(row.value))) {
    // as the formula parser writes numbers: whole ones as JSON numbers, others as exact decimal text
    const text = String(row.value)
    return /^-?\d+$/.test(text) ? Number(text) : text
  }
  return row.value
}

function periodAst(field: string, preset: DatePreset): Ast {
  return { and: [{ '>=': [{ var: field }, preset.start] }, { '<': [{ var: field }, preset.stop] }] }
}

function rowAst(row: FilterRow, fields: Record<string, FieldInfo>, presets: readonly DatePreset[]): Ast {
  const field = { var: row.field }
  if (row.operator === 'period') {
    const preset = presets.find((p) => p.key === row.value)
    return preset ? periodAst(row.field, preset) : null
  }
  if (row.operator === 'empty') return { is_empty: [field] }
  if (row.operator === 'notEmpty') return { '!': [{ is_empty: [field] }] }
  return { [astOp(row.operator)]: [field, literal(row, fields)] }
}

/**
 * The group as the records API's JSON AST; null when no row is complete (no filter). `presets` are the
 * catalog's named periods, which period rows (`{operator: 'period', value: 'this_week'}`) name.
 */
export function toAst(group: FilterGroup, fields: Record<string, FieldInfo>, presets: readonly DatePreset[] = []): Ast | null {
  const parts = group.items
    .map((item) => (isGroup(item) ? toAst(item, fields, presets) : isComplete(item) ? rowAst(item, fields, presets) : null))
    .filter((part) => part !== null)
  if (parts.length === 0) return null
  return parts.length === 1 ? parts[0] : { [group.combinator]: parts }
}

function quote(value: unknown, numeric = false): string {
  if (numeric && typeof value === 'string' && NUMBER.test(value)) return value
  if (typeof value === 'string') return `"${value.replace(/"/g, '""')}"`
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value && typeof value === 'object' && 'date' in value) return `DATEVALUE(${quote((value as { date: string }).date)})`
  return String(value)
}

function astFormula(ast: Ast, nested: boolean, fields: Record<string, FieldInfo>): string {
  const [op, args] = Object.entries(ast as Record<string, Ast[]>)[0] ?? ['', []]
  if (op === 'and' || op === 'or') {
    const text = args.map((a) => astFormula(a, true, fields)).join(op === 'and' ? ' AND ' : ' OR ')
    return nested ? `(${text})` : text
  }
  if (op === '!') return `NOT ${astFormula(args[0], true, fields)}`
  const field = (args[0] as { var: string }).var
  if (op === 'is_empty') return `ISBLANK(${field})`
  if (op === 'contains') return `CONTAINS(${field}, ${quote(args[1])})`
  const bound = isExpression(args[1]) ? exprFormula(args[1]) : quote(args[1], NUMERIC.has(fields[field]?.valueType ?? ''))
  return `${field} ${FORMULA_OF[COMPARISONS[op] ?? ''] ?? op} ${bound}`
}

/** A computed bound (a period's `WEEKSTART($today)`), not a literal. */
function isExpression(node: Ast): boolean {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !('date' in node)
}

/** The same filter as formula text, for the formula box; "" when there is no filter. */
export function toFormula(group: FilterGroup, fields: Record<string, FieldInfo>, presets: readonly DatePreset[] = []): string {
  const ast = toAst(group, fields, presets)
  return ast === null ? '' : astFormula(ast, false, fields)
}

function varOf(node: Ast): string | null {
  return node && typeof node === 'object' && 'var' in node && typeof (node as { var: unknown }).var === 'string'
    ? (node as { var: string }).var
    : null
}

function valueOf(node: Ast): FilterRow['value'] | undefined {
  if (node === null || ['string', 'number', 'boolean'].includes(typeof node)) return node as FilterRow['value']
  if (typeof node === 'object' && 'date' in node && typeof (node as { date: unknown }).date === 'string') {
    return (node as { date: string }).date
  }
  return undefined
}

function rowFromAst(op: string, args: Ast[]): FilterRow | null {
  if (op === '!' && args.length === 1) {
    const inner = soleEntry(args[0])
    const field = inner && inner[0] === 'is_empty' ? varOf(inner[1][0]) : null
    return field ? { field, operator: 'notEmpty' } : null
  }
  const field = varOf(args[0])
  if (!field) return null
  if (op === 'is_empty' && args.length === 1) return { field, operator: 'empty' }
  const operator = op === 'contains' ? 'contains' : COMPARISONS[op]
  const value = valueOf(args[1])
  if (!operator || args.length !== 2 || value === undefined) return null
  return { field, operator, value: typeof value === 'number' ? String(value) : value }
}

/** `f >= start AND f < stop` of a catalog period, as its row; null for anything else. */
function periodRow(ast: Ast, presets: readonly DatePreset[]): FilterRow | null {
  const entry = soleEntry(ast)
  if (!entry || entry[0] !== 'and' || entry[1].length !== 2) return null
  const [low, high] = entry[1].map(soleEntry)
  if (!low || !high || low[0] !== '>=' || high[0] !== '<') return null
  const field = varOf(low[1][0])
  if (!field || field !== varOf(high[1][0])) return null
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  const preset = presets.find((p) => same(p.start, low[1][1]) && same(p.stop, high[1][1]))
  return preset ? { field, operator: 'period', value: preset.key } : null
}

/** The builder's rows for an AST it could have written; null for anything else. */
export function fromAst(ast: Ast | null | undefined, presets: readonly DatePreset[] = []): FilterGroup | null {
  if (ast === null || ast === undefined) return { combinator: 'and', items: [] }
  if (typeof ast !== 'object' || Array.isArray(ast)) return null
  const entry = soleEntry(ast)
  if (!entry) return null
  const period = periodRow(ast, presets)
  if (period) return { combinator: 'and', items: [period] }
  const [op, args] = entry
  if (op === 'and' || op === 'or') {
    const items: (FilterRow | FilterGroup)[] = []
    for (const arg of args) {
      const nested = arg && typeof arg === 'object' && ('and' in arg || 'or' in arg)
      const inner = periodRow(arg, presets) ?? (nested ? fromAst(arg, presets) : single(arg))
      if (!inner) return null
      items.push(inner)
    }
    return { combinator: op, items }
  }
  const row = rowFromAst(op, args)
  return row ? { combinator: 'and', items: [row] } : null
}

function single(ast: Ast): FilterRow | null {
  const entry = soleEntry(ast)
  return entry ? rowFromAst(entry[0], entry[1]) : null
}

/** `{op: [args]}`, the shape of every AST node but var and literals. */
function soleEntry(ast: Ast): [string, Ast[]] | null {
  if (!ast || typeof ast !== 'object' || Array.isArray(ast)) return null
  const entries = Object.entries(ast as Record<string, unknown>)
  const first = entries[0]
  if (entries.length !== 1 || !first || !Array.isArray(first[1])) return null
  return [first[0], first[1] as Ast[]]
}

/**
 * Formula text as the JSON AST the API takes (decimals become their exact text, as JSON carries
 * them); throws the parser's ExprError, whose issues carry line and column.
 */
export function formulaAst(text: string): Ast | null {
  if (!text.trim()) return null
  return JSON.parse(JSON.stringify(parseFormula(text))) as Ast
}

/**
 * The `?filter=` of a list address (a dashboard's drill-down, a shared link): expression JSON or formula
 * text, as the records API takes it; null when it is neither.
 *
 *   filterFromUrl('{"==":[{"var":"priority"},"P1"]}') → {"==": [{"var": "priority"}, "P1"]}
 *   filterFromUrl('priority = "P1"')                  → the same AST
 */
export function filterFromUrl(raw: string | null): Ast | null {
  if (raw === null) return null
  if (!isFormulaText(raw)) return jsonFilterFromUrl(raw)
  try {
    return formulaAst(raw)
  } catch {
    return null
  }
}
