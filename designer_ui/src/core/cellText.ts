/**
 * What a list cell shows for a value of any field kind, as text (and an option's colour): the
 * display value of relations, the names of users and departments, the labels of options.
 * A small formatter of the list page; the record page's field widgets render edit and display.
 */
import { pickLabel, type Label } from './labels'

export interface CellColumn {
  key: string
  kind: string
  options?: { value: string; label: Record<string, string>; color?: string | null }[] | null
}

export interface CellNames {
  users: Record<string, string>
  departments: Record<string, string>
}

export interface CellPart {
  text: string
  color?: string
}

const USER_KINDS = new Set(['user', 'multi_user'])
const DEPT_KINDS = new Set(['department', 'multi_department'])

function many(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value]
}

/** The parts of a cell (several for multi-value fields); [] for an empty value. */
export function cellParts(
  column: CellColumn,
  record: Record<string, unknown>,
  names: CellNames,
  lang: string,
): CellPart[] {
  const value = record[column.key]
  if (value === null || value === undefined || value === '') return []
  if (column.options) {
    return many(value).map((v) => {
      const option = column.options?.find((o) => o.value === v)
      return option ? { text: pickLabel(option.label as Label, lang, String(v)), color: option.color ?? undefined } : { text: String(v) }
    })
  }
  if (column.kind === 'relation') {
    const display = (record._display as Record<string, unknown> | undefined)?.[column.key]
    return [{ text: display === undefined || display === null ? `#${String(value)}` : String(display) }]
  }
  if (USER_KINDS.has(column.kind)) return many(value).map((id) => ({ text: names.users[String(id)] ?? `#${String(id)}` }))
  if (DEPT_KINDS.has(column.kind)) return many(value).map((id) => ({ text: names.departments[String(id)] ?? `#${String(id)}` }))
  if (typeof value === 'boolean') return [{ text: value ? '✓' : '✗' }]
  if (Array.isArray(value)) return value.length ? [{ text: value.map((v) => cellScalar(v)).join(', ') }] : []
  return [{ text: cellScalar(value) }]
}

function cellScalar(value: unknown): string {
  if (value && typeof value === 'object') {
    const named = value as { name?: unknown; label?: unknown }
    if (typeof named.name === 'string') return named.name
    return JSON.stringify(value)
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
    return value.slice(0, 16).replace('T', ' ')
  }
  return String(value)
}
