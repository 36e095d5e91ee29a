/** Option trees for cascade selects (an app's `trees`, or a field's inline `config.tree`): pure edits by path.
 * A path is the list of child indexes from the roots; at most MAX_DEPTH levels, values unique among siblings. */

import { uniqueKey } from './keys'

export interface OptionNode {
  value: string
  label: Record<string, string>
  children?: OptionNode[]
  [other: string]: unknown
}

export const MAX_DEPTH = 3

type Path = readonly number[]

function update(nodes: readonly OptionNode[], path: Path, change: (siblings: OptionNode[], at: number) => OptionNode[]): OptionNode[] {
  const [head, ...rest] = path
  if (head === undefined) return [...nodes]
  if (rest.length === 0) return change([...nodes], head)
  return nodes.map((n, i) => (i === head ? { ...n, children: update(n.children ?? [], rest, change) } : n))
}

export function nodeAt(nodes: readonly OptionNode[], path: Path): OptionNode | undefined {
  let level: readonly OptionNode[] = nodes
  let found: OptionNode | undefined
  for (const i of path) {
    found = level[i]
    if (!found) return undefined
    level = found.children ?? []
  }
  return found
}

function fresh(siblings: readonly OptionNode[], label: Record<string, string>): OptionNode {
  const value = uniqueKey('option', new Set(siblings.map((n) => n.value)), { numbered: true })
  return { value, label }
}

/** A new node under ``parent`` (null: a new root), last among its siblings. */
/** ``label``: the new node's name in the designer's language (the other is added when someone writes it). */
export function addNode(nodes: readonly OptionNode[], parent: Path | null, label: Record<string, string>): OptionNode[] {
  if (parent === null) return [...nodes, fresh(nodes, label)]
  if (parent.length >= MAX_DEPTH) return [...nodes]
  const target = nodeAt(nodes, parent)
  if (!target) return [...nodes]
  const children = target.children ?? []
  return update(nodes, parent, (siblings, at) => siblings.map((n, i) => (i === at
    ? { ...n, children: [...children, fresh(children, label)] } : n)))
}

export function removeNode(nodes: readonly OptionNode[], path: Path): OptionNode[] {
  return update(nodes, path, (siblings, at) => siblings.filter((_, i) => i !== at))
}

export function moveNode(nodes: readonly OptionNode[], path: Path, by: -1 | 1): OptionNode[] {
  return update(nodes, path, (siblings, at) => {
    const to = at + by
    if (to < 0 || to >= siblings.length) return siblings
    siblings.splice(to, 0, ...siblings.splice(at, 1))
    return siblings
  })
}

export function patchNode(nodes: readonly OptionNode[], path: Path, patch: Partial<OptionNode>): OptionNode[] {
  return update(nodes, path, (siblings, at) => siblings.map((n, i) => (i === at ? { ...n, ...patch } : n)))
}

/** Values repeated among siblings, by the path of the later one: the server refuses them too. */
export function duplicateValues(nodes: readonly OptionNode[], prefix: number[] = []): number[][] {
  const seen = new Set<string>()
  return nodes.flatMap((n, i) => {
    const here = [...prefix, i]
    const dup = seen.has(n.value) ? [here] : []
    seen.add(n.value)
    return [...dup, ...duplicateValues(n.children ?? [], here)]
  })
}
