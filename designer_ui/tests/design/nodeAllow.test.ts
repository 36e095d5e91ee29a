import { describe, expect, it } from 'vitest'
import { allowKeysFor, isAllowed, switchAllow } from '../../src/core/design/nodeAllow'
import { actionsOf, needsTarget, peopleNeeded } from '../../src/core/tasks/actions'

const review = { id: 'review', kind: 'approval' }

describe('a step\'s allow switches', () => {
  it('are all on without an allow block, and only approvals can be rejected', () => {
    expect(allowKeysFor('approval').every((k) => isAllowed(review, k))).toBe(true)
    expect(allowKeysFor('task')).not.toContain('reject')
    expect(allowKeysFor('approval')).toContain('reject')
  })

  it('write only what is switched off and drop the block when all are on again', () => {
    const off = switchAllow(review, 'transfer', false)
    expect(off).toEqual({ transfer: false })
    const node = { ...review, allow: off }
    expect(isAllowed(node, 'transfer')).toBe(false)
    expect(isAllowed(node, 'cc')).toBe(true)
    expect(switchAllow({ ...node, allow: switchAllow(node, 'cc', false) }, 'cc', true)).toEqual({ transfer: false })
    expect(switchAllow(node, 'transfer', true)).toBeUndefined()
  })
})

describe('a task\'s buttons', () => {
  it('follow the server\'s list, else the role', () => {
    expect(actionsOf({ role: 'approval', actions: ['approve', 'send_back', 'cc', 'teleport'] })).toEqual(['approve', 'send_back', 'cc'])
    expect(actionsOf({ role: 'task' })).toEqual(['approve', 'return', 'transfer'])
  })

  it('ask for people or for a step as the action needs', () => {
    expect(peopleNeeded('add_signer_before')).toBe('many')
    expect(peopleNeeded('delegate')).toBe('one')
    expect(needsTarget('send_back', {})).toBe(true)
    expect(needsTarget('reject', { reject_to: null })).toBe(false)
    expect(needsTarget('reject', { reject_to: [] })).toBe(true)
  })
})
