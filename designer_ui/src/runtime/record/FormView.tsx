import { Card, Col, Form, Row, Tabs, Typography } from 'antd'
import { pickLabel } from '../../core/labels'
import type { FieldState } from '../../core/form/logic'
import type { TabModel } from '../../core/form/layout'
import type { FieldDef, Values } from '../../core/form/types'
import { toApi, toWidget } from '../../core/form/values'
import { widgetFor } from '../../fields/registry'
import { SubtableEdit } from '../../fields/subtable'
import type { FieldContext } from '../../fields/types'

export interface FieldErrors {
  /** field key → message */
  fields: Record<string, string>
  /** sub-table key → row → column → message */
  rows: Record<string, Record<number, Record<string, string>>>
}

interface Props {
  tabs: TabModel[]
  values: Values
  states: Record<string, FieldState>
  canWrite: (key: string) => boolean
  errors: FieldErrors
  ctx: FieldContext
  onChange: (key: string, value: unknown) => void
}

const fieldId = (key: string) => `field-${key}`
const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

function FieldItem({ field, props }: { field: FieldDef; props: Props }) {
  const state = props.states[field.key] ?? { visible: true, required: false, readonly: false }
  const widget = widgetFor(field.kind)
  const editable = widget.edit !== null && props.canWrite(field.key) && !state.readonly
  const error = props.errors.fields[field.key]
  const label = pickLabel(field.label, props.ctx.locale, field.key)
  const help = pickLabel(field.help, props.ctx.locale)
  const id = fieldId(field.key)
  const common = { field, id, ctx: props.ctx, invalid: Boolean(error),
    value: toWidget(field.kind, props.values[field.key]),
    onChange: (v: unknown) => props.onChange(field.key, toApi(field.kind, v)) }
  let body
  if (field.kind === 'subtable') {
    body = <SubtableEdit {...common} disabled={!editable} rowErrors={props.errors.rows[field.key]} />
  } else if (widget.edit) {
    // a field I may not change keeps its (disabled) input, so its label still names it
    body = <widget.edit {...common} disabled={!editable} />
  } else {
    body = <span id={id} role="textbox" aria-readonly="true" aria-label={label} tabIndex={0} style={{ display: 'inline-block', minHeight: 22 }}>
      {blank(props.values[field.key]) ? <Typography.Text type="secondary">—</Typography.Text>
        : <widget.display field={field} value={props.values[field.key]} ctx={props.ctx} />}
    </span>
  }
  return <Form.Item label={label} htmlFor={id} required={state.required && editable} tooltip={help || undefined}
    validateStatus={error ? 'error' : undefined} help={error} style={{ marginBottom: 16 }}>
    {body}
  </Form.Item>
}

function Sections({ tab, props }: { tab: TabModel; props: Props }) {
  return <>{tab.sections.map((section) => {
    const shown = section.fields.filter((f) => props.states[f.key]?.visible !== false)
    if (shown.length === 0) return null
    const span = Math.floor(24 / Math.max(1, section.columns))
    const title = pickLabel(section.label, props.ctx.locale)
    return <Card key={section.key} size="small" title={title || undefined} style={{ marginBottom: 16 }}
      role="region" aria-label={title || undefined}>
      {section.help && <Typography.Paragraph type="secondary">{pickLabel(section.help, props.ctx.locale)}</Typography.Paragraph>}
      <Row gutter={16}>
        {shown.map((f) => {
          const wide = f.kind === 'subtable' || f.kind === 'rich_text' || f.kind === 'long_text' || f.kind === 'attachment'
          return <Col key={f.key} xs={24} md={wide ? 24 : span}><FieldItem field={f} props={props} /></Col>
        })}
      </Row>
    </Card>
  })}</>
}

/** The form drawn from its layout: tabs of sections in columns (one column on phones). */
export function FormView(props: Props) {
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
}
