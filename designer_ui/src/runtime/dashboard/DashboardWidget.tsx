import { Alert, Card, Empty, Skeleton, Typography } from 'antd'
import { lazy, Suspense, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import {
  chartDrill,
  drillUrl,
  echartsOption,
  formatValue,
  isEChart,
  measureDrill,
  type DashboardWidget as Widget,
  type ReportResult,
} from '../../core/dashboard/charts'
import { pickLabel } from '../../core/labels'

// The chart library and antd's Table are the page's heaviest parts: their chunks start downloading when this
// module is evaluated, side by side with the dashboard's data, instead of after it.
const echartModule = import('./EChart')
const tableModule = import('./ReportTable')
const EChart = lazy(() => echartModule)
const ReportTable = lazy(async () => ({ default: (await tableModule).ReportTable }))

/** Pixels per grid row of the dashboard definition (its widgets say h: 2 … 5). */
export const ROW_HEIGHT = 64

/** One widget: KPI numbers, a table or an ECharts chart; every number and chart element opens the filtered list. */
export function DashboardWidget({ app, widget, onRendered }: { app: string; widget: Widget; onRendered: () => void }) {
  const { i18n } = useTranslation()
  const title = pickLabel(widget.title, i18n.language, widget.key)
  return (
    <Card title={title} size="small" className="dashboard-widget" role="region" aria-label={title}>
      <WidgetBody app={app} widget={widget} title={title} onRendered={onRendered} />
    </Card>
  )
}

function WidgetBody({ app, widget, title, onRendered }: { app: string; widget: Widget; title: string; onRendered: () => void }) {
  const { t } = useTranslation()
  if (widget.error || !widget.data) {
    return <Alert type="warning" showIcon message={t('dashboard.widgetFailed')} description={widget.error?.detail} />
  }
  const result = widget.data
  if (result.rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noData')} />
  if (result.chart.type === 'number') return <Numbers app={app} result={result} />
  if (result.chart.type === 'table') {
    return (
      <Suspense fallback={<Skeleton active />}>
        <ReportTable app={app} result={result} />
      </Suspense>
    )
  }
  if (isEChart(result.chart.type)) {
    return <Chart app={app} result={result} title={title} height={Math.max(widget.h, 3) * ROW_HEIGHT} onRendered={onRendered} />
  }
  return <Typography.Text type="secondary">{t('dashboard.unknownChart', { type: result.chart.type })}</Typography.Text>
}

function Numbers({ app, result }: { app: string; result: ReportResult }) {
  const { i18n } = useTranslation()
  const row = result.rows[0]
  if (!row) return null
  return (
    <div className="dashboard-numbers">
      {result.measures.map((measure) => {
        const label = pickLabel(measure.label, i18n.language, measure.key)
        const value = formatValue(row.values[measure.key], measure.format, i18n.language)
        const filter = measureDrill(row, measure.key)
        const body = (
          <>
            <span className="dashboard-number-value">{value}</span>
            <span className="dashboard-number-label">{label}</span>
          </>
        )
        // an average or a ratio opens the rows it was computed over
        return filter !== undefined ? (
          <Link key={measure.key} to={drillUrl(app, result.form, filter)} className="dashboard-number" aria-label={`${label} ${value}`}>
            {body}
          </Link>
        ) : (
          <div key={measure.key} className="dashboard-number" aria-label={`${label} ${value}`}>
            {body}
          </div>
        )
      })}
    </div>
  )
}

function Chart({
  app,
  result,
  title,
  height,
  onRendered,
}: {
  app: string
  result: ReportResult
  title: string
  height: number
  onRendered: () => void
}) {
  const { i18n } = useTranslation()
  const navigate = useNavigate()
  const option = useMemo(() => echartsOption(result, i18n.language), [result, i18n.language])
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height }} />}>
      <EChart
        option={option}
        height={height}
        label={title}
        onRendered={onRendered}
        onPick={(point) => {
          const filter = chartDrill(result, point)
          if (filter !== undefined) navigate(drillUrl(app, result.form, filter))
        }}
      />
    </Suspense>
  )
}
