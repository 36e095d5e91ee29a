import { api, unwrap } from '../../api/client'
import type { DashboardResult } from '../../core/dashboard/charts'

/**
 * The query of a dashboard's widgets for the given filter values, shared by the page (useDashboard) and the
 * route's loader, which starts it as the navigation starts, beside the page's code rather than after it.
 */
export function dashboardQuery(app: string, dashboard: string, filters: Record<string, unknown>) {
  return {
    queryKey: ['apps', app, 'dashboards', dashboard, filters],
    // the page mounting right after the loader's prefetch must not ask again
    staleTime: 30_000,
    queryFn: async (): Promise<DashboardResult> =>
      unwrap(
        await api.POST('/api/v1/apps/{app_key}/dashboards/{dashboard_key}/run', {
          params: { path: { app_key: app, dashboard_key: dashboard } },
          body: { filters },
        }),
      ) as unknown as DashboardResult,
  }
}
