/**
 * Compile a checked expression once into a tree of closures, with the semantics of
 * `compile_py.py` (the server's generated Python): same nulls, same exact decimals.
 *
 * `compileExpr({">": [{"var": "amount"}, 5000]}, schema)` gives `f(record, ctx)`, here
 * `(r) => { const a = read(r.amount); return a !== null && compare(a, 5000n) > 0 }`.
 * Constants are folded into the closures; user text is never evaluated as code.
 */
import { checked } from './check'
import type { DateTimeValue, DateValue } from './dates'
import type { BusinessCalendar } from './datefns'
import { promote } from './closures'
import { EMITTERS } from './emitters'
import { DATE, DATETIME, DEFAULT_LIMITS, type Limits, type Node, type Schema } from './model'
import type { Value } from './values'

/** A record as JSON: fields by key, a relation as a nested object, a sub-table as a list of objects. */
export type RecordJson = Readonly<Record<string, unknown>>

/** Runtime values behind `$now`, `$today`, `$user.id`, `$user.dept_id`. */
export interface EvalContext {
  readonly now: DateTimeValue
  readonly today: DateValue
  readonly userId: bigint | null
  readonly deptId: bigint | null
  readonly calendar: BusinessCalendar | null
}

export type Compiled = (record: RecordJson, ctx: EvalContext) => Value
export type Fn = (record: RecordJson, ctx: EvalContext) => Value

export interface Compiler {
  readonly limits: Limits
  emit(n: Node): Fn
  args(n: Node): Fn[]
  /** The arguments, dates raised to date-times when compared with one. */
  promoted(n: Node): Fn[]
}

/** Check `ast` against `schema` and return `f(record, ctx)`; throws `ExprError` with every issue. */
export function compileExpr(ast: unknown, schema: Schema, limits: Limits = DEFAULT_LIMITS): Compiled {
  return compileNode(checked(ast, schema, limits), limits)
}

export function compileNode(root: Node, limits: Limits = DEFAULT_LIMITS): Compiled {
  const compiler: Compiler = {
    limits,
    emit(n) {
      const emitter = EMITTERS[n.op]
      if (!emitter) throw new Error(`no implementation for '${n.op}'`)
      return emitter(n, compiler)
    },
    args(n) {
      return n.args.map((a) => compiler.emit(a))
    },
    promoted(n) {
      const types = new Set(n.args.map((a) => a.type))
      const mixed = types.has(DATE) && types.has(DATETIME)
      return n.args.map((a) => {
        const f = compiler.emit(a)
        return mixed && a.type === DATE ? promote(f) : f
      })
    },
  }
  return compiler.emit(root)
}
