/**
 * Runs the shared expression cases of the Python tests in the browser's evaluator: the same
 * JSON files, read from the repository's `tests/` folder, and the same notion of "the same
 * answer" as `tests/engines/expr/support.py::same` (numbers by value, dates by day).
 */
import { readFileSync } from 'node:fs'

import Decimal from 'decimal.js'

import {
  analyze,
  check,
  compileExpr,
  DateTimeValue,
  DateValue,
  fromJson,
  makeContext,
  parseFormula,
  schemaFromJson,
  toJson,
  WeekdayCalendar,
  type EvalContext,
  type SchemaJson,
  type Value,
} from '../../src/core/expr'

export interface Case {
  expr: unknown
  data: Record<string, unknown>
  expected: unknown
  schema?: SchemaJson
  context?: ContextJson
  sql?: string
  function?: string
  formula?: string
}

export interface ContextJson {
  now: string
  today: string
  user_id: number | null
  dept_id: number | null
  calendar?: string
}

export interface KnownDifference {
  file: string
  expr: unknown
  data: Record<string, unknown>
  reason: string
}

export function repoJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(`../../../${relative}`, import.meta.url), 'utf8')) as T
}

export const KNOWN: KnownDifference[] = JSON.parse(
  readFileSync(new URL('./known_differences.json', import.meta.url), 'utf8'),
) as KnownDifference[]

export function isKnown(file: string, c: Case): KnownDifference | undefined {
  const key = JSON.stringify([c.expr ?? c.formula, c.data])
  return KNOWN.find((k) => k.file === file && JSON.stringify([k.expr, k.data]) === key)
}

export function contextOf(ctx: ContextJson): EvalContext {
  return makeContext({
    now: ctx.now,
    today: ctx.today,
    userId: ctx.user_id,
    deptId: ctx.dept_id,
    calendar: ctx.calendar === 'weekdays' ? new WeekdayCalendar() : null,
  })
}

/** In the hand-written files a string is formula text; generated files hold ASTs only. */
export function astOf(expr: unknown, formulas = true): unknown {
  return formulas && typeof expr === 'string' ? parseFormula(expr) : expr
}

export interface Outcome {
  ok: boolean
  got: unknown
  detail: string
}

/** Evaluate one case and compare with its expected answer (or its expected check error path). */
export function run(c: Case, schemaJson: SchemaJson, ctx: EvalContext, formulas = true): Outcome {
  const schema = schemaFromJson(schemaJson)
  let ast: unknown
  try {
    ast = astOf(c.expr ?? c.formula, formulas)
  } catch (error) {
    return { ok: false, got: String(error), detail: 'parse error' }
  }
  if (isError(c.expected)) {
    const paths = check(ast, schema).map((i) => i.path)
    return { ok: paths.includes(c.expected.error), got: paths, detail: 'check error paths' }
  }
  if (isRaise(c.expected)) {
    try {
      compileExpr(ast, schema)(c.data, ctx)
      return { ok: false, got: 'no error', detail: `Python raises ${c.expected.raises}` }
    } catch (error) {
      return { ok: true, got: String(error), detail: 'raised as Python does' }
    }
  }
  try {
    const [root, issues] = analyze(ast, schema)
    if (!root) return { ok: false, got: issues, detail: 'check issues' }
    const got = compileExpr(ast, schema)(c.data, ctx)
    return { ok: same(got, c.expected, root.type), got: toJson(got), detail: root.type }
  } catch (error) {
    return { ok: false, got: String(error), detail: 'raised' }
  }
}

function isRaise(expected: unknown): expected is { raises: string } {
  return typeof expected === 'object' && expected !== null && !Array.isArray(expected) && 'raises' in expected
}

function isError(expected: unknown): expected is { error: string } {
  return typeof expected === 'object' && expected !== null && !Array.isArray(expected) && 'error' in expected
}

/** `support.same` after `support.convert(expected, result_type)`. */
export function same(got: Value, expected: unknown, type: string): boolean {
  if (got === null || expected === null || typeof got === 'boolean' || typeof expected === 'boolean') {
    return got === expected
  }
  if (typeof got === 'bigint' || Decimal.isDecimal(got)) {
    if (typeof expected !== 'number' && typeof expected !== 'string') return false
    return new Decimal(got.toString()).eq(new Decimal(String(expected)))
  }
  if (got instanceof DateValue || got instanceof DateTimeValue) {
    const want = fromJson(expected, type === 'date' ? 'date' : 'datetime')
    if (want instanceof DateValue && got instanceof DateValue) return want.days === got.days
    if (want instanceof DateTimeValue && got instanceof DateTimeValue) {
      return want.days === got.days && want.micros === got.micros
    }
    return false
  }
  return JSON.stringify(got) === JSON.stringify(expected)
}
