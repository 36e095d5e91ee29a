/**
 * The parser's line / column errors as ranges of the text, for the formula editor's inline marks.
 *
 *   formulaProblems('IF(a > , 1)') → [{from: 7, to: 8, message: "unexpected ',' here at line 1, column 8"}]
 *
 * Offsets are UTF-16 code units (the editor's), the parser counts characters: a field named with a
 * character outside the BMP before the error still lands on the right place.
 */
import { ExprError } from './model'
import { parseFormula, type Ast } from './parse'

export interface Problem {
  from: number
  to: number
  /** The parser's message with its place, as the server words it. */
  message: string
  /** The message alone, and where: for a translation (`explainProblem`). */
  reason: string
  line: number
  column: number
}

/** A known parser message as a catalogue key and its values, for the UI's language; null: show it as it is. */
export function explainProblem(reason: string): { key: string; values: Record<string, string> } | null {
  const patterns: [RegExp, string, string[]][] = [
    [/^the formula ends too early/, 'endsEarly', []],
    [/^unexpected character '(.*)'$/s, 'badCharacter', ['text']],
    [/^unexpected '(.*)' here$/s, 'unexpected', ['text']],
    [/^a text value is missing its closing quote$/, 'openQuote', []],
    [/^unknown function (.*)$/, 'unknownFunction', ['name']],
    [/^the formula is nested too deeply$/, 'tooDeep', []],
  ]
  for (const [pattern, key, names] of patterns) {
    const m = pattern.exec(reason)
    if (m) return { key, values: Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ''])) }
  }
  return null
}

/** The UTF-16 offset of 1-based `line` and character `column` in `text` (clamped to the text). */
export function offsetOf(text: string, line: number, column: number): number {
  let at = 0
  let currentLine = 1
  let currentColumn = 1
  for (const ch of text) {
    if (currentLine === line && currentColumn === column) return at
    if (ch === '\n') {
      if (currentLine === line) return at
      currentLine += 1
      currentColumn = 1
    } else currentColumn += 1
    at += ch.length
  }
  return at
}

/** Parse `text`: its AST, or the problems to mark (empty text: no AST, no problem). */
export function parseForEditor(text: string): { ast: Ast | undefined; problems: Problem[] } {
  if (!text.trim()) return { ast: undefined, problems: [] }
  try {
    return { ast: parseFormula(text), problems: [] }
  } catch (e) {
    if (!(e instanceof ExprError)) throw e
    const issue = e.issues[0]
    const from = issue?.line !== undefined ? offsetOf(text, issue.line, issue.column ?? 1) : 0
    const to = Math.min(text.length, from + Math.max(1, wordLength(text, from)))
    const at = Math.min(from, text.length)
    return { ast: undefined, problems: [{ from: at, to: Math.max(to, at), message: e.message, reason: issue?.message ?? e.message,
      line: issue?.line ?? 1, column: issue?.column ?? 1 }] }
  }
}

function wordLength(text: string, from: number): number {
  return /^[\p{L}\p{N}_$.]+/u.exec(text.slice(from))?.[0].length ?? 1
}
