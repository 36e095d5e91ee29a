import { Skeleton, Spin, Typography } from 'antd'
import { type CSSProperties, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router'
import { isEChart, type DashboardWidget as Widget } from '../../core/dashboard/charts'
import { gridArea } from '../../core/dashboard/grid'
import { pickLabel } from '../../core/labels'
import { ErrorState } from '../ErrorState'
import { DashboardFilters } from './DashboardFilters'
import { DashboardWidget } from './DashboardWidget'
import { useDashboard } from './useDashboard'
import './dashboard.css'

/** Marked (performance.mark) when every widget is on screen: bench/ui.py reads it as the time to interactive. */
export const INTERACTIVE_MARK = 'dashboard:interactive'

/** /a/:app/dashboards/:dashboard — the dashboard's widgets on a responsive grid, under its filters. */
export function DashboardPage() {
  const { t, i18n } = useTranslation()
  const { app = '', dashboard = '' } = useParams()
  // only what the user changed is sent; the server applies each filter's default to the rest
  const [filters, setFilters] = useState<Record<string, unknown>>({})
  const query = useDashboard(app, dashboard, filters)
  const result = query.data
  const widgets = useMemo(
    () => [...(result?.widgets ?? [])].sort((a, b) => a.y - b.y || a.x - b.x),
    [result],
  )
  const onRendered = useInteractiveMark(widgets, query.isFetching)

  if (query.isPending) return <Skeleton active paragraph={{ rows: 12 }} />
  if (query.isError) return <ErrorState error={query.error} title={t('dashboard.loadFailed')} onRetry={() => void query.refetch()} />
  const columns = result?.columns || 12
  return (
    <div className="dashboard-page">
      <div className="dashboard-head">
        <Typography.Title level={3} className="dashboard-title">
          {pickLabel(result?.label, i18n.language, dashboard)}
        </Typography.Title>
        <DashboardFilters
          filters={result?.filters ?? []}
          onChange={(key, value) => setFilters((current) => ({ ...current, [key]: value }))}
        />
        {query.isFetching && <Spin size="small" aria-label={t('dashboard.refreshing')} />}
      </div>
      {/* the definition's grid (x/y/w/h) on wide screens; one column in reading order on narrow ones */}
      <div className="dashboard-grid" style={{ '--dashboard-columns': columns } as CSSProperties}>
        {widgets.map((widget) => {
          const area = gridArea(widget, columns)
          return (
            <div key={widget.key} className="dashboard-cell" style={{ '--cell-column': area.column, '--cell-row': area.row } as CSSProperties}>
              <DashboardWidget app={app} widget={widget} onRendered={() => onRendered(widget.key)} />
            </div>
          )
        })}
      </div>
    </div>
  )
}

/** Counts the charts that have drawn; when all have (and the data is current), marks the page interactive once. */
function useInteractiveMark(widgets: Widget[], fetching: boolean) {
  const drawn = useRef(new Set<string>())
  const marked = useRef(false)
  const charts = useMemo(
    () => widgets.filter((w) => w.data && !w.error && w.data.rows.length > 0 && isEChart(w.data.chart.type)).map((w) => w.key),
    [widgets],
  )
  const check = useCallback(() => {
    if (marked.current || fetching || widgets.length === 0) return
    if (charts.every((key) => drawn.current.has(key))) {
      marked.current = true
      performance.mark(INTERACTIVE_MARK)
    }
  }, [charts, fetching, widgets.length])
  useEffect(check, [check])
  return useCallback(
    (key: string) => {
      drawn.current.add(key)
      check()
    },
    [check],
  )
}
