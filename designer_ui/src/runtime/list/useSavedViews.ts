import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'

export type SavedView = components['schemas']['ViewOut']
export type ViewSpec = components['schemas']['ViewSpec']

/** My saved views of the form, then the ones others shared. */
export function useSavedViews(app: string, form: string) {
  return useQuery({
    queryKey: ['apps', app, 'forms', form, 'views'],
    queryFn: async (): Promise<SavedView[]> =>
      unwrap(
        await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/views', {
          params: { path: { app_key: app, form_key: form } },
        }),
      ),
  })
}
