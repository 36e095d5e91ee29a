import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import type { HistoryEntry } from '../../../core/tasks/types'
import type { RecordRef } from './recordRef'

/** The record's audit entries (field-level before / after), oldest first as the server gives them. */
export function useHistory(ref: RecordRef) {
  return useQuery({
    queryKey: ['record', ref.appKey, ref.formKey, ref.recordId, 'history'],
    queryFn: async (): Promise<HistoryEntry[]> => {
      const result = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/history', {
        params: { path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId } },
      })
      return unwrap(result) as unknown as HistoryEntry[]
    },
  })
}
