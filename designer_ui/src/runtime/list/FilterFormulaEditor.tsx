import { Typography } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { problemsAt } from '../../core/expr/embedded'
import type { ScopeField } from '../../core/expr/scope'
import type { FieldInfo } from '../../core/filters'
import { pickLabel } from '../../core/labels'
import { FormulaEditor } from '../../formula/FormulaEditor'
import { useExplainProblem } from '../../formula/useExplainProblem'
import type { CatalogOps } from './useCatalogOps'
import type { ColumnInfo } from './useListColumns'

export interface FilterFormulaProps {
  id: string
  value: string
  onChange: (text: string) => void
  columns: readonly ColumnInfo[]
  fields: Readonly<Record<string, FieldInfo>>
  functions: CatalogOps['functions']
  placeholder: string
}

/** The list filter as formula text in the formula editor: the form's filterable fields and the SQL-able functions complete, the parser's error is marked as you type. */
export function FilterFormulaEditor({ id, value, onChange, columns, fields, functions, placeholder }: FilterFormulaProps) {
  const { i18n } = useTranslation()
  const explain = useExplainProblem()
  const scope = useMemo((): ScopeField[] => columns.filter((c) => c.filterable).map((c) => ({
    path: c.key,
    label: pickLabel(c.label, i18n.language, c.key),
    kind: c.kind,
    type: fields[c.key]?.valueType ?? 'any',
    options: (c.options ?? []).map((o) => ({ value: o.value, label: pickLabel(o.label, i18n.language, o.value) })),
  })), [columns, fields, i18n.language])
  const calls = useMemo(() => functions.map((f) => ({ name: f.name, signature: f.signature, category: f.category,
    description: pickLabel(f.description, i18n.language, '') })), [functions, i18n.language])
  const problem = problemsAt(value, 0)[0]
  const error = problem ? explain(problem) : null
  return <>
    <FormulaEditor id={id} value={value} invalid={error !== null} fields={scope} functions={calls} onChange={onChange} explain={explain}
      placeholder={placeholder} ariaDescription={error ?? undefined} />
    {error && <Typography.Text type="danger" className="list-filter-formula-error">{error}</Typography.Text>}
  </>
}
