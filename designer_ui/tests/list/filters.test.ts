import { describe, expect, test } from 'vitest'
import { formulaAst, fromAst, operatorsFor, toAst, toFormula, type FieldInfo, type FilterGroup } from '../../src/core/filters'

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
    expect(operatorsFor(FIELDS.due, ALL_OPS)).toEqual(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'empty', 'notEmpty'])
    expect(operatorsFor(FIELDS.amount, new Set(['=', '>']))).toEqual(['eq', 'gt'])
  })
})
