import { lazy, Suspense } from 'react'
import type { FormulaCellProps } from './FormulaCell'

// CodeMirror loads with the first table shown, not with the designer (the rule designer's condition editor shares it).
const FormulaCell = lazy(async () => ({ default: (await import('./FormulaCell')).FormulaCell }))

/** A decision-table condition cell: a value, range or `=formula` in a one-line formula editor. */
export function ConditionCell(props: FormulaCellProps) {
  return <Suspense fallback={<div className="dt-cell dt-cell-loading" aria-busy="true">{props.text}</div>}>
    <FormulaCell {...props} />
  </Suspense>
}
