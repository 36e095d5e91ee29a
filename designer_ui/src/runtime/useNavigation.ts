import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { AppNavigation } from '../api/types'

/** The app's navigation for me: the forms my roles reach and the dashboards (GET …/navigation). */
export function useNavigation(appKey: string, enabled = true) {
  return useQuery({
    queryKey: ['apps', appKey, 'navigation'],
    enabled: enabled && appKey !== '',
    queryFn: async (): Promise<AppNavigation> =>
      unwrap(await api.GET('/api/v1/apps/{app_key}/navigation', { params: { path: { app_key: appKey } } })),
  })
}
