/**
 * TEXT(value, format), as `py_excel.text`: the number formats 0, 0.00, #,##0, #,##0.00, 0%, 0.0%
 * and date formats built from yyyy yy m mm d dd hh mm ss; date-times shown in UTC.
 */
import Decimal from 'decimal.js'

import { civilFromDays, DateTimeValue, DateValue, timeOf } from './dates'
import { type Num, toDec, Wide } from './values'

const NUMBER_FORMAT = /^(#,##)?0(\.0+)?(%?)$/
const DATE_TOKENS = /yyyy|yy|hh|mm|ss|m|dd|d/g
const DATE_SEPARATORS = new Set(' -/:.年月日时分秒T')

export function isNumberFormat(fmt: string): boolean {
  return NUMBER_FORMAT.test(fmt)
}

export function isDateFormat(fmt: string): boolean {
  const rest = fmt.replace(DATE_TOKENS, '')
  return new RegExp(DATE_TOKENS.source).test(fmt) && [...rest].every((c) => DATE_SEPARATORS.has(c))
}

export function formatText(value: Num | DateValue | DateTimeValue, fmt: string): string {
  if (value instanceof DateValue || value instanceof DateTimeValue) return formatDate(value, fmt)
  const match = NUMBER_FORMAT.exec(fmt)
  if (!match) throw new Error(`unchecked TEXT format ${fmt}`)
  const places = (match[2] ?? '.').length - 1
  const percent = match[3] ?? ''
  const number = percent ? toDec(value).times(100) : toDec(value)
  const rounded = new Wide(number).toDecimalPlaces(places, Decimal.ROUND_HALF_UP)
  let shown = rounded.toFixed(places)
  if (rounded.isZero() && rounded.isNeg() && !shown.startsWith('-')) shown = '-' + shown // Python keeps -0.00
  return (match[1] ? group(shown) : shown) + percent
}

function group(text: string): string {
  const [whole = '', fraction] = text.split('.')
  const sign = whole.startsWith('-') ? '-' : ''
  const digits = sign ? whole.slice(1) : whole
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return sign + grouped + (fraction === undefined ? '' : '.' + fraction)
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

function formatDate(value: DateValue | DateTimeValue, fmt: string): string {
  const { year, month, day } = civilFromDays(value.days)
  const moment = value instanceof DateTimeValue ? timeOf(value.micros) : null
  return fmt.replace(DATE_TOKENS, (name: string, offset: number) => {
    const before = fmt.slice(0, offset)
    if (name === 'mm' && (before.endsWith('hh:') || before.endsWith('h:')) && moment) return pad2(moment.minute)
    if (name === 'hh' || name === 'ss') return pad2(moment ? (name === 'hh' ? moment.hour : moment.second) : 0)
    const parts: Record<string, string> = {
      yyyy: String(year).padStart(4, '0'),
      yy: pad2(year % 100),
      mm: pad2(month),
      m: String(month),
      dd: pad2(day),
      d: String(day),
    }
    return parts[name] ?? name
  })
}
