/**
 * Text functions as `py_runtime.py` / `py_excel.py` compute them: positions and lengths count
 * code points (Python `str`), null in gives null out except where said.
 */
import Decimal from 'decimal.js'

import { chars, Dec, plain, type Value } from './values'

export const MAX_REPT = 10_000

/** `cat`: null is "", a decimal as Excel's General format shows it (5.50 → "5.5"). */
export function cat(parts: readonly Value[]): string {
  let out = ''
  for (const p of parts) out += p === null ? '' : Decimal.isDecimal(p) ? showDecimal(p) : pyStr(p)
  return out
}

export function showDecimal(value: Decimal): string {
  const text = plain(value)
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text
  return trimmed === '-0' || trimmed === '' ? '0' : trimmed
}

function pyStr(v: Value): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  return String(v)
}

export function length(text: string): number {
  return chars(text).length
}

export function left(text: string, n: bigint): string {
  return chars(text).slice(0, clampIndex(n < 0n ? 0n : n)).join('')
}

export function right(text: string, n: bigint): string {
  const cs = chars(text)
  const take = Math.min(clampIndex(n < 0n ? 0n : n), cs.length)
  return cs.slice(cs.length - take).join('')
}

/** `MID("abcdef", 2, 3) == "bcd"`; positions before 1 count as SQL `substr` does. */
export function mid(text: string, start: bigint, n: bigint): string {
  const end = start - 1n + (n < 0n ? 0n : n)
  const from = start - 1n < 0n ? 0n : start - 1n
  return pySlice(chars(text), from, end < 0n ? 0n : end).join('')
}

/** Python's `s[a:b]` for a, b ≥ 0. */
function pySlice<T>(items: T[], from: bigint, to: bigint): T[] {
  return items.slice(clampIndex(from), clampIndex(to))
}

/** A huge index means "past the end"; JavaScript slices need safe numbers. */
function clampIndex(n: bigint): number {
  return n > 1_000_000_000n ? 1_000_000_000 : Number(n)
}

export function trim(text: string): string {
  return text
    .split(' ')
    .filter((part) => part !== '')
    .join(' ')
}

export function substitute(text: string, old: string, replacement: string): string {
  return old === '' ? text : text.split(old).join(replacement)
}

export function replace(text: string, start: bigint, n: bigint, replacement: string): string {
  const cs = chars(text)
  const head = start - 1n < 0n ? 0n : start - 1n
  const tail = start - 1n + (n < 0n ? 0n : n)
  return pySlice(cs, 0n, head).join('') + replacement + cs.slice(clampIndex(tail < 0n ? 0n : tail)).join('')
}

/** 1-based position of `part` in `text` from `start`, or `null`. */
export function find(part: string, text: string, start: bigint): bigint | null {
  const cs = chars(text)
  if (start < 1n || start > BigInt(cs.length + 1)) return null
  const offset = cs.slice(0, Number(start) - 1).join('').length // code points → UTF-16 units
  const position = text.indexOf(part, offset)
  return position < 0 ? null : BigInt(chars(text.slice(0, position)).length + 1)
}

export function search(part: string, text: string, start: bigint): bigint | null {
  return find(asciiLower(part), asciiLower(text), start)
}

export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

export function rept(text: string, n: bigint): string | null {
  if (n < 0n || BigInt(chars(text).length) * n > BigInt(MAX_REPT)) return null
  return text.repeat(Number(n))
}

/** Python's `\s` and `str.strip()` (JavaScript's `\s` adds U+FEFF and leaves out U+001C–U+001F, U+0085). */
const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
/** Python's `\d` is any Unicode decimal digit ("１２" is 12), and `Decimal()` reads them all. */
const NUMBER = new RegExp(`^[${PY_SPACE}]*([+-]?(?:\\p{Nd}{1,3}(?:,\\p{Nd}{3})+|\\p{Nd}+)(?:\\.\\p{Nd}+)?)[${PY_SPACE}]*$`, 'u')
const DIGIT = /\p{Nd}/u

/** VALUE: the number written in text ("1,234.5" → 1234.5), else null. */
export function numberIn(text: string): Decimal | null {
  const match = NUMBER.exec(text)
  if (!match) return null
  return new Dec([...(match[1] ?? '').replace(/,/g, '')].map(asciiDigit).join(''))
}

/** A Unicode decimal digit as 0-9: its place in its run of digits (each script's run starts at 0). */
export function asciiDigit(c: string): string {
  if (c >= '0' && c <= '9') return c
  const code = c.codePointAt(0) ?? 0
  if (!DIGIT.test(c)) return c
  let start = code
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--
  return String((code - start) % 10)
}

export function upper(text: string): string {
  return text.toUpperCase()
}

export function lower(text: string): string {
  return text.toLowerCase()
}
