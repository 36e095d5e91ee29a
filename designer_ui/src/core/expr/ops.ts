/**
 * Operator table: arity, type rule and nullability of every operator (`functions.py` and
 * `excel_rules.py`). Extend with `registerOp(name, spec, ...aliases)`; the compiler keeps a
 * table of implementations keyed by the same canonical names.
 */
import Decimal from 'decimal.js'

import { isDateFormat, isNumberFormat } from './format'
import {
  ANY,
  Bad,
  BOOLEAN,
  COLLECTION,
  DATE,
  DATETIME,
  DECIMAL,
  DEPARTMENT,
  INTEGER,
  LIST,
  type Node,
  NULL,
  NUMERIC,
  TEMPORAL,
  TEXT,
  TEXT_LIST,
  USER,
} from './model'

export type Rule = (args: readonly Node[]) => string
export type Nullable = (args: readonly Node[]) => boolean

export interface OpSpec {
  minArgs: number
  maxArgs: number // -1: unbounded
  rule: Rule
  nullable: Nullable
}

const anyNullable: Nullable = (args) => args.some((a) => a.nullable)
const allNullable: Nullable = (args) => args.every((a) => a.nullable)
const never: Nullable = () => false
const always: Nullable = () => true

export const OPS = new Map<string, OpSpec>()
const ALIASES = new Map<string, string>()
export const AGGREGATES: ReadonlySet<string> = new Set(['sum', 'count', 'avg', 'min', 'max', 'any', 'all'])
export const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>='])
/** Scalar forms of the sub-table aggregates: SUM(a, b, 3) as opposed to SUM(items.price). */
export const SCALAR_FORMS: Readonly<Record<string, string>> = {
  sum: 'sum_of',
  avg: 'avg_of',
  min: 'min_of',
  max: 'max_of',
  count: 'count_of',
}
/** Arguments Excel lets one leave out, filled in by the checker: op → [count given, default]. */
export const DEFAULTS: Readonly<Record<string, readonly [number, bigint]>> = {
  left: [1, 1n],
  right: [1, 1n],
  find: [2, 1n],
  search: [2, 1n],
  weekday: [1, 1n],
  ceiling: [1, 1n],
  floor: [1, 1n],
}

export function registerOp(name: string, spec: OpSpec, ...aliases: string[]): void {
  OPS.set(name, spec)
  for (const alias of aliases) ALIASES.set(alias, name)
}

export function canonical(op: string): string {
  return ALIASES.get(op) ?? op
}

export function expect(n: Node, index: number, ...types: string[]): void {
  if (![...types, ANY, NULL].includes(n.type)) throw new Bad(`expected ${types.join(' or ')}, got ${n.type}`, index)
}

export function literal(n: Node, index: number, what: string): unknown {
  if (n.op !== 'lit') throw new Bad(`${what} must be written as a constant`, index)
  return n.value
}

export const isNumeric = (t: string): boolean => NUMERIC.has(t) || t === ANY || t === NULL

export function comparable(a: string, b: string, ordered: boolean): boolean {
  if (a === ANY || b === ANY || ((a === NULL || b === NULL) && !ordered)) return true
  if (a === NULL || b === NULL || a === TEXT_LIST || b === TEXT_LIST) return false
  const ids = new Set([USER, DEPARTMENT, INTEGER])
  const same =
    a === b ||
    (NUMERIC.has(a) && NUMERIC.has(b)) ||
    (TEMPORAL.has(a) && TEMPORAL.has(b)) ||
    (ids.has(a) && ids.has(b) && !ordered)
  return same && !(ordered && [BOOLEAN, USER, DEPARTMENT].includes(a))
}

/** The type of `IF(c, a, b)`. */
export function unify(a: string, b: string): string {
  if (a === b || b === NULL) return a
  if (a === NULL) return b
  if (NUMERIC.has(a) && NUMERIC.has(b)) return DECIMAL
  if (TEMPORAL.has(a) && TEMPORAL.has(b)) return DATETIME
  if (a === ANY || b === ANY) return ANY
  throw new Bad(`the two results have different types (${a} and ${b})`, 2)
}

const booleanArgs: Rule = (args) => {
  args.forEach((a, i) => expect(a, i, BOOLEAN))
  return BOOLEAN
}

const ifRule: Rule = (args) => {
  expect(args[0] as Node, 0, BOOLEAN)
  return unify((args[1] as Node).type, args[2]?.type ?? NULL)
}

