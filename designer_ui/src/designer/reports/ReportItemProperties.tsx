import { Button, Form, Input, InputNumber, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { aggregatesFor, isTime, setReportOps, type DimensionDef, type MeasureDef, type ReportDefLike, type SourceField } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { ExpressionInput } from '../ExpressionInput'
import type { ItemRef } from './ReportZones'

interface Props {
  store: DraftStore
  doc: unknown
  ri: number
  report: ReportDefLike
  item: ItemRef
  fields: ReadonlyMap<string, SourceField>
  catalog: Catalog
  onRemove: () => void
}

/** A dimension's date bucket and label, or a measure's aggregate, percentile, condition and label. */
export function ReportItemProperties({ store, doc, ri, report, item, fields, catalog, onRemove }: Props) {
  const { t, i18n } = useTranslation()
  const value = report[item.zone]?.[item.index] as (DimensionDef & MeasureDef) | undefined
  if (!value) return null
  const at = [item.zone, String(item.index)]
  const id = `report-${item.zone}-${String(item.index)}`
  const coalesce = (what: string) => `reports/${String(ri)}/${at.join('/')}/${what}`
  const set = (path: string[], v: unknown, what: string) => store.edit(setReportOps(doc, ri, [...at, ...path], v), { coalesce: coalesce(what) })
  const label = value.label ?? {}
  const field = value.field ? fields.get(value.field) ?? null : null
  const labels = <>
    <Form.Item label={t('designer.reports.labelZh')} htmlFor={`${id}-zh`}>
      <Input id={`${id}-zh`} value={label['zh-CN'] ?? ''}
        onChange={(e) => set(['label'], e.target.value || label.en ? { ...label, 'zh-CN': e.target.value } : undefined, 'zh')} />
    </Form.Item>
    <Form.Item label={t('designer.reports.labelEn')} htmlFor={`${id}-en`}>
      <Input id={`${id}-en`} value={label.en ?? ''}
        onChange={(e) => set(['label'], e.target.value || label['zh-CN'] ? { ...label, en: e.target.value } : undefined, 'en')} />
    </Form.Item>
  </>
  if (item.zone !== 'measures') {
    const buckets = catalog.reports.date_buckets.filter((b) => !b.needs_time || field?.valueType === 'datetime')
    return <Form layout="vertical" size="small" component="div">
      <Form.Item label={t('designer.reports.field')}>
        <span>{field ? pickLabel(field.label, i18n.language, field.path) : value.field}</span>
      </Form.Item>
      {field && isTime(field) && <Form.Item label={t('designer.reports.bucket')} htmlFor={`${id}-bucket`}>
        <Select id={`${id}-bucket`} value={value.granularity ?? undefined} allowClear
          options={buckets.map((b) => ({ value: b.key, label: pickLabel(b.label, i18n.language, b.key) }))}
          onChange={(v: string | undefined) => set(['granularity'], v, 'granularity')} />
      </Form.Item>}
      {labels}
      <Button danger onClick={onRemove}>{t('designer.reports.removeItem')}</Button>
    </Form>
  }
  const aggregates = aggregatesFor(catalog.reports.aggregates, field)
  return <Form layout="vertical" size="small" component="div">
    {value.ratio ? <Form.Item label={t('designer.reports.ratio')}><span>{value.ratio.join(' / ')}</span></Form.Item>
      : <Form.Item label={t('designer.reports.aggregate')} htmlFor={`${id}-agg`}>
        <Select id={`${id}-agg`} value={value.agg ?? undefined}
          options={aggregates.map((a) => ({ value: a.key, label: pickLabel(a.label, i18n.language, a.key) }))}
          onChange={(v: string) => store.edit([...setReportOps(doc, ri, [...at, 'agg'], v),
            ...setReportOps(doc, ri, [...at, 'p'], v === 'percentile' ? (value.p ?? 0.9) : undefined)])} />
      </Form.Item>}
    {value.agg === 'percentile' && <Form.Item label={t('designer.reports.percentile')} htmlFor={`${id}-p`}>
      <InputNumber id={`${id}-p`} min={0.01} max={0.99} step={0.05} value={value.p ?? 0.9}
        onChange={(v) => typeof v === 'number' && set(['p'], v, 'p')} />
    </Form.Item>}
    {!value.ratio && <Form.Item label={t('designer.reports.where')} htmlFor={`${id}-where`} extra={t('designer.reports.whereHelp')}>
      <ExpressionInput id={`${id}-where`} condition scope={{ form: report.dataset?.form ?? null, collection: report.dataset?.subtable ?? null }} value={value.where} onChange={(text) => set(['where'], text ?? undefined, 'where')} />
    </Form.Item>}
    <Form.Item label={t('designer.reports.format')} htmlFor={`${id}-format`}>
      <Select id={`${id}-format`} allowClear value={value.format ?? undefined}
        options={['number', 'percent', 'currency', 'duration_minutes'].map((f) => ({ value: f, label: t(`designer.reports.formats.${f}`) }))}
        onChange={(v: string | undefined) => set(['format'], v, 'format')} />
    </Form.Item>
    {labels}
    <Button danger onClick={onRemove}>{t('designer.reports.removeItem')}</Button>
  </Form>
}
