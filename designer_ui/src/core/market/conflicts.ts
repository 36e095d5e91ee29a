// An upgrade's merge conflicts and the admin's choices (plain TypeScript, no React): which side each
// conflict keeps, whether every conflict has a choice, and how a conflicting value reads in a table.

export type Side = 'local' | 'new'

export interface MergeConflict {
  path: string
  base: unknown
  local: unknown
  new: unknown
  local_removed: boolean
  new_removed: boolean
}

export type Resolutions = Record<string, Side>

/** The conflicts still without a choice, in the server's order. */
export function unresolved(conflicts: readonly MergeConflict[], chosen: Resolutions): string[] {
  return conflicts.map((c) => c.path).filter((path) => chosen[path] === undefined)
}

/** Every conflict resolved one way: "keep all my changes" or "take the new version everywhere". */
export function chooseAll(conflicts: readonly MergeConflict[], side: Side): Resolutions {
  return Object.fromEntries(conflicts.map((c) => [c.path, side]))
}

/** Only the choices that still name a conflict (a new preview may have fewer). */
export function relevant(conflicts: readonly MergeConflict[], chosen: Resolutions): Resolutions {
  const paths = new Set(conflicts.map((c) => c.path))
  return Object.fromEntries(Object.entries(chosen).filter(([path]) => paths.has(path)))
}

/** `"/forms/ticket/fields/qty/label/en"` → `["forms", "ticket", "fields", "qty", "label", "en"]` (JSON pointer). */
export function pathSteps(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** A conflicting value as one line of text: strings bare, removed values as `removed`, the rest as JSON. */
export function showValue(value: unknown, removed: boolean, removedText: string, limit = 80): string {
  if (removed) return removedText
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text
}
