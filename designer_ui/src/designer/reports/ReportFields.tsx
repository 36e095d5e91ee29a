import { useDraggable } from '@dnd-kit/core'
import { Checkbox, Form, Input, Select, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { formsOf, relationsOf, setReportOps, type ReportDefLike, type SourceField } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'

/** The drag payload of a source field (null field: "count of records"). */
export interface SourceDrag {
  source: SourceField | null
}

function SourceChip({ id, field, name, onAdd }: { id: string; field: SourceField | null; name: string; onAdd: () => void }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id, data: { source: field } satisfies SourceDrag })
  return <div ref={setNodeRef} {...attributes} {...listeners} className={`report-source${isDragging ? ' dragging' : ''}`}
    aria-label={t('designer.reports.dragField', { field: name })} onDoubleClick={onAdd}
    onKeyDown={(e) => {
      if (e.key === 'Enter') onAdd()
      else listeners?.onKeyDown?.(e)
    }}>
    <span className="report-source-name">{name}</span>
    {field && <span className="report-source-type">{t(`designer.reports.valueType.${field.valueType}`, { defaultValue: field.valueType })}</span>}
  </div>
}

interface Props {
  store: DraftStore
  doc: unknown
  ri: number
  report: ReportDefLike
  fields: SourceField[]
  /** Double click / Enter: put the field where it most likely goes (rows for a groupable field, else values). */
  onQuickAdd: (field: SourceField | null) => void
}

/** The report's source (form and joins) and its fields, each dragged into rows, columns or values. */
export function ReportFields({ store, doc, ri, report, fields, onQuickAdd }: Props) {
  const { t, i18n } = useTranslation()
  const [search, setSearch] = useState('')
  const formKey = report.dataset?.form ?? ''
  const relations = relationsOf(doc, formKey)
  const forms = formsOf(doc)
  const shown = useMemo(() => fields.filter((f) => {
    const q = search.trim().toLowerCase()
    return !q || f.path.includes(q) || pickLabel(f.label, i18n.language, f.path).toLowerCase().includes(q)
  }), [fields, search, i18n.language])
  const nameOf = (f: SourceField) => {
    const own = pickLabel(f.label, i18n.language, f.path)
    if (!f.via) return own
    const relation = relations.find((r) => r.key === f.via)
    return `${pickLabel(relation?.label, i18n.language, f.via)}.${own}`
  }
  return <nav className="report-fields" aria-label={t('designer.reports.fields')}>
    <Form layout="vertical" size="small" component="div">
      <Form.Item label={t('designer.reports.form')} htmlFor="report-form">
        <Select id="report-form" showSearch optionFilterProp="label" value={formKey || undefined}
          options={forms.filter((f) => typeof f.key === 'string').map((f) => ({ value: String(f.key), label: pickLabel(f.label, i18n.language, String(f.key)) }))}
          onChange={(v: string) => store.edit(setReportOps(doc, ri, ['dataset'], { form: v }))} />
      </Form.Item>
      {relations.length > 0 && <Form.Item label={t('designer.reports.joins')}>
        <Checkbox.Group value={report.dataset?.join ?? []}
          options={relations.map((r) => ({ value: r.key, label: pickLabel(r.label, i18n.language, r.key) }))}
          onChange={(v) => store.edit(setReportOps(doc, ri, ['dataset', 'join'], v.length ? v : undefined))} />
      </Form.Item>}
    </Form>
    <Typography.Text strong className="designer-pane-title">{t('designer.reports.fields')}</Typography.Text>
    <Input.Search size="small" allowClear aria-label={t('designer.reports.searchFields')} placeholder={t('designer.reports.searchFields')}
      value={search} onChange={(e) => setSearch(e.target.value)} style={{ marginBottom: 8 }} />
    <div className="report-source-list">
      <SourceChip id="src:" field={null} name={t('designer.reports.countRecords')} onAdd={() => onQuickAdd(null)} />
      {shown.map((f) => <SourceChip key={f.path} id={`src:${f.path}`} field={f} name={nameOf(f)} onAdd={() => onQuickAdd(f)} />)}
    </div>
  </nav>
}
