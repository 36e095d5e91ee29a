import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'

export type ListColumns = components['schemas']['ListColumns']
export type ColumnInfo = components['schemas']['ColumnOut']

/** The form's readable fields with their options, and the names behind user and department ids. */
export function useListColumns(app: string, form: string, enabled = true) {
  return useQuery({
    queryKey: ['apps', app, 'forms', form, 'columns'],
    enabled,
    queryFn: async (): Promise<ListColumns> =>
      unwrap(
        await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/columns', {
          params: { path: { app_key: app, form_key: form } },
        }),
      ),
  })
}
