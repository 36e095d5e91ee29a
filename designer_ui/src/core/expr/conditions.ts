/**
 * The condition builder's model: nested AND / OR groups of field / operator / value rows, read from
 * and written back to the expression AST. `toConditions` answers null for an AST the rows cannot
 * show, so the designer keeps it as formula text; `fromConditions(toConditions(ast))` is the same AST
 * (operator aliases aside), so switching between the two never changes what the expression means.
 *
 *   toConditions(parseFormula('status = "closed" OR IN(priority, "P1", "P2")'))
 *   → {join: 'or', items: [{field: 'status', op: '==', value: {kind: 'const', value: 'closed'}},
 *                          {field: 'priority', op: 'in', value: {kind: 'list', values: ['P1', 'P2']}}]}
 */
import Decimal from 'decimal.js'

import { canonical } from './ops'
import type { Ast } from './parse'

/** What a row compares its field with: a constant, a list of constants, another field, or a date relative to today / now. */
export type RowValue =
  | { kind: 'const'; value: Ast }
  | { kind: 'list'; values: Ast[] }
  | { kind: 'field'; path: string }
  | { kind: 'relative'; base: RelativeBase; days: number }
  | { kind: 'none' }

/** `TODAY()`, `NOW()`, or the context values `$today`, `$now` (kept as written). */
export type RelativeBase = 'today' | 'now' | '$today' | '$now'

export interface ConditionRow {
  type: 'row'
  field: string
  op: RowOp
  value: RowValue
}

export interface ConditionGroup {
  type: 'group'
  join: 'and' | 'or'
  items: ConditionItem[]
}

export type ConditionItem = ConditionRow | ConditionGroup

/** Row operators; `has` / `not_has`: a multi-select (or list) field holds the value. */
export const ROW_OPS = ['==', '!=', '<', '<=', '>', '>=', 'in', 'not_in', 'has', 'not_has', 'contains', 'not_contains',
  'starts_with', 'ends_with', 'is_empty', 'not_empty', 'is_null', 'not_null'] as const
export type RowOp = (typeof ROW_OPS)[number]

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>='])
const UNARY: Record<string, RowOp> = { is_empty: 'is_empty', is_null: 'is_null' }
const TEXT_OPS: Record<string, RowOp> = { contains: 'contains', starts_with: 'starts_with', ends_with: 'ends_with' }
const NEGATED: Partial<Record<RowOp, RowOp>> = { in: 'not_in', has: 'not_has', contains: 'not_contains', is_empty: 'not_empty',
  is_null: 'not_null' }
const POSITIVE: Partial<Record<RowOp, RowOp>> = Object.fromEntries(Object.entries(NEGATED).map(([k, v]) => [v, k]))

/** Operators that take no value. */
export const NO_VALUE: ReadonlySet<RowOp> = new Set(['is_empty', 'not_empty', 'is_null', 'not_null'])

type Op = { [op: string]: Ast }

const isDecimal = (v: unknown): v is Decimal => Decimal.isDecimal(v)
const isOperation = (v: Ast | undefined): v is Op =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isDecimal(v) && Object.keys(v).length === 1

function opOf(ast: Ast | undefined): [string, Ast[]] | null {
  if (!isOperation(ast)) return null
  const [key, value] = Object.entries(ast)[0] as [string, Ast]
  return [canonical(key), Array.isArray(value) ? value : [value]]
}

function fieldOf(ast: Ast | undefined): string | null {
  const op = opOf(ast)
  return op && op[0] === 'var' && typeof op[1][0] === 'string' && !op[1][0].startsWith('$') ? op[1][0] : null
}

const isConstant = (v: Ast | undefined): boolean =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || isDecimal(v)

function isTemporal(ast: Ast | undefined): boolean {
  const op = opOf(ast)
  return op !== null && (op[0] === 'date' || op[0] === 'datetime') && typeof op[1][0] === 'string'
}

function relative(ast: Ast | undefined): RowValue | null {
  const op = opOf(ast)
  if (!op) return null
  const base = (a: Ast | undefined): RelativeBase | null => {
    const inner = opOf(a)
    if (inner && (inner[0] === 'today' || inner[0] === 'now') && inner[1].length === 0) return inner[0]
    return inner && inner[0] === 'var' && (inner[1][0] === '$today' || inner[1][0] === '$now') ? inner[1][0] : null
  }
  const direct = base(ast)
  if (direct) return { kind: 'relative', base: direct, days: 0 }
  const [name, args] = op
  const start = base(args[0])
  const days = args[1]
  if ((name === '+' || name === '-') && args.length === 2 && start && typeof days === 'number' && Number.isInteger(days) && days > 0) {
    return { kind: 'relative', base: start, days: name === '-' ? -days : days }
  }
  return null
}

/** A row's right-hand side, or null when it is an expression the builder cannot edit. */
function valueOf(ast: Ast | undefined): RowValue | null {
  if (isConstant(ast) || isTemporal(ast)) return { kind: 'const', value: ast as Ast }
  const path = fieldOf(ast)
  if (path !== null) return { kind: 'field', path }
  return relative(ast)
}

