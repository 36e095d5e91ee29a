import { Placeholder } from '../Placeholder'

/** /a/:app/dashboards/:dashboard — a dashboard of the app. */
export function DashboardPage() {
  return <Placeholder />
}
