import { lazy, Suspense } from 'react'
import { loadAreas } from '../../i18n'
import type { FilterFormulaProps } from './FilterFormulaEditor'

// CodeMirror and the parser's messages load when the formula tab opens: the list itself does not wait for them.
const FilterFormulaEditor = lazy(async () => {
  const [module] = await Promise.all([import('./FilterFormulaEditor'), loadAreas('formula')])
  return { default: module.FilterFormulaEditor }
})

/** The filter formula box (see FilterFormulaEditor). */
export function FilterFormula(props: FilterFormulaProps) {
  return <Suspense fallback={<div className="list-filter-formula-loading" aria-busy="true">{props.value}</div>}>
    <FilterFormulaEditor {...props} />
  </Suspense>
}
