import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, ColorPicker, Input, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import { uniqueKey } from '../core/design/keys'

interface Option {
  value: string
  label: Record<string, string>
  color?: string | null
  [other: string]: unknown
}

interface Props {
  options: Option[]
  onChange: (options: Option[]) => void
}

/** A choice field's options: value, bilingual label and colour, one row each. */
export function OptionsEditor({ options, onChange }: Props) {
  const { t, i18n } = useTranslation()
  const change = (i: number, patch: Partial<Option>) => onChange(options.map((o, j) => (j === i ? { ...o, ...patch } : o)))
  return <Space direction="vertical" style={{ width: '100%' }} size={4}>
    {options.map((o, i) => {
      const n = String(i + 1)
      return <Space.Compact key={i} style={{ width: '100%' }}>
        <Input aria-label={t('designer.props.optionValue', { n })} value={o.value} style={{ width: 70 }}
          onChange={(e) => change(i, { value: e.target.value })} />
        <Input aria-label={t('designer.props.optionZh', { n })} value={o.label['zh-CN'] ?? ''}
          onChange={(e) => change(i, { label: { ...o.label, 'zh-CN': e.target.value } })} />
        <Input aria-label={t('designer.props.optionEn', { n })} value={o.label.en ?? ''}
          onChange={(e) => change(i, { label: { ...o.label, en: e.target.value } })} />
        <ColorPicker aria-label={t('designer.props.optionColor', { n })} value={o.color ?? undefined} allowClear
          onChange={(c) => change(i, { color: c.cleared ? null : c.toHexString().slice(0, 7) })} />
        <Button aria-label={t('designer.props.optionRemove', { n })} icon={<DeleteOutlined />}
          onClick={() => onChange(options.filter((_, j) => j !== i))} />
      </Space.Compact>
    })}
    <Button size="small" icon={<PlusOutlined />} onClick={() => {
      const value = uniqueKey('option', new Set(options.map((o) => o.value)), { numbered: true })
      onChange([...options, { value, label: { [i18n.language]: t('designer.props.newOption', { n: options.length + 1 }) } }])
    }}>{t('designer.props.addOption')}</Button>
  </Space>
}
