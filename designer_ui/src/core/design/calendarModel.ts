/**
 * A business calendar (`settings.calendars.<key>`) as a year of days, and the ops that toggle one day
 * through workday → holiday → make-up day → back. Holiday ranges ("2026-02-15..2026-02-23") are split
 * when a day inside them changes; make-up days written as {date, as} keep their form.
 *
 *   dayState(cal, '2026-02-16') → 'holiday'     (inside the range)
 *   toggleDayOps(cal, ['settings', 'calendars', 'cn'], '2026-02-16')
 *     → holidays become ["2026-02-15", "2026-02-17..2026-02-23"] and makeup_days gain "2026-02-16"
 */
import type { Op } from './ops'

export type DayState = 'workday' | 'rest' | 'holiday' | 'makeup'
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
type Makeup = string | { date: string; as?: string }

export interface Calendar {
  timezone?: string
  week?: Record<string, string[]>
  holidays?: string[]
  makeup_days?: Makeup[]
  overrides?: Record<string, string[]>
}

const pad = (n: number) => String(n).padStart(2, '0')
export const isoDate = (y: number, m: number, d: number) => `${String(y)}-${pad(m)}-${pad(d)}`

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

/** mon … sun of a date. */
export function weekdayOf(iso: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[(new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7]!
}

const rangeOf = (entry: string): [string, string] => {
  const [from, to] = entry.split('..')
  return [from!, to ?? from!]
}
const makeupDate = (m: Makeup) => (typeof m === 'string' ? m : m.date)

export function dayState(cal: Calendar, iso: string): DayState {
  if ((cal.makeup_days ?? []).some((m) => makeupDate(m) === iso)) return 'makeup'
  if ((cal.holidays ?? []).some((h) => { const [a, b] = rangeOf(h); return a <= iso && iso <= b })) return 'holiday'
  return (cal.week?.[weekdayOf(iso)] ?? []).length > 0 ? 'workday' : 'rest'
}

/** The holidays without `iso`: a range holding it becomes the parts before and after. */
function withoutHoliday(holidays: string[], iso: string): string[] {
  return holidays.flatMap((h) => {
    const [a, b] = rangeOf(h)
    if (iso < a || iso > b) return [h]
    const parts: string[] = []
    const before = addDays(iso, -1)
    const after = addDays(iso, 1)
    if (a <= before) parts.push(a === before ? a : `${a}..${before}`)
    if (after <= b) parts.push(after === b ? b : `${after}..${b}`)
    return parts
  })
}

/** The next state of a day on a click: a working day becomes a holiday, a holiday a make-up day, a make-up day
 * its weekday's own state again; a rest day becomes a make-up day first. */
export function toggleDayOps(cal: Calendar, path: readonly string[], iso: string): Op[] {
  const state = dayState(cal, iso)
  const holidays = cal.holidays ?? []
  const makeups = cal.makeup_days ?? []
  const set = (key: string, value: unknown): Op => ({ op: 'set', path: [...path, key], value })
  if (state === 'workday') return [set('holidays', [...holidays, iso].sort())]
  if (state === 'holiday') {
    return [set('holidays', withoutHoliday(holidays, iso)), set('makeup_days', [...makeups, iso].sort(byDate))]
  }
  if (state === 'rest') return [set('makeup_days', [...makeups, iso].sort(byDate))]
  return [set('makeup_days', makeups.filter((m) => makeupDate(m) !== iso))]
}

const byDate = (a: Makeup, b: Makeup) => makeupDate(a).localeCompare(makeupDate(b))

/** A month as weeks of seven cells (Monday first), null outside the month. */
export function monthGrid(year: number, month: number): (string | null)[][] {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const lead = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7
  const cells: (string | null)[] = [...Array<null>(lead).fill(null)]
  for (let d = 1; d <= days; d++) cells.push(isoDate(year, month, d))
  while (cells.length % 7) cells.push(null)
  const weeks: (string | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

/** "09:00-12:00, 13:30-18:00" ⇄ ["09:00-12:00", "13:30-18:00"]; null names the malformed part. */
export function parsePeriods(text: string): string[] | null {
  const parts = text.split(/[,，\s]+/).filter(Boolean)
  return parts.every((p) => /^\d{2}:\d{2}-\d{2}:\d{2}$/.test(p)) ? parts : null
}
