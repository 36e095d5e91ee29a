import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import type { RecordFlow } from '../../../core/tasks/types'
import type { RecordRef } from './recordRef'

interface RecordFlows {
  items: RecordFlow[]
  /** the fields the running flows let the reader change; null: no flow restriction */
  step_editable?: string[] | null
}

export function recordFlowsQuery(ref: RecordRef) {
  return {
    queryKey: ['record', ref.appKey, ref.formKey, ref.recordId, 'flows'],
    queryFn: async (): Promise<RecordFlows> => {
      const result = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/flows', {
        params: { path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId } },
      })
      return unwrap(result) as unknown as RecordFlows
    },
  }
}

/** The flows run on the record, newest first, with their open tasks. */
export function useRecordFlows(ref: RecordRef) {
  return useQuery({ ...recordFlowsQuery(ref), select: (data: RecordFlows) => data.items })
}
