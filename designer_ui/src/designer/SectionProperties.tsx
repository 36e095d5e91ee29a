import { DeleteOutlined } from '@ant-design/icons'
import { Button, Form, Input, InputNumber, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../core/design/draftStore'
import { formAt } from '../core/design/formModel'
import { getAt } from '../core/design/pointer'
import { pickLabel } from '../core/labels'

interface Props {
  store: DraftStore
  doc: unknown
  fi: number
  index: number
  onDeleted: () => void
}

type Obj = Record<string, unknown>

/** A layout section: bilingual title, columns, tab; deleting it leaves its fields unplaced, not deleted. */
export function SectionProperties({ store, doc, fi, index, onDeleted }: Props) {
  const { t, i18n } = useTranslation()
  const base = ['forms', String(fi), 'layout', String(index)]
  const section = (getAt(doc, base) ?? {}) as Obj
  const label = (section.label ?? {}) as Record<string, string>
  const tabs = ((formAt(doc, fi) as Obj | undefined)?.tabs ?? []) as Obj[]
  const set = (name: string, value: unknown) => store.edit(value === undefined
    ? (name in section ? [{ op: 'remove', path: [...base, name] }] : [])
    : [{ op: 'set', path: [...base, name], value }], { coalesce: `${base.join('/')}/${name}` })
  const setLabel = (lang: string, text: string) => {
    const next = { ...label, [lang]: text }
    if (!text) delete next[lang]
    set('label', Object.keys(next).length > 0 ? next : undefined)
  }
  return <Form layout="vertical" size="small" component="div">
    <Form.Item label={t('designer.section.labelZh')} htmlFor="section-label-zh">
      <Input id="section-label-zh" value={label['zh-CN'] ?? ''} onChange={(e) => setLabel('zh-CN', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.section.labelEn')} htmlFor="section-label-en">
      <Input id="section-label-en" value={label.en ?? ''} onChange={(e) => setLabel('en', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.section.columns')} htmlFor="section-columns">
      <InputNumber id="section-columns" min={1} max={4} value={typeof section.columns === 'number' ? section.columns : 2}
        onChange={(v) => set('columns', v ?? undefined)} />
    </Form.Item>
    {tabs.length > 0 && <Form.Item label={t('designer.section.tab')} htmlFor="section-tab">
      <Select id="section-tab" value={typeof section.tab === 'string' ? section.tab : null} allowClear
        options={tabs.map((tab) => ({ value: String(tab.key), label: pickLabel(tab.label as Record<string, string>, i18n.language, String(tab.key)) }))}
        onChange={(v: string | undefined) => set('tab', v ?? undefined)} />
    </Form.Item>}
    <Button danger icon={<DeleteOutlined />} onClick={() => {
      store.remove([{ op: 'remove', path: base }], { kind: 'section', label: pickLabel(label, i18n.language, String(section.key)),
        restore: [{ op: 'insert', path: base, value: section, clamp: true }] })
      onDeleted()
    }}>{t('designer.section.delete')}</Button>
  </Form>
}
