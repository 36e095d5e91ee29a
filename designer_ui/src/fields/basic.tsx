import { DatePicker, Input, InputNumber, Rate, Slider, Switch, TimePicker } from 'antd'
import dayjs from 'dayjs'
import type { EditProps } from './types'

const text = (v: unknown): string => (typeof v === 'string' ? v : '')
const cfg = (p: EditProps): Record<string, unknown> => p.field.config ?? {}

export function TextEdit(p: EditProps) {
  const type = p.field.kind === 'email' ? 'email' : p.field.kind === 'url' ? 'url' : p.field.kind === 'phone' ? 'tel' : 'text'
  return <Input id={p.id} type={type} value={text(p.value)} disabled={p.disabled} status={p.invalid ? 'error' : undefined}
    maxLength={p.field.max_length ?? undefined} onChange={(e) => p.onChange(e.target.value)} />
}

/** Multi-line: Enter makes a new line (Ctrl+S saves, the form has no submit-on-Enter). */
export function LongTextEdit(p: EditProps) {
  return <Input.TextArea id={p.id} value={text(p.value)} disabled={p.disabled} status={p.invalid ? 'error' : undefined}
    autoSize={{ minRows: 3, maxRows: 12 }} maxLength={p.field.max_length ?? undefined}
    style={p.field.kind === 'code' ? { fontFamily: 'monospace' } : undefined}
    onChange={(e) => p.onChange(e.target.value)} />
}

export function IntegerEdit(p: EditProps) {
  return <InputNumber id={p.id} style={{ width: '100%' }} precision={0} disabled={p.disabled}
    status={p.invalid ? 'error' : undefined} value={p.value as number | null}
    min={typeof p.field.min === 'number' ? p.field.min : undefined} max={typeof p.field.max === 'number' ? p.field.max : undefined}
    suffix={p.field.kind === 'duration' ? 'min' : undefined} onChange={(v) => p.onChange(v)} />
}

export function DecimalEdit(p: EditProps) {
  const currency = typeof cfg(p).currency === 'string' ? String(cfg(p).currency) : null
  const prefix = p.field.kind === 'currency' ? (currency === 'CNY' || currency === null ? '¥' : currency) : undefined
  return <InputNumber<string> id={p.id} style={{ width: '100%' }} stringMode disabled={p.disabled}
    status={p.invalid ? 'error' : undefined} value={(p.value as string | null) ?? null}
    precision={p.field.scale ?? undefined} prefix={prefix} suffix={p.field.kind === 'percent' ? '%' : undefined}
    min={p.field.min === null || p.field.min === undefined ? undefined : String(p.field.min)}
    max={p.field.max === null || p.field.max === undefined ? undefined : String(p.field.max)}
    onChange={(v) => p.onChange(v)} />
}

export function SliderEdit(p: EditProps) {
  const min = Number(p.field.min ?? 0)
  const max = Number(p.field.max ?? 100)
  return <Slider id={p.id} min={min} max={max} disabled={p.disabled} value={p.value === null ? min : Number(p.value)}
    onChange={(v) => p.onChange(String(v))} aria-label={p.field.key} />
}

export function RatingEdit(p: EditProps) {
  const count = typeof cfg(p).max === 'number' ? Number(cfg(p).max) : 5
  return <span id={p.id} role="group"><Rate count={count} disabled={p.disabled} value={(p.value as number | null) ?? 0}
    onChange={(v) => p.onChange(v === 0 ? null : v)} /></span>
}

export function BooleanEdit(p: EditProps) {
  return <Switch id={p.id} checked={p.value === true} disabled={p.disabled} onChange={(v) => p.onChange(v)} />
}

export function DateEdit(p: EditProps) {
  const month = p.field.kind === 'year_month'
  const format = month ? 'YYYY-MM' : 'YYYY-MM-DD'
  return <DatePicker id={p.id} style={{ width: '100%' }} picker={month ? 'month' : 'date'} disabled={p.disabled}
    status={p.invalid ? 'error' : undefined} value={p.value ? dayjs(String(p.value)) : null}
    onChange={(d) => p.onChange(d ? d.format(format) : '')} />
}

export function DateTimeEdit(p: EditProps) {
  return <DatePicker id={p.id} style={{ width: '100%' }} showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm"
    disabled={p.disabled} status={p.invalid ? 'error' : undefined} value={p.value ? dayjs(String(p.value)) : null}
    onChange={(d) => p.onChange(d ? d.format() : '')} />
}

export function TimeEdit(p: EditProps) {
  return <TimePicker id={p.id} style={{ width: '100%' }} disabled={p.disabled}
    value={p.value ? dayjs(`2000-01-01T${String(p.value)}`) : null}
    onChange={(d) => p.onChange(d ? d.format('HH:mm:ss') : '')} />
}

export function DateRangeEdit(p: EditProps) {
  const v = p.value as { start?: string; end?: string } | null
  return <DatePicker.RangePicker id={p.id} style={{ width: '100%' }} disabled={p.disabled}
    value={v?.start && v.end ? [dayjs(v.start), dayjs(v.end)] : null}
    onChange={(range) => p.onChange(range?.[0] && range[1]
      ? { start: range[0].format('YYYY-MM-DD'), end: range[1].format('YYYY-MM-DD') } : null)} />
}
