/**
 * Runtime values, mirroring the Python ones: `null`, `boolean`, `bigint` (Python `int`:
 * integers, users, departments), `Decimal` (Python `Decimal`), `string`, `string[]`
 * (a multi-select), `DateValue`, `DateTimeValue`.
 *
 * Record values arrive as JSON (decimals as text "10.50", dates as ISO text) and are read
 * by the field's type (`fromJson`); results leave as JSON with `toJson`.
 */
import Decimal from 'decimal.js'

import {
  DateTimeValue,
  DateValue,
  daysFromCivil,
  daysInMonth,
  isoDate,
  isoDateTime,
  MAX_DAYS,
  MIN_DAYS,
  parseIsoDate,
  parseIsoDateTime,
} from './dates'

/** Python's default decimal context: 28 significant digits, half to even (`+ - *`, sums). */
export const Dec = Decimal.clone({ precision: 28, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -100, toExpPos: 100 })
/** `numbers._WIDE`: 80 digits, half away from zero (division, powers, roots). */
export const Wide = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -100, toExpPos: 100 })
export type Dec = Decimal

export type Value =
  | null
  | boolean
  | bigint
  | Decimal
  | string
  | readonly string[]
  | DateValue
  | DateTimeValue

export type Num = bigint | Decimal

export const isDecimal = (v: unknown): v is Decimal => Decimal.isDecimal(v)
export const isNum = (v: unknown): v is Num => typeof v === 'bigint' || Decimal.isDecimal(v)

const DECIMAL_OF_INTEGER = new Map<bigint, Decimal>() // constants meet decimals again and again

export function toDec(v: Num): Decimal {
  if (typeof v !== 'bigint') return v
  let value = DECIMAL_OF_INTEGER.get(v)
  if (value === undefined) {
    value = new Dec(v.toString())
    if (DECIMAL_OF_INTEGER.size > 1000) DECIMAL_OF_INTEGER.clear()
    DECIMAL_OF_INTEGER.set(v, value)
  }
  return value
}

/** A value read from a record field of `type`; already-converted values pass through. */
export function fromJson(raw: unknown, type: string): Value {
  if (raw === null || raw === undefined) return null
  switch (type) {
    case 'decimal':
      return toNumber(raw, false)
    case 'integer':
    case 'user':
    case 'department':
      return toNumber(raw, true)
    case 'date':
      return toDate(raw)
    case 'datetime':
      return toDateTime(raw)
    case 'text_list':
      return Array.isArray(raw) ? (raw as string[]) : null
    case 'any':
      return anyValue(raw)
    default:
      return raw as Value
  }
}

function toNumber(raw: unknown, integer: boolean): Num | null {
  if (typeof raw === 'bigint' || Decimal.isDecimal(raw)) return raw as Num
  if (typeof raw === 'number') {
    if (integer && Number.isInteger(raw)) return BigInt(raw)
    return new Dec(String(raw))
  }
  if (typeof raw === 'string' && raw.trim() !== '') {
    const value = new Dec(raw.trim())
    return integer && value.isInteger() ? BigInt(value.toFixed()) : value
  }
  return null
}

function toDate(raw: unknown): DateValue | DateTimeValue | null {
  if (raw instanceof DateValue || raw instanceof DateTimeValue) return raw
  if (typeof raw !== 'string') return null
  const days = parseIsoDate(raw)
  return days === null ? null : new DateValue(days)
}

const CANONICAL_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:Z|\+00:00)$/

function toDateTime(raw: unknown): DateValue | DateTimeValue | null {
  if (raw instanceof DateValue || raw instanceof DateTimeValue) return raw
  if (typeof raw !== 'string') return null
  return canonicalUtc(raw) ?? parseIsoDateTime(raw)
}

/** The server's own spelling (`2024-03-15T09:30:00.250000Z`), read without the general parser. */
function canonicalUtc(raw: string): DateTimeValue | null {
  const m = CANONICAL_UTC.exec(raw)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const valid = year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  if (!valid || hour > 23 || minute > 59 || second > 59) return null
  const micros = ((hour * 60 + minute) * 60 + second) * 1_000_000 + Number((m[7] ?? '').padEnd(6, '0'))
  return new DateTimeValue(daysFromCivil(year, month, day), micros)
}

function anyValue(raw: unknown): Value {
  if (typeof raw === 'number') return Number.isInteger(raw) ? BigInt(raw) : new Dec(String(raw))
  return raw as Value
}

/** A result as JSON: decimals as text ("12.5"), integers as numbers, dates as ISO text. */
export function toJson(value: Value): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  }
  if (Decimal.isDecimal(value)) return plain(value)
  if (value instanceof DateValue) return isoDate(value.days)
  if (value instanceof DateTimeValue) return isoDateTime(value)
  return value
}

/** Fixed notation, never an exponent. */
export function plain(value: Decimal): string {
  return value.toFixed()
}

export function isDate(v: unknown): v is DateValue {
  return v instanceof DateValue
}

export function isDateTime(v: unknown): v is DateTimeValue {
  return v instanceof DateTimeValue
}

export function inDateRange(days: number): boolean {
  return days >= MIN_DAYS && days <= MAX_DAYS
}

// ---- comparisons, as Python's == and < on these values ----

/** Python's `==` (null-safe): numbers by value, dates by day, texts by content. */
export function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b
  if (isNum(a) && isNum(b)) return compareNumbers(a, b) === 0
  if (a instanceof DateValue && b instanceof DateValue) return a.days === b.days
  if (a instanceof DateTimeValue && b instanceof DateTimeValue) return a.days === b.days && a.micros === b.micros
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  return a === b
}

export function compareNumbers(a: Num, b: Num): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0
  return toDec(a).cmp(toDec(b))
}

/** Python's ordering of two non-null values of one kind (the checker guarantees the kinds). */
export function compare(a: Value, b: Value): number {
  if (isNum(a) && isNum(b)) return compareNumbers(a, b)
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b)
  if (a instanceof DateValue && b instanceof DateValue) return a.days - b.days
  if (a instanceof DateTimeValue && b instanceof DateTimeValue) return a.days - b.days || a.micros - b.micros
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  throw new TypeError(`cannot order ${String(a)} and ${String(b)}`)
}

const SURROGATE = /[\uD800-\uDFFF]/

/** Code-point order, as Python compares `str` (JavaScript's `<` compares UTF-16 units). */
export function compareText(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0)
    if (d !== 0) return d
  }
  return x.length - y.length
}

/** Python truthiness: what `and`, `or`, `not` and `if` test. */
export function truthy(v: Value): boolean {
  if (v === null || v === false || v === '') return false
  if (typeof v === 'bigint') return v !== 0n
  if (Decimal.isDecimal(v)) return !v.isZero()
  if (Array.isArray(v)) return v.length > 0
  return true
}

/** The characters of a text as Python counts them (code points). */
export function chars(text: string): string[] {
  return SURROGATE.test(text) ? [...text] : text.split('')
}
