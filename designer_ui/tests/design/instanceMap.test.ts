import { describe, expect, it } from 'vitest'
import { arrivals, defaultNodeMap, migrateBody, sendTo, unmapped, type RunningFlow } from '../../src/core/design/instanceMap'

const flow: RunningFlow = {
  flow: 'handle', running: 3, in_draft: true, new_nodes: ['start', 'verify', 'review', 'done'],
  nodes: [{ node: 'check', running: 2, maps_to: null }, { node: 'review', running: 1, maps_to: 'review' }],
}

describe('the node map for moving running instances', () => {
  it('maps nodes by id and names the ones the draft lacks', () => {
    const map = defaultNodeMap(flow)
    expect(map).toEqual({ check: null, review: 'review' })
    expect(unmapped(flow, map)).toEqual(['check'])
    expect(unmapped(flow, { ...map, check: 'verify' })).toEqual([])
    expect(unmapped(flow, { ...map, check: 'gone' })).toEqual(['check'])
  })

  it('sends only the nodes whose id changes', () => {
    expect(migrateBody({ handle: { check: 'verify', review: 'review' } })).toEqual({ handle: { check: 'verify' } })
  })

  it('tells each draft node what it receives', () => {
    const into = arrivals(flow, { check: 'review', review: 'review' })
    expect([...into.keys()]).toEqual(['review'])
    expect(into.get('review')?.map((n) => [n.node, n.running])).toEqual([['check', 2], ['review', 1]])
    expect(arrivals(flow, { check: null, review: 'gone' }).size).toBe(0)
  })

  it('sends a node on the canvas and moves on to the next one without a target', () => {
    const three: RunningFlow = { ...flow, nodes: [...flow.nodes, { node: 'old', running: 1, maps_to: null }] }
    const first = sendTo(three, defaultNodeMap(three), 'check', 'verify')
    expect(first.map).toEqual({ check: 'verify', review: 'review', old: null })
    expect(first.next).toBe('old')
    const last = sendTo(three, first.map, 'old', 'done')
    expect(last.next).toBeNull()
    expect(unmapped(three, last.map)).toEqual([])
  })
})
