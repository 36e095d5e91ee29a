import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { DatePreset } from '../../core/filters'

export interface LabelledPreset extends DatePreset {
  label: Record<string, string>
}

export interface CatalogOps {
  /** the operator symbols and function names the server offers, e.g. "=", "CONTAINS" */
  ops: Set<string>
  /** each field kind's type in expressions */
  valueTypes: Record<string, string>
  /** the named periods (today, this week …) date fields filter by */
  presets: LabelledPreset[]
  /** the functions a list filter may call (those that also run in SQL), for the formula editor's completion */
  functions: { name: string; signature: string; category: string; description: Record<string, string> }[]
}

/** What the filter builder may offer, from GET /api/v1/catalog (built once per server version). */
export function useCatalogOps() {
  return useQuery({
    queryKey: ['catalog', 'ops'],
    staleTime: Infinity,
    queryFn: async (): Promise<CatalogOps> => {
      const catalog = unwrap(await api.GET('/api/v1/catalog'))
      const ops = new Set<string>()
      for (const op of catalog.expressions.operators) {
        ops.add(op.symbol)
        op.aliases.forEach((alias) => ops.add(alias))
      }
      for (const fn of catalog.expressions.functions) ops.add(fn.name)
      const valueTypes = Object.fromEntries(catalog.field_kinds.map((k) => [k.key, k.value_type]))
      const presets = catalog.date_presets.map((p) => ({ key: p.key, label: p.label, start: p.start, stop: p.stop }))
      const functions = catalog.expressions.functions.filter((f) => f.sql)
        .map((f) => ({ name: f.name, signature: f.signature, category: f.category, description: f.description as unknown as Record<string, string> }))
      return { ops, valueTypes, presets, functions }
    },
  })
}
