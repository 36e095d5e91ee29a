// The flow designer's core: automatic layout, graph edits as draft ops (with their restore ops), problems
// pinned on nodes and edges, and the complaint flow round trip.
import { describe, expect, it } from 'vitest'
import { DraftStore } from '../../src/core/design/draftStore'
import { layoutFlow, layoutKey, nodeSize } from '../../src/core/design/flowLayout'
import { addNodeOps, astToJson, connectOps, connectProblem, flowAt, flowSelectionOf, flowsOf, insertOnEdgeOps,
  newNodeId, pinProblems, removeEdgeOps, removeNodeOps, renameNodeOps, setDefaultEdgeOps, setEdgeEndOps } from '../../src/core/design/flowModel'
import { applyOps } from '../../src/core/design/ops'
import { parseFormula } from '../../src/core/expr'
import { assembleTemplate } from './template'

const doc = () => ({
  flows: [{
    key: 'f', form: 'ticket', nodes: [
      { id: 'start', kind: 'start' }, { id: 'gate', kind: 'exclusive' }, { id: 'review', kind: 'approval' },
      { id: 'end', kind: 'end' },
    ],
    edges: [
      { source: 'start', target: 'gate' }, { source: 'gate', target: 'review', condition: { '>': [{ var: 'amount' }, 5000] } },
      { source: 'gate', target: 'end', default: true }, { source: 'review', target: 'end' },
    ],
    sla: { target: { hours: 4 }, pause_in: ['review'] },
  }],
})

describe('flow layout', () => {
  it('places every node once, layered from start to end, without overlaps', () => {
    const flow = doc().flows[0]!
    const boxes = layoutFlow(flow.nodes, flow.edges)
    expect([...boxes.keys()].sort()).toEqual(['end', 'gate', 'review', 'start'])
    const y = (id: string) => boxes.get(id)!.y
    expect(y('start')).toBeLessThan(y('gate'))
    expect(y('gate')).toBeLessThan(y('review'))
    expect(y('review')).toBeLessThan(y('end'))
    expect(boxes.get('review')!.width).toBe(nodeSize('approval').width)
    const all = [...boxes.values()]
    for (const [i, a] of all.entries()) {
      for (const b of all.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
        expect(apart).toBe(true)
      }
    }
  })

  it('lays out a half-drawn flow: edges to missing nodes, loops and duplicate ids are skipped', () => {
    const boxes = layoutFlow([{ id: 'a', kind: 'task' }, { id: 'a', kind: 'task' }, { id: 'b', kind: 'end' }],
      [{ source: 'a', target: 'ghost' }, { source: 'a', target: 'a' }, { source: 'b', target: 'a' }])
    expect(boxes.size).toBe(2)
  })

  it('lays out the complaint flow, cycles included, and 200 nodes', () => {
    const flow = flowsOf(assembleTemplate())[0]!
    expect(layoutFlow(flow.nodes, flow.edges).size).toBe(flow.nodes.length)
    const nodes = Array.from({ length: 200 }, (_, i) => ({ id: `n${String(i)}`, kind: i % 7 === 0 ? 'exclusive' : 'task' }))
    const edges = nodes.slice(1).map((n, i) => ({ source: `n${String(Math.floor(i / 2))}`, target: n.id }))
    expect(layoutFlow(nodes, edges).size).toBe(200)
  })

  it('keys the layout by structure only: a label does not move anything', () => {
    const flow = doc().flows[0]!
    const relabelled = flow.nodes.map((n) => ({ ...n, label: { en: 'x' } }))
    expect(layoutKey(relabelled, flow.edges)).toBe(layoutKey(flow.nodes, flow.edges))
    expect(layoutKey(flow.nodes, flow.edges.slice(1))).not.toBe(layoutKey(flow.nodes, flow.edges))
  })
})

