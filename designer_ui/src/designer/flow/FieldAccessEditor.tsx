import { Checkbox, Table } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel, type Label } from '../../core/labels'

export type FieldAccess = { visible?: string[]; editable?: string[]; required?: string[] } & Record<string, unknown>
const COLUMNS = ['visible', 'editable', 'required'] as const

interface Props {
  value: FieldAccess | undefined
  fields: { key: string; label?: Label }[]
  onChange: (value: FieldAccess) => void
}

/**
 * What the step's assignee sees and fills: per field of the form, visible / editable / required. Editable
 * implies visible and required implies editable, so ticking one ticks what it needs; the lists keep their order.
 */
export function FieldAccessEditor({ value, fields, onChange }: Props) {
  const { t, i18n } = useTranslation()
  const has = (col: (typeof COLUMNS)[number], key: string) => (value?.[col] ?? []).includes(key)
  const toggle = (col: (typeof COLUMNS)[number], key: string, on: boolean) => {
    const next: FieldAccess = { visible: [], editable: [], required: [], ...(value ?? {}) }
    const lists = { visible: [...(next.visible ?? [])], editable: [...(next.editable ?? [])], required: [...(next.required ?? [])] }
    const put = (c: (typeof COLUMNS)[number], yes: boolean) => {
      const list = lists[c]
      if (yes && !list.includes(key)) list.push(key)
      if (!yes) lists[c] = list.filter((k) => k !== key)
    }
    put(col, on)
    if (on && col === 'required') put('editable', true)
    if (!on && col === 'editable') put('required', false)
    onChange({ ...next, ...lists })
  }
  return <Table size="small" pagination={false} rowKey="key" dataSource={fields} scroll={{ y: 260 }}
    columns={[
      { title: t('designer.flow.access.field'), dataIndex: 'key', ellipsis: true,
        render: (_: unknown, f: { key: string; label?: Label }) => pickLabel(f.label, i18n.language, f.key) },
      ...COLUMNS.map((col) => ({
        title: t(`designer.flow.access.${col}`), key: col, width: 58, align: 'center' as const,
        render: (_: unknown, f: { key: string; label?: Label }) => <Checkbox checked={has(col, f.key)}
          aria-label={t('designer.flow.access.cell', { field: pickLabel(f.label, i18n.language, f.key), what: t(`designer.flow.access.${col}`) })}
          onChange={(e) => toggle(col, f.key, e.target.checked)} />,
      })),
    ]} />
}
