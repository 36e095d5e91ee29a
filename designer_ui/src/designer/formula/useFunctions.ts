import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { FunctionInfo } from '../../core/expr/scope'
import { pickLabel } from '../../core/labels'
import { useCatalog } from '../useCatalog'

/** The expression functions of the server's catalog, with signatures and one-line docs in the UI language. */
export function useFunctions(): FunctionInfo[] {
  const catalog = useCatalog().data
  const { i18n } = useTranslation()
  return useMemo(() => (catalog?.expressions.functions ?? []).map((f) => ({
    name: f.name,
    signature: f.signature,
    category: f.category,
    description: pickLabel(f.description as unknown as Record<string, string>, i18n.language, ''),
  })), [catalog, i18n.language])
}
