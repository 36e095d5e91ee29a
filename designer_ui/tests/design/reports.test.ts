// The report and dashboard designers' models: drops become ops on the draft, references follow removals,
// the grid snaps and pushes, and opening the complaint template's reports and cockpit rewrites nothing.
import { describe, expect, it } from 'vitest'
import { boxesOf, cellsOf, dashboardsOf, layoutOps, placeWidget, removeWidgetOps, wireFilterOps } from '../../src/core/design/dashboardModel'
import { DraftStore } from '../../src/core/design/draftStore'
import { applyOps } from '../../src/core/design/ops'
import { addDimensionOps, addMeasureOps, dimensionName, valueTypeOf, moveItemOps, newMeasure, previewKey, removeItemOps, reportSelection,
  reportsOf, setReportOps, sourceFields, type SourceField } from '../../src/core/design/reportModel'
import { analyticsLink, analyticsRouteOf } from '../../src/designer/reports/route'
import { assembleTemplate } from './template'

const kinds = new Map([
  ['text', { value_type: 'text', groupable: true }], ['single_select', { value_type: 'text', groupable: true }],
  ['datetime', { value_type: 'datetime', groupable: true }], ['currency', { value_type: 'decimal', groupable: false }],
  ['relation', { value_type: 'integer', groupable: true }],
])
const doc = {
  forms: [
    { key: 'complaint', fields: [{ key: 'priority', kind: 'single_select' }, { key: 'received_at', kind: 'datetime' },
      { key: 'amount', kind: 'currency' }, { key: 'customer', kind: 'relation', config: { form: 'customer' } }] },
    { key: 'customer', fields: [{ key: 'region', kind: 'single_select' }] },
  ],
  reports: [{ key: 'r', dataset: { form: 'complaint' }, measures: [{ key: 'n', agg: 'count' }], sort: [{ by: 'n', desc: true }],
    chart: { type: 'bar', y: ['n'] } }],
}
const field = (path: string, valueType: string, via: string | null = null): SourceField =>
  ({ path, label: {}, kind: 'x', valueType, groupable: true, via })

