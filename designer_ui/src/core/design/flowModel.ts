/**
 * The flow designer's model over one flow of the draft (`/flows/<fi>`), and the graph edits it makes,
 * as ops on the draft (ops.ts). Nodes are known by `id`, edges by their index in `edges`; an edit touches
 * only the paths it changes, so an opened and unchanged flow serialises exactly as it came.
 *
 *   connectOps(doc, 0, 'start', 'review')
 *   → [{op: 'insert', path: ['flows', '0', 'edges', '-'], value: {source: 'start', target: 'review'}}]
 */
import Decimal from 'decimal.js'
import type { Label } from '../labels'
import type { Problem } from './draftStore'
import type { Op } from './ops'
import { getAt, parsePointer } from './pointer'

type Obj = Record<string, unknown>

export interface FlowNode extends Obj {
  id: string
  kind: string
  label?: Label
}

export interface FlowEdge extends Obj {
  source: string
  target: string
  condition?: unknown
  default?: boolean
  label?: Label
}

export interface FlowLike extends Obj {
  key: string
  label?: Label
  form?: string
  nodes: FlowNode[]
  edges: FlowEdge[]
}

/** A node id the engine accepts: `^[A-Za-z][A-Za-z0-9_\-]{0,62}$`. */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export function flowsOf(doc: unknown): FlowLike[] {
  const flows = getAt(doc, ['flows'])
  return Array.isArray(flows) ? flows.filter(isObj).map(asFlow) : []
}

export function flowAt(doc: unknown, fi: number): FlowLike | undefined {
  const flow = getAt(doc, ['flows', String(fi)])
  return isObj(flow) ? asFlow(flow) : undefined
}

/** The flow with its lists always present (a half-written draft may lack them); the object itself is not copied when whole. */
function asFlow(flow: Obj): FlowLike {
  const nodes = Array.isArray(flow.nodes) ? (flow.nodes as unknown[]).filter(isObj) as FlowNode[] : []
  const edges = Array.isArray(flow.edges) ? (flow.edges as unknown[]).filter(isObj) as FlowEdge[] : []
  if (nodes === flow.nodes && edges === flow.edges) return flow as FlowLike
  return { ...flow, key: String(flow.key ?? ''), nodes, edges }
}

const base = (fi: number) => ['flows', String(fi)]

/** A fresh node id for `kind`: `approval_1`, `approval_2`, … never one the flow has. */
export function newNodeId(flow: FlowLike | undefined, kind: string): string {
  const taken = new Set((flow?.nodes ?? []).map((n) => n.id))
  const stem = /^[A-Za-z]/.test(kind) ? kind.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 50) : 'node'
  for (let n = 1; ; n++) {
    const id = `${stem}_${String(n)}`
    if (!taken.has(id)) return id
  }
}

/** Ops adding `node` at the end of the flow's nodes (the list is created when the draft has none). */
export function addNodeOps(doc: unknown, fi: number, node: FlowNode): Op[] {
  const nodes = getAt(doc, [...base(fi), 'nodes'])
  return Array.isArray(nodes) ? [{ op: 'insert', path: [...base(fi), 'nodes', '-'], value: node }]
    : [{ op: 'set', path: [...base(fi), 'nodes'], value: [node] }]
}

/** Why an edge from `source` to `target` may not be drawn, or null when it may. */
export function connectProblem(flow: FlowLike | undefined, source: string, target: string): 'self' | 'duplicate' | 'missing' | null {
  if (!flow) return 'missing'
  const ids = new Set(flow.nodes.map((n) => n.id))
  if (!ids.has(source) || !ids.has(target)) return 'missing'
  if (source === target) return 'self'
  if (flow.edges.some((e) => e.source === source && e.target === target)) return 'duplicate'
  return null
}

