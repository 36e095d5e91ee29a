import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { ValueTypes } from '../core/form/logic'

/** Each field kind's expression type, from the server's catalog (the same for everyone, cached). */
export function useValueTypes() {
  return useQuery({
    queryKey: ['catalog', 'value_types'],
    staleTime: Infinity,
    queryFn: async (): Promise<ValueTypes> => {
      const catalog = unwrap(await api.GET('/api/v1/catalog'))
      return Object.fromEntries(catalog.field_kinds.map((k) => [k.key, k.value_type]))
    },
  })
}
