/**
 * Date functions as `py_runtime.py` / `py_excel.py` compute them. A date-time's calendar day,
 * hour and minute are in UTC, as on the server; the app's time zone enters through `$today`.
 */
import {
  civilFromDays,
  dateOf,
  dateTimeOf,
  DateTimeValue,
  DateValue,
  daysFromCivil,
  daysInMonth,
  MICROS_PER_DAY,
  timeOf,
  weekdayOf,
} from './dates'

export type Temporal = DateValue | DateTimeValue

export const MONTH_LIMIT = 120_000n
export const DAY_LIMIT = 3_660_000n

/** A date compared with a date-time means midnight UTC. */
export function toDateTime(value: Temporal): DateTimeValue {
  return value instanceof DateTimeValue ? value : new DateTimeValue(value.days, 0)
}

export function dayOf(value: Temporal): number {
  return value.days
}

export function toDay(value: Temporal): DateValue {
  return value instanceof DateValue ? value : new DateValue(value.days)
}

/** `value + n × seconds`; dates move by whole days (`seconds` is then a multiple of a day). */
export function addSeconds(value: Temporal, n: bigint, seconds: number): Temporal {
  const micros = n * BigInt(seconds) * 1_000_000n
  if (value instanceof DateValue) return dateOf(value.days + Number(micros / BigInt(MICROS_PER_DAY)))
  const limit = 4_000_000n * BigInt(MICROS_PER_DAY) // far past year 9999: out of range either way
  const clamped = micros > limit ? limit : micros < -limit ? -limit : micros
  const day = Number(clamped / BigInt(MICROS_PER_DAY))
  return dateTimeOf(value.days + day, value.micros + Number(clamped % BigInt(MICROS_PER_DAY)))
}

/** Whole days or hours from `a` to `b`, truncated toward zero, sub-seconds ignored. */
export function datediff(a: Temporal, b: Temporal, unit: string): bigint {
  if (a instanceof DateValue && b instanceof DateValue) {
    const days = BigInt(b.days - a.days)
    return unit === 'd' ? days : days * 24n
  }
  const seconds = wholeSeconds(toDateTime(b)) - wholeSeconds(toDateTime(a))
  const step = unit === 'd' ? 86400 : 3600
  return BigInt(Math.trunc(seconds / step))
}

function wholeSeconds(value: DateTimeValue): number {
  return value.days * 86400 + Math.floor(value.micros / 1_000_000)
}

/** DATEDIF "m" and "y": whole months or years from `a` to `b`; null when `b` < `a`. */
export function datediffCalendar(a: Temporal, b: Temporal, unit: string): bigint | null {
  if (b.days < a.days) return null
  const s = civilFromDays(a.days)
  const e = civilFromDays(b.days)
  const months = (e.year - s.year) * 12 + e.month - s.month - (e.day < s.day ? 1 : 0)
  return BigInt(unit === 'm' ? months : Math.floor(months / 12))
}

export function year(value: Temporal): bigint {
  return BigInt(civilFromDays(value.days).year)
}

export function month(value: Temporal): bigint {
  return BigInt(civilFromDays(value.days).month)
}

export function day(value: Temporal): bigint {
  return BigInt(civilFromDays(value.days).day)
}

export function hour(value: Temporal): bigint {
  return value instanceof DateTimeValue ? BigInt(timeOf(value.micros).hour) : 0n
}

export function minute(value: Temporal): bigint {
  return value instanceof DateTimeValue ? BigInt(timeOf(value.micros).minute) : 0n
}

export function weekStart(value: Temporal): DateValue {
  return dateOf(value.days - weekdayOf(value.days))
}

export function monthStart(value: Temporal): DateValue {
  const { year: y, month: m } = civilFromDays(value.days)
  return new DateValue(daysFromCivil(y, m, 1))
}

/** WEEKDAY type 1: Sunday = 1; type 2: Monday = 1; type 3: Monday = 0. */
export function weekday(value: Temporal, kind: bigint): bigint {
  const iso = weekdayOf(value.days) + 1
  const table: Record<string, number> = { '1': (iso % 7) + 1, '2': iso, '3': iso - 1 }
  return BigInt(table[kind.toString()] ?? iso)
}

export function weeknum(value: Temporal): bigint {
  const { year: y } = civilFromDays(value.days)
  const jan1 = daysFromCivil(y, 1, 1)
  const first = (weekdayOf(jan1) + 1) % 7 // Sunday 0
  return BigInt(Math.floor((value.days - jan1 + first) / 7) + 1)
}

function shiftMonths(value: Temporal, months: bigint): { y: number; m: number; d: number } | null {
  const { year: y, month: m, day: d } = civilFromDays(value.days)
  const total = BigInt(y) * 12n + BigInt(m - 1) + months
  const newYear = total >= 0n ? total / 12n : -((-total + 11n) / 12n)
  if (newYear < 1n || newYear > 9999n) return null
  return { y: Number(newYear), m: Number(total - newYear * 12n) + 1, d }
}

export function edate(value: Temporal, months: bigint): DateValue | null {
  const to = shiftMonths(value, months)
  return to && new DateValue(daysFromCivil(to.y, to.m, Math.min(to.d, daysInMonth(to.y, to.m))))
}

export function eomonth(value: Temporal, months: bigint): DateValue | null {
  const to = shiftMonths(value, months)
  return to && new DateValue(daysFromCivil(to.y, to.m, daysInMonth(to.y, to.m)))
}

/** Excel's DATE: months and days beyond their range roll over (`DATE(2024, 14, 0)` is 2025-01-31). */
export function makeDate(y: bigint, m: bigint, d: bigint): DateValue | null {
  const abs = (n: bigint): bigint => (n < 0n ? -n : n)
  if (y < 1n || y > 9999n || abs(m) > MONTH_LIMIT || abs(d) > DAY_LIMIT) return null
  const total = y * 12n + m - 1n
  const fy = total >= 0n ? total / 12n : -((-total + 11n) / 12n)
  const fm = total - fy * 12n
  if (fy < 1n || fy > 9999n) return null
  try {
    return dateOf(daysFromCivil(Number(fy), Number(fm) + 1, 1) + Number(d) - 1)
  } catch {
    return null
  }
}

/** A business calendar, supplied by the caller, for WORKDAYS and NETWORKDAYS. */
export interface BusinessCalendar {
  /** Working days in `(a, b]`, negative when `b` < `a`. */
  workingDaysBetween(a: DateValue, b: DateValue): number
}

/** Monday to Friday minus `holidays` (ISO dates), as Python's `WeekdayCalendar`. */
export class WeekdayCalendar implements BusinessCalendar {
  private readonly holidays: ReadonlySet<number>

  constructor(holidays: Iterable<DateValue> = []) {
    this.holidays = new Set([...holidays].map((d) => d.days))
  }

  workingDaysBetween(a: DateValue, b: DateValue): number {
    const [sign, lo, hi] = a.days <= b.days ? [1, a.days, b.days] : [-1, b.days, a.days]
    let count = 0
    for (let d = lo + 1; d <= hi; d++) if (weekdayOf(d) < 5 && !this.holidays.has(d)) count++
    return sign * count
  }
}
