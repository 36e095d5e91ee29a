import { DeleteOutlined } from '@ant-design/icons'
import { Button, Input, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import { ExpressionInput } from '../ExpressionInput'
import type { Choice } from './useRuleScope'

interface Props {
  id: string
  /** What the rows set, e.g. "设置值": names the rows for people who cannot see the layout. */
  title: string
  value: Record<string, unknown>
  fields: Choice[]
  /** Expressions (formula text) rather than literal values. */
  formulas?: boolean
  onChange: (next: Record<string, unknown>) => void
}

const literalText = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v))
const literal = (text: string): unknown => {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? text : parsed // numbers, true/false, null; objects stay text
  } catch {
    return text
  }
}

/** field → value (or field → formula) rows, keeping the order the definition has. */
export function KeyedValues({ id, title, value, fields, formulas = false, onChange }: Props) {
  const { t } = useTranslation()
  const used = new Set(Object.keys(value))
  const labelOf = (key: string) => fields.find((f) => f.value === key)?.label ?? key
  return <Space direction="vertical" style={{ width: '100%' }} size={4}>
    {Object.entries(value).map(([key, v]) => <div key={key} className="rules-keyed-row">
      <span className="rules-keyed-key">{labelOf(key)}</span>
      <span className="rules-keyed-value">
        {formulas
          ? <ExpressionInput id={`${id}-${key}`} ariaLabel={t('designer.rules.values.value', { title, field: labelOf(key) })} value={v} onChange={(text) => onChange({ ...value, [key]: text ?? '' })} />
          : <Input id={`${id}-${key}`} aria-label={t('designer.rules.values.value', { title, field: labelOf(key) })} value={literalText(v)}
            onChange={(e) => onChange({ ...value, [key]: literal(e.target.value) })} />}
      </span>
      <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t('designer.rules.values.remove', { title, field: labelOf(key) })}
        onClick={() => onChange(Object.fromEntries(Object.entries(value).filter(([k]) => k !== key)))} />
    </div>)}
    <Select size="small" aria-label={t('designer.rules.values.add', { title })} placeholder={t('designer.rules.values.add', { title })}
      style={{ width: 240 }} showSearch={{ optionFilterProp: 'label' }} value={null}
      options={fields.filter((f) => !used.has(f.value))} onChange={(key: string) => onChange({ ...value, [key]: formulas ? key : '' })} />
  </Space>
}
