import { createContext } from 'react'
import type { ScopeAt } from '../../core/expr/scope'

export interface ExpressionScopeValue extends ScopeAt {
  /** The app draft the form is read from. */
  doc: unknown
}

/**
 * Where the expressions below are written: the draft and the form (or sub-table) whose fields they may
 * read. Each designer provides it once; every formula editor inside completes from it.
 */
export const ExpressionScope = createContext<ExpressionScopeValue>({ doc: null, form: null })
