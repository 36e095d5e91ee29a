import { Cascader, Checkbox, DatePicker, Input, InputNumber, Radio, Select, Switch } from 'antd'
import { pickLabel } from '../core/labels'
import { PublicFilesInput } from './PublicFilesInput'
import type { PublicField, TreeOption } from './types'

interface Props {
  field: PublicField
  locale: string
  id?: string
  value?: unknown
  onChange?: (value: unknown) => void
  disabled?: boolean
  /** file fields: the public upload route of the field (a form without one shows a text box) */
  uploadUrl?: string
}

interface CascadeOption {
  value: string
  label: string
  children?: CascadeOption[]
}

function treeOptions(nodes: readonly TreeOption[], locale: string): CascadeOption[] {
  return nodes.map((n) => ({
    value: n.value,
    label: pickLabel(n.label, locale, n.value),
    ...(n.children?.length ? { children: treeOptions(n.children, locale) } : {}),
  }))
}

function scale(field: PublicField): number[] {
  const low = typeof field.min === 'number' ? field.min : field.kind === 'rating' ? 1 : 0
  const configured = (field.config as { max?: unknown } | null | undefined)?.max
  const high = typeof field.max === 'number' ? field.max : typeof configured === 'number' ? configured : 5
  return Array.from({ length: Math.max(0, high - low + 1) }, (_, i) => low + i)
}

/** One public field's editor, by kind; a kind without its own widget falls back to a text box. */
export function PublicFieldInput({ field, locale, id, value, onChange, disabled, uploadUrl }: Props) {
  const label = pickLabel(field.label, locale, field.key)
  const options = (field.options ?? []).map((o) => ({ value: o.value, label: pickLabel(o.label, locale, o.value) }))
  const change = (v: unknown) => onChange?.(v)
  switch (field.kind) {
    case 'long_text':
      return <Input.TextArea id={id} rows={4} value={value as string} onChange={(e) => change(e.target.value)} disabled={disabled} maxLength={field.max_length ?? undefined} />
    case 'phone':
      return <Input id={id} type="tel" inputMode="tel" autoComplete="tel" value={value as string} onChange={(e) => change(e.target.value)} disabled={disabled} />
    case 'email':
      return <Input id={id} type="email" inputMode="email" autoComplete="email" value={value as string} onChange={(e) => change(e.target.value)} disabled={disabled} />
    case 'integer':
    case 'decimal':
    case 'money':
      if (field.kind === 'integer' && typeof field.max === 'number' && typeof field.min === 'number' && field.max - field.min <= 10) {
        return <ScaleInput field={field} label={label} value={value} onChange={change} disabled={disabled} />
      }
      return <InputNumber id={id} style={{ width: '100%' }} value={value as number} onChange={change} disabled={disabled} />
    case 'rating':
      return <ScaleInput field={field} label={label} value={value} onChange={change} disabled={disabled} />
    case 'single_select':
      return <Select id={id} options={options} value={value as string} onChange={change} disabled={disabled} allowClear />
    case 'multi_select':
      return (
        <div role="group" aria-label={label}>
          <Checkbox.Group options={options} value={(value as string[]) ?? []} onChange={change} disabled={disabled} />
        </div>
      )
    case 'cascade_select':
      return (
        <Cascader
          id={id}
          options={treeOptions(field.tree ?? [], locale)}
          value={value as string[]}
          onChange={change}
          disabled={disabled}
          placeholder={label}
        />
      )
    case 'boolean':
      return <Switch id={id} checked={Boolean(value)} onChange={change} disabled={disabled} />
    case 'attachment':
    case 'image':
      if (uploadUrl) return <PublicFilesInput field={field} label={label} url={uploadUrl} id={id} value={value} onChange={change} disabled={disabled} />
      return <Input id={id} disabled />
    case 'date':
      return <DatePicker id={id} style={{ width: '100%' }} onChange={(_, text) => change(text || null)} disabled={disabled} />
    default:
      return <Input id={id} value={value as string} onChange={(e) => change(e.target.value)} disabled={disabled} maxLength={field.max_length ?? undefined} />
  }
}

/** A small numeric scale (CSAT 1–5, NPS 0–10, CES 1–7) as buttons a thumb can hit. */
function ScaleInput({ field, label, value, onChange, disabled }: { field: PublicField; label: string; value: unknown; onChange: (v: unknown) => void; disabled?: boolean }) {
  return (
    <div role="radiogroup" aria-label={label} className="public-scale">
      <Radio.Group
        optionType="button"
        buttonStyle="solid"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        options={scale(field).map((n) => ({ value: n, label: String(n) }))}
      />
    </div>
  )
}
