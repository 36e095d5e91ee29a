import { describe, expect, it } from 'vitest'
import { nextSort } from '../../src/core/listSort'

describe('nextSort', () => {
  it('cycles a column ascending, descending, then unsorted', () => {
    expect(nextSort(null, 'ticket_no')).toBe('ticket_no')
    expect(nextSort('ticket_no', 'ticket_no')).toBe('-ticket_no')
    expect(nextSort('-ticket_no', 'ticket_no')).toBeNull()
  })

  it('starts another column ascending, whatever the current sort', () => {
    expect(nextSort('-created_at', 'ticket_no')).toBe('ticket_no')
    expect(nextSort('created_at', 'ticket_no')).toBe('ticket_no')
    expect(nextSort(undefined, 'title')).toBe('title')
  })

  it('does not mistake a key that starts with another for it', () => {
    expect(nextSort('ticket', 'ticket_no')).toBe('ticket_no')
    expect(nextSort('-ticket_no_old', 'ticket_no')).toBe('ticket_no')
  })
})
