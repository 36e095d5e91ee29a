import { describe, expect, it } from 'vitest'
import { chooseAll, pathSteps, relevant, showValue, unresolved, type MergeConflict } from '../../src/core/market/conflicts'

const conflict = (path: string, local: unknown = 'a', removed = false): MergeConflict => ({
  path, base: 'b', local, new: 'n', local_removed: removed, new_removed: false,
})

describe('upgrade conflicts', () => {
  const conflicts = [conflict('/forms/t/fields/qty/label/en'), conflict('/forms/t/fields/x', null, true)]

  it('lists the conflicts without a choice, in order', () => {
    expect(unresolved(conflicts, {})).toEqual(['/forms/t/fields/qty/label/en', '/forms/t/fields/x'])
    expect(unresolved(conflicts, { '/forms/t/fields/x': 'new' })).toEqual(['/forms/t/fields/qty/label/en'])
    expect(unresolved(conflicts, chooseAll(conflicts, 'local'))).toEqual([])
  })

  it('drops choices for conflicts a new preview no longer has', () => {
    expect(relevant(conflicts.slice(0, 1), { '/gone': 'local', '/forms/t/fields/qty/label/en': 'new' }))
      .toEqual({ '/forms/t/fields/qty/label/en': 'new' })
  })

  it('reads JSON pointers with escapes', () => {
    expect(pathSteps('/forms/a~1b/fields/c~0d')).toEqual(['forms', 'a/b', 'fields', 'c~d'])
  })

  it('shows values as one short line', () => {
    expect(showValue('Pieces', false, 'removed')).toBe('Pieces')
    expect(showValue({ en: 'Qty' }, false, 'removed')).toBe('{"en":"Qty"}')
    expect(showValue(null, true, '(removed)')).toBe('(removed)')
    expect(showValue('x'.repeat(100), false, '', 10)).toBe('xxxxxxxxx…')
  })
})
