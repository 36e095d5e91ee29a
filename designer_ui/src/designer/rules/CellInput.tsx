import { Input, Tooltip, type InputRef } from 'antd'
import { useEffect, useRef, useState } from 'react'

interface Props {
  label: string
  text: string
  placeholder?: string
  problems: readonly string[] | undefined
  className?: string
  /** Named by a problem link: the cell is outlined, scrolled to and focused. */
  selected?: boolean
  /** The typed text, once the person leaves the cell or presses Enter. */
  onCommit: (text: string) => void
}

/** A spreadsheet cell: typing stays local until Enter or leaving the cell, so one edit is one undo step. */
export function CellInput({ label, text, placeholder, problems, className, selected = false, onCommit }: Props) {
  const ref = useRef<InputRef>(null)
  useEffect(() => {
    if (!selected) return
    ref.current?.input?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
    ref.current?.focus()
  }, [selected])
  const [typed, setTyped] = useState<{ from: string; value: string } | null>(null)
  const value = typed && typed.from === text ? typed.value : text
  const commit = () => {
    if (typed && typed.value !== text) onCommit(typed.value)
    setTyped(null)
  }
  const flagged = problems !== undefined && problems.length > 0
  const input = <Input ref={ref} size="small" aria-label={label} placeholder={placeholder} value={value} variant="borderless" status={flagged ? 'warning' : undefined}
    className={`dt-cell${flagged ? ' dt-cell-flagged' : ''}${selected ? ' dt-cell-selected' : ''}${className ? ` ${className}` : ''}`}
    aria-invalid={flagged || undefined} aria-description={flagged ? problems.join('\n') : undefined}
    onChange={(e) => setTyped({ from: text, value: e.target.value })} onBlur={commit}
    onKeyDown={(e) => {
      if (e.key === 'Enter') commit()
      if (e.key === 'Escape') setTyped(null)
    }} />
  return flagged ? <Tooltip title={<ul className="dt-problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul>}>{input}</Tooltip> : input
}
