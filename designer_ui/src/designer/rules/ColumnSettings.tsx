import { SettingOutlined } from '@ant-design/icons'
import { Button, Form, Input, Popover, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Column } from '../../core/design/decisionTable'
import { KEY_PATTERN } from '../../core/design/keys'

const TYPES = ['text', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'any'] as const

interface Props {
  name: string
  column: Column
  part: 'inputs' | 'outputs'
  onRename: (key: string) => void
  onSet: (key: string, value: unknown) => void
}

/** A column's key (renamed in every row), bilingual name, type and — for inputs — its finite values for gap checks. */
export function ColumnSettings({ name, column, part, onRename, onSet }: Props) {
  const { t } = useTranslation()
  const label = column.label ?? {}
  const id = (what: string) => `column-${part}-${column.key}-${what}`
  const content = <Form layout="vertical" size="small" component="div" style={{ width: 260 }}>
    <Form.Item label={t('designer.rules.table.columnKey')} htmlFor={id('key')}>
      <Input id={id('key')} defaultValue={column.key} onBlur={(e) => {
        if (KEY_PATTERN.test(e.target.value)) onRename(e.target.value)
      }} />
    </Form.Item>
    <Form.Item label={t('designer.rules.labelZh')} htmlFor={id('zh')}>
      <Input id={id('zh')} value={label['zh-CN'] ?? ''} onChange={(e) => onSet('label', { ...label, 'zh-CN': e.target.value })} />
    </Form.Item>
    <Form.Item label={t('designer.rules.labelEn')} htmlFor={id('en')}>
      <Input id={id('en')} value={label.en ?? ''} onChange={(e) => onSet('label', { ...label, en: e.target.value })} />
    </Form.Item>
    <Form.Item label={t('designer.rules.table.type')} htmlFor={id('type')}>
      <Select id={id('type')} value={column.type ?? 'text'} options={TYPES.map((v) => ({ value: v, label: t(`designer.rules.table.types.${v}`) }))}
        onChange={(v: string) => onSet('type', v === 'text' ? undefined : v)} />
    </Form.Item>
    {part === 'inputs' && <Form.Item label={t('designer.rules.table.values')} htmlFor={id('values')} help={t('designer.rules.table.valuesHelp')}>
      <Select id={id('values')} mode="tags" value={(column.values ?? []).map(String)}
        onChange={(v: string[]) => onSet('values', v.length > 0 ? v : undefined)} />
    </Form.Item>}
  </Form>
  return <Popover trigger="click" content={content} title={name} destroyOnHidden>
    <Button size="small" type="text" icon={<SettingOutlined />} aria-label={t('designer.rules.table.columnSettings', { name })} />
  </Popover>
}
