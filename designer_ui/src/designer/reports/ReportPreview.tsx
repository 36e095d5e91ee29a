import { Alert, Empty, Spin, Typography } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import type { ReportResult } from '../../core/dashboard/charts'
import type { Label } from '../../core/labels'
import { DashboardWidget } from '../../runtime/dashboard/DashboardWidget'
import { useReportPreview } from './useReportPreview'

interface Props {
  appKey: string
  reportKey: string
  title: Label
  /** The report as the preview sends it (null: nothing to run yet). */
  reportText: string | null
  dragging: boolean
}

const noop = () => undefined

/** The report run on live data with the runtime dashboard's own widget (echarts, tables, KPI numbers). */
export function ReportPreview({ appKey, reportKey, title, reportText, dragging }: Props) {
  const { t } = useTranslation()
  const preview = useReportPreview(appKey, reportText, dragging)
  const widget = useMemo(() => {
    const data = preview.data
    if (!data) return null
    // a pivot is drawn as the runtime's table of its columns
    const shown: ReportResult = data.chart.type === 'pivot' ? { ...data, chart: { ...data.chart, type: 'table' } } : data
    return { key: reportKey, report: reportKey, title: title ?? {}, x: 0, y: 0, w: 12, h: 5, data: shown }
  }, [preview.data, reportKey, title])
  const error = preview.error
  return <section className="report-preview" aria-label={t('designer.reports.preview')} aria-busy={preview.isFetching}>
    <div className="report-preview-head">
      <Typography.Text strong>{t('designer.reports.preview')}</Typography.Text>
      {preview.isFetching && <Spin size="small" aria-label={t('designer.reports.refreshing')} />}
      {preview.data && !preview.isFetching && <Typography.Text type="secondary" role="status" aria-label={t('designer.reports.rowsLabel')}>
        {t('designer.reports.rows', { n: preview.data.rows.filter((r) => r.level === 'detail').length })}</Typography.Text>}
    </div>
    {error && <Alert type="warning" showIcon message={t('designer.reports.previewFailed')} description={<>
      <div>{error.message}</div>
      {error instanceof ApiError && error.errors.length > 0 && <ul className="designer-json-problems">
        {error.errors.map((e, i) => <li key={i}><code>{e.path}</code> {e.message}</li>)}
      </ul>}
    </>} style={{ marginBottom: 8 }} />}
    {reportText === null ? <Empty description={t('designer.reports.previewEmpty')} />
      : widget ? <DashboardWidget app={appKey} widget={widget} onRendered={noop} />
        : preview.isPending && !error ? <Spin /> : null}
  </section>
}
