/**
 * Automatic layout of a flow (dagre, layered top to bottom). A flow definition has no place for node
 * positions, so none are stored: the canvas lays the graph out from its nodes and edges every time the
 * structure changes, and a relabelled node keeps its place.
 *
 *   layoutFlow([{id: 'start', kind: 'start'}, {id: 'end', kind: 'end'}], [{source: 'start', target: 'end'}])
 *   → Map {'start' => {x: …, y: 0, width: 120, height: 44}, 'end' => {x: …, y: 104, …}}
 */
import dagre from '@dagrejs/dagre'

export interface LayoutNode {
  id: string
  kind: string
}

export interface LayoutEdge {
  source: string
  target: string
}

/** A node's box, its top-left corner in canvas coordinates. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export type Direction = 'TB' | 'LR'

const SMALL = new Set(['start', 'end'])

/** The size the canvas draws a node of `kind` at: start and end small, gateways narrower than steps. */
export function nodeSize(kind: string): { width: number; height: number } {
  if (SMALL.has(kind)) return { width: 120, height: 44 }
  if (/(split|join|exclusive)$/.test(kind)) return { width: 150, height: 52 }
  return { width: 190, height: 60 }
}

export function layoutFlow(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[],
  { direction = 'TB' }: { direction?: Direction } = {}): Map<string, Box> {
  const graph = new dagre.graphlib.Graph({ multigraph: true })
  graph.setGraph({ rankdir: direction, nodesep: 36, ranksep: 60, marginx: 0, marginy: 0 })
  graph.setDefaultEdgeLabel(() => ({}))
  const ids = new Set<string>()
  for (const node of nodes) {
    if (ids.has(node.id)) continue // a duplicate id (a problem the server names) is drawn once
    ids.add(node.id)
    graph.setNode(node.id, { ...nodeSize(node.kind) })
  }
  edges.forEach((edge, i) => {
    if (ids.has(edge.source) && ids.has(edge.target) && edge.source !== edge.target) {
      graph.setEdge(edge.source, edge.target, {}, String(i))
    }
  })
  dagre.layout(graph)
  const boxes = new Map<string, Box>()
  for (const id of ids) {
    const placed = graph.node(id) as { x: number; y: number; width: number; height: number }
    boxes.set(id, { x: placed.x - placed.width / 2, y: placed.y - placed.height / 2, width: placed.width, height: placed.height })
  }
  return boxes
}

/** What the layout depends on (ids, kinds, edges), so a canvas lays out again only when it changes. */
export function layoutKey(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): string {
  return JSON.stringify([nodes.map((n) => [n.id, n.kind]), edges.map((e) => [e.source, e.target])])
}
