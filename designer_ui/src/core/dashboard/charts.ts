// A dashboard widget's result (POST /api/v1/apps/{app}/dashboards/{dashboard}/run) turned into what the page
// draws: ECharts options from the report engine's chart description, formatted numbers, and the drill-down
// filter (an expression AST) behind every number and chart element. No React, no echarts import: this file
// stays in the page's own chunk and is tested in Vitest.
import { pickLabel, type Label } from '../labels'

export type Ast = unknown

export interface ReportMeasure {
  key: string
  label: Label
  type?: string
  format?: string | null
}

export interface ReportDimension {
  key: string
  label: Label
  field: string
}

export interface ReportRow {
  level: string
  dims: Record<string, unknown>
  values: Record<string, number | null>
  drill?: Ast
  drill_measures?: Record<string, Ast>
}

export interface ChartAxis {
  dimension: string
  label?: Label
  categories: unknown[]
  labels?: Label[]
}

export interface ChartSeries {
  key: string
  name: Label
  measure: string
  data: (number | null)[]
  stack?: string
}

export interface ChartSpec {
  type: string
  title?: Label
  x?: ChartAxis
  y_axis?: ChartAxis
  y?: { measure: string; label: Label; format?: string | null }[]
  series?: ChartSeries[]
  data?: unknown
  horizontal?: boolean
  radius?: string[]
  columns?: { key: string; label: Label; kind: string; format?: string | null }[]
  value?: number | null
}

export interface ReportResult {
  report: string
  label: Label
  form: string
  dimensions: ReportDimension[]
  measures: ReportMeasure[]
  rows: ReportRow[]
  total: ReportRow | null
  labels: Record<string, Record<string, Label>>
  chart: ChartSpec
  truncated?: boolean
}

export interface DashboardWidget {
  key: string
  report: string
  title: Label
  x: number
  y: number
  w: number
  h: number
  data?: ReportResult
  error?: { code: string; detail: string; errors?: { path: string; message: string }[] }
  status?: number
}

export interface DashboardFilter {
  key: string
  type: string
  label: Label
  value: unknown
}

export interface DashboardResult {
  dashboard: string
  label: Label
  columns: number
  filters: DashboardFilter[]
  widgets: DashboardWidget[]
}

/** The chart kinds drawn by ECharts; the others ("number", "table") are drawn with antd. */
export function isEChart(type: string): boolean {
  return type !== 'number' && type !== 'table'
}

export function formatValue(value: number | null | undefined, format: string | null | undefined, locale: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  if (format === 'percent') {
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value)
  }
  if (format === 'duration_minutes') {
    const minutes = Math.round(value)
    const hours = Math.floor(minutes / 60)
    const rest = minutes % 60
    if (locale.startsWith('zh')) return hours ? `${hours} 小时 ${rest} 分` : `${rest} 分钟`
    return hours ? `${hours} h ${rest} min` : `${rest} min`
  }
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)
}

/** The list page a drill filter opens: /a/:app/forms/:form?filter=<the AST as JSON>. */
export function drillUrl(app: string, form: string, filter: Ast): string {
  const params = new URLSearchParams({ filter: JSON.stringify(filter) })
  return `/a/${encodeURIComponent(app)}/forms/${encodeURIComponent(form)}?${params.toString()}`
}

function sameKey(a: unknown, b: unknown): boolean {
  // categories arrive as the raw dimension values (numbers for users, strings for options), rows too;
  // comparing their string forms also matches a null category with a null row value
  return String(a) === String(b)
}

function rowWhere(rows: ReportRow[], match: Record<string, unknown>): ReportRow | undefined {
  return rows.find((row) => row.level === 'detail' && Object.entries(match).every(([k, v]) => sameKey(row.dims[k], v)))
}

/** The filter behind one number: the measure's own drill when it has a condition, else the row's. */
export function measureDrill(row: ReportRow | null | undefined, measure: string): Ast | undefined {
  if (!row) return undefined
  return row.drill_measures?.[measure] ?? row.drill
}

export interface ChartPoint {
  /** ECharts' series index and data index of the clicked element */
  seriesIndex: number
  dataIndex: number
}

