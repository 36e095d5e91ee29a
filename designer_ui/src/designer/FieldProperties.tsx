import { Alert, Form, Input, InputNumber, Select, Switch, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../core/design/draftStore'
import { fieldPlace, formAt, NOT_IN_ROWS, renameFieldOps, rowFieldName, splitFieldName, type FieldLike } from '../core/design/formModel'
import { KEY_PATTERN, keyFromLabel } from '../core/design/keys'
import type { Op } from '../core/design/ops'
import { pickLabel } from '../core/labels'
import { shapeOf } from '../core/form/values'
import type { FieldKindEntry } from './designerApi'
import { ExpressionInput } from './ExpressionInput'
import { OptionsEditor } from './OptionsEditor'
import { CascadeSource } from './CascadeSource'

interface Props {
  store: DraftStore
  doc: unknown
  fi: number
  /** The field's name on the canvas: its key, or `parent.child` for a sub-table's row field. */
  name: string
  field: FieldLike
  kinds: FieldKindEntry[]
  /** The field as published (null: new): data lives under its key, so the key no longer changes. */
  published: FieldLike | null
  /** The field's key changed: the selection follows it. */
  onKeyChange: (key: string) => void
}

const LIMITS = ['min_length', 'max_length', 'min', 'max', 'precision', 'scale'] as const
const CONDITIONS = ['visible_if', 'required_if', 'readonly_if'] as const

/** A field's properties, each edit one undo step per property (typing in one input coalesces). */
export function FieldProperties({ store, doc, fi, name, field, kinds, published, onKeyChange }: Props) {
  const frozen = published !== null
  const { t, i18n } = useTranslation()
  const place = fieldPlace(doc, fi, name)
  const base = [...(place?.path ?? [])]
  const { parent } = splitFieldName(name)
  const named = (key: string) => (parent === null ? key : rowFieldName(parent, key))
  // a row field's expressions read the row's fields (and the form's through the row)
  const formKey = (formAt(doc, fi) as { key?: unknown } | undefined)?.key
  const scope = parent === null ? undefined : { form: typeof formKey === 'string' ? formKey : null, collection: parent }
  const entry = kinds.find((k) => k.key === field.kind)
  const attributes = new Set(entry?.attributes ?? [])
  const label = (field.label ?? {}) as Record<string, string>
  const id = (prop: string) => `prop-${name}-${prop}`

  const set = (prop: string, value: unknown, extra: Op[] = []) => {
    const ops: Op[] = value === undefined
      ? (prop in field ? [{ op: 'remove', path: [...base, prop] }] : [])
      : [{ op: 'set', path: [...base, prop], value }]
    store.edit([...ops, ...extra], { coalesce: `${base.join('/')}/${prop}` })
  }

  const setLabel = (lang: string, text: string) => {
    const next = { ...label, [lang]: text }
    if (!text) delete next[lang]
    // a field not yet published follows its English label with its key
    const taken = new Set((place?.siblings ?? []).map((f) => f.key).filter((k) => k !== field.key))
    const key = !frozen && lang === 'en' && text ? keyFromLabel(next, field.kind, taken) : field.key
    store.edit([{ op: 'set', path: [...base, 'label'], value: next }, ...renameFieldOps(doc, fi, name, key)],
      { coalesce: `${base.join('/')}/label/${lang}` })
    if (key !== field.key) onKeyChange(named(key))
  }

  const keyProblem = KEY_PATTERN.test(field.key) ? null : t('designer.props.keyInvalid')
  const shape = shapeOf(field.kind)

  return <Form layout="vertical" size="small" component="div">
    <Form.Item label={t('designer.props.labelZh')} htmlFor={id('label-zh')}>
      <Input id={id('label-zh')} value={label['zh-CN'] ?? ''} onChange={(e) => setLabel('zh-CN', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.props.labelEn')} htmlFor={id('label-en')}>
      <Input id={id('label-en')} value={label.en ?? ''} onChange={(e) => setLabel('en', e.target.value)} />
    </Form.Item>
    <Form.Item style={{ marginBottom: 24 }} label={t('designer.props.key')} htmlFor={id('key')} validateStatus={keyProblem ? 'error' : undefined}
      help={keyProblem ?? (frozen ? t('designer.props.keyFrozen') : t('designer.props.keyHelp'))}>
      <Input id={id('key')} value={field.key} disabled={frozen} style={{ fontFamily: 'monospace' }}
        onChange={(e) => {
          store.edit(renameFieldOps(doc, fi, name, e.target.value), { coalesce: `${base.join('/')}/key` })
          onKeyChange(named(e.target.value))
        }} />
    </Form.Item>
    <Form.Item label={t('designer.props.kind')} htmlFor={id('kind')}>
      <Select id={id('kind')} value={field.kind} showSearch optionFilterProp="label"
        options={kinds.filter((k) => parent === null || !NOT_IN_ROWS.has(k.key))
          .map((k) => ({ value: k.key, label: pickLabel(k.label, i18n.language, k.key) }))}
        onChange={(kind: string) => set('kind', kind)} />
    </Form.Item>
    {published && published.kind !== field.kind && <Alert type="warning" showIcon message={t('designer.props.retype')} />}
    <Form.Item label={t('designer.props.required')} htmlFor={id('required')}>
      <Switch id={id('required')} checked={field.required === true} onChange={(v) => set('required', v ? true : undefined)} />
    </Form.Item>
    {entry?.stored !== false && <Form.Item label={t('designer.props.unique')} htmlFor={id('unique')}>
      <Switch id={id('unique')} checked={field.unique === true} onChange={(v) => set('unique', v ? true : undefined)} />
    </Form.Item>}
    {entry?.searchable && <Form.Item label={t('designer.props.indexed')} htmlFor={id('indexed')}>
      <Switch id={id('indexed')} checked={field.indexed === true} onChange={(v) => set('indexed', v ? true : undefined)} />
    </Form.Item>}
    {(shape === 'text' || shape === 'integer' || shape === 'decimal') && field.kind !== 'serial' && <Form.Item
      label={t('designer.props.default')} htmlFor={id('default')}>
      <Input id={id('default')} value={field.default === null || field.default === undefined ? '' : String(field.default as string)}
        onChange={(e) => {
          const text = e.target.value
          const value = text === '' ? undefined : shape === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text
          set('default', value)
        }} />
    </Form.Item>}
    {attributes.has('options') && <Form.Item label={t('designer.props.options')}>
      <OptionsEditor options={(Array.isArray(field.options) ? field.options : []) as never[]}
        onChange={(options) => set('options', options)} />
    </Form.Item>}
    {field.kind === 'cascade_select' && <CascadeSource doc={doc} field={field} fieldPath={base}
      onConfig={(config, coalesce) => store.edit([{ op: 'set', path: [...base, 'config'], value: config }], coalesce ? { coalesce } : undefined)} />}
    {LIMITS.filter((limit) => attributes.has(limit)).map((limit) => <Form.Item key={limit}
      label={t(`designer.props.limit.${limit}`)} htmlFor={id(limit)}>
      <InputNumber id={id(limit)} style={{ width: '100%' }} value={typeof field[limit] === 'number' ? field[limit] : null}
        onChange={(v) => set(limit, v === null ? undefined : v)} />
    </Form.Item>)}
    <Form.Item label={t('designer.props.help')} htmlFor={id('help')}>
      <Input id={id('help')} value={pickLabel(field.help as Record<string, string> | null, 'zh-CN')}
        onChange={(e) => set('help', e.target.value ? { ...((field.help ?? {}) as object), 'zh-CN': e.target.value } : undefined)} />
    </Form.Item>
    {CONDITIONS.map((cond) => <Form.Item key={`${name}-${cond}`} label={t(`designer.props.${cond}`)} htmlFor={id(cond)}>
      <ExpressionInput id={id(cond)} condition scope={scope} value={field[cond]} onChange={(v) => set(cond, v ?? undefined)} />
    </Form.Item>)}
    {field.kind === 'formula' && <Form.Item label={t('designer.props.formula')} htmlFor={id('formula')}>
      <ExpressionInput id={id('formula')} scope={scope} value={field.formula} onChange={(v) => set('formula', v ?? undefined)} />
    </Form.Item>}
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.props.jsonHint')}</Typography.Text>
  </Form>
}
