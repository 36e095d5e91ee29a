import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { DashboardResult } from '../../core/dashboard/charts'

/** Every widget of a dashboard for the given filter values (POST …/dashboards/{key}/run); the server runs them concurrently. */
export function useDashboard(app: string, dashboard: string, filters: Record<string, unknown>) {
  return useQuery({
    queryKey: ['apps', app, 'dashboards', dashboard, filters],
    enabled: app !== '' && dashboard !== '',
    // changing a filter keeps the old charts on screen until the new answer arrives
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<DashboardResult> =>
      unwrap(
        await api.POST('/api/v1/apps/{app_key}/dashboards/{dashboard_key}/run', {
          params: { path: { app_key: app, dashboard_key: dashboard } },
          body: { filters },
        }),
      ) as unknown as DashboardResult,
  })
}
