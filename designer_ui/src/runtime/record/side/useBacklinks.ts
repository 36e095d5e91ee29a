import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import type { components } from '../../../api/schema'
import type { RecordRef } from './recordRef'

export type Backlinks = components['schemas']['Backlinks']

/** Records of other forms pointing at this one (the customer 360 view). */
export function useBacklinks(ref: RecordRef) {
  return useQuery({
    queryKey: ['record', ref.appKey, ref.formKey, ref.recordId, 'backlinks'],
    queryFn: async (): Promise<Backlinks> => {
      const result = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/backlinks', {
        params: { path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId } },
      })
      return unwrap(result)
    },
  })
}
