/**
 * User patterns run on re2js, the JavaScript port of RE2 (the engine the server uses through
 * google-re2): matching is linear in the text, and a pattern means what it means on the server
 * and in PostgreSQL — `.` matches a newline, `\w` is a Unicode letter, digit or `_`, `\s`
 * includes the vertical tab and the ideographic space. JavaScript's own `RegExp` backtracks and
 * reads several patterns differently (`a{,3}`, `\w`), so it is never used for user text.
 */
import { RE2JS } from 're2js'

export const MAX_PATTERN = 100

const SPACE = '\\t\\n\\x0b\\f\\r \\x{3000}'
const WORD = '\\p{L}\\p{N}_'
const OUTSIDE: Record<string, string> = { w: `[${WORD}]`, W: `[^${WORD}]`, s: `[${SPACE}]`, S: `[^${SPACE}]` }
const INSIDE: Record<string, string> = { w: WORD, s: SPACE }
const ALLOWED_ESCAPES = new Set('dDwWs.S\\^$|?*+()[]{}/-')

export class RegexRefused extends Error {}

/** The RE2 spelling of a user's pattern (`dajian.engines.regex._translate`). */
export function translate(pattern: string): string {
  const out: string[] = []
  let i = 0
  let inClass = false
  while (i < pattern.length) {
    const ch = pattern[i] ?? ''
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1] ?? ''
      if (inClass && (next === 'W' || next === 'S')) {
        throw new RegexRefused(`\\${next} inside [...] is not supported: write a negated class [^...]`)
      }
      out.push((inClass ? INSIDE : OUTSIDE)[next] ?? ch + next)
      i += 2
      continue
    }
    const end = inClass && pattern.startsWith('[:', i) ? pattern.indexOf(':]', i + 2) : -1
    if (end > 0) {
      out.push(pattern.slice(i, end + 2)) // a POSIX class such as [:alpha:] inside [...]
      i = end + 2
      continue
    }
    if (inClass && ch === ']' && !(out.length && (out.at(-1) === '[' || out.at(-1) === '[^'))) {
      inClass = false
    } else if (!inClass && ch === '[') {
      inClass = true
      if (pattern[i + 1] === '^') {
        out.push('[^')
        i += 2
        continue
      }
    }
    out.push(ch)
    i += 1
  }
  return out.join('')
}

const compiled = new Map<string, RE2JS>()

/** The compiled pattern; `RegexRefused` with the reason when RE2 cannot run it. */
export function userRegex(pattern: string): RE2JS {
  const cached = compiled.get(pattern)
  if (cached) return cached
  let regex: RE2JS
  try {
    regex = RE2JS.compile(translate(pattern), RE2JS.DOTALL)
  } catch (error) {
    if (error instanceof RegexRefused) throw error
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error)
    throw new RegexRefused(`the pattern is not valid: ${reason}`)
  }
  if (compiled.size > 1000) compiled.clear()
  compiled.set(pattern, regex)
  return regex
}

export function regexSearch(regex: RE2JS, text: string): boolean {
  return regex.matcher(text).find()
}

/** Why a pattern is refused at check time (`limits.regex_issues`), or nothing. */
export function regexIssues(pattern: string): string[] {
  if ([...pattern].length > MAX_PATTERN) return [`the pattern is longer than ${MAX_PATTERN} characters`]
  const subset = pattern.includes('(?') ? ['look-arounds, flags and named groups are not supported in patterns'] : []
  subset.push(...escapeIssues(pattern))
  if (subset.length) return subset
  try {
    userRegex(pattern)
    return []
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)]
  }
}

function escapeIssues(pattern: string): string[] {
  const issues: string[] = []
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      const next = pattern.slice(i + 1, i + 2)
      if (!ALLOWED_ESCAPES.has(next)) issues.push(`the escape \\${next} is not supported in patterns`)
      i += 1
    }
  }
  return issues
}
