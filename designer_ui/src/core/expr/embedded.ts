/**
 * Formula text inside a longer text: where the formula starts, and its parser problems placed on the whole text.
 *
 *   cellFormulaStart('= amount > 2')   → 2      (a decision-table cell: a formula after `=`)
 *   cellFormulaStart('[1..5)')         → null   (a range, not a formula)
 *   problemsAt('= amount >', 2)        → [{from: 10, …, column: 11}]  (offsets and column on the cell's text)
 */
import { parseForEditor, type Problem } from './diagnostics'

/** Where the formula of a decision-table condition cell starts (after `=` and spaces); null when the cell is a literal, list, range or comparison. */
export function cellFormulaStart(text: string): number | null {
  const found = /^\s*=\s*/.exec(text)
  return found ? found[0].length : null
}

/** The parser problems of the formula that starts at `start` of `text`, placed on `text`. */
export function problemsAt(text: string, start: number | null): Problem[] {
  if (start === null) return []
  const formula = text.slice(start)
  if (!formula.trim()) return []
  return parseForEditor(formula).problems.map((p) => ({
    ...p, from: p.from + start, to: p.to + start, column: p.line === 1 ? p.column + start : p.column,
  }))
}