const compareRule =
  (ordered: boolean): Rule =>
  (args) => {
    const first = (args[0] as Node).type
    for (let i = 1; i < args.length; i++) {
      const t = (args[i] as Node).type
      if (!comparable(first, t, ordered)) throw new Bad(`cannot compare ${first} with ${t}`, i)
    }
    return BOOLEAN
  }

const inRule: Rule = ([item, within]) => {
  const [i, w] = [item as Node, within as Node]
  if (w.type === LIST) {
    for (const element of w.args) {
      if (!comparable(i.type, element.type, false)) {
        throw new Bad(`cannot look for ${i.type} among ${element.type} values`, 1)
      }
    }
    return BOOLEAN
  }
  expect(w, 1, TEXT, TEXT_LIST)
  expect(i, 0, TEXT)
  return BOOLEAN
}

const containsRule: Rule = (args) => {
  expect(args[0] as Node, 0, TEXT, TEXT_LIST)
  expect(args[1] as Node, 1, TEXT)
  return BOOLEAN
}

const numbers: Rule = (args) => {
  args.forEach((a, i) => {
    if (!isNumeric(a.type)) throw new Bad(`expected a number, got ${a.type}`, i)
  })
  return args.every((a) => a.type === INTEGER || a.type === NULL) ? INTEGER : DECIMAL
}

const toDecimal: Rule = (args) => {
  numbers(args)
  return DECIMAL
}

const textFn =
  (result: string, ...rest: string[]): Rule =>
  (args) => {
    expect(args[0] as Node, 0, TEXT)
    rest.forEach((t, k) => {
      const a = args[k + 1]
      if (a) expect(a, k + 1, t)
    })
    return result
  }

const catRule: Rule = (args) => {
  args.forEach((a, i) => expect(a, i, TEXT, INTEGER, DECIMAL))
  return TEXT
}

const regexRule: Rule = (args) => {
  expect(args[0] as Node, 0, TEXT)
  if (typeof literal(args[1] as Node, 1, 'the pattern') !== 'string') throw new Bad('the pattern must be text', 1)
  return BOOLEAN
}

const returns =
  (result: string): Rule =>
  () =>
    result

const temporalTo =
  (result: string | null): Rule =>
  (args) => {
    args.forEach((a, i) => expect(a, i, DATE, DATETIME))
    return result ?? (args[0] as Node).type
  }

const dateAddRule: Rule = ([value, n, unitNode]) => {
  expect(value as Node, 0, DATE, DATETIME)
  expect(n as Node, 1, INTEGER)
  const unit = literal(unitNode as Node, 2, 'the unit')
  if (unit !== 'days' && unit !== 'hours' && unit !== 'minutes') {
    throw new Bad('the unit must be "days", "hours" or "minutes"', 2)
  }
  if (unit !== 'days' && (value as Node).type === DATE) {
    throw new Bad('a date can only move by days; use a date-time field for hours', 2)
  }
  return (value as Node).type
}

const datediffRule: Rule = (args) => {
  temporalTo(null)(args.slice(0, 2))
  if (!['d', 'h', 'm', 'y'].includes(literal(args[2] as Node, 2, 'the unit') as string)) {
    throw new Bad('the unit must be "d" (days), "m" (months), "y" (years) or "h" (hours)', 2)
  }
  return INTEGER
}

const sameNumber: Rule = (args) => {
  const t = (args[0] as Node).type
  if (!isNumeric(t)) throw new Bad(`expected a number, got ${t}`, 0)
  return t
}

const isWholeDigits = (digits: unknown): boolean => typeof digits === 'bigint' && digits >= 0n && digits <= 10n

const roundRule: Rule = (args) => {
  const result = sameNumber(args)
  const digits = args.length > 1 ? literal(args[1] as Node, 1, 'the number of digits') : 0n
  if (!isWholeDigits(digits)) throw new Bad('the number of digits must be a whole number from 0 to 10', 1)
  return result
}

const extreme: Rule = (args) => {
  const kinds = new Set(args.map((a) => a.type).filter((t) => t !== NULL && t !== ANY))
  if ([...kinds].every((k) => NUMERIC.has(k))) return numbers(args)
  if ([...kinds].every((k) => TEMPORAL.has(k))) return kinds.size > 1 ? DATETIME : ([...kinds][0] as string)
  const bad = args.findIndex((a) => !(NUMERIC.has(a.type) || TEMPORAL.has(a.type) || a.type === NULL || a.type === ANY))
  throw bad > 0
    ? new Bad(`expected numbers or dates, got ${(args[bad] as Node).type}`, bad)
    : new Bad('expected numbers or dates, not a mix', 1)
}

