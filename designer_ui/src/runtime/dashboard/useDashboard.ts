import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { dashboardQuery } from './dashboardQuery'

/** Every widget of a dashboard for the given filter values (POST …/dashboards/{key}/run); the server runs them concurrently. */
export function useDashboard(app: string, dashboard: string, filters: Record<string, unknown>) {
  return useQuery({
    ...dashboardQuery(app, dashboard, filters),
    enabled: app !== '' && dashboard !== '',
    // changing a filter keeps the old charts on screen until the new answer arrives
    placeholderData: keepPreviousData,
  })
}
