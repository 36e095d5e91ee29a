/** What the form runtime and the designer see of `src/core/expr`: results, errors, context. */
import { describe, expect, it } from 'vitest'

import {
  compileExpr,
  ExprError,
  formulaResult,
  makeContext,
  parseFormula,
  schemaFromJson,
  toJson,
  WeekdayCalendar,
} from '../../src/core/expr'

const schema = schemaFromJson({
  amount: 'decimal',
  qty: 'integer',
  name: 'text',
  due: 'date',
  created_at: 'datetime',
  items: { collection: { price: 'decimal', qty: 'integer' } },
})
const ctx = makeContext({ now: '2024-03-15T12:00:00Z', userId: 7 })
const run = (formula: string, record: Record<string, unknown>, context = ctx): unknown =>
  toJson(compileExpr(parseFormula(formula), schema)(record, context))

describe('evaluation as the user types', () => {
  it('updates a visible_if condition from the record as JSON', () => {
    const visible = compileExpr(parseFormula('amount > 5000 AND NOT ISBLANK(name)'), schema)
    expect(visible({ amount: '4999.99', name: 'x' }, ctx)).toBe(false)
    expect(visible({ amount: '5000.01', name: 'x' }, ctx)).toBe(true)
    expect(visible({ amount: '5000.01', name: '' }, ctx)).toBe(false)
    expect(visible({}, ctx)).toBe(false)
  })

  it('computes sub-table formulas exactly, with six places for division', () => {
    const items = [{ price: '0.10', qty: 3 }, { price: '0.20', qty: 1 }, { price: null, qty: 2 }]
    expect(run('SUM(items, price * qty)', { items })).toBe('0.5')
    expect(run('AVERAGE(items.price)', { items })).toBe('0.15')
    expect(run('1 / 3 * 3', {})).toBe('0.999999')
    expect(run('amount / qty', { amount: '10.00', qty: 0 })).toBeNull()
  })

  it('rounds a formula field to its scale, half away from zero', () => {
    const f = compileExpr(parseFormula('amount * 1.5'), schema)
    expect(formulaResult(f({ amount: '1.23' }, ctx), 'decimal', 2)).toBe('1.85')
    expect(formulaResult(f({ amount: '-1.23' }, ctx), 'decimal', 2)).toBe('-1.85')
    expect(formulaResult(f({ amount: '1.00' }, ctx), 'integer')).toBe(2)
    expect(formulaResult(null, 'decimal', 2)).toBeNull()
  })

  it('reads $today in the app time zone when asked', () => {
    const evening = '2024-03-15T20:00:00Z'
    expect(run('TODAY()', {}, makeContext({ now: evening }))).toBe('2024-03-15')
    expect(run('TODAY()', {}, makeContext({ now: evening, timeZone: 'Asia/Shanghai' }))).toBe('2024-03-16')
    expect(run('$user.id', {}, makeContext({ now: evening, userId: 7 }))).toBe(7)
  })

  it('counts working days with the business calendar it is given', () => {
    const withCalendar = makeContext({ now: '2024-03-15T12:00:00Z', calendar: new WeekdayCalendar() })
    expect(run('WORKDAYS(due, TODAY())', { due: '2024-03-08' }, withCalendar)).toBe(5)
    expect(() => run('WORKDAYS(due, TODAY())', { due: '2024-03-08' })).toThrow(/needs a business calendar/)
  })
})

describe('refusals carry their JSON path or line and column', () => {
  it('lists every check issue with its path', () => {
    try {
      compileExpr({ and: [{ '>': [{ var: 'nope' }, 1] }, { '+': [{ var: 'name' }, 1] }] }, schema)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ExprError)
      expect((error as ExprError).issues.map((i) => i.path)).toEqual(['/and/0/>/0', '/and/1/+/0'])
    }
  })

  it('refuses a pattern RE2 cannot run, at the pattern', () => {
    for (const pattern of ['(a)\\1', '(?=a)', 'a{2000}', '\\bword']) {
      expect(() => compileExpr({ regex: [{ var: 'name' }, pattern] }, schema)).toThrow(ExprError)
    }
    try {
      compileExpr({ regex: [{ var: 'name' }, '(a)\\1'] }, schema)
    } catch (error) {
      expect((error as ExprError).issues[0]).toMatchObject({ path: '/regex/1' })
    }
  })

  it('matches in linear time where a backtracking engine would stall', () => {
    const f = compileExpr({ regex: [{ var: 'name' }, '^(a|a)*$'] }, schema)
    const started = performance.now()
    expect(f({ name: 'a'.repeat(5000) + 'b' }, ctx)).toBe(false)
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('refuses to match text longer than 10 000 characters', () => {
    const f = compileExpr({ regex: [{ var: 'name' }, 'a'] }, schema)
    expect(() => f({ name: 'a'.repeat(10_001) }, ctx)).toThrow(/longer than 10000 characters/)
  })

  it('gives parse errors with line and column', () => {
    expect(() => parseFormula('IF(amount > 1,\n  "a" "b")')).toThrow(/unexpected '"b"' here at line 2, column 7/)
  })
})

describe('the tables are complete', () => {
  it('knows every function of the catalog (the README table, excel_examples.json)', async () => {
    const { FUNCTIONS, SPECIAL_FUNCTIONS } = await import('../../src/core/expr')
    const { repoJson } = await import('./harness')
    const catalog = new Set(repoJson<{ function: string }[]>('tests/engines/expr/excel_examples.json').map((e) => e.function))
    catalog.delete('relation.field')
    expect(new Set([...Object.keys(FUNCTIONS), ...SPECIAL_FUNCTIONS])).toEqual(catalog)
    expect(catalog.size).toBeGreaterThanOrEqual(72)
  })

  it('has an implementation for every operator the checker accepts', async () => {
    const { OPS, AGGREGATES } = await import('../../src/core/expr/ops')
    const { EMITTERS } = await import('../../src/core/expr/emitters')
    const missing = [...OPS.keys(), ...AGGREGATES].filter((op) => !(op in EMITTERS))
    expect(missing).toEqual([])
  })
})