function row(ast: Ast): ConditionRow | null {
  const op = opOf(ast)
  if (!op) return null
  const [name, args] = op
  if (name === 'not' && args.length === 1) {
    const inner = row(args[0] as Ast)
    const negated = inner && NEGATED[inner.op]
    return inner && negated ? { ...inner, op: negated } : null
  }
  const field = fieldOf(args[0])
  if (COMPARE.has(name) && args.length === 2 && field !== null) {
    const value = valueOf(args[1])
    return value && { type: 'row', field, op: name as RowOp, value }
  }
  if (name in UNARY && args.length === 1 && field !== null) return { type: 'row', field, op: UNARY[name] as RowOp, value: { kind: 'none' } }
  if (name in TEXT_OPS && args.length === 2 && field !== null && typeof args[1] === 'string') {
    return { type: 'row', field, op: TEXT_OPS[name] as RowOp, value: { kind: 'const', value: args[1] } }
  }
  if (name === 'in' && args.length === 2) {
    const list = args[1]
    if (field !== null && Array.isArray(list) && list.length > 0 && list.every(isConstant)) {
      return { type: 'row', field, op: 'in', value: { kind: 'list', values: list } }
    }
    const holder = fieldOf(list)
    if (holder !== null && isConstant(args[0])) return { type: 'row', field: holder, op: 'has', value: { kind: 'const', value: args[0] as Ast } }
  }
  return null
}

/** The AST as builder rows in groups (the root is always a group), or null if it cannot be shown. */
export function toConditions(ast: Ast): ConditionGroup | null {
  const item = toItem(ast)
  if (item === null) return null
  return item.type === 'group' ? item : { type: 'group', join: 'and', items: [item] }
}

function toItem(ast: Ast): ConditionItem | null {
  const op = opOf(ast)
  if (op && (op[0] === 'and' || op[0] === 'or') && op[1].length >= 2) {
    const items = op[1].map(toItem)
    return items.every((i): i is ConditionItem => i !== null) ? { type: 'group', join: op[0], items } : null
  }
  return row(ast)
}

function valueAst(value: RowValue): Ast {
  switch (value.kind) {
    case 'const':
      return value.value
    case 'list':
      return value.values
    case 'field':
      return { var: value.path }
    case 'relative': {
      const base = value.base.startsWith('$') ? { var: value.base } : { [value.base]: [] }
      if (value.days === 0) return base
      return { [value.days < 0 ? '-' : '+']: [base, Math.abs(value.days)] }
    }
    case 'none':
      return null
  }
}

function rowAst(r: ConditionRow): Ast {
  const positive = POSITIVE[r.op]
  if (positive) return { '!': [rowAst({ ...r, op: positive })] }
  const field = { var: r.field }
  if (r.op === 'is_empty' || r.op === 'is_null') return { [r.op]: [field] }
  if (r.op === 'has') return { in: [valueAst(r.value), field] }
  return { [r.op]: [field, valueAst(r.value)] }
}

/**
 * Rows back to the AST: a group of one item is that item; an empty group (or a row without a field) is
 * dropped, and an empty root gives null (no condition).
 */
export function fromConditions(group: ConditionGroup): Ast {
  return itemAst(group) ?? null
}

function itemAst(item: ConditionItem): Ast | undefined {
  if (item.type === 'row') return item.field ? rowAst(item) : undefined
  const parts = item.items.map(itemAst).filter((a): a is Ast => a !== undefined)
  if (parts.length === 0) return undefined
  return parts.length === 1 ? parts[0] : { [item.join]: parts }
}

/** Operators a row offers for a field of this expression type. */
export function opsFor(type: string): RowOp[] {
  const empty: RowOp[] = ['is_empty', 'not_empty']
  switch (type) {
    case 'text':
      return ['==', '!=', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with', ...empty]
    case 'text_list':
      return ['has', 'not_has', ...empty]
    case 'integer':
    case 'decimal':
    case 'date':
    case 'datetime':
      return ['==', '!=', '<', '<=', '>', '>=', 'is_null', 'not_null']
    case 'boolean':
      return ['==', '!=', 'is_null', 'not_null']
    case 'user':
    case 'department':
      return ['==', '!=', 'in', 'not_in', 'is_null', 'not_null']
    default:
      return [...ROW_OPS]
  }
}

/** A fresh row for a field: its first operator and an empty value of the right shape. */
export function newRow(field: string, type: string): ConditionRow {
  const op = opsFor(type)[0] ?? '=='
  return { type: 'row', field, op, value: emptyValue(op, type) }
}

/** The value a row gets when its operator changes to `op`. */
export function emptyValue(op: RowOp, type: string): RowValue {
  if (NO_VALUE.has(op)) return { kind: 'none' }
  if (op === 'in' || op === 'not_in') return { kind: 'list', values: [] }
  if (type === 'boolean') return { kind: 'const', value: true }
  return { kind: 'const', value: null }
}