export function connectOps(doc: unknown, fi: number, source: string, target: string): Op[] {
  const flow = flowAt(doc, fi)
  if (connectProblem(flow, source, target) !== null) return []
  const edge: FlowEdge = { source, target }
  const edges = getAt(doc, [...base(fi), 'edges'])
  return Array.isArray(edges) ? [{ op: 'insert', path: [...base(fi), 'edges', '-'], value: edge }]
    : [{ op: 'set', path: [...base(fi), 'edges'], value: [edge] }]
}

/** Ops deleting an element, and the ops that put it back where it was. */
export interface Removal {
  ops: Op[]
  restore: Op[]
}

/** A node and every edge touching it; the restore ops put the node and its edges back at their indexes. */
export function removeNodeOps(doc: unknown, fi: number, id: string): Removal {
  const flow = flowAt(doc, fi)
  const index = flow ? flow.nodes.findIndex((n) => n.id === id) : -1
  if (!flow || index < 0) return { ops: [], restore: [] }
  const touching = flow.edges.flatMap((e, i) => (e.source === id || e.target === id ? [i] : []))
  const ops: Op[] = [...touching].reverse().map((i) => ({ op: 'remove', path: [...base(fi), 'edges', String(i)] }))
  ops.push({ op: 'remove', path: [...base(fi), 'nodes', String(index)] })
  const restore: Op[] = [{ op: 'insert', path: [...base(fi), 'nodes', String(index)], value: flow.nodes[index], clamp: true }]
  for (const i of touching) restore.push({ op: 'insert', path: [...base(fi), 'edges', String(i)], value: flow.edges[i], clamp: true })
  return { ops, restore }
}

export function removeEdgeOps(doc: unknown, fi: number, index: number): Removal {
  const edge = flowAt(doc, fi)?.edges[index]
  if (!edge) return { ops: [], restore: [] }
  return { ops: [{ op: 'remove', path: [...base(fi), 'edges', String(index)] }],
    restore: [{ op: 'insert', path: [...base(fi), 'edges', String(index)], value: edge, clamp: true }] }
}

/** Point one end of an edge at another node. */
export function setEdgeEndOps(doc: unknown, fi: number, index: number, end: 'source' | 'target', id: string): Op[] {
  const edge = flowAt(doc, fi)?.edges[index]
  if (!edge || edge[end] === id) return []
  return [{ op: 'set', path: [...base(fi), 'edges', String(index), end], value: id }]
}

/**
 * Put `node` on edge `index`: A→B becomes A→node→B. The edge keeps its guard and default (it still leaves A);
 * a new plain edge goes on from the node to B.
 */
export function insertOnEdgeOps(doc: unknown, fi: number, index: number, node: FlowNode): Op[] {
  const edge = flowAt(doc, fi)?.edges[index]
  if (!edge) return []
  return [...addNodeOps(doc, fi, node),
    { op: 'set', path: [...base(fi), 'edges', String(index), 'target'], value: node.id },
    { op: 'insert', path: [...base(fi), 'edges', '-'], value: { source: node.id, target: edge.target } }]
}

/** Make edge `index` its source's default branch (and no sibling one), or not. */
export function setDefaultEdgeOps(doc: unknown, fi: number, index: number, on: boolean): Op[] {
  const flow = flowAt(doc, fi)
  const edge = flow?.edges[index]
  if (!flow || !edge) return []
  const path = (i: number) => [...base(fi), 'edges', String(i), 'default']
  if (!on) return edge.default === undefined ? [] : [{ op: 'remove', path: path(index) }]
  const ops: Op[] = flow.edges.flatMap((e, i): Op[] => (i !== index && e.source === edge.source && e.default !== undefined
    ? [{ op: 'remove', path: path(i) }] : []))
  ops.push({ op: 'set', path: path(index), value: true })
  return ops
}

/**
 * Rename a node: its id, the edges at it, and the places that name it (a rejection's target and
 * choices, the flow SLA's `pause_in`).
 */
