import { lazy, Suspense } from 'react'
import type { ExpressionInputProps } from './formula/ExpressionEditor'

// The formula editor (CodeMirror, the expression parser and checker, decimal.js) loads with the first
// expression shown: opening a form in the designer does not wait for it.
const ExpressionEditor = lazy(async () => ({ default: (await import('./formula/ExpressionEditor')).ExpressionEditor }))

/** An expression: formula text with completion and inline errors, or (for a condition) the condition builder. */
export function ExpressionInput(props: ExpressionInputProps) {
  return <Suspense fallback={<div className="expression-input-loading" aria-busy="true" />}>
    <ExpressionEditor {...props} />
  </Suspense>
}
