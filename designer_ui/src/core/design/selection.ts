/**
 * What a JSON path of the definition names, for the problems panel and the JSON view: the designer
 * selects the deepest element it knows (a form's field or section, else the form, else the path as is).
 *
 *   selectionOf(doc, '/forms/1/fields/3/options/0/value')
 *   → {path: '/forms/1/fields/3', form: 1, field: 'priority', section: null}
 */
import { formatPointer, getAt, parsePointer } from './pointer'

export interface Selection {
  /** The element's own JSON path (what the JSON view shows). */
  path: string
  form: number | null
  field: string | null
  section: number | null
}

const keyAt = (doc: unknown, path: string[]): string | null => {
  const node = getAt(doc, path) as { key?: unknown } | undefined
  return typeof node?.key === 'string' ? node.key : null
}

export function selectionOf(doc: unknown, pointer: string): Selection {
  const parts = parsePointer(pointer)
  if (parts[0] === 'forms' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const form = Number(parts[1])
    const index = parts[3]
    if (parts[2] === 'fields' && index !== undefined && /^\d+$/.test(index)) {
      const row = parts[5]
      const parent = keyAt(doc, parts.slice(0, 4))
      if (parts[4] === 'fields' && row !== undefined && /^\d+$/.test(row) && parent !== null) {  // a sub-table's row field
        const path = parts.slice(0, 6)
        const key = keyAt(doc, path)
        return { path: formatPointer(path), form, field: key === null ? parent : `${parent}.${key}`, section: null }
      }
      const path = parts.slice(0, 4)
      return { path: formatPointer(path), form, field: keyAt(doc, path), section: null }
    }
    if (parts[2] === 'layout' && index !== undefined && /^\d+$/.test(index)) {
      return { path: formatPointer(parts.slice(0, 4)), form, field: null, section: Number(index) }
    }
    return { path: formatPointer(parts.slice(0, 2)), form, field: null, section: null }
  }
  // another designer's element: its section and index, e.g. /flows/0
  const elementDepth = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? 2 : Math.min(parts.length, 1)
  return { path: formatPointer(parts.slice(0, elementDepth)), form: null, field: null, section: null }
}

/** The JSON path of field `key` of form `fi` (a sub-table's row field: `parent.child`), if it exists. */
export function fieldPath(doc: unknown, fi: number, key: string): string | null {
  let path: (string | number)[] = ['forms', fi]
  for (const part of key.split('.')) {
    const fields = getAt(doc, [...path, 'fields'].map(String))
    if (!Array.isArray(fields)) return null
    const index = fields.findIndex((f) => (f as { key?: unknown } | null)?.key === part)
    if (index < 0) return null
    path = [...path, 'fields', index]
  }
  return formatPointer(path)
}

/**
 * The key a selected element has now, when an edit elsewhere (an undo, a redo) renamed it: the same
 * number of elements, the selected key gone, and a key new to the list at its old place.
 *
 *   followRenamed(['a', 'b2'], ['a', 'b'], 'b2') → 'b'      followRenamed(['a', 'b'], ['a'], 'b') → null
 */
export function followRenamed(before: readonly string[], after: readonly string[], selected: string | null): string | null {
  if (selected === null || after.includes(selected) || before.length !== after.length) return null
  const at = before.indexOf(selected)
  const now = at < 0 ? undefined : after[at]
  return now !== undefined && !before.includes(now) ? now : null
}
