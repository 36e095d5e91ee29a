import { Button, Empty, Result, Select, Space } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { dashboardsOf } from '../../core/design/dashboardModel'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { uniqueKey } from '../../core/design/keys'
import { addReportOps, formsOf, newReport, reportsOf } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { DashboardDesigner } from './DashboardDesigner'
import { ReportDesigner } from './ReportDesigner'
import type { AnalyticsRoute } from './route'
import './reports.css'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  catalog: Catalog
  problems: readonly Problem[]
  route: AnalyticsRoute
}

/** /design/:app/reports/:report and /design/:app/dashboards/:dashboard (loaded lazily by DesignerPage). */
export function AnalyticsDesigner({ appKey, store, doc, catalog, problems, route }: Props) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const [form, setForm] = useState<string | null>(null)
  const bilingual = (key: string) => ({ 'zh-CN': t(key, { lng: 'zh-CN' }), en: t(key, { lng: 'en' }) })
  if (route.kind === 'reports') {
    const ri = route.key === null ? -1 : reportsOf(doc).findIndex((r) => r.key === route.key)
    if (ri >= 0) return <ReportDesigner key={route.key} appKey={appKey} store={store} doc={doc} ri={ri} catalog={catalog} problems={problems} at={route.at} />
    const forms = formsOf(doc).filter((f) => typeof f.key === 'string')
    const create = () => {
      const formKey = form ?? String(forms[0]?.key ?? '')
      if (!formKey) return
      const report = newReport(doc, formKey, bilingual('designer.reports.newReport'), bilingual('designer.reports.countRecords'))
      store.edit(addReportOps(doc, report))
      void navigate(`/design/${appKey}/reports/${report.key}`)
    }
    return <Empty className="designer-loading" description={route.key === null ? t('designer.reports.pickReport') : t('designer.reports.noReport')}>
      <Space>
        <Select aria-label={t('designer.reports.form')} style={{ width: 200 }} value={form ?? (forms[0] ? String(forms[0].key) : undefined)}
          options={forms.map((f) => ({ value: String(f.key), label: pickLabel(f.label, i18n.language, String(f.key)) }))} onChange={setForm} />
        <Button type="primary" onClick={create}>{t('designer.reports.addReport')}</Button>
      </Space>
    </Empty>
  }
  const di = route.key === null ? -1 : dashboardsOf(doc).findIndex((d) => d.key === route.key)
  if (di >= 0) return <DashboardDesigner key={route.key} appKey={appKey} store={store} doc={doc} di={di} catalog={catalog} problems={problems} at={route.at} />
  const create = () => {
    const key = uniqueKey('dashboard', new Set(dashboardsOf(doc).map((d) => d.key)), { numbered: true })
    const value = { key, label: bilingual('designer.reports.newDashboard'), columns: 12, widgets: [] }
    store.edit(Array.isArray((doc as { dashboards?: unknown }).dashboards)
      ? [{ op: 'insert', path: ['dashboards', '-'], value }] : [{ op: 'set', path: ['dashboards'], value: [value] }])
    void navigate(`/design/${appKey}/dashboards/${key}`)
  }
  return route.key === null
    ? <Empty className="designer-loading" description={t('designer.reports.pickDashboard')}>
      <Button type="primary" onClick={create}>{t('designer.reports.addDashboard')}</Button></Empty>
    : <Result status="404" title={t('designer.reports.noDashboard')} />
}

export default AnalyticsDesigner