const countRule: Rule = (args) => {
  args.forEach((a, i) => {
    if (a.type === COLLECTION) throw new Bad('count a sub-table alone: COUNT(items)', i)
  })
  return INTEGER
}

const typed =
  (result: string, ...types: string[][]): Rule =>
  (args) => {
    args.forEach((a, i) => {
      const allowed = types[i]
      if (allowed) expect(a, i, ...allowed)
    })
    return result
  }

const intRule: Rule = (args) => {
  sameNumber(args)
  return INTEGER
}

const powerRule: Rule = (args) => {
  numbers(args)
  const exponent = (args[1] as Node).op === 'lit' ? (args[1] as Node).value : null
  const whole = typeof exponent === 'bigint' && exponent >= 0n && exponent <= 10n
  const base = (args[0] as Node).type
  return whole && NUMERIC.has(base) ? base : DECIMAL
}

const stepRule: Rule = (args) => {
  numbers(args)
  const step = literal(args[1] as Node, 1, 'the significance')
  const positive = typeof step === 'bigint' ? step > 0n : Decimal.isDecimal(step) && step.gt(0)
  if (!positive) throw new Bad('the significance must be a positive number', 1)
  return numbers(args)
}

const weekdayRule: Rule = (args) => {
  expect(args[0] as Node, 0, DATE, DATETIME)
  const kind = literal(args[1] as Node, 1, 'the type')
  if (!(typeof kind === 'bigint' && kind >= 1n && kind <= 3n)) {
    throw new Bad('the type must be 1 (Sunday = 1), 2 (Monday = 1) or 3 (Monday = 0)', 1)
  }
  return INTEGER
}

const textFormatRule: Rule = (args) => {
  const fmt = literal(args[1] as Node, 1, 'the format')
  if (typeof fmt !== 'string') throw new Bad('the format must be text', 1)
  const t = (args[0] as Node).type
  if (NUMERIC.has(t) && !isNumberFormat(fmt)) {
    throw new Bad('a number format is one of 0, 0.00, #,##0, #,##0.00, 0%, 0.0% (any number of 0s after the ".")', 1)
  }
  if (TEMPORAL.has(t) && !isDateFormat(fmt)) {
    throw new Bad('a date format uses yyyy, yy, m, mm, d, dd, hh, mm, ss and - / : . 年 月 日 separators', 1)
  }
  if (!(NUMERIC.has(t) || TEMPORAL.has(t) || t === NULL)) throw new Bad(`TEXT formats a number or a date, got ${t}`, 0)
  return TEXT
}

const spec = (minArgs: number, maxArgs: number, rule: Rule, nullable: Nullable = anyNullable): OpSpec => ({
  minArgs,
  maxArgs,
  rule,
  nullable,
})
const T = [DATE, DATETIME]

