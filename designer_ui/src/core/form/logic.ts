/**
 * A form's linkage, defaults and formulas compiled once with src/core/expr, then evaluated on every
 * keystroke against the values as the API would receive them. The server's save stays authoritative:
 * an expression the browser cannot compile (it reads through a relation, say) is left to the server
 * and reported in `unsupported`, and the field keeps its static state.
 */
import { compileExpr, fieldsRead, formulaResult, parseFormula, schemaFromJson, toJson } from '../expr'
import type { Compiled, EvalContext, SchemaJson } from '../expr'
import type { FieldDef, FormDef, Values } from './types'

export interface FieldState {
  visible: boolean
  required: boolean
  readonly: boolean
}

/** The expression type of each kind, from the catalog's `value_type` (GET /api/v1/catalog). */
export type ValueTypes = Readonly<Record<string, string>>

const STANDARD: SchemaJson = { id: 'integer', created_at: 'datetime', updated_at: 'datetime', created_by: 'user',
  owner_id: 'user', dept_id: 'department', row_version: 'integer' }

const FORMULA_RESULT: Readonly<Record<string, string>> = { text: 'text', integer: 'integer', decimal: 'decimal',
  boolean: 'boolean', date: 'date', datetime: 'datetime' }

function formulaConfig(f: FieldDef): { result: string; scale: number } {
  const c = (f.config ?? {}) as { result?: unknown; scale?: unknown }
  return { result: typeof c.result === 'string' ? c.result : 'decimal', scale: typeof c.scale === 'number' ? c.scale : 2 }
}

export function exprType(f: FieldDef, types: ValueTypes): string {
  if (f.kind === 'formula') return FORMULA_RESULT[formulaConfig(f).result] ?? 'any'
  return types[f.kind] ?? 'any'
}

/** `form_schema` of dajian/engines/form/logic.py: standard columns, fields, sub-tables as collections. */
export function schemaOf(fields: readonly FieldDef[], types: ValueTypes): SchemaJson {
  const schema: Record<string, SchemaJson[string]> = { ...STANDARD }
  for (const f of fields) {
    schema[f.key] = f.kind === 'subtable'
      ? { collection: Object.fromEntries((f.fields ?? []).map((c) => [c.key, exprType(c, types)])) }
      : exprType(f, types)
  }
  return schema
}

interface Compiledfield {
  def: FieldDef
  visibleIf?: Compiled
  requiredIf?: Compiled
  readonlyIf?: Compiled
  defaultFormula?: Compiled
  formula?: Compiled
  rowFormulas: { key: string; def: FieldDef; fn: Compiled }[]
}

export interface FormLogic {
  /** Expressions left to the server, as "field.attribute". */
  unsupported: string[]
  states(values: Values, ctx: EvalContext): Record<string, FieldState>
  /** The states of these fields only (see `stateReaders`). */
  statesOf(keys: Iterable<string>, values: Values, ctx: EvalContext): Record<string, FieldState>
  /**
   * The fields whose state (visible, required, read-only) may change when `key`'s value changes, found once
   * per form from the fields each expression reads: a keystroke re-evaluates and redraws only those.
   */
  stateReaders(key: string): ReadonlySet<string>
  /** Whether a change of `key` may change a formula (or a sub-table row formula). */
  feedsFormulas(key: string): boolean
  /** Values with formulas (and sub-table row formulas) computed. */
  withFormulas(values: Values, ctx: EvalContext): Values
  /** Whether any field has a `default_formula` (else a new record's defaults never change as it is typed). */
  hasDefaultFormulas: boolean
  /** Defaults for a new record: constants, `default_from`, then `default_formula` over `values`. */
  defaults(values: Values, ctx: EvalContext, skip: ReadonlySet<string>): Values
}

const truthy = (fn: Compiled | undefined, values: Values, ctx: EvalContext, otherwise: boolean): boolean => {
  if (!fn) return otherwise
  try {
    return fn(values, ctx) === true
  } catch {
    return otherwise
  }
}