describe('the report model', () => {
  it('lists the form own, standard and joined fields', () => {
    const report = { ...doc.reports[0]!, dataset: { form: 'complaint', join: ['customer'] } }
    const paths = sourceFields(doc, report, kinds, {}).map((f) => f.path)
    expect(paths).toContain('priority')
    expect(paths).toContain('created_at')
    expect(paths).toContain('customer.region')
    expect(sourceFields(doc, doc.reports[0]!, kinds, {}).map((f) => f.path)).not.toContain('customer.region')
  })

  it('drops a time field as a month bucket and a joined field with its join', () => {
    let next = applyOps(doc, addDimensionOps(doc, 0, 'dimensions', field('received_at', 'datetime'), 0))
    expect(reportsOf(next)[0]?.dimensions).toEqual([{ field: 'received_at', granularity: 'month' }])
    next = applyOps(next, addDimensionOps(next, 0, 'columns', field('customer.region', 'text', 'customer'), 0))
    expect(reportsOf(next)[0]?.dataset).toEqual({ form: 'complaint', join: ['customer'] })
    expect(dimensionName(reportsOf(next)[0]!.columns![0]!)).toBe('customer_region')
  })

  it('keeps result names unique and moves a dimension from rows to columns', () => {
    let next = applyOps(doc, addDimensionOps(doc, 0, 'dimensions', field('priority', 'text'), 0))
    next = applyOps(next, addDimensionOps(next, 0, 'dimensions', field('priority', 'text'), 1))
    expect(reportsOf(next)[0]?.dimensions?.[1]).toEqual({ field: 'priority', key: 'priority_1' })
    next = applyOps(next, moveItemOps(next, 0, { zone: 'dimensions', index: 1 }, { zone: 'columns', index: 0 }))
    expect(reportsOf(next)[0]?.dimensions).toHaveLength(1)
    expect(reportsOf(next)[0]?.columns).toEqual([{ field: 'priority', key: 'priority_1' }])
    // a measure never becomes a dimension
    expect(moveItemOps(next, 0, { zone: 'measures', index: 0 }, { zone: 'dimensions', index: 0 })).toEqual([])
  })

  it('reorders within a zone counting the slot before the item left', () => {
    const m = applyOps(doc, addMeasureOps(doc, 0, newMeasure(doc.reports[0]!, field('amount', 'decimal'), 'sum', {}), 1, null))
    const keys = (d: unknown) => reportsOf(d)[0]?.measures?.map((x) => x.key)
    expect(keys(m)).toEqual(['n', 'sum_amount'])
    expect(keys(applyOps(m, moveItemOps(m, 0, { zone: 'measures', index: 0 }, { zone: 'measures', index: 2 })))).toEqual(['sum_amount', 'n'])
    expect(moveItemOps(m, 0, { zone: 'measures', index: 0 }, { zone: 'measures', index: 1 })).toEqual([])
  })

  it('removing a measure drops the sort key and chart series that named it', () => {
    const next = applyOps(doc, removeItemOps(doc, 0, 'measures', 0))
    const report = reportsOf(next)[0]!
    expect(report.measures).toEqual([])
    expect(report.sort).toEqual([])
    expect(report.chart).toEqual({ type: 'bar' })
  })

  it('sets a missing nested property by creating its parent, and writes nothing for the same value', () => {
    const bare = { reports: [{ key: 'x', dataset: { form: 'f' } }] }
    expect(setReportOps(bare, 0, ['chart', 'type'], 'pie')).toEqual([{ op: 'set', path: ['reports', '0', 'chart'], value: { type: 'pie' } }])
    expect(setReportOps(doc, 0, ['chart', 'type'], 'bar')).toEqual([])
  })

  it('previews without label texts and only when there is something to compute', () => {
    const a = previewKey({ ...doc.reports[0]!, label: { en: 'A' } })
    expect(a).toBe(previewKey({ ...doc.reports[0]!, label: { en: 'B' } }))
    expect(previewKey({ key: 'x', dataset: { form: 'f' } })).toBeNull()
  })

  it('names the element a problem path points at, and the page that opens it', () => {
    expect(reportSelection('/reports/2/measures/1/agg')).toEqual({ report: 2, zone: 'measures', index: 1 })
    expect(analyticsLink('app', doc, '/reports/0/sort/0')).toBe('/design/app/reports/r?at=%2Freports%2F0%2Fsort%2F0')
    expect(analyticsRouteOf('/design/app/dashboards/cockpit', '?at=%2Fdashboards%2F0')).toEqual({ kind: 'dashboards', key: 'cockpit', at: '/dashboards/0' })
    expect(analyticsRouteOf('/design/app/forms/x', '')).toBeNull()
  })
})

