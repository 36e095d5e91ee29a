import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import { recordKey, type RecordRef } from './recordRef'

export type RelatedItem = Record<string, unknown> & { id: number }

/** Records of `target` the server finds alike (shared telling words), best first. */
export function useRelated(ref: RecordRef, target: string) {
  return useQuery({
    queryKey: [...recordKey(ref), 'related', target],
    queryFn: async (): Promise<RelatedItem[]> => {
      const result = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/related', {
        params: {
          path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId },
          query: { target, limit: 5 },
        },
      })
      return (unwrap(result) as unknown as { items: RelatedItem[] }).items
    },
  })
}
