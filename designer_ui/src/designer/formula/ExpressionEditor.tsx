import { Alert, Radio, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toFormula } from '../../core/expr'
import { type ConditionGroup, fromConditions, toConditions } from '../../core/expr/conditions'
import { parseForEditor } from '../../core/expr/diagnostics'
import { callAt, type ScopeAt } from '../../core/expr/scope'
import { ConditionBuilder } from './ConditionBuilder'
import { FormulaEditor } from '../../formula/FormulaEditor'
import { useFunctions } from './useFunctions'
import { useExplainProblem } from '../../formula/useExplainProblem'
import { useScopeFields } from './useScopeFields'
import './formula.css'

export interface ExpressionInputProps {
  id: string
  /** Its name when no <label> points at `id`. */
  ariaLabel?: string
  value: unknown
  /** The new expression: formula text as typed, or null when cleared. */
  onChange: (value: string | null) => void
  /** A yes / no condition: offers the condition builder beside the formula text. */
  condition?: boolean
  /** The form (or sub-table) whose fields it reads, when not the designer's (see `ExpressionScope`). */
  scope?: ScopeAt
}

const asText = (value: unknown): string => {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  try {
    return toFormula(value)
  } catch {
    return JSON.stringify(value)
  }
}

type Mode = 'text' | 'builder'

/** The builder's rows for formula text; an empty group for no text; null when the rows cannot show it. */
function rowsOf(text: string): ConditionGroup | null {
  if (!text.trim()) return { type: 'group', join: 'and', items: [] }
  const { ast } = parseForEditor(text)
  return ast === undefined ? null : toConditions(ast)
}

/**
 * An expression as formula text (a JSON AST is shown as its formula) in a CodeMirror editor that completes
 * the fields in scope and the catalog's functions and marks the parser's error; a condition can also be
 * edited as rows in the condition builder. The draft keeps the text as written: nothing is rewritten
 * until the person edits it, so an untouched expression saves exactly as it was.
 */
export function ExpressionEditor({ id, ariaLabel, value, onChange, condition, scope }: ExpressionInputProps) {
  const { t } = useTranslation()
  const fields = useScopeFields(scope)
  const functions = useFunctions()
  const [text, setText] = useState(() => asText(value))
  const [seen, setSeen] = useState(value)
  const [mode, setMode] = useState<Mode>('text')
  const [rows, setRows] = useState<ConditionGroup | null>(null)
  const [refused, setRefused] = useState(false)
  const [cursor, setCursor] = useState<number | null>(null)
  if (seen !== value) {
    // undo, redo or the JSON view changed it: show the draft's expression unless it is what was typed
    setSeen(value)
    if (asText(value) !== (text.trim() ? text : '')) {
      setText(asText(value))
      if (mode === 'builder') {
        const next = rowsOf(asText(value))
        setRows(next)
        if (next === null) setMode('text')
      }
    }
  }
  const { problems } = parseForEditor(text)
  const explain = useExplainProblem()
  const error = problems[0] ? explain(problems[0]) : null

  const typed = (next: string) => {
    setText(next)
    setRefused(false)
    onChange(next.trim() ? next : null)
  }
  const switchTo = (next: Mode) => {
    if (next === 'builder') {
      const built = rowsOf(text)
      if (built === null) {
        setRefused(true)
        return
      }
      setRows(built)
    }
    setRefused(false)
    setMode(next)
  }
  const built = (group: ConditionGroup) => {
    setRows(group)
    const ast = fromConditions(group)
    const next = ast === null ? '' : toFormula(ast)
    if (next !== text) typed(next)
  }

  const call = cursor === null ? null : callAt(text, cursor)
  const signature = call ? functions.find((f) => f.name === call) : undefined
  return <div className="expression-input" role="group" aria-labelledby={`${id}-label`} aria-label={ariaLabel}>
    {condition && <Radio.Group size="small" optionType="button" value={mode} className="expression-mode"
      onChange={(e) => switchTo(e.target.value as Mode)}
      options={[{ value: 'text', label: t('formula.mode.text') }, { value: 'builder', label: t('formula.mode.builder') }]} />}
    {refused && <Alert type="info" showIcon className="expression-note" message={t(error ? 'formula.builder.fixFirst' : 'formula.builder.cannotShow')} />}
    {mode === 'builder' && rows
      ? <ConditionBuilder value={rows} fields={fields} onChange={built} />
      : <>
        <FormulaEditor id={id} value={text} invalid={error !== null} fields={fields} functions={functions} onChange={typed} explain={explain}
          onCursor={setCursor} ariaLabel={ariaLabel} placeholder={t('formula.placeholder')} />
        {signature && !error && <Typography.Text type="secondary" className="expression-signature">
          <code>{signature.signature}</code> {signature.description}
        </Typography.Text>}
        {error && <Typography.Text type="danger" className="expression-error" role="alert">{error}</Typography.Text>}
      </>}
  </div>
}
