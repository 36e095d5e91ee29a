import type { FieldDef } from './types'

/** A value as one line of text for the kinds shown as plain text (lists, read-only fields). */
export function displayText(field: FieldDef, value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  switch (field.kind) {
    case 'currency': {
      const code = field.config?.currency
      return `${code === 'CNY' || code === undefined ? '¥' : String(code)} ${String(value)}`
    }
    case 'percent':
      return `${String(value)} %`
    case 'duration':
      return `${String(value)} min`
    case 'date_range': {
      const v = value as { start?: string; end?: string }
      return `${v.start ?? ''} ~ ${v.end ?? ''}`
    }
    case 'json':
      return JSON.stringify(value)
    default:
      return Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
}
