/**
 * Dates and date-times as the Python engine has them (`datetime.date`, aware `datetime` in UTC),
 * in plain integer arithmetic: no `Date`, no time zone of the browser.
 *
 * A date is its day number from 1970-01-01; a date-time adds the microseconds into that day
 * (Python keeps microseconds, JavaScript's `Date` only milliseconds). Years 1 to 9999, as Python.
 */

export class DateValue {
  constructor(readonly days: number) {}
  toString(): string {
    return isoDate(this.days)
  }
}

export class DateTimeValue {
  /** `micros` is 0 ≤ micros < 86 400 000 000, the time of day in UTC. */
  constructor(
    readonly days: number,
    readonly micros: number,
  ) {}
  toString(): string {
    return isoDateTime(this)
  }
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b)
}

export const MICROS_PER_DAY = 86_400_000_000
export const MIN_DAYS = daysFromCivil(1, 1, 1)
export const MAX_DAYS = daysFromCivil(9999, 12, 31)

/** Python's `OverflowError`: a date outside the years 1 to 9999. */
export class DateRangeError extends RangeError {}

/** Day number of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = floorDiv(y, 400)
  const yoe = y - era * 400
  const doy = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy
  return era * 146097 + doe - 719468
}

export interface Civil {
  year: number
  month: number
  day: number
}

export function civilFromDays(days: number): Civil {
  const z = days + 719468
  const era = floorDiv(z, 146097)
  const doe = z - era * 146097
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365)
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100))
  const mp = floorDiv(5 * doy + 2, 153)
  const day = doy - floorDiv(153 * mp + 2, 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
}

/** A checked date: `DateRangeError` outside the years 1 to 9999. */
export function dateOf(days: number): DateValue {
  if (days < MIN_DAYS || days > MAX_DAYS) throw new DateRangeError('date value out of range')
  return new DateValue(days)
}

export function dateTimeOf(days: number, micros: number): DateTimeValue {
  const carry = floorDiv(micros, MICROS_PER_DAY)
  const whole = days + carry
  if (whole < MIN_DAYS || whole > MAX_DAYS) throw new DateRangeError('date value out of range')
  return new DateTimeValue(whole, micros - carry * MICROS_PER_DAY)
}

/** Monday 0 … Sunday 6, as Python's `date.weekday()` (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 3) % 7) + 7) % 7
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

export function isoDate(days: number): string {
  const { year, month, day } = civilFromDays(days)
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}

/** As the vectors write them: `2024-03-16T03:30:00Z`, or `…:00.250000Z` with microseconds. */
export function isoDateTime(value: DateTimeValue): string {
  const { hour, minute, second, micro } = timeOf(value.micros)
  const fraction = micro ? `.${pad(micro, 6)}` : ''
  return `${isoDate(value.days)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}Z`
}

export function timeOf(micros: number): { hour: number; minute: number; second: number; micro: number } {
  const seconds = Math.floor(micros / 1_000_000)
  return {
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    micro: micros % 1_000_000,
  }
}

// ---- ISO text, as Python 3.11's `date.fromisoformat` / `datetime.fromisoformat` read it ----

const CALENDAR_DATE = /^(\d{4})-?(\d{2})-?(\d{2})$/
const WEEK_DATE = /^(\d{4})-?W(\d{2})(?:-?([1-7]))?$/

/** The day number, or `null` when Python's `date.fromisoformat` refuses the text. */
export function parseIsoDate(text: string): number | null {
  const calendar = CALENDAR_DATE.exec(text)
  if (calendar && /^\d{8}$|^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [year, month, day] = [Number(calendar[1]), Number(calendar[2]), Number(calendar[3])]
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
    return daysFromCivil(year, month, day)
  }
  const week = WEEK_DATE.exec(text)
  if (week) {
    const year = Number(week[1])
    const weekNo = Number(week[2])
    const weekday = week[3] === undefined ? 1 : Number(week[3])
    if (year < 1 || weekNo < 1 || weekNo > isoWeeksIn(year)) return null
    const jan4 = daysFromCivil(year, 1, 4)
    const days = jan4 - weekdayOf(jan4) + (weekNo - 1) * 7 + weekday - 1
    return days >= MIN_DAYS && days <= MAX_DAYS ? days : null
  }
  return null
}

/** ISO weeks in a year: 28 December is always in its last week. */
function isoWeeksIn(year: number): number {
  const dec28 = daysFromCivil(year, 12, 28)
  const jan4 = daysFromCivil(year, 1, 4)
  return (dec28 - weekdayOf(dec28) - (jan4 - weekdayOf(jan4))) / 7 + 1
}

const TIME = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?$/
const OFFSET = /^(?:Z|([+-])(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)$/

function microsOfTime(text: string): number | null {
  const m = TIME.exec(text)
  if (!m) return null
  const hour = Number(m[1])
  const minute = Number(m[2] ?? 0)
  const second = Number(m[3] ?? 0)
  if (hour > 23 || minute > 59 || second > 59) return null
  const micro = m[4] === undefined ? 0 : Number(m[4].slice(0, 6).padEnd(6, '0'))
  return ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro
}

function offsetMicros(text: string): number | null {
  const m = OFFSET.exec(text)
  if (!m) return null
  if (text === 'Z') return 0
  const micros = microsOfTime(`${m[2]}:${m[3]}:${m[4] ?? '00'}${m[5] ? '.' + m[5] : ''}`)
  return micros === null ? null : (m[1] === '-' ? -1 : 1) * micros
}

/**
 * A date-time in UTC, or `null` when Python refuses it. Text without an offset is UTC, as
 * `check.parse_temporal` reads it; `Z` and `±HH:MM` offsets are applied.
 */
export function parseIsoDateTime(text: string): DateTimeValue | null {
  const dateLength = /^\d{4}-/.test(text) ? (/^\d{4}-W/.test(text) ? (/^\d{4}-W\d{2}-/.test(text) ? 10 : 8) : 10) : /^\d{4}W/.test(text) ? (/^\d{4}W\d{3}/.test(text) ? 8 : 7) : 8
  const days = parseIsoDate(text.slice(0, dateLength))
  if (days === null) return null
  const rest = text.slice(dateLength)
  if (rest === '') return new DateTimeValue(days, 0)
  const clock = [...rest].slice(1).join('') // any one character separates the date from the time
  const zone = /[Z+-]/.exec(clock)
  const timeText = zone ? clock.slice(0, zone.index) : clock
  const micros = microsOfTime(timeText)
  const offset = zone ? offsetMicros(clock.slice(zone.index)) : 0
  if (micros === null || offset === null) return null
  try {
    return dateTimeOf(days, micros - offset)
  } catch {
    return null
  }
}
