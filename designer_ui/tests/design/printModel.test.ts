import { describe, expect, it } from 'vitest'
import { applyOps } from '../../src/core/design/ops'
import { addPrintOps, formFieldsOf, moveBlockOps, newBlock, newPrint, pageSize, printProblemTarget, printsOf,
  rowsOf } from '../../src/core/design/printModel'

const doc = {
  forms: [{ key: 'ticket', label: { en: 'Ticket' }, fields: [
    { key: 'title', kind: 'text', label: { en: 'Title' } },
    { key: 'items', kind: 'subtable', label: { en: 'Items' }, fields: [{ key: 'name', kind: 'text', label: { en: 'Name' } }] }] }],
}

describe('print templates in the draft', () => {
  it('adds the section with the first template, then appends', () => {
    const one = applyOps(doc, addPrintOps(doc, newPrint('sheet', { en: 'Sheet' }, 'ticket')))
    expect(printsOf(one).map((p) => [p.key, p.form, p.page.size])).toEqual([['sheet', 'ticket', 'A4']])
    const two = applyOps(one, addPrintOps(one, newPrint('label', { en: 'Label' }, 'ticket')))
    expect(printsOf(two).map((p) => p.key)).toEqual(['sheet', 'label'])
    expect(printsOf(doc)).toEqual([])
  })

  it('lays blocks out as the server does: two halves share a row, a full block takes its own', () => {
    const half = newBlock('field', 'title')
    expect(half.width).toBe('half')
    expect(rowsOf([half, half, half, newBlock('table', 'items'), newBlock('code'), newBlock('text')]))
      .toEqual([[0, 1], [2], [3], [4], [5]])
    expect(rowsOf([newBlock('code'), newBlock('code'), newBlock('code')])).toEqual([[0, 1], [2]])
  })

  it('moves a block to where it was dropped', () => {
    const blocks = [newBlock('text'), newBlock('field', 'title'), newBlock('code')]
    const withBlocks = { ...doc, prints: [{ ...newPrint('sheet', { en: 'Sheet' }, 'ticket'), blocks }] }
    const moved = applyOps(withBlocks, moveBlockOps(0, 2, 0))
    expect(printsOf(moved)[0]?.blocks.map((b) => b.kind)).toEqual(['code', 'text', 'field'])
    expect(moveBlockOps(0, 1, 1)).toEqual([])
  })

  it('turns the page for landscape and finds where a problem is', () => {
    expect(pageSize({ size: 'A5', orientation: 'landscape' })).toEqual([210, 148])
    expect(pageSize({})).toEqual([210, 297])
    const withOne = { ...doc, prints: [newPrint('sheet', { en: 'Sheet' }, 'ticket')] }
    expect(printProblemTarget(withOne, '/prints/0/blocks/3/field')).toEqual({ key: 'sheet', block: 3 })
    expect(printProblemTarget(withOne, '/prints/0/form')).toEqual({ key: 'sheet', block: null })
    expect(printProblemTarget(withOne, '/prints/4')).toBeNull()
    expect(printProblemTarget(withOne, '/forms/0')).toBeNull()
  })

  it('offers the forms with their sub-tables\' columns', () => {
    const [form] = formFieldsOf(doc)
    expect(form?.fields.map((f) => [f.key, f.kind, f.columns.map((c) => c.key)])).toEqual([['title', 'text', []], ['items', 'subtable', ['name']]])
  })
})
