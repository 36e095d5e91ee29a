import { Input, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { parseFormula, toFormula } from '../core/expr'

interface Props {
  id: string
  /** Its name when no <label> points at `id`. */
  ariaLabel?: string
  value: unknown
  /** The new expression: formula text as typed, or null when cleared. */
  onChange: (value: string | null) => void
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

/**
 * An expression as formula text (a JSON AST is shown as its formula), parsed as it is typed with the
 * browser's parser; its error (with the column) shows below. The draft keeps the text as written.
 */
export function ExpressionInput({ id, ariaLabel, value, onChange }: Props) {
  const { t } = useTranslation()
  const [text, setText] = useState(() => asText(value))
  const [seen, setSeen] = useState(value)
  if (seen !== value) {
    // undo, redo or the JSON view changed it: show the draft's expression unless it is what was typed
    setSeen(value)
    if (asText(value) !== (text.trim() ? text : '')) setText(asText(value))
  }
  let error: string | null = null
  if (text.trim()) {
    try {
      parseFormula(text)
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
  }
  return <>
    <Input id={id} aria-label={ariaLabel} value={text} placeholder={t('designer.props.formulaPlaceholder')} status={error ? 'error' : undefined}
      style={{ fontFamily: 'monospace' }}
      onChange={(e) => {
        setText(e.target.value)
        onChange(e.target.value.trim() ? e.target.value : null)
      }} />
    {error && <Typography.Text type="danger" style={{ fontSize: 12 }}>{error}</Typography.Text>}
  </>
}
