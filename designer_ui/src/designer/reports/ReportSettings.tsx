import { Form, Input, InputNumber, Select, Space, Switch } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { dimensionName, setReportOps, type ReportDefLike } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { ExpressionInput } from '../ExpressionInput'

interface Props {
  store: DraftStore
  doc: unknown
  ri: number
  report: ReportDefLike
  catalog: Catalog
}

/** The report's own settings: name, chart, filter, sort, top-N, totals and the previous-period comparison. */
export function ReportSettings({ store, doc, ri, report, catalog }: Props) {
  const { t, i18n } = useTranslation()
  const base = `reports/${String(ri)}`
  const set = (path: string[], v: unknown, coalesce?: string) =>
    store.edit(setReportOps(doc, ri, path, v), coalesce ? { coalesce: `${base}/${coalesce}` } : {})
  const label = report.label ?? {}
  const dims = [...(report.dimensions ?? [])].map((d) => ({ value: dimensionName(d), label: pickLabel(d.label, i18n.language, dimensionName(d)) }))
  const measures = (report.measures ?? []).map((m) => ({ value: m.key, label: pickLabel(m.label, i18n.language, m.key) }))
  const sort = report.sort?.[0]
  const top = report.top ?? null
  const ranges = (report.params ?? []).filter((p) => p.type === 'date_range')
  return <Form layout="vertical" size="small" component="div">
    <Form.Item label={t('designer.reports.nameZh')} htmlFor="report-label-zh">
      <Input id="report-label-zh" value={label['zh-CN'] ?? ''} onChange={(e) => set(['label'], { ...label, 'zh-CN': e.target.value }, 'label/zh')} />
    </Form.Item>
    <Form.Item label={t('designer.reports.nameEn')} htmlFor="report-label-en">
      <Input id="report-label-en" value={label.en ?? ''} onChange={(e) => set(['label'], { ...label, en: e.target.value }, 'label/en')} />
    </Form.Item>
    <Form.Item label={t('designer.reports.chart')} htmlFor="report-chart">
      <Select id="report-chart" showSearch optionFilterProp="label" value={report.chart?.type ?? 'table'}
        options={catalog.reports.chart_kinds.map((c) => ({ value: c.key, label: pickLabel(c.label, i18n.language, c.key) }))}
        onChange={(v: string) => set(['chart', 'type'], v)} />
    </Form.Item>
    <Form.Item label={t('designer.reports.filter')} htmlFor="report-filter">
      <ExpressionInput id="report-filter" condition scope={{ form: report.dataset?.form ?? null, collection: report.dataset?.subtable ?? null }} value={report.filter} onChange={(text) => set(['filter'], text ?? undefined, 'filter')} />
    </Form.Item>
    <Form.Item label={t('designer.reports.sortBy')} htmlFor="report-sort">
      <Space.Compact style={{ width: '100%' }}>
        <Select id="report-sort" allowClear value={sort?.by} options={[...dims, ...measures]} style={{ flex: 1 }}
          onChange={(v: string | undefined) => set(['sort'], v ? [{ by: v, ...(sort?.desc ? { desc: true } : {}) }] : undefined)} />
        <Select aria-label={t('designer.reports.sortOrder')} value={sort?.desc ? 'desc' : 'asc'} disabled={!sort} style={{ width: 90 }}
          options={[{ value: 'asc', label: t('designer.reports.asc') }, { value: 'desc', label: t('designer.reports.desc') }]}
          onChange={(v: string) => sort && set(['sort'], [{ ...sort, desc: v === 'desc' }])} />
      </Space.Compact>
    </Form.Item>
    <Form.Item label={t('designer.reports.topN')} htmlFor="report-top-n" extra={t('designer.reports.topHelp')}>
      <Space.Compact style={{ width: '100%' }}>
        <InputNumber id="report-top-n" min={1} max={1000} value={top?.n ?? null} style={{ width: 80 }} placeholder="10"
          onChange={(n) => {
            const dimension = top?.dimension ?? dims[0]?.value
            const by = top?.by ?? measures[0]?.value
            if (typeof n !== 'number') set(['top'], undefined)
            else if (dimension && by) set(['top'], { ...(top ?? { others: true }), dimension, n, by }, 'top/n')
          }} />
        <Select aria-label={t('designer.reports.topBy')} value={top?.by} disabled={!top} options={measures} style={{ flex: 1 }}
          onChange={(v: string) => top && set(['top'], { ...top, by: v })} />
      </Space.Compact>
    </Form.Item>
    <Form.Item label={t('designer.reports.totals')} htmlFor="report-totals">
      <Switch id="report-totals" checked={report.totals === true} onChange={(on) => set(['totals'], on ? true : undefined)} />
    </Form.Item>
    {ranges.length > 0 && <Form.Item label={t('designer.reports.compare')} htmlFor="report-compare" extra={t('designer.reports.compareHelp')}>
      <Select id="report-compare" allowClear value={report.compare?.param}
        options={ranges.map((p) => ({ value: p.key, label: p.key }))}
        onChange={(v: string | undefined) => set(['compare'], v ? { param: v } : undefined)} />
    </Form.Item>}
  </Form>
}
