import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import type { components } from '../../../api/schema'
import type { RecordRef } from './recordRef'

export type Comment = components['schemas']['Comment']

export function useComments(ref: RecordRef) {
  return useQuery({
    queryKey: ['record', ref.appKey, ref.formKey, ref.recordId, 'comments'],
    queryFn: async (): Promise<Comment[]> => {
      const result = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/comments', {
        params: { path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId } },
      })
      return unwrap(result).items
    },
  })
}
