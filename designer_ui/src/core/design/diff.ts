/**
 * A definition diff between two app versions (or a version and the draft), by element identity, for
 * the version history: forms and their fields, flows and their nodes and edges, rules, reports,
 * dashboards, roles … added, removed or changed (with the attributes that changed).
 *
 * An element is known by its `key` (nodes by `id`, edges by `source→target`), so a moved element is
 * not "removed and added". Every top-level list of the definition is compared, known or not, and a
 * list inside an element whose items have identities is diffed one level further (fields, nodes).
 *
 *   diffDefinitions({forms: [{key: 'a', fields: [{key: 'x'}]}]}, {forms: [{key: 'a', fields: []}]})
 *   → [{section: 'forms', key: 'a', change: 'changed', attributes: [],
 *       children: [{section: 'fields', key: 'x', change: 'removed', …}]}]
 *
 * A changed `kind` is also given as `kind: {from, to}` (a field retyped text → number).
 */
import type { Label } from '../labels'

export type ChangeKind = 'added' | 'removed' | 'changed'

export interface ElementChange {
  section: string
  key: string
  change: ChangeKind
  label: Label
  /** Changed attributes other than nested lists diffed in `children`. */
  attributes: string[]
  children: ElementChange[]
  /** A field (or node) whose `kind` changed: from which to which. */
  kind?: { from: string; to: string }
}

/** The app's own attributes that changed (label, settings, trees …). */
export interface DefinitionDiff {
  app: string[]
  elements: ElementChange[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

function identity(item: unknown, index: number): string {
  if (!isObj(item)) return `#${String(index)}`
  if (typeof item.key === 'string') return item.key
  if (typeof item.id === 'string') return item.id
  if (typeof item.source === 'string' && typeof item.target === 'string') return `${item.source}→${item.target}`
  return `#${String(index)}`
}

const identified = (list: unknown[]): boolean =>
  list.length > 0 && list.every((item, i) => !identity(item, i).startsWith('#'))

function diffLists(section: string, before: unknown[], after: unknown[]): ElementChange[] {
  const old = new Map(before.map((item, i) => [identity(item, i), item]))
  const now = new Map(after.map((item, i) => [identity(item, i), item]))
  const changes: ElementChange[] = []
  for (const [key, item] of now) {
    const was = old.get(key)
    if (was === undefined) changes.push(element(section, key, 'added', item, [], []))
    else if (!same(was, item)) changes.push(changed(section, key, was, item))
  }
  for (const [key, item] of old) {
    if (!now.has(key)) changes.push(element(section, key, 'removed', item, [], []))
  }
  return changes
}

function element(section: string, key: string, change: ChangeKind, item: unknown, attributes: string[],
  children: ElementChange[]): ElementChange {
  const label = isObj(item) && isObj(item.label) ? (item.label as Label) : null
  return { section, key, change, label, attributes, children }
}

function changed(section: string, key: string, was: unknown, item: unknown): ElementChange {
  if (!isObj(was) || !isObj(item)) return element(section, key, 'changed', item, [], [])
  const attributes: string[] = []
  const children: ElementChange[] = []
  for (const name of new Set([...Object.keys(was), ...Object.keys(item)])) {
    if (same(was[name], item[name])) continue
    const a = was[name]
    const b = item[name]
    if (Array.isArray(a) && Array.isArray(b) && (identified(a) || identified(b))) children.push(...diffLists(name, a, b))
    else if (Array.isArray(b) && a === undefined && identified(b)) children.push(...diffLists(name, [], b))
    else if (Array.isArray(a) && b === undefined && identified(a)) children.push(...diffLists(name, a, []))
    else attributes.push(name)
  }
  const change = element(section, key, 'changed', item, attributes, children)
  if (typeof was.kind === 'string' && typeof item.kind === 'string' && was.kind !== item.kind) change.kind = { from: was.kind, to: item.kind }
  return change
}

export function diffDefinitions(before: unknown, after: unknown): DefinitionDiff {
  const a = isObj(before) ? before : {}
  const b = isObj(after) ? after : {}
  const app: string[] = []
  const elements: ElementChange[] = []
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[name], b[name])) continue
    const x = a[name]
    const y = b[name]
    if (Array.isArray(x) || Array.isArray(y)) elements.push(...diffLists(name, Array.isArray(x) ? x : [], Array.isArray(y) ? y : []))
    else app.push(name)
  }
  return { app, elements }
}

/** How many elements (nested included) a diff adds, removes and changes. */
export function countChanges(diff: DefinitionDiff): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { added: 0, removed: 0, changed: 0 }
  const walk = (list: ElementChange[]) => list.forEach((c) => {
    if (c.change !== 'changed' || c.attributes.length > 0 || c.children.length === 0) counts[c.change]++
    walk(c.children)
  })
  walk(diff.elements)
  return counts
}
