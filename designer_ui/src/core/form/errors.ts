import type { FieldError } from '../../api/client'

export interface PlacedError {
  field: string | null
  /** The sub-table row (0-based) when the path names one. */
  row: number | null
  column: string | null
  message: string
}

/**
 * Where a server error belongs on the form: "/subject" → field subject; "/items/2/qty" → row 2's qty
 * in sub-table items; "/records/0/subject" (a bulk path) → field subject; "" or "/" → the form.
 */
export function placeError(error: FieldError, fieldKeys: ReadonlySet<string>): PlacedError {
  const parts = error.path.split('/').filter((p) => p !== '')
  const start = parts.findIndex((p) => fieldKeys.has(p))
  if (start < 0) return { field: null, row: null, column: null, message: error.message }
  const rowText = parts[start + 1]
  const row = rowText !== undefined && /^\d+$/.test(rowText) ? Number(rowText) : null
  return { field: parts[start] ?? null, row, column: row !== null ? (parts[start + 2] ?? null) : null,
    message: error.message }
}
