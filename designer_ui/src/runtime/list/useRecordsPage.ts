import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'

export type RecordItem = Record<string, unknown> & { id: number; row_version?: number }

export interface RecordsPage {
  items: RecordItem[]
  next_cursor: string | null
  total?: number
  total_is_exact?: boolean
}

export interface RecordsQuery {
  filter: unknown
  sort: string | null
  after: string | null
  limit: number
}

/** One keyset page of the form's records (POST …/records/query: the filter travels as JSON). */
export function useRecordsPage(app: string, form: string, query: RecordsQuery, enabled = true) {
  return useQuery({
    queryKey: ['apps', app, 'forms', form, 'records', query],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<RecordsPage> =>
      unwrap(
        await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/query', {
          params: { path: { app_key: app, form_key: form } },
          body: { filter: query.filter ?? null, sort: query.sort, after: query.after, limit: query.limit, count: 'capped', deleted: false },
        }),
      ) as unknown as RecordsPage,
  })
}
