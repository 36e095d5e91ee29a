/**
 * The formula parser gives the server's AST (and the checker the server's issues on the shared
 * schema), or the server's error message with the same line and column,
 * for every formula of `tests/expr_formulas_generated.json` (the shared files' formulas, edge
 * cases, and the generated ASTs written back as formulas; Python's answers, see
 * `tests/engines/expr/generated_vectors.py`).
 */
import Decimal from 'decimal.js'
import { describe, expect, it } from 'vitest'

import { type Ast, check, ExprError, parseFormula, schemaFromJson, type SchemaJson, toFormula } from '../../src/core/expr'
import { KNOWN, repoJson } from './harness'

interface FormulaCase {
  formula: string
  ast?: unknown
  error?: { message: string; line: number; column: number }
  issues?: { message: string; path: string }[]
  written_from?: unknown
  integral_float?: boolean
}

const FORMULAS = repoJson<FormulaCase[]>('tests/expr_formulas_generated.json')
const SCHEMA = schemaFromJson(repoJson<{ schema: SchemaJson }[]>('tests/expr_vectors.json')[0]?.schema ?? {})

/** The AST as the file spells it: a decimal constant as `{"$decimal": "1.5"}`. */
function normalized(ast: Ast): unknown {
  if (Decimal.isDecimal(ast)) return { $decimal: ast.isZero() ? '0' : ast.toFixed() }
  if (typeof ast === 'bigint') return Number(ast)
  if (Array.isArray(ast)) return ast.map(normalized)
  if (typeof ast === 'object' && ast !== null) {
    return Object.fromEntries(Object.entries(ast).map(([k, v]) => [k, normalized(v)]))
  }
  return ast
}

function outcome(formula: string): Pick<FormulaCase, 'ast' | 'error' | 'issues'> {
  try {
    const ast = parseFormula(formula)
    return { ast: normalized(ast), issues: check(ast, SCHEMA).map(({ message, path }) => ({ message, path })) }
  } catch (error) {
    if (!(error instanceof ExprError)) throw error
    const issue = error.issues[0]
    return { error: { message: issue?.message ?? '', line: issue?.line ?? 0, column: issue?.column ?? 0 } }
  }
}

describe('tests/expr_formulas_generated.json', () => {
  it('has formulas and errors', () => {
    expect(FORMULAS.length).toBeGreaterThan(400)
    expect(FORMULAS.filter((f) => f.error).length).toBeGreaterThan(20)
  })

  it.each(FORMULAS.map((f) => [f.formula, f] as const))('%s', (formula, expected) => {
    const want = expected.error ? { error: expected.error } : { ast: expected.ast, issues: expected.issues }
    expect(outcome(formula)).toEqual(want)
  })
})

describe('toFormula', () => {
  const written = FORMULAS.filter((f) => f.written_from !== undefined)

  it('has ASTs written as formulas by the server', () => expect(written.length).toBeGreaterThan(300))

  it.each(written.map((f) => [f.formula, f] as const))('writes %s', (formula, f) => {
    if (!f.integral_float) return expect(toFormula(f.written_from)).toBe(formula)
    const known = KNOWN.find((k) => k.file === 'tests/expr_formulas_generated.json' && k.expr === 'integral_float')
    expect(known, 'the integral_float difference is listed').toBeDefined()
    expect(toFormula(f.written_from)).not.toBe(formula)
    expect(toFormula(f.written_from)).toBe(formula.replace(/(\d)\.0(?!\d)/g, '$1'))
  })

  it('refuses a field name no formula can spell', () => {
    expect(() => toFormula({ var: 'and' })).toThrow(ExprError)
    expect(() => toFormula({ var: 'a-b' })).toThrow(ExprError)
  })
})

describe('parseFormula', () => {
  it('refuses a formula longer than 4000 characters at line 1, column 1', () => {
    expect(() => parseFormula('1+'.repeat(2001) + '1')).toThrow(/longer than 4000 characters at line 1, column 1/)
  })

  it('keeps decimal constants exact', () => {
    const ast = parseFormula('amount * 0.1234567890123456789') as { '*': [unknown, Decimal] }
    expect(ast['*'][1].toFixed()).toBe('0.1234567890123456789')
  })
})