const TABLE: [string, OpSpec, string[]][] = [
  ['and', spec(1, -1, booleanArgs, never), ['AND']],
  ['or', spec(1, -1, booleanArgs, never), ['OR']],
  ['not', spec(1, 1, booleanArgs, never), ['!']],
  ['if', spec(2, 3, ifRule, always), ['?:']],
  ['==', spec(2, 2, compareRule(false), never), ['=', '===']],
  ['!=', spec(2, 2, compareRule(false), never), ['<>', '!==']],
  ['<', spec(2, 2, compareRule(true), never), []],
  ['<=', spec(2, 2, compareRule(true), never), []],
  ['>', spec(2, 2, compareRule(true), never), []],
  ['>=', spec(2, 2, compareRule(true), never), []],
  ['between', spec(3, 3, compareRule(true), never), []],
  ['in', spec(2, 2, inRule, never), []],
  ['+', spec(1, -1, numbers), []],
  ['-', spec(1, 2, numbers), []],
  ['*', spec(1, -1, numbers), []],
  ['/', spec(2, 2, toDecimal, always), []],
  ['%', spec(2, 2, numbers, always), []],
  ['cat', spec(1, -1, catRule, never), ['concat']],
  ['contains', spec(2, 2, containsRule, never), []],
  ['starts_with', spec(2, 2, textFn(BOOLEAN, TEXT), never), []],
  ['ends_with', spec(2, 2, textFn(BOOLEAN, TEXT), never), []],
  ['length', spec(1, 1, textFn(INTEGER)), []],
  ['upper', spec(1, 1, textFn(TEXT)), []],
  ['lower', spec(1, 1, textFn(TEXT)), []],
  ['left', spec(1, 2, textFn(TEXT, INTEGER)), []],
  ['right', spec(1, 2, textFn(TEXT, INTEGER)), []],
  ['mid', spec(3, 3, textFn(TEXT, INTEGER, INTEGER)), []],
  ['regex', spec(2, 2, regexRule, never), ['regex_match']],
  ['is_null', spec(1, 1, returns(BOOLEAN), never), []],
  ['is_empty', spec(1, 1, returns(BOOLEAN), never), []],
  ['now', spec(0, 0, returns(DATETIME), never), []],
  ['today', spec(0, 0, returns(DATE), never), []],
  ['date_add', spec(3, 3, dateAddRule), []],
  ['date_sub', spec(3, 3, dateAddRule), []],
  ['datediff', spec(3, 3, datediffRule, (a) => anyNullable(a) || ['m', 'y'].includes(a[2]?.value as string)), []],
  ['workdays', spec(2, 2, temporalTo(INTEGER)), []],
  ['networkdays', spec(2, 2, temporalTo(INTEGER)), []],
  ['year', spec(1, 1, temporalTo(INTEGER)), []],
  ['month', spec(1, 1, temporalTo(INTEGER)), []],
  ['week_start', spec(1, 1, temporalTo(DATE)), []],
  ['month_start', spec(1, 1, temporalTo(DATE)), []],
  ['to_date', spec(1, 1, temporalTo(DATE)), []],
  ['round', spec(1, 2, roundRule), []],
  ['abs', spec(1, 1, sameNumber), []],
  // the Excel functions (excel_rules.py)
  ['sum_of', spec(1, -1, numbers, never), []],
  ['avg_of', spec(1, -1, toDecimal, always), []],
  ['min_of', spec(1, -1, extreme, allNullable), []],
  ['max_of', spec(1, -1, extreme, allNullable), []],
  ['count_of', spec(1, -1, countRule, never), []],
  ['product', spec(1, -1, numbers, allNullable), []],
  ['xor', spec(1, -1, booleanArgs, never), []],
  ['coalesce', spec(2, 2, (a) => unify((a[0] as Node).type, (a[1] as Node).type), (a) => (a[1] as Node).nullable), []],
  ['trim', spec(1, 1, typed(TEXT, [TEXT])), []],
  ['substitute', spec(3, 3, typed(TEXT, [TEXT], [TEXT], [TEXT])), []],
  ['replace', spec(4, 4, typed(TEXT, [TEXT], [INTEGER], [INTEGER], [TEXT])), []],
  ['find', spec(2, 3, typed(INTEGER, [TEXT], [TEXT], [INTEGER]), always), []],
  ['search', spec(2, 3, typed(INTEGER, [TEXT], [TEXT], [INTEGER]), always), []],
  ['rept', spec(2, 2, typed(TEXT, [TEXT], [INTEGER]), always), []],
  ['value', spec(1, 1, typed(DECIMAL, [TEXT]), always), []],
  ['text', spec(2, 2, textFormatRule), []],
  ['day', spec(1, 1, typed(INTEGER, T)), []],
  ['hour', spec(1, 1, typed(INTEGER, T)), []],
  ['minute', spec(1, 1, typed(INTEGER, T)), []],
  ['weekday', spec(1, 2, weekdayRule), []],
  ['weeknum', spec(1, 1, typed(INTEGER, T)), []],
  ['edate', spec(2, 2, typed(DATE, T, [INTEGER]), always), []],
  ['eomonth', spec(2, 2, typed(DATE, T, [INTEGER]), always), []],
  ['make_date', spec(3, 3, typed(DATE, [INTEGER], [INTEGER], [INTEGER]), always), []],
  ['int', spec(1, 1, intRule), []],
  ['roundup', spec(1, 2, roundRule), []],
  ['rounddown', spec(1, 2, roundRule), []],
  ['power', spec(2, 2, powerRule, always), []],
  ['sqrt', spec(1, 1, toDecimal, always), []],
  ['ceiling', spec(1, 2, stepRule), []],
  ['floor', spec(1, 2, stepRule), []],
]
for (const [name, s, aliases] of TABLE) registerOp(name, s, ...aliases)
