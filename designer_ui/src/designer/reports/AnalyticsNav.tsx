import { Menu } from 'antd'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { dashboardsOf } from '../../core/design/dashboardModel'
import { reportsOf } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'
import type { AnalyticsRoute } from './route'

/** The designer's side menu of reports and dashboards (under the forms). */
export function AnalyticsNav({ appKey, doc, route }: { appKey: string; doc: unknown; route: AnalyticsRoute | null }) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const item = (kind: string, key: string, label: unknown) => ({ key: `${kind}/${key}`,
    label: pickLabel(label as Record<string, string> | undefined, i18n.language, key) })
  return <Menu mode="inline" aria-label={t('designer.reports.nav')} selectedKeys={route?.key ? [`${route.kind}/${route.key}`] : []}
    defaultOpenKeys={route ? ['reports', 'dashboards'] : []}
    onClick={({ key }) => void navigate(`/design/${appKey}/${key.split('/').map(encodeURIComponent).join('/')}`)}
    items={[
      { key: 'reports', label: t('designer.reports.reports'), children: [
        ...reportsOf(doc).map((r) => item('reports', r.key, r.label)),
        { key: 'reports/', label: t('designer.reports.addReport') }] },
      { key: 'dashboards', label: t('designer.reports.dashboards'), children: [
        ...dashboardsOf(doc).map((d) => item('dashboards', d.key, d.label)),
        { key: 'dashboards/', label: t('designer.reports.addDashboard') }] },
    ]} />
}
