import { describe, expect, it } from 'vitest'
import { defaultNodeMap, migrateBody, unmapped, type RunningFlow } from '../../src/core/design/instanceMap'

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
})
