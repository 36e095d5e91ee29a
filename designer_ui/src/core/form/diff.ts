import { sameValue } from './values'
import type { FieldDef, Values } from './types'

export interface FieldChange {
  key: string
  before: unknown
  after: unknown
}

/** The fields whose values differ between two versions of a record, in form order. */
export function changedFields(fields: readonly FieldDef[], before: Values, after: Values): FieldChange[] {
  return fields.flatMap((f) => sameValue(before[f.key], after[f.key])
    ? [] : [{ key: f.key, before: before[f.key], after: after[f.key] }])
}

/**
 * My edits reapplied on the latest version: my changed fields win, the other person's changes to
 * fields I did not touch stay. `conflicts` are the fields we both changed (to different values).
 */
export function reapply(fields: readonly FieldDef[], base: Values, mine: Values, latest: Values):
  { values: Values; conflicts: string[] } {
  const values: Values = { ...latest }
  const conflicts: string[] = []
  for (const { key } of changedFields(fields, base, mine)) {
    if (!sameValue(base[key], latest[key]) && !sameValue(mine[key], latest[key])) conflicts.push(key)
    values[key] = mine[key]
  }
  return { values, conflicts }
}
