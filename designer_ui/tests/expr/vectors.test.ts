/**
 * The shared vectors (`tests/expr_vectors.json`, run by Python, SQLite and PostgreSQL) and the
 * function catalog's examples (`tests/engines/expr/excel_examples.json`, the README table) give
 * the same answers in the browser. A case listed in `known_differences.json` must still differ,
 * so the list cannot go stale.
 */
import { describe, expect, it } from 'vitest'

import { type Case, contextOf, type ContextJson, isKnown, repoJson, run } from './harness'
import type { SchemaJson } from '../../src/core/expr'

const VECTORS = repoJson<Case[]>('tests/expr_vectors.json')
const EXAMPLES = repoJson<Case[]>('tests/engines/expr/excel_examples.json')
const SHARED_SCHEMA = VECTORS[0]?.schema as SchemaJson
const SHARED_CONTEXT = VECTORS[0]?.context as ContextJson

const label = (c: Case): string => `${JSON.stringify(c.expr ?? c.formula).slice(0, 70)} on ${JSON.stringify(c.data).slice(0, 60)}`

function suite(file: string, cases: Case[]): void {
  describe(file, () => {
    it('has cases', () => expect(cases.length).toBeGreaterThan(50))
    it.each(cases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
      const outcome = run(c, c.schema ?? SHARED_SCHEMA, contextOf(c.context ?? SHARED_CONTEXT))
      const known = isKnown(file, c)
      if (known) expect(outcome.ok, `listed as a known difference (${known.reason}) but agrees now`).toBe(false)
      else expect(outcome, JSON.stringify(c.expected)).toMatchObject({ ok: true })
    })
  })
}

suite('tests/expr_vectors.json', VECTORS)
suite('tests/engines/expr/excel_examples.json', EXAMPLES)
