import { describe, expect, test } from 'vitest'
import { filterFromUrl, formulaAst, fromAst, operatorsFor, toAst, toFormula, type DatePreset, type FieldInfo, type FilterGroup } from '../../src/core/filters'
import PRESETS_JSON from './date_presets.json'

// the server's catalog entries (tests/platform/test_catalog.py keeps this copy current)
const PRESETS: DatePreset[] = PRESETS_JSON

const FIELDS = {
  title: { kind: 'text', valueType: 'text' },
  status: { kind: 'single_select', valueType: 'text' },
  amount: { kind: 'decimal', valueType: 'decimal' },
  count: { kind: 'integer', valueType: 'integer' },
  due: { kind: 'date', valueType: 'date' },
} satisfies Record<string, FieldInfo>
const ALL_OPS = new Set(['=', '<>', '<', '<=', '>', '>=', 'CONTAINS', 'ISBLANK'])

const GROUP: FilterGroup = {
  combinator: 'and',
  items: [
    { field: 'status', operator: 'eq', value: 'open' },
    {
      combinator: 'or',
      items: [
        { field: 'amount', operator: 'gt', value: '2.5' },
        { field: 'title', operator: 'contains', value: '屏幕 "A"' },
        { field: 'due', operator: 'le', value: '2024-01-02' },
      ],
    },
    { field: 'count', operator: 'notEmpty' },
  ],
}

describe('filters', () => {
  test('the builder emits the AST the formula parser gives for its formula text', () => {
    const ast = toAst(GROUP, FIELDS)
    expect(ast).toEqual({
      and: [
        { '==': [{ var: 'status' }, 'open'] },
        { or: [{ '>': [{ var: 'amount' }, '2.5'] }, { contains: [{ var: 'title' }, '屏幕 "A"'] }, { '<=': [{ var: 'due' }, { date: '2024-01-02' }] }] },
        { '!': [{ is_empty: [{ var: 'count' }] }] },
      ],
    })
    const text = toFormula(GROUP, FIELDS)
    expect(text).toBe('status = "open" AND (amount > 2.5 OR CONTAINS(title, "屏幕 ""A""") OR due <= DATEVALUE("2024-01-02")) AND NOT ISBLANK(count)')
    expect(formulaAst(text)).toEqual(ast)
  })

  test('switching formula → builder → formula keeps the meaning', () => {
    const ast = formulaAst('status <> "done" OR count >= 3')
    const group = fromAst(ast)
    expect(group).toEqual({
      combinator: 'or',
      items: [
        { field: 'status', operator: 'ne', value: 'done' },
        { field: 'count', operator: 'ge', value: '3' },
      ],
    })
    expect(toAst(group!, FIELDS)).toEqual(ast)
    expect(fromAst(toAst(GROUP, FIELDS))).toEqual(GROUP)
  })

  test('what the builder cannot show stays a formula', () => {
    expect(fromAst(formulaAst('LEN(title) > 3'))).toBeNull()
    expect(() => formulaAst('status = ')).toThrow()
    expect(fromAst(formulaAst('amount > count'))).toBeNull()
    expect(fromAst(null)).toEqual({ combinator: 'and', items: [] })
  })

  test('incomplete rows are left out; no rows is no filter', () => {
    expect(toAst({ combinator: 'and', items: [{ field: 'title', operator: 'eq', value: '' }] }, FIELDS)).toBeNull()
    expect(toFormula({ combinator: 'or', items: [] }, FIELDS)).toBe('')
  })

  test('operators follow the field kind and the catalog', () => {
    expect(operatorsFor(FIELDS.title, ALL_OPS)).toEqual(['eq', 'ne', 'contains', 'empty', 'notEmpty'])
    expect(operatorsFor(FIELDS.status, ALL_OPS)).toEqual(['eq', 'ne', 'empty', 'notEmpty'])
    expect(operatorsFor(FIELDS.due, ALL_OPS)).toEqual(['eq', 'ne', 'period', 'lt', 'le', 'gt', 'ge', 'empty', 'notEmpty'])
    expect(operatorsFor(FIELDS.amount, new Set(['=', '>']))).toEqual(['eq', 'gt'])
  })

  test("a period row is the catalog's bounds, its formula parses back to the same row", () => {
    const group: FilterGroup = {
      combinator: 'and',
      items: [
        { field: 'due', operator: 'period', value: 'this_quarter' },
        { field: 'status', operator: 'eq', value: 'open' },
      ],
    }
    const quarter = PRESETS.find((p) => p.key === 'this_quarter')!
    const ast = toAst(group, FIELDS, PRESETS)
    expect(ast).toEqual({
      and: [{ and: [{ '>=': [{ var: 'due' }, quarter.start] }, { '<': [{ var: 'due' }, quarter.stop] }] }, { '==': [{ var: 'status' }, 'open'] }],
    })
    const text = toFormula(group, FIELDS, PRESETS)
    expect(text).toBe(
      '(due >= EDATE(MONTHSTART($today), -((MONTH($today) - 1) % 3)) AND due < EDATE(EDATE(MONTHSTART($today), -((MONTH($today) - 1) % 3)), 3)) AND status = "open"',
    )
    expect(formulaAst(text)).toEqual(ast)
    expect(fromAst(ast, PRESETS)).toEqual(group)
    for (const preset of PRESETS) {
      const one: FilterGroup = { combinator: 'and', items: [{ field: 'due', operator: 'period', value: preset.key }] }
      expect(fromAst(formulaAst(toFormula(one, FIELDS, PRESETS)), PRESETS)).toEqual(one)
    }
  })

  test('a period the catalog does not know is no filter, and bounds it does not know stay a formula', () => {
    expect(toAst({ combinator: 'and', items: [{ field: 'due', operator: 'period', value: 'next_decade' }] }, FIELDS, PRESETS)).toBeNull()
    expect(fromAst(formulaAst('due >= $today - 3 AND due < $today'), PRESETS)).toBeNull()
  })
})

describe('filterFromUrl', () => {
  test('reads expression JSON and formula text; anything else is no filter', () => {
    const ast = { '==': [{ var: 'priority' }, 'P1'] }
    expect(filterFromUrl(JSON.stringify(ast))).toEqual(ast)
    expect(filterFromUrl('priority = "P1"')).toEqual(ast)
    expect(filterFromUrl('priority = ')).toBeNull()
    expect(filterFromUrl('{not json')).toBeNull()
    expect(filterFromUrl(null)).toBeNull()
  })
})

describe('the list address without the parser', () => {
  test('tells formula text from expression JSON and reads the JSON', async () => {
    const { isFormulaText, jsonFilterFromUrl } = await import('../../src/core/filterUrl')
    expect(isFormulaText('priority = "P1"')).toBe(true)
    expect(isFormulaText('  {"==": [1, 1]}')).toBe(false)
    expect(isFormulaText('   ')).toBe(false)
    expect(jsonFilterFromUrl('{"==":[{"var":"priority"},"P1"]}')).toEqual({ '==': [{ var: 'priority' }, 'P1'] })
    expect(jsonFilterFromUrl('{not json')).toBeNull()
  })
})
