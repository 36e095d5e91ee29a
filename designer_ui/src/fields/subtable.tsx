import { Button, Table } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../core/labels'
import { toApi, toWidget } from '../core/form/values'
import type { Values } from '../core/form/types'
import { widgetFor } from './registry'
import type { DisplayProps, EditProps } from './types'
import { VISUALLY_HIDDEN } from './visuallyHidden'

/** A sub-table as an editable grid: one widget per cell, row formulas computed by the form's logic. */
export function SubtableEdit(p: EditProps & { rowErrors?: Record<number, Record<string, string>> }) {
  const { t } = useTranslation()
  const rows = p.value as Values[]
  const columns = (p.field.fields ?? []).map((c) => ({
    key: c.key,
    title: pickLabel(c.label, p.ctx.locale, c.key),
    render: (_: unknown, row: Values, index: number) => {
      const widget = widgetFor(c.kind)
      const error = p.rowErrors?.[index]?.[c.key]
      const cellId = `${p.id}-${index}-${c.key}`
      const cell = widget.edit && !p.disabled
        ? <widget.edit field={c} id={cellId} disabled={false} invalid={Boolean(error)} ctx={p.ctx}
            value={toWidget(c.kind, row[c.key])}
            onChange={(v) => p.onChange(rows.map((r, i) => (i === index ? { ...r, [c.key]: toApi(c.kind, v) } : r)))} />
        : <widget.display field={c} value={row[c.key]} ctx={p.ctx} />
      return <div>
        <label htmlFor={cellId} style={VISUALLY_HIDDEN}>{`${pickLabel(c.label, p.ctx.locale, c.key)} ${index + 1}`}</label>
        {cell}
        {error && <div role="alert" style={{ color: '#cf1322', fontSize: 12 }}>{error}</div>}
      </div>
    },
  }))
  if (!p.disabled) {
    columns.push({ key: '_remove', title: '', render: (_: unknown, _row: Values, index: number) =>
      <Button type="text" aria-label={t('fields.removeRow', { n: index + 1 })}
        onClick={() => p.onChange(rows.filter((_r, i) => i !== index))}>×</Button> })
  }
  return <div id={p.id} role="group">
    <Table size="small" pagination={false} scroll={{ x: 'max-content' }} columns={columns}
      dataSource={rows.map((r, i) => ({ ...r, __key: i }))} rowKey="__key" />
    {!p.disabled && <Button style={{ marginTop: 4 }} onClick={() => p.onChange([...rows, {}])}>{t('fields.addRow')}</Button>}
  </div>
}

export function SubtableDisplay(p: DisplayProps) {
  const rows = Array.isArray(p.value) ? (p.value as Values[]) : []
  const columns = (p.field.fields ?? []).map((c) => {
    const widget = widgetFor(c.kind)
    return { key: c.key, title: pickLabel(c.label, p.ctx.locale, c.key),
      render: (_: unknown, row: Values) => <widget.display field={c} value={row[c.key]} ctx={p.ctx} /> }
  })
  return <Table size="small" pagination={false} scroll={{ x: 'max-content' }} columns={columns}
    dataSource={rows.map((r, i) => ({ ...r, __key: i }))} rowKey="__key" />
}