/** The filter behind a clicked chart element, or undefined when the element has no row. */
export function chartDrill(result: ReportResult, point: ChartPoint): Ast | undefined {
  const chart = result.chart
  if (chart.type === 'heatmap') {
    const [x, y] = (chart.data as number[][] | undefined)?.[point.dataIndex] ?? []
    if (x === undefined || y === undefined || !chart.x || !chart.y_axis) return undefined
    const row = rowWhere(result.rows, {
      [chart.x.dimension]: chart.x.categories[x],
      [chart.y_axis.dimension]: chart.y_axis.categories[y],
    })
    return row?.drill
  }
  if (chart.type === 'pie' || chart.type === 'donut') {
    const slice = (chart.data as { key: unknown }[] | undefined)?.[point.dataIndex]
    const dimension = result.dimensions[0]?.key
    if (!slice || !dimension) return undefined
    return rowWhere(result.rows, { [dimension]: slice.key })?.drill
  }
  if (!chart.x) return undefined
  const row = rowWhere(result.rows, { [chart.x.dimension]: chart.x.categories[point.dataIndex] })
  return measureDrill(row, chart.series?.[point.seriesIndex]?.measure ?? '')
}

function axisLabels(axis: ChartAxis | undefined, locale: string): string[] {
  if (!axis) return []
  return axis.categories.map((category, i) => pickLabel(axis.labels?.[i], locale, String(category ?? '')))
}

function formatterFor(format: string | null | undefined, locale: string) {
  return (value: number) => formatValue(value, format, locale)
}

/** ECharts options for a chart the report engine described (line, area, bar, stacked_bar, pie, donut, heatmap). */
export function echartsOption(result: ReportResult, locale: string): Record<string, unknown> {
  const chart = result.chart
  const format = chart.y?.[0]?.format
  const valueAxis = { type: 'value', axisLabel: { formatter: formatterFor(format, locale) } }
  const tooltipValue = formatterFor(format, locale)
  if (chart.type === 'pie' || chart.type === 'donut') {
    const data = (chart.data as { key: unknown; name: Label; value: number }[] | undefined) ?? []
    return {
      tooltip: { trigger: 'item', valueFormatter: tooltipValue },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: chart.radius ?? (chart.type === 'donut' ? ['45%', '70%'] : '70%'),
          center: ['50%', '45%'],
          data: data.map((d) => ({ name: pickLabel(d.name, locale, String(d.key)), value: d.value })),
          // inside the ring: names outside would be cut off in a narrow widget; the legend names the slices
          label: { position: 'inside', formatter: '{c}' },
        },
      ],
    }
  }
  if (chart.type === 'heatmap') {
    const data = (chart.data as number[][] | undefined) ?? []
    const max = data.reduce((m, cell) => Math.max(m, Number(cell[2] ?? 0)), 0)
    return {
      tooltip: { position: 'top', valueFormatter: tooltipValue },
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      xAxis: { type: 'category', data: axisLabels(chart.x, locale), splitArea: { show: true }, axisLabel: { rotate: 45 } },
      yAxis: { type: 'category', data: axisLabels(chart.y_axis, locale), splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(max, 1), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 80 },
      series: [{ type: 'heatmap', data, label: { show: true } }],
    }
  }
  const categories = axisLabels(chart.x, locale)
  const horizontal = chart.horizontal === true
  const categoryAxis = { type: 'category', data: categories, axisLabel: { hideOverlap: true } }
  const seriesType = chart.type === 'line' || chart.type === 'area' ? 'line' : 'bar'
  const series = (chart.series ?? []).map((s) => ({
    name: pickLabel(s.name, locale, s.key),
    type: seriesType,
    data: s.data,
    ...(s.stack ? { stack: s.stack } : {}),
    ...(chart.type === 'area' ? { areaStyle: {} } : {}),
  }))
  return {
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series,
  }
}

/** A table widget's rows as label texts: dimension values by their display labels, measures formatted. */
export function tableCell(result: ReportResult, row: ReportRow, column: string, locale: string): string {
  if (column in row.dims) {
    const raw = row.dims[column]
    return pickLabel(result.labels[column]?.[String(raw)], locale, raw === null || raw === undefined ? '—' : String(raw))
  }
  const measure = result.measures.find((m) => m.key === column)
  return formatValue(row.values[column], measure?.format, locale)
}

export interface DateRange {
  from: string
  to: string
}

export function isDateRange(value: unknown): value is DateRange {
  return typeof value === 'object' && value !== null && 'from' in value && 'to' in value
}