export function compileFormLogic(form: FormDef, types: ValueTypes): FormLogic {
  const schema = schemaFromJson(schemaOf(form.fields ?? [], types))
  const unsupported: string[] = []
  // what each compiled expression reads; null: it cannot be known (a computed name), so any change may matter
  const reads = new Map<Compiled, Set<string> | null>()
  const compile = (expression: unknown, where: string, within = schema): Compiled | undefined => {
    if (expression === null || expression === undefined) return undefined
    try {
      const ast: unknown = typeof expression === 'string' ? parseFormula(expression) : expression
      const fn = compileExpr(ast, within)
      reads.set(fn, fieldsRead(ast))
      return fn
    } catch {
      unsupported.push(where)
      return undefined
    }
  }
  const fields: Compiledfield[] = (form.fields ?? []).map((f) => {
    const rowSchema = schemaFromJson(schemaOf(f.fields ?? [], types))
    return {
      def: f,
      visibleIf: compile(f.visible_if, `${f.key}.visible_if`),
      requiredIf: compile(f.required_if, `${f.key}.required_if`),
      readonlyIf: compile(f.readonly_if, `${f.key}.readonly_if`),
      defaultFormula: compile(f.default_formula, `${f.key}.default_formula`),
      formula: f.kind === 'formula' ? compile(f.formula, `${f.key}.formula`) : undefined,
      rowFormulas: (f.fields ?? []).flatMap((c) => {
        const fn = c.kind === 'formula' ? compile(c.formula, `${f.key}.${c.key}.formula`, rowSchema) : undefined
        return fn ? [{ key: c.key, def: c, fn }] : []
      }),
    }
  })
  const readers = new Map<string, Set<string>>() // field read → fields whose state reads it
  const readingAll = new Set<string>()
  for (const c of fields) {
    for (const fn of [c.visibleIf, c.requiredIf, c.readonlyIf]) {
      if (!fn) continue
      const read = reads.get(fn)
      if (read === null || read === undefined) readingAll.add(c.def.key)
      else for (const key of read) readers.set(key, (readers.get(key) ?? new Set<string>()).add(c.def.key))
    }
  }
  const formulaInputs = new Set<string>()
  let formulasReadAll = false
  for (const c of fields) {
    if (c.rowFormulas.length > 0) formulaInputs.add(c.def.key)
    const read = c.formula ? reads.get(c.formula) : undefined
    if (read === null) formulasReadAll = true
    else for (const key of read ?? []) formulaInputs.add(key)
  }
  const readerSets = new Map<string, ReadonlySet<string>>()
  const stateOf = (c: Compiledfield, values: Values, ctx: EvalContext): FieldState => ({
    visible: truthy(c.visibleIf, values, ctx, true),
    required: (c.def.required ?? false) || truthy(c.requiredIf, values, ctx, false),
    readonly: (c.def.readonly ?? false) || truthy(c.readonlyIf, values, ctx, false),
  })
  const byKey = new Map(fields.map((c) => [c.def.key, c]))
  // a sub-table whose rows have not changed keeps its computed rows (and the grid showing them)
  const computedRows = new WeakMap<Values[], Values[]>()
  const result = (def: FieldDef, fn: Compiled, record: Values, ctx: EvalContext): unknown => {
    try {
      const { result: kind, scale } = formulaConfig(def)
      return formulaResult(fn(record, ctx), kind, scale)
    } catch {
      return null
    }
  }
  return {
    unsupported,
    hasDefaultFormulas: fields.some((c) => c.defaultFormula !== undefined),
    states(values, ctx) {
      return Object.fromEntries(fields.map((c) => [c.def.key, stateOf(c, values, ctx)]))
    },
    statesOf(keys, values, ctx) {
      const out: Record<string, FieldState> = {}
      for (const key of keys) {
        const c = byKey.get(key)
        if (c) out[key] = stateOf(c, values, ctx)
      }
      return out
    },
    stateReaders(key) {
      let found = readerSets.get(key)
      if (!found) {
        found = new Set([...(readers.get(key) ?? []), ...readingAll])
        readerSets.set(key, found)
      }
      return found
    },
    feedsFormulas(key) {
      return formulasReadAll || formulaInputs.has(key)
    },
    withFormulas(values, ctx) {
      const out: Values = { ...values }
      for (const c of fields) {
        const rows = out[c.def.key]
        if (c.rowFormulas.length > 0 && Array.isArray(rows)) {
          let computed = computedRows.get(rows as Values[])
          if (!computed) {
            computed = (rows as Values[]).map((row) => {
              const next = { ...row }
              for (const r of c.rowFormulas) next[r.key] = result(r.def, r.fn, next, ctx)
              return next
            })
            computedRows.set(rows as Values[], computed)
          }
          out[c.def.key] = computed
        }
      }
      for (const c of fields) if (c.formula) out[c.def.key] = result(c.def, c.formula, out, ctx)
      return out
    },
    defaults(values, ctx, skip) {
      const out: Values = {}
      for (const c of fields) {
        const f = c.def
        if (skip.has(f.key)) continue
        if (f.default !== null && f.default !== undefined) out[f.key] = f.default
        else if (f.default_from === 'current_user') out[f.key] = toJson(ctx.userId)
        else if (f.default_from === 'current_dept') out[f.key] = toJson(ctx.deptId)
        else if (f.default_from === 'now') out[f.key] = toJson(ctx.now)
        else if (f.default_from === 'today') out[f.key] = toJson(ctx.today)
      }
      const seen = { ...values, ...out }
      for (const c of fields) {
        if (c.defaultFormula && !skip.has(c.def.key)) {
          try {
            out[c.def.key] = toJson(c.defaultFormula(seen, ctx))
          } catch {
            // left to the server's save
          }
        }
      }
      return out
    },
  }
}
