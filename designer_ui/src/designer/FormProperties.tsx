import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Card, Form, Input, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../core/design/draftStore'
import { addTabOps, fieldsOf, formAt } from '../core/design/formModel'
import { uniqueKey } from '../core/design/keys'
import { pickLabel } from '../core/labels'
import { ExpressionInput } from './ExpressionInput'

const VALIDATIONS = 'validations'

type Obj = Record<string, unknown>

/** The form's own properties: bilingual name, title field, tabs, and its validations with bilingual messages. */
export function FormProperties({ store, doc, fi }: { store: DraftStore; doc: unknown; fi: number }) {
  const { t, i18n } = useTranslation()
  const form = (formAt(doc, fi) ?? {}) as Obj
  const base = ['forms', String(fi)]
  const label = (form.label ?? {}) as Record<string, string>
  const validations = (Array.isArray(form.validations) ? form.validations : []) as Obj[]
  const set = (path: string[], value: unknown, coalesce: string) => store.edit([{ op: 'set', path: [...base, ...path], value }],
    { coalesce: `${base.join('/')}/${coalesce}` })
  return <Form layout="vertical" size="small" component="div">
    <Form.Item label={t('designer.form.labelZh')} htmlFor="form-label-zh">
      <Input id="form-label-zh" value={label['zh-CN'] ?? ''} onChange={(e) => set(['label'], { ...label, 'zh-CN': e.target.value }, 'label/zh')} />
    </Form.Item>
    <Form.Item label={t('designer.form.labelEn')} htmlFor="form-label-en">
      <Input id="form-label-en" value={label.en ?? ''} onChange={(e) => set(['label'], { ...label, en: e.target.value }, 'label/en')} />
    </Form.Item>
    <Form.Item label={t('designer.form.titleField')} htmlFor="form-title-field">
      <Select id="form-title-field" allowClear value={typeof form.title_field === 'string' ? form.title_field : null}
        options={fieldsOf(form).map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))}
        onChange={(v: string | undefined) => v === undefined
          ? store.edit('title_field' in form ? [{ op: 'remove', path: [...base, 'title_field'] }] : [])
          : set(['title_field'], v, 'title_field')} />
    </Form.Item>
    <Button icon={<PlusOutlined />} onClick={() => store.edit(addTabOps(doc, fi, {
      'zh-CN': t('designer.form.newTab', { lng: 'zh-CN' }), en: t('designer.form.newTab', { lng: 'en' }) }))}>
      {t('designer.form.addTab')}
    </Button>
    <Card size="small" title={t('designer.form.validations')} style={{ marginTop: 12 }}>
      {validations.map((v, i) => {
        const message = (v.message ?? {}) as Record<string, string>
        const at = [VALIDATIONS, String(i)]
        return <Space key={i} direction="vertical" style={{ width: '100%', marginBottom: 12 }} size={4}>
          <Form.Item label={t('designer.form.condition', { n: i + 1 })} htmlFor={`validation-${String(i)}-condition`} style={{ marginBottom: 4 }}>
            <ExpressionInput id={`validation-${String(i)}-condition`} condition value={v.condition}
              onChange={(text) => set([...at, 'condition'], text ?? true, `${at.join('/')}/condition`)} />
          </Form.Item>
          <Input aria-label={t('designer.form.messageZh', { n: i + 1 })} value={message['zh-CN'] ?? ''}
            onChange={(e) => set([...at, 'message'], { ...message, 'zh-CN': e.target.value }, `${at.join('/')}/zh`)} />
          <Input aria-label={t('designer.form.messageEn', { n: i + 1 })} value={message.en ?? ''}
            onChange={(e) => set([...at, 'message'], { ...message, en: e.target.value }, `${at.join('/')}/en`)} />
          <Button size="small" icon={<DeleteOutlined />} onClick={() => store.remove([{ op: 'remove', path: [...base, ...at] }],
            { kind: 'validation', label: pickLabel(message, i18n.language, String(v.key)),
              restore: [{ op: 'insert', path: [...base, ...at], value: v, clamp: true }] })}>{t('designer.form.removeValidation')}</Button>
        </Space>
      })}
      <Button size="small" icon={<PlusOutlined />} onClick={() => {
        const key = uniqueKey('check', new Set(validations.map((v) => String(v.key))), { numbered: true })
        const value = { key, condition: 'TRUE', message: { 'zh-CN': t('designer.form.newMessage', { lng: 'zh-CN' }),
          en: t('designer.form.newMessage', { lng: 'en' }) } }
        store.edit(Array.isArray(form.validations)
          ? [{ op: 'insert', path: [...base, 'validations', '-'], value }]
          : [{ op: 'set', path: [...base, 'validations'], value: [value] }])
      }}>{t('designer.form.addValidation')}</Button>
    </Card>
  </Form>
}