export function renameNodeOps(doc: unknown, fi: number, from: string, to: string): Op[] {
  const flow = flowAt(doc, fi)
  const index = flow ? flow.nodes.findIndex((n) => n.id === from) : -1
  if (!flow || index < 0 || from === to) return []
  const ops: Op[] = [{ op: 'set', path: [...base(fi), 'nodes', String(index), 'id'], value: to }]
  flow.edges.forEach((e, i) => {
    for (const end of ['source', 'target'] as const) {
      if (e[end] === from) ops.push({ op: 'set', path: [...base(fi), 'edges', String(i), end], value: to })
    }
  })
  flow.nodes.forEach((n, i) => {
    const rule = n.on_reject as { to?: unknown; choices?: unknown } | undefined
    if (!isObj(rule)) return
    const at = [...base(fi), 'nodes', String(i), 'on_reject']
    if (rule.to === from) ops.push({ op: 'set', path: [...at, 'to'], value: to })
    if (Array.isArray(rule.choices) && rule.choices.includes(from)) {
      ops.push({ op: 'set', path: [...at, 'choices'], value: rule.choices.map((c) => (c === from ? to : c)) })
    }
  })
  const pause = getAt(flow, ['sla', 'pause_in'])
  if (Array.isArray(pause) && pause.includes(from)) {
    ops.push({ op: 'set', path: [...base(fi), 'sla', 'pause_in'], value: pause.map((c) => (c === from ? to : c)) })
  }
  return ops
}

/** What a JSON path names in the flows: `/flows/0/edges/3/condition` → {flow: 0, node: null, edge: 3}. */
export interface FlowSelection {
  flow: number
  node: string | null
  edge: number | null
}

export function flowSelectionOf(doc: unknown, pointer: string): FlowSelection | null {
  const parts = parsePointer(pointer)
  if (parts[0] !== 'flows' || parts[1] === undefined || !/^\d+$/.test(parts[1])) return null
  const flow = Number(parts[1])
  const index = parts[3]
  if (index === undefined || !/^\d+$/.test(index)) return { flow, node: null, edge: null }
  if (parts[2] === 'nodes') {
    const id = getAt(doc, parts.slice(0, 4)) as { id?: unknown } | undefined
    return { flow, node: typeof id?.id === 'string' ? id.id : null, edge: null }
  }
  if (parts[2] === 'edges') return { flow, node: null, edge: Number(index) }
  return { flow, node: null, edge: null }
}

/** The problems of flow `fi` pinned where they belong: on a node (by id), an edge (by index), or the flow itself. */
export interface PinnedProblems {
  nodes: Map<string, string[]>
  edges: Map<number, string[]>
  flow: string[]
}

export function pinProblems(doc: unknown, fi: number, problems: readonly Problem[]): PinnedProblems {
  const pinned: PinnedProblems = { nodes: new Map(), edges: new Map(), flow: [] }
  const add = <K>(map: Map<K, string[]>, key: K, message: string) => map.set(key, [...(map.get(key) ?? []), message])
  for (const problem of problems) {
    const sel = flowSelectionOf(doc, problem.path)
    if (!sel || sel.flow !== fi) continue
    if (sel.node !== null) add(pinned.nodes, sel.node, problem.message)
    else if (sel.edge !== null) add(pinned.edges, sel.edge, problem.message)
    else pinned.flow.push(problem.message)
  }
  return pinned
}

/**
 * A parsed formula as the JSON AST the server stores: the browser's parser keeps integers as `bigint` and
 * decimals as `Decimal`, which JSON has no words for.
 *
 *   astToJson({'>': [{var: 'amount'}, 5000n]}) → {'>': [{var: 'amount'}, 5000]}
 */
export function astToJson(ast: unknown): unknown {
  if (typeof ast === 'bigint') return Number(ast)
  if (Decimal.isDecimal(ast)) return Number((ast as Decimal).toString())
  if (Array.isArray(ast)) return ast.map(astToJson)
  if (isObj(ast)) return Object.fromEntries(Object.entries(ast).map(([k, v]) => [k, astToJson(v)]))
  return ast
}
