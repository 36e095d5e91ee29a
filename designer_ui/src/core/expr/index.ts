/**
 * Dajian's expression language in the browser: the JSON AST and formulas of
 * `dajian/engines/expr`, checked against a schema and compiled once to closures, so linkage
 * (`visible_if`, `required_if`, `readonly_if`), defaults and formulas update as the user types.
 * The server's save pipeline stays authoritative; both run `tests/expr_vectors.json`.
 *
 *   const f = compileExpr(parseFormula('IF(amount > 5000, "L3", "L1")'), schemaFromJson({ amount: 'decimal' }))
 *   toJson(f({ amount: '6000.00' }, makeContext({ now: '2024-03-15T12:00:00Z' })))   // "L3"
 *
 * Values: integers are `bigint`, decimals `Decimal` (decimal.js, exact), dates `DateValue`,
 * date-times `DateTimeValue` (UTC, microseconds); `toJson` turns a result back into JSON.
 *
 * Where the browser cannot follow the server: `JSON.parse` reads `5.0` in a JSON AST as the
 * integer 5 (Python: a decimal), so `LEFT(name, 5.0)` is accepted and `POWER(x, 2.0)` is exact
 * here; integers beyond 2^53 in a JSON AST lose digits before they arrive (formula text keeps
 * them). Formula text keeps every constant exact, as on the server.
 */
import Decimal from 'decimal.js'

import type { EvalContext } from './compile'
import { dateOf, DateTimeValue, DateValue, parseIsoDate, parseIsoDateTime } from './dates'
import type { BusinessCalendar } from './datefns'
import { roundHalfAway } from './numbers'
import { toJson, type Value } from './values'

export { analyze, check, checked } from './check'
export { compileExpr, compileNode } from './compile'
export type { Compiled, EvalContext, RecordJson } from './compile'
export { DateTimeValue, DateValue } from './dates'
export { WeekdayCalendar } from './datefns'
export type { BusinessCalendar } from './datefns'
export { CONTEXT_TYPES, DEFAULT_LIMITS, ExprError, schemaFromJson } from './model'
export type { ExprIssue, Limits, Node, Schema, SchemaJson } from './model'
export { toFormula } from './formula'
export { FUNCTIONS, parseFormula, SPECIAL_FUNCTIONS } from './parse'
export type { Ast } from './parse'
export { RegexRefused } from './regex'
export { equal, fromJson, toJson } from './values'
export { fieldsRead } from './vars'
export type { Value } from './values'

/**
 * A formula field's value as the server stores it (`kinds_structure._formula_coerce`): a number
 * rounded half away from zero to the field's scale (an integer field: to a whole number), as
 * JSON: `formulaResult(<Decimal 2.345>, "decimal", 2)` is "2.35", `("integer")` of 2.5 is 3.
 */
export function formulaResult(value: Value, kind: string, scale = 2): unknown {
  const numeric = typeof value === 'bigint' || Decimal.isDecimal(value)
  if (!numeric || (kind !== 'decimal' && kind !== 'integer')) return toJson(value)
  const places = kind === 'integer' ? 0 : scale
  const rounded = roundHalfAway(new Decimal(value.toString()), places)
  return kind === 'integer' ? toJson(BigInt(rounded.toFixed(0))) : rounded.toFixed(places)
}

export interface ContextInput {
  /** ISO date-time; defaults to the browser's clock. */
  now?: string | Date
  /** ISO date; defaults to the date of `now` in `timeZone` (UTC when none, as the server). */
  today?: string
  /** The app's IANA time zone, e.g. "Asia/Shanghai", for the default `$today`. */
  timeZone?: string
  userId?: number | bigint | null
  deptId?: number | bigint | null
  calendar?: BusinessCalendar | null
}

/** The evaluation context from JSON-ish input: `makeContext({ now: "2024-03-15T12:00:00Z", userId: 7 })`. */
export function makeContext(input: ContextInput = {}): EvalContext {
  const nowText = input.now instanceof Date || input.now === undefined ? (input.now ?? new Date()).toISOString() : input.now
  const now = parseIsoDateTime(nowText.replace(/Z/g, '+00:00'))
  if (now === null) throw new RangeError(`not an ISO date-time: ${nowText}`)
  const todayDays = input.today !== undefined ? parseIsoDate(input.today) : todayIn(now, input.timeZone ?? 'UTC').days
  if (todayDays === null) throw new RangeError(`not an ISO date: ${input.today ?? ''}`)
  const id = (v: number | bigint | null | undefined): bigint | null => (v === null || v === undefined ? null : BigInt(v))
  return {
    now,
    today: dateOf(todayDays),
    userId: id(input.userId),
    deptId: id(input.deptId),
    calendar: input.calendar ?? null,
  }
}

/** The calendar date of `now` in an IANA time zone (the app's), for `$today`. */
export function todayIn(now: DateTimeValue, timeZone: string): DateValue {
  const millis = now.days * 86_400_000 + Math.floor(now.micros / 1000)
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(millis))
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? ''
  const days = parseIsoDate(`${part('year')}-${part('month')}-${part('day')}`)
  if (days === null) throw new RangeError(`no date for ${timeZone}`)
  return new DateValue(days)
}
