/**
 * The hypothesis-generated cases with Python's answers (`tests/expr_vectors_generated.json`,
 * written by `python -m tests.engines.expr.generated_vectors`; Python and SQL are held to the
 * same file by `tests/engines/expr/test_generated_vectors.py`) give the same answers here.
 */
import { describe, expect, it } from 'vitest'

import { type Case, contextOf, type ContextJson, isKnown, repoJson, run } from './harness'
import { check, schemaFromJson, type SchemaJson } from '../../src/core/expr'

const FILE = 'tests/expr_vectors_generated.json'
interface CheckCase {
  expr: unknown
  issues?: { message: string; path: string }[]
  raises?: string
}
const GENERATED = repoJson<{ schema: SchemaJson; context: ContextJson; cases: Case[]; checks: CheckCase[] }>(FILE)
const SCHEMA = schemaFromJson(GENERATED.schema)

describe(FILE, () => {
  it('has the generated cases', () => expect(GENERATED.cases.length).toBeGreaterThan(500))

  it.each(GENERATED.cases.map((c, i) => [i, JSON.stringify(c.expr).slice(0, 80), c] as const))(
    '#%i %s',
    (_i, _name, c) => {
      const outcome = run(c, GENERATED.schema, contextOf(GENERATED.context), false)
      const known = isKnown(FILE, c)
      if (known) expect(outcome.ok, `listed as a known difference (${known.reason}) but agrees now`).toBe(false)
      else expect(outcome, `data ${JSON.stringify(c.data)} expected ${JSON.stringify(c.expected)}`).toMatchObject({ ok: true })
    },
  )
})

describe(`${FILE}: checks`, () => {
  it('has mistyped expressions', () => expect(GENERATED.checks.filter((c) => c.issues?.length).length).toBeGreaterThan(100))

  it.each(GENERATED.checks.map((c, i) => [i, JSON.stringify(c.expr).slice(0, 80), c] as const))(
    '#%i %s gives the same issues',
    (_i, _name, c) => {
      const got = check(c.expr, SCHEMA).map(({ message, path }) => ({ message, path }))
      const known = isKnown(FILE, { expr: c.expr, data: undefined as never, expected: c.raises })
      if (known) expect(c.raises, known.reason).toBeDefined()
      else expect(got).toEqual(c.issues)
    },
  )
})
