/**
 * The condition builder edits the same AST: every condition of the complaint template and of the
 * shared vectors that the rows can show comes back unchanged in meaning (the same AST up to operator
 * aliases, and for the vectors the same answer on the same data); what they cannot show stays text.
 */
import { describe, expect, it } from 'vitest'

import { type Ast, parseFormula } from '../../src/core/expr'
import { type ConditionGroup, fromConditions, newRow, opsFor, toConditions } from '../../src/core/expr/conditions'
import { canonical } from '../../src/core/expr/ops'
import { assembleTemplate } from '../design/template'
import { type Case, contextOf, type ContextJson, isKnown, repoJson, run } from './harness'
import type { SchemaJson } from '../../src/core/expr'

const VECTORS = repoJson<Case[]>('tests/expr_vectors.json')

/** An AST with every operator under its canonical name, for comparing meaning. */
function canon(ast: unknown): unknown {
  if (Array.isArray(ast)) return ast.map(canon)
  if (typeof ast === 'bigint') return Number(ast)
  if (typeof ast === 'object' && ast !== null && Object.keys(ast).length === 1 && !('d' in ast)) {
    const [key, value] = Object.entries(ast)[0] as [string, unknown]
    return { [canonical(key)]: canon(Array.isArray(value) ? value : [value]) } // one argument may be written bare
  }
  return typeof ast === 'object' && ast !== null ? String(ast) : ast
}

const CONDITION_KEYS = new Set(['visible_if', 'required_if', 'readonly_if', 'condition', 'when', 'where', 'filter'])

/** Every condition in the template: [JSON path, expression]. */
function templateConditions(): [string, unknown][] {
  const found: [string, unknown][] = []
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}/${String(i)}`))
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (CONDITION_KEYS.has(k) && (typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && !path.includes('/rows/')))) found.push([`${path}/${k}`, v])
        else walk(v, `${path}/${k}`)
      }
    }
  }
  walk(assembleTemplate(), '')
  return found
}

describe('the complaint template conditions', () => {
  const conditions = templateConditions()

  it('are many, and the builder shows most of them', () => {
    expect(conditions.length).toBeGreaterThan(30)
    const shown = conditions.filter(([, e]) => toConditions((typeof e === 'string' ? parseFormula(e) : e) as Ast) !== null)
    expect(shown.length / conditions.length).toBeGreaterThan(0.6)
  })

  it.each(conditions)('%s round-trips through the builder', (_path, expr) => {
    const ast = (typeof expr === 'string' ? parseFormula(expr) : expr) as Ast
    const rows = toConditions(ast)
    if (rows === null) return // stays formula text
    expect(canon(fromConditions(rows))).toEqual(canon(ast))
    expect(toConditions(fromConditions(rows))).toEqual(rows)
  })

  it('reads the flow guard `billing in category OR amount > 5000` as an OR group of two rows', () => {
    const rows = toConditions({ or: [{ in: ['billing', { var: 'category' }] }, { '>': [{ var: 'amount_involved' }, 5000] }] })
    expect(rows).toEqual({ type: 'group', join: 'or', items: [
      { type: 'row', field: 'category', op: 'has', value: { kind: 'const', value: 'billing' } },
      { type: 'row', field: 'amount_involved', op: '>', value: { kind: 'const', value: 5000 } },
    ] })
  })

  it('keeps what it cannot show as text: NOT of a group, arithmetic on the left', () => {
    expect(toConditions(parseFormula('NOT(AND(ISBLANK(contact_phone), ISBLANK(contact_email)))'))).toBeNull()
    expect(toConditions(parseFormula('amount * 2 > 10'))).toBeNull()
    expect(toConditions(parseFormula('IF(a, b, c)'))).toBeNull()
  })
})

describe('builder rows', () => {
  it('write nested OR groups inside AND, and relative dates', () => {
    const group: ConditionGroup = { type: 'group', join: 'and', items: [
      { type: 'row', field: 'status', op: 'not_in', value: { kind: 'list', values: ['closed', 'resolved'] } },
      { type: 'group', join: 'or', items: [
        { type: 'row', field: 'priority', op: '==', value: { kind: 'const', value: 'P1' } },
        { type: 'row', field: 'received_at', op: '<', value: { kind: 'relative', base: 'now', days: -3 } },
      ] },
    ] }
    expect(canon(fromConditions(group))).toEqual(canon(parseFormula(
      'AND(NOT IN(status, "closed", "resolved"), OR(priority = "P1", received_at < NOW() - 3))')))
    expect(toConditions(fromConditions(group))).toEqual(group)
  })

  it('drop empty groups and rows without a field; an empty root is no condition', () => {
    expect(fromConditions({ type: 'group', join: 'and', items: [] })).toBeNull()
    const one: ConditionGroup = { type: 'group', join: 'and', items: [newRow('vip', 'boolean'),
      { type: 'group', join: 'or', items: [] }, { type: 'row', field: '', op: '==', value: { kind: 'none' } }] }
    expect(fromConditions(one)).toEqual({ '==': [{ var: 'vip' }, true] })
  })

  it('offer operators by type', () => {
    expect(opsFor('text')).toContain('contains')
    expect(opsFor('text_list')).toEqual(expect.arrayContaining(['has', 'not_has']))
    expect(opsFor('date')).not.toContain('contains')
  })
})

describe('the shared vectors through the builder', () => {
  const schema = VECTORS[0]?.schema as SchemaJson
  const context = VECTORS[0]?.context as ContextJson
  const shown = VECTORS.filter((c) => typeof c.expr === 'object' && c.expr !== null && !isKnown('tests/expr_vectors.json', c))
    .map((c) => [JSON.stringify(c.expr).slice(0, 80), c, toConditions(c.expr as Ast)] as const)
    .filter(([, , rows]) => rows !== null)

  it('include conditions the builder shows', () => expect(shown.length).toBeGreaterThan(10))

  it.each(shown)('%s gives the same answer rebuilt', (_name, c, rows) => {
    const rebuilt = fromConditions(rows as ConditionGroup)
    expect(canon(rebuilt)).toEqual(canon(c.expr))
    expect(run({ ...c, expr: rebuilt }, c.schema ?? schema, contextOf(c.context ?? context), false)).toMatchObject({ ok: true })
  })
})