describe('flow graph edits', () => {
  it('adds a node with a fresh id and connects it, refusing loops and duplicates', () => {
    const d = doc()
    const id = newNodeId(flowAt(d, 0), 'approval')
    expect(id).toBe('approval_1')
    let next = applyOps(d, addNodeOps(d, 0, { id, kind: 'approval' }))
    expect(newNodeId(flowAt(next, 0), 'approval')).toBe('approval_2')
    next = applyOps(next, connectOps(next, 0, 'review', id))
    expect(flowAt(next, 0)!.edges.at(-1)).toEqual({ source: 'review', target: id })
    expect(connectOps(next, 0, 'review', id)).toEqual([])
    expect(connectProblem(flowAt(next, 0), id, id)).toBe('self')
    expect(connectProblem(flowAt(next, 0), id, 'ghost')).toBe('missing')
  })

  it('creates the lists of an empty flow', () => {
    const d = { flows: [{ key: 'f' }] }
    const next = applyOps(d, addNodeOps(d, 0, { id: 'start', kind: 'start' }))
    expect(flowAt(next, 0)!.nodes).toEqual([{ id: 'start', kind: 'start' }])
    const joined = applyOps(next, addNodeOps(next, 0, { id: 'end', kind: 'end' }))
    expect(flowAt(applyOps(joined, connectOps(joined, 0, 'start', 'end')), 0)!.edges).toEqual([{ source: 'start', target: 'end' }])
  })

  it('removes a node with its edges and restores both where they were', () => {
    const d = doc()
    const { ops, restore } = removeNodeOps(d, 0, 'review')
    const removed = applyOps(d, ops)
    expect(flowAt(removed, 0)!.nodes.map((n) => n.id)).toEqual(['start', 'gate', 'end'])
    expect(flowAt(removed, 0)!.edges).toEqual([{ source: 'start', target: 'gate' }, { source: 'gate', target: 'end', default: true }])
    expect(JSON.stringify(applyOps(removed, restore))).toBe(JSON.stringify(d))
  })

  it('removes and restores an edge', () => {
    const d = doc()
    const { ops, restore } = removeEdgeOps(d, 0, 1)
    expect(flowAt(applyOps(d, ops), 0)!.edges).toHaveLength(3)
    expect(JSON.stringify(applyOps(applyOps(d, ops), restore))).toBe(JSON.stringify(d))
  })

  it('inserts a node on an edge: the guard stays on the edge that leaves the gateway', () => {
    const d = doc()
    const next = applyOps(d, insertOnEdgeOps(d, 0, 1, { id: 'check', kind: 'task' }))
    const edges = flowAt(next, 0)!.edges
    expect(edges[1]).toEqual({ source: 'gate', target: 'check', condition: { '>': [{ var: 'amount' }, 5000] } })
    expect(edges.at(-1)).toEqual({ source: 'check', target: 'review' })
  })

  it('moves an edge end, and keeps one default branch per gateway', () => {
    const d = doc()
    expect(flowAt(applyOps(d, setEdgeEndOps(d, 0, 3, 'target', 'gate')), 0)!.edges[3]!.target).toBe('gate')
    expect(setEdgeEndOps(d, 0, 3, 'target', 'end')).toEqual([])
    const next = applyOps(d, setDefaultEdgeOps(d, 0, 1, true))
    expect(flowAt(next, 0)!.edges.map((e) => e.default)).toEqual([undefined, true, undefined, undefined])
    const off = applyOps(next, setDefaultEdgeOps(next, 0, 1, false))
    expect('default' in flowAt(off, 0)!.edges[1]!).toBe(false)
  })

  it('renames a node everywhere it is named', () => {
    const d = doc()
    d.flows[0]!.nodes[2] = { id: 'review', kind: 'approval', on_reject: { to: 'gate', choices: ['gate', 'start'] } } as never
    const next = applyOps(d, renameNodeOps(d, 0, 'gate', 'router'))
    const flow = flowAt(next, 0)!
    expect(flow.nodes[1]!.id).toBe('router')
    expect(flow.edges.filter((e) => e.source === 'router' || e.target === 'router')).toHaveLength(3)
    expect(flow.nodes[2]!.on_reject).toEqual({ to: 'router', choices: ['router', 'start'] })
    const renamed = applyOps(d, renameNodeOps(d, 0, 'review', 'check'))
    expect((flowAt(renamed, 0)!.sla as { pause_in: string[] }).pause_in).toEqual(['check'])
  })
})

describe('problems and selection', () => {
  it('selects the node or edge a problem path names and pins the problem on it', () => {
    const d = doc()
    expect(flowSelectionOf(d, '/flows/0/nodes/2/assignee')).toEqual({ flow: 0, node: 'review', edge: null })
    expect(flowSelectionOf(d, '/flows/0/edges/1/condition/>')).toEqual({ flow: 0, node: null, edge: 1 })
    expect(flowSelectionOf(d, '/flows/0/sla')).toEqual({ flow: 0, node: null, edge: null })
    expect(flowSelectionOf(d, '/forms/0')).toBeNull()
    const pinned = pinProblems(d, 0, [
      { path: '/flows/0/nodes/2/assignee', message: 'an assignee rule is required' },
      { path: '/flows/0/edges/1/condition', message: "no field 'amount'" },
      { path: '/flows/0/nodes', message: 'a flow needs at least one end node' },
      { path: '/flows/1/nodes/0', message: 'another flow' },
    ])
    expect(pinned.nodes.get('review')).toEqual(['an assignee rule is required'])
    expect(pinned.edges.get(1)).toEqual(["no field 'amount'"])
    expect(pinned.flow).toEqual(['a flow needs at least one end node'])
  })

  it('turns a typed guard into the JSON AST the server stores', () => {
    expect(astToJson(parseFormula('amount > 5000 AND priority = "P1"'))).toEqual(
      { and: [{ '>': [{ var: 'amount' }, 5000] }, { '==': [{ var: 'priority' }, 'P1'] }] })
    expect(astToJson(parseFormula('amount >= 1000.5'))).toEqual({ '>=': [{ var: 'amount' }, 1000.5] })
  })
})

describe('the complaint flow round trip', () => {
  it('opens every flow, lays it out, pins nothing and saves the same bytes', async () => {
    const original = assembleTemplate()
    const bodies: string[] = []
    const store = new DraftStore(JSON.parse(JSON.stringify(original)), {
      save: (body) => (bodies.push(body), Promise.resolve({ errors: [] })) })
    flowsOf(store.doc).forEach((flow, fi) => {
      layoutFlow(flow.nodes, flow.edges)
      pinProblems(store.doc, fi, [])
      flowAt(store.doc, fi)
    })
    await store.saveNow()
    expect(bodies[0]).toBe(JSON.stringify(original))
  })

  it('an edit to a flow and its undo give back the same bytes', () => {
    const original = assembleTemplate()
    const store = new DraftStore(JSON.parse(JSON.stringify(original)), { save: () => Promise.resolve({ errors: [] }),
      setTimer: () => 0, clearTimer: () => undefined })
    const id = newNodeId(flowAt(store.doc, 0), 'approval')
    store.edit(insertOnEdgeOps(store.doc, 0, 0, { id, kind: 'approval' }))
    const { ops, restore } = removeNodeOps(store.doc, 0, 'triage')
    store.remove(ops, { kind: 'node', label: 'triage', restore })
    expect(store.serialize()).not.toBe(JSON.stringify(original))
    store.undo()
    store.undo()
    expect(store.serialize()).toBe(JSON.stringify(original))
  })
})