describe('the dashboard grid', () => {
  const boxes = [{ key: 'a', x: 0, y: 0, w: 6, h: 4 }, { key: 'b', x: 6, y: 0, w: 6, h: 4 }, { key: 'c', x: 0, y: 4, w: 12, h: 2 }]

  it('snaps pixels to cells', () => {
    expect(cellsOf(49, 100)).toBe(0)
    expect(cellsOf(151, 100)).toBe(2)
    expect(cellsOf(-60, 100)).toBe(-1)
  })

  it('pushes the widgets a move overlaps down, in chains', () => {
    const next = placeWidget(boxes, 'b', { x: 0, y: 0 }, 12)
    expect(next).toEqual([{ key: 'a', x: 0, y: 4, w: 6, h: 4 }, { key: 'b', x: 0, y: 0, w: 6, h: 4 }, { key: 'c', x: 0, y: 8, w: 12, h: 2 }])
  })

  it('clamps into the grid', () => {
    expect(placeWidget(boxes, 'a', { x: 10, y: -3 }, 12)[0]).toEqual({ key: 'a', x: 6, y: 0, w: 6, h: 4 })
    expect(placeWidget(boxes, 'c', { w: 20 }, 12)[2]).toMatchObject({ w: 12 })
  })

  it('writes only the coordinates that changed', () => {
    const d = { dashboards: [{ key: 'd', widgets: [{ key: 'a', report: 'r', x: 0, y: 0, w: 6, h: 4 }, { key: 'b', report: 'r', x: 6, w: 6 }] }] }
    const next = placeWidget(boxesOf(dashboardsOf(d)[0]), 'a', { y: 3 }, 12)
    expect(layoutOps(d, 0, next)).toEqual([{ op: 'set', path: ['dashboards', '0', 'widgets', '0', 'y'], value: 3 }])
  })

  it('unwires a removed widget from the filters, and restores both', () => {
    const d = { dashboards: [{ key: 'd', filters: [{ key: 'p', type: 'date_range', targets: { a: 'period' } }],
      widgets: [{ key: 'a', report: 'r' }] }] }
    const { ops, restore } = removeWidgetOps(d, 0, 'a')
    const removed = applyOps(d, ops)
    expect(dashboardsOf(removed)[0]).toEqual({ key: 'd', filters: [{ key: 'p', type: 'date_range', targets: {} }], widgets: [] })
    expect(applyOps(removed, restore)).toEqual(d)
    expect(wireFilterOps(d, 0, 0, 'a', 'period')).toEqual([])
    const unwired = dashboardsOf(applyOps(d, wireFilterOps(d, 0, 0, 'a', null)))[0]
    expect(unwired?.filters?.[0]?.targets).toEqual({})
    expect(unwired?.widgets).toHaveLength(1)
    expect(dashboardsOf(applyOps(unwired ? { dashboards: [unwired] } : d, wireFilterOps({ dashboards: [unwired] }, 0, 0, 'a', 'range')))[0]
      ?.filters?.[0]?.targets).toEqual({ a: 'range' })
  })
})

describe('the complaint template in the report and dashboard designers', () => {
  it('opening every report and the cockpit rewrites nothing', async () => {
    const original = assembleTemplate()
    const bodies: string[] = []
    const store = new DraftStore(JSON.parse(JSON.stringify(original)), { save: (b) => (bodies.push(b), Promise.resolve({ errors: [] })) })
    reportsOf(store.doc).forEach((report, ri) => {
      sourceFields(store.doc, report, kinds, {})
      previewKey(report)
      // a no-op edit (the chart type it already has) writes nothing
      expect(setReportOps(store.doc, ri, ['chart', 'type'], report.chart?.type)).toEqual([])
    })
    for (const [di, dashboard] of dashboardsOf(store.doc).entries()) {
      const boxes = boxesOf(dashboard)
      expect(layoutOps(store.doc, di, boxes)).toEqual([])
    }
    await store.saveNow()
    expect(bodies[0]).toBe(JSON.stringify(original))
  })

  it('moving a cockpit widget sets only its coordinates and undo returns the same bytes', () => {
    const original = assembleTemplate()
    const store = new DraftStore(JSON.parse(JSON.stringify(original)), { save: () => Promise.resolve({ errors: [] }),
      setTimer: () => 0, clearTimer: () => undefined })
    const boxes = boxesOf(dashboardsOf(store.doc)[0])
    const ops = layoutOps(store.doc, 0, placeWidget(boxes, 'kpis', { y: 1 }, 12))
    expect(ops.length).toBeGreaterThan(0)
    store.edit(ops)
    expect(JSON.stringify(store.doc)).not.toBe(JSON.stringify(original))
    store.undo()
    expect(JSON.stringify(store.doc)).toBe(JSON.stringify(original))
  })
})

describe('a formula field in a report', () => {
  it('is of its result type (decimal when unset), so it can be summed; other kinds keep their own type', () => {
    expect(valueTypeOf({ kind: 'formula' }, { value_type: 'any' })).toBe('decimal')
    expect(valueTypeOf({ kind: 'formula', config: { result: 'date' } }, { value_type: 'any' })).toBe('date')
    expect(valueTypeOf({ kind: 'integer' }, { value_type: 'integer' })).toBe('integer')
  })
})
