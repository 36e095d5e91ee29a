import { Card, Col, Form, Row, Tabs, Typography } from 'antd'
import { memo } from 'react'
import { pickLabel } from '../../core/labels'
import type { SectionModel, TabModel } from '../../core/form/layout'
import type { RecordStore } from '../../core/form/store'
import type { FieldDef } from '../../core/form/types'
import { toApi, toWidget } from '../../core/form/values'
import { widgetFor } from '../../fields/registry'
import { SubtableEdit } from '../../fields/subtable'
import type { FieldContext } from '../../fields/types'
import { useFieldState, useFieldValue } from './useFieldSnapshot'
import { useStoreSelect } from './useStoreSelect'

export interface FieldErrors {
  /** field key → message */
  fields: Record<string, string>
  /** sub-table key → row → column → message */
  rows: Record<string, Record<number, Record<string, string>>>
}

// Everything but the store changes rarely (errors after a save, a picker naming what it linked): the store
// tells each field and section when its own value or linkage state changed, so a keystroke redraws those only.
interface Props {
  tabs: TabModel[]
  store: RecordStore
  canWrite: (key: string) => boolean
  errors: FieldErrors
  ctx: FieldContext
  onChange: (key: string, value: unknown) => void
}

const fieldId = (key: string) => `field-${key}`
const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

interface ItemProps {
  field: FieldDef
  store: RecordStore
  writable: boolean
  error: string | undefined
  rowErrors: Record<number, Record<string, string>> | undefined
  ctx: FieldContext
  onChange: (key: string, value: unknown) => void
}

// A keystroke changes the field's value, not its label, requiredness or error: the Form.Item around the input
// (label, tooltip, help, grid) reads the linkage state only, and the input below it reads the value, so typing
// redraws the input alone (as a plain antd form's Form.Item binding does).
const FieldItem = memo(function FieldItem({ field, store, writable, error, rowErrors, ctx, onChange }: ItemProps) {
  const state = useFieldState(store, field.key)
  const widget = widgetFor(field.kind)
  const editable = widget.edit !== null && writable && !state.readonly
  const label = pickLabel(field.label, ctx.locale, field.key)
  const help = pickLabel(field.help, ctx.locale)
  const id = fieldId(field.key)
  return <Form.Item label={label} htmlFor={id} required={state.required && editable} tooltip={help || undefined}
    validateStatus={error ? 'error' : undefined} help={error} style={{ marginBottom: 16 }}>
    <FieldInput field={field} store={store} id={id} label={label} editable={editable} invalid={Boolean(error)}
      rowErrors={rowErrors} ctx={ctx} onChange={onChange} />
  </Form.Item>
})

interface InputProps {
  field: FieldDef
  store: RecordStore
  id: string
  label: string
  editable: boolean
  invalid: boolean
  rowErrors: Record<number, Record<string, string>> | undefined
  ctx: FieldContext
  onChange: (key: string, value: unknown) => void
}

const FieldInput = memo(function FieldInput({ field, store, id, label, editable, invalid, rowErrors, ctx, onChange }: InputProps) {
  const value = useFieldValue(store, field.key)
  const widget = widgetFor(field.kind)
  const common = { field, id, ctx, invalid, value: toWidget(field.kind, value),
    onChange: (v: unknown) => onChange(field.key, toApi(field.kind, v)) }
  if (field.kind === 'subtable') return <SubtableEdit {...common} disabled={!editable} rowErrors={rowErrors} />
  // a field I may not change keeps its (disabled) input, so its label still names it
  if (widget.edit) return <widget.edit {...common} disabled={!editable} />
  return <span id={id} role="textbox" aria-readonly="true" aria-label={label} tabIndex={0} style={{ display: 'inline-block', minHeight: 22 }}>
    {blank(value) ? <Typography.Text type="secondary">—</Typography.Text>
      : <widget.display field={field} value={value} ctx={ctx} />}
  </span>
})

const HIDDEN = { display: 'none' }
const WIDE = new Set(['subtable', 'rich_text', 'long_text', 'attachment'])

interface SectionProps extends Omit<Props, 'tabs'> {
  section: SectionModel
}

const Section = memo(function Section({ section, store, canWrite, errors, ctx, onChange }: SectionProps) {
  // the keys shown, as one string: the section redraws when a field appears or disappears, not on every keystroke
  // A hidden field stays mounted under display:none: the key that shows it changes a style, it does not mount an input.
  const shownKeys = useStoreSelect(store, (s) =>
    section.fields.filter((f) => s.state(f.key).visible !== false).map((f) => f.key).join(' '))
  const shown = new Set(shownKeys.split(' '))
  if (!section.fields.some((f) => shown.has(f.key))) return null
  const fields = section.fields
  const span = Math.floor(24 / Math.max(1, section.columns))
  const title = pickLabel(section.label, ctx.locale)
  return <Card size="small" title={title || undefined} style={{ marginBottom: 16 }} role="region" aria-label={title || undefined}>
    {section.help && <Typography.Paragraph type="secondary">{pickLabel(section.help, ctx.locale)}</Typography.Paragraph>}
    <Row gutter={16}>
      {fields.map((f) => <Col key={f.key} xs={24} md={WIDE.has(f.kind) ? 24 : span}
        style={shown.has(f.key) ? undefined : HIDDEN}>
        <FieldItem field={f} store={store} writable={canWrite(f.key)} error={errors.fields[f.key]}
          rowErrors={errors.rows[f.key]} ctx={ctx} onChange={onChange} />
      </Col>)}
    </Row>
  </Card>
})

function Sections({ tab, props }: { tab: TabModel; props: Props }) {
  const { store, canWrite, errors, ctx, onChange } = props
  return <>{tab.sections.map((section) => <Section key={section.key} section={section} store={store} canWrite={canWrite}
    errors={errors} ctx={ctx} onChange={onChange} />)}</>
}

/** The form drawn from its layout: tabs of sections in columns (one column on phones). */
export const FormView = memo(function FormView(props: Props) {
  const { tabs } = props
  const withErrors = new Set(Object.keys(props.errors.fields).concat(Object.keys(props.errors.rows)))
  const form = tabs.length === 1 && tabs[0]
    ? <Sections tab={tabs[0]} props={props} />
    : <Tabs items={tabs.map((tab) => {
        const failing = tab.sections.some((s) => s.fields.some((f) => withErrors.has(f.key)))
        const name = pickLabel(tab.label, props.ctx.locale, tab.key || '—')
        return { key: tab.key, label: failing ? <Typography.Text type="danger">{name} ●</Typography.Text> : name,
          children: <Sections tab={tab} props={props} />, forceRender: true }
      })} />
  return <Form layout="vertical" component="div" colon={false}>{form}</Form>
})
