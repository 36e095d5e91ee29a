/**
 * JSON AST → formula text for the designer (`formula.py`): `parseFormula(toFormula(ast))`
 * gives the AST back, up to operator aliases, so a condition built visually can be edited as text.
 *
 * `toFormula({"and": [{">": [{"var": "amount"}, 5000]}, {"in": [{"var": "s"}, ["a", "b"]]}]})`
 * is `'amount > 5000 AND IN(s, "a", "b")'`.
 */
import Decimal from 'decimal.js'

import { ExprError } from './model'
import { canonical } from './ops'
import { FUNCTIONS } from './parse'
import { Dec } from './values'

const NAMES: Record<string, string> = {}
for (const [name, op] of Object.entries(FUNCTIONS)) if (!(op in NAMES)) NAMES[op] = name
Object.assign(NAMES, {
  not: 'NOT',
  make_date: 'DATE',
  sum_of: 'SUM',
  avg_of: 'AVERAGE',
  min_of: 'MIN',
  max_of: 'MAX',
  count_of: 'COUNT',
})

const INFIX: Record<string, [number, string]> = {
  or: [1, ' OR '],
  and: [2, ' AND '],
  cat: [5, ' & '],
  '+': [6, ' + '],
  '-': [6, ' - '],
  '*': [7, ' * '],
  '/': [7, ' / '],
  '%': [7, ' % '],
}
const COMPARE: Record<string, string> = { '==': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' }
const IDENT = /^(\$[A-Za-z_][\p{L}\p{N}_]*(\.[A-Za-z_][\p{L}\p{N}_]*)?|[\p{L}\p{Nl}\p{No}_][\p{L}\p{N}_]*(\.[\p{L}\p{Nl}\p{No}_][\p{L}\p{N}_]*)*)$/u
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TRUE', 'FALSE', 'NULL'])

function refuse(message: string): ExprError {
  return new ExprError([{ message, path: '' }])
}

/** Pretty-print an AST as a formula; `ExprError` for a field name no formula can spell. */
export function toFormula(ast: unknown): string {
  return show(ast, 0)
}

const isOperation = (ast: unknown): ast is Record<string, unknown> =>
  typeof ast === 'object' && ast !== null && !Array.isArray(ast) && !Decimal.isDecimal(ast) && Object.keys(ast).length === 1

function show(ast: unknown, outer: number): string {
  if (isOperation(ast)) {
    const [key, value] = Object.entries(ast)[0] as [string, unknown]
    return operation(key, value, outer)
  }
  return constant(ast)
}

function constant(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'number' || typeof value === 'bigint' || Decimal.isDecimal(value)) {
    const text =
      typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))
        ? BigInt(value).toString()
        : new Dec(typeof value === 'number' ? String(value) : (value as Decimal)).toFixed()
    return text.startsWith('-') ? `(${text})` : text
  }
  if (typeof value === 'string') return `"${value.replace(/"/g, '""')}"`
  throw refuse(`${JSON.stringify(value)} cannot be written in a formula`)
}

const wrap = (text: string, level: number, outer: number): string => (level < outer ? `(${text})` : text)

function operation(key: string, value: unknown, outer: number): string {
  const op = canonical(key)
  let args = Array.isArray(value) ? (value as unknown[]) : [value]
  if (op === 'var') return field(args[0])
  if (op === 'date' || op === 'datetime') return `${op.toUpperCase()}VALUE(${constant(args[0])})`
  if (op === 'not') return wrap('NOT ' + show(args[0], 3), 3, outer)
  const compare = COMPARE[op]
  if (compare && args.length === 2) return wrap(`${show(args[0], 5)} ${compare} ${show(args[1], 5)}`, 4, outer)
  if (op === '-' && args.length === 1) return wrap('-' + show(args[0], 8), 8, outer)
  const infix = INFIX[op]
  if (infix && args.length >= 2) {
    const [level, joiner] = infix
    return wrap(args.map((a, i) => show(a, i === 0 ? level : level + 1)).join(joiner), level, outer)
  }
  if (op === 'in' && args.length === 2 && Array.isArray(args[1])) args = [args[0], ...(args[1] as unknown[])]
  const name = NAMES[op]
  if (name === undefined) throw refuse(`'${key}' has no formula spelling`)
  return `${name}(${args.map((a) => show(a, 0)).join(', ')})`
}

function field(name: unknown): string {
  if (typeof name !== 'string' || !IDENT.test(name) || KEYWORDS.has(name.toUpperCase())) {
    throw refuse(`the field name ${JSON.stringify(name)} cannot be written in a formula`)
  }
  return name
}
