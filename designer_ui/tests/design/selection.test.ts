import { describe, expect, it } from 'vitest'
import { followRenamed } from '../../src/core/design/selection'

describe('followRenamed', () => {
  it('follows a key an undo changed back', () => {
    expect(followRenamed(['a', 'repair_note'], ['a', 'text_1'], 'repair_note')).toBe('text_1')
  })
  it('keeps a key that is still there', () => {
    expect(followRenamed(['a', 'b'], ['b', 'a'], 'b')).toBeNull()
  })
  it('does not jump to a neighbour when the element went away', () => {
    expect(followRenamed(['a', 'b', 'c'], ['a', 'c'], 'b')).toBeNull()
  })
  it('does not take over an element that was already there', () => {
    expect(followRenamed(['a', 'b'], ['a', 'a2'], 'x')).toBeNull()
    expect(followRenamed(['a', 'b'], ['b', 'b'], 'a')).toBeNull()
  })
})
