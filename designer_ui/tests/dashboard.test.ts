import { describe, expect, it } from 'vitest'
import {
  chartDrill,
  drillUrl,
  echartsOption,
  formatValue,
  measureDrill,
  tableCell,
  type ReportResult,
} from '../src/core/dashboard/charts'
import fixture from './dashboard_fixture.json'

// A real cockpit answer (complaint template, 40 demo records), trimmed to five widgets.
const widgets = fixture as unknown as Record<
  'kpis' | 'top_categories' | 'capa_status' | 'region_product' | 'backlog_by_agent',
  ReportResult
>

function at<T>(items: T[], index: number): T {
  const item = items[index]
  if (item === undefined) throw new Error(`no item ${index}`)
  return item
}

describe('dashboard charts', () => {
  it('formats percents, working minutes and plain numbers', () => {
    expect(formatValue(0.6857, 'percent', 'en')).toBe('68.6%')
    expect(formatValue(208.9, 'duration_minutes', 'en')).toBe('3 h 29 min')
    expect(formatValue(208.9, 'duration_minutes', 'zh-CN')).toBe('3 小时 29 分')
    expect(formatValue(1234.567, 'number', 'en')).toBe('1,234.57')
    expect(formatValue(null, 'number', 'en')).toBe('—')
  })

  it('puts the filter AST in the list URL as JSON', () => {
    const url = drillUrl('complaint_management', 'complaint', { '==': [{ var: 'status' }, 'open'] })
    const parsed = new URL(url, 'http://x')
    expect(parsed.pathname).toBe('/a/complaint_management/forms/complaint')
    expect(JSON.parse(parsed.searchParams.get('filter') ?? '')).toEqual({ '==': [{ var: 'status' }, 'open'] })
  })

  it('drills a KPI with its own condition, else the row filter', () => {
    const row = at(widgets.kpis.rows, 0)
    expect(JSON.stringify(measureDrill(row, 'open'))).toContain('"!":[{"in":[{"var":"status"}')
    expect(measureDrill(row, 'n')).toEqual(row.drill)
  })

  it('drills a horizontal bar to its category, and the others bucket to the rest', () => {
    const result = widgets.top_categories
    const option = echartsOption(result, 'zh-CN') as { yAxis: { data: string[] } }
    expect(option.yAxis.data[0]).toBe('设计问题')
    expect(JSON.stringify(chartDrill(result, { seriesIndex: 0, dataIndex: 0 }))).toContain('"design_issue"')
    const others = (result.chart.x?.categories ?? []).indexOf('__others__')
    expect(JSON.stringify(chartDrill(result, { seriesIndex: 0, dataIndex: others }))).toContain('"!"')
  })

  it('drills a stacked bar series by its measure', () => {
    const result = widgets.backlog_by_agent
    const open = chartDrill(result, { seriesIndex: 0, dataIndex: 0 })
    const atRisk = chartDrill(result, { seriesIndex: 1, dataIndex: 0 })
    expect(open).toEqual(at(result.rows, 0).drill)
    expect(JSON.stringify(atRisk)).toContain('sla_state')
  })

  it('drills donut slices and heatmap cells to their rows', () => {
    const donut = widgets.capa_status
    expect(JSON.stringify(chartDrill(donut, { seriesIndex: 0, dataIndex: 1 }))).toContain('"in_progress"')
    const heat = widgets.region_product
    const cell = at(heat.chart.data as number[][], 0)
    const drill = JSON.stringify(chartDrill(heat, { seriesIndex: 0, dataIndex: 0 }))
    expect(drill).toContain(`"${String(heat.chart.x?.categories[at(cell, 0)])}"`)
    expect(drill).toContain(`"${String(heat.chart.y_axis?.categories[at(cell, 1)])}"`)
  })

  it('shows table dimensions by their labels', () => {
    const result = widgets.backlog_by_agent
    const name = tableCell(result, at(result.rows, 0), 'assignee', 'zh-CN')
    expect(name).not.toMatch(/^\d+$/)
  })
})
