import { Tooltip } from 'antd'
import { useState } from 'react'
import { cellFormulaStart, problemsAt } from '../../core/expr/embedded'
import type { ScopeField } from '../../core/expr/scope'
import { FormulaEditor } from '../../formula/FormulaEditor'
import { useExplainProblem } from '../../formula/useExplainProblem'
import { useFunctions } from '../formula/useFunctions'
import '../formula/formula.css'

export interface FormulaCellProps {
  id: string
  label: string
  text: string
  placeholder?: string
  /** The server's findings on this cell (a refused value, an overlap). */
  problems: readonly string[] | undefined
  /** The table's inputs, which a `=formula` cell reads. */
  inputs: readonly ScopeField[]
  /** Named by a problem link: focused and marked. */
  selected?: boolean
  /** The typed text, once the person presses Enter or leaves the cell. */
  onCommit: (text: string) => void
}

/**
 * A condition cell in the formula editor, one line: a value, list, range or comparison as typed, or after `=`
 * a formula over the table's inputs with their completion and the parser's error marked on the cell.
 * Typing stays local until Enter or leaving the cell (one edit, one undo step); Escape puts the cell back.
 */
export function FormulaCell({ id, label, text, placeholder, problems, inputs, selected = false, onCommit }: FormulaCellProps) {
  const functions = useFunctions()
  const explain = useExplainProblem()
  const [typed, setTyped] = useState<{ from: string; value: string } | null>(null)
  const value = typed && typed.from === text ? typed.value : text
  const commit = () => {
    if (typed && typed.from === text && typed.value !== text) onCommit(typed.value)
    setTyped(null)
  }
  const parsed = problemsAt(value, cellFormulaStart(value))[0]
  const error = parsed ? explain(parsed) : null
  const found = [...(error ? [error] : []), ...(problems ?? [])]
  const flagged = found.length > 0
  const editor = <div className={`dt-cell dt-formula-cell${flagged ? ' dt-cell-flagged' : ''}${error ? ' dt-cell-error' : ''}${selected ? ' dt-cell-selected' : ''}`}>
    <FormulaEditor id={id} value={value} invalid={flagged} fields={inputs} functions={functions} explain={explain} ariaLabel={label}
      placeholder={placeholder ?? ''} focused={selected} formulaStart={cellFormulaStart} ariaDescription={flagged ? found.join('\n') : undefined}
      onChange={(next) => setTyped({ from: text, value: next })}
      singleLine={{ onEnter: commit, onEscape: () => setTyped(null), onBlur: commit }} />
    {error && <div className="dt-cell-parse-error">{error}</div>}
  </div>
  // always inside the tooltip (empty when nothing is wrong): a cell turning invalid as one types keeps its editor and focus
  return <Tooltip title={flagged ? <ul className="dt-problems">{found.map((p) => <li key={p}>{p}</li>)}</ul> : null}>{editor}</Tooltip>
}
