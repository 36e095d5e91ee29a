/**
 * Values between the record API and the widgets, one pair of functions per value shape. A widget
 * holds what its antd control takes (numbers for integers, decimal text for decimals, arrays, ISO
 * text for dates); the API gets what the server's coercer accepts, with "" and [] sent as null.
 *
 *   toWidget('decimal', '12.50') → '12.50'     toApi('decimal', '12.5') → '12.5'
 *   toWidget('multi_select', null) → []        toApi('multi_select', []) → null
 */
export type Shape = 'text' | 'integer' | 'decimal' | 'boolean' | 'list' | 'object' | 'rows' | 'id'

const SHAPES: Readonly<Record<string, Shape>> = {
  text: 'text', long_text: 'text', email: 'text', phone: 'text', url: 'text', id_card: 'text', color: 'text',
  code: 'text', ip_address: 'text', rich_text: 'text', signature: 'text', time: 'text', year_month: 'text',
  date: 'text', datetime: 'text', single_select: 'text', serial: 'text',
  integer: 'integer', rating: 'integer', duration: 'integer',
  decimal: 'decimal', currency: 'decimal', percent: 'decimal', slider: 'decimal',
  boolean: 'boolean',
  multi_select: 'list', tags: 'list', cascade_select: 'list', multi_user: 'list', multi_department: 'list',
  attachment: 'list', image: 'list',
  date_range: 'object', location: 'object', json: 'object',
  subtable: 'rows',
  user: 'id', department: 'id', relation: 'id',
}

/** The shape of a kind's value; kinds the browser does not know are kept as they came. */
export function shapeOf(kind: string): Shape | undefined {
  return SHAPES[kind]
}

const blank = (v: unknown): boolean => v === null || v === undefined || v === ''

export function toWidget(kind: string, value: unknown): unknown {
  switch (shapeOf(kind)) {
    case 'text':
      return blank(value) ? '' : String(value)
    case 'integer':
    case 'id':
      return blank(value) ? null : Number(value)
    case 'decimal':
      return blank(value) ? null : String(value)
    case 'boolean':
      return value === true
    case 'list':
    case 'rows':
      return Array.isArray(value) ? value : []
    default:
      return value ?? null
  }
}

export function toApi(kind: string, value: unknown): unknown {
  switch (shapeOf(kind)) {
    case 'text':
      return blank(value) ? null : String(value)
    case 'integer':
    case 'id':
      return blank(value) || Number.isNaN(Number(value)) ? null : Math.trunc(Number(value))
    case 'decimal':
      return blank(value) ? null : String(value)
    case 'boolean':
      return value === true
    case 'list':
      return Array.isArray(value) && value.length > 0 ? value : null
    case 'rows':
      return Array.isArray(value) ? value : []
    default:
      return value ?? null
  }
}

/** Two API values are the same change (a cleared field equals a missing one). */
export function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === '' || (Array.isArray(v) && v.length === 0) ? null : v)
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b))
}

/** Kinds the server computes and refuses from a client (formula, serial, lookup). */
export const COMPUTED_KINDS: ReadonlySet<string> = new Set(['formula', 'serial', 'lookup'])

/**
 * A field's value as a save sends it: a sub-table's rows lose their computed columns (the server
 * refuses them; the form shows them computed as the row is typed, and a saved record holds them).
 *
 *   writableValue({kind: 'subtable', fields: [{key: 'qty', kind: 'integer'}, {key: 'amount', kind: 'formula'}]},
 *                 [{qty: 2, amount: '9.00'}]) → [{qty: 2}]
 */
export function writableValue(field: { kind: string; fields?: readonly { key: string; kind: string }[] | null }, value: unknown): unknown {
  if (field.kind !== 'subtable' || !Array.isArray(value)) return value
  const computed = (field.fields ?? []).filter((c) => COMPUTED_KINDS.has(c.kind)).map((c) => c.key)
  if (computed.length === 0) return value
  return value.map((row: unknown) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return row
    const next = { ...(row as Record<string, unknown>) }
    for (const key of computed) delete next[key]
    return next
  })
}
