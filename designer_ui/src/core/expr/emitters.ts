/**
 * One closure builder per operator, keyed by the canonical names of `ops.ts` (the table of
 * `compile_py.PY_EMITTERS`). Null rules are the package's: comparisons with null are false,
 * arithmetic, text and date functions give null, `cat` reads null as "".
 */
import type { EvalContext, Fn, RecordJson } from './compile'
import { DateValue } from './dates'
import * as D from './datefns'
import { allValues, average, type Emit, extreme, guarded, nullIn, present, promote } from './closures'
import { EXCEL_EMITTERS } from './emitters_excel'
import { ANY, DATE, DATETIME, ExprError, type Node, TEXT, TEXT_LIST } from './model'
import * as N from './numbers'
import { regexSearch, userRegex } from './regex'
import * as T from './text'
import { chars, compare, equal, fromJson, type Num, truthy, type Value } from './values'

function field(record: unknown, key: string): unknown {
  if (record === null || typeof record !== 'object') return null
  return Object.hasOwn(record, key) ? (record as RecordJson)[key] : null
}

const varEmit: Emit = (n) => {
  const path = n.value as string[]
  const type = n.type
  if (path.length === 1) {
    const [key] = path as [string]
    return (r) => fromJson(field(r, key), type)
  }
  return (r) => {
    let value: unknown = r
    for (const key of path) value = field(value, key)
    return fromJson(value, type)
  }
}

const CONTEXT: Record<string, (ctx: EvalContext) => Value> = {
  '$user.id': (ctx) => ctx.userId,
  '$user.dept_id': (ctx) => ctx.deptId,
  $now: (ctx) => ctx.now,
  $today: (ctx) => ctx.today,
}

const ordered =
  (test: (order: number) => boolean): Emit =>
  (n, c) =>
    guarded(c.promoted(n), ([a, b]) => test(compare(a as Value, b as Value)), false)

const equality =
  (same: boolean): Emit =>
  (n, c) => {
    const [a, b] = c.promoted(n) as [Fn, Fn]
    return (r, ctx) => equal(a(r, ctx), b(r, ctx)) === same
  }

const inEmit: Emit = (n, c) => {
  const [item, within] = n.args as [Node, Node]
  let src = c.emit(item)
  if (within.op === 'list') {
    const values = within.args.map((a) =>
      item.type === DATETIME && a.type === DATE ? D.toDateTime(a.value as DateValue) : (a.value as Value),
    )
    if (within.args[0]?.type === DATETIME && item.type === DATE) src = promote(src)
    return (r, ctx) => {
      const v = src(r, ctx)
      return v !== null && values.some((x) => equal(v, x))
    }
  }
  const container = c.emit(within)
  const test = within.type === TEXT_LIST ? has : contains
  return (r, ctx) => test(container(r, ctx), src(r, ctx))
}

function has(items: Value, item: Value): boolean {
  return Array.isArray(items) && item !== null && items.includes(item as string)
}

function contains(text: Value, part: Value): boolean {
  return typeof text === 'string' && typeof part === 'string' && text.includes(part)
}

const arith =
  (apply: (a: Num, b: Num) => Num, unary: (a: Num) => Num): Emit =>
  (n, c) =>
    guarded(c.args(n), (vs) => (vs.length === 1 ? unary(vs[0] as Num) : (vs as Num[]).reduce((a, b) => apply(a, b))))

const ifEmit: Emit = (n, c) => {
  const [cond, yes, no] = c.args(n) as [Fn, Fn, Fn]
  const raise = (a: Node, f: Fn): Fn => (n.type === DATETIME && a.type === DATE ? promote(f) : f)
  const [y, o] = [raise(n.args[1] as Node, yes), raise(n.args[2] as Node, no)]
  return (r, ctx) => (truthy(cond(r, ctx)) ? y(r, ctx) : o(r, ctx))
}

const isEmpty: Emit = (n, c) => {
  const arg = n.args[0] as Node
  if (arg.op === 'coll') {
    const key = arg.value as string
    return (r) => rows(field(r, key)).length === 0
  }
  const f = c.emit(arg)
  if ([TEXT, TEXT_LIST, ANY].includes(arg.type)) {
    return (r, ctx) => {
      const v = f(r, ctx)
      return v === null || v === '' || (Array.isArray(v) && v.length === 0)
    }
  }
  return (r, ctx) => f(r, ctx) === null
}

const regexEmit: Emit = (n, c) => {
  const regex = userRegex((n.args[1] as Node).value as string)
  const text = c.emit(n.args[0] as Node)
  const limit = c.limits.maxRegexInput
  return (r, ctx) => {
    const v = text(r, ctx)
    if (typeof v !== 'string') return false
    if (v.length > limit && chars(v).length > limit) {
      throw new ExprError([{ message: `text longer than ${limit} characters cannot be matched against a pattern`, path: n.path }])
    }
    return regexSearch(regex, v)
  }
}

const SECONDS: Record<string, number> = { days: 86400, hours: 3600, minutes: 60 }

const dateAdd =
  (sign: number): Emit =>
  (n, c) => {
    const seconds = sign * (SECONDS[(n.args[2] as Node).value as string] ?? 86400)
    const [value, count] = c.args(n) as [Fn, Fn]
    return guarded([value, count], ([v, k]) => D.addSeconds(v as D.Temporal, k as bigint, seconds))
  }

const datediffEmit: Emit = (n, c) => {
  const unit = (n.args[2] as Node).value as string
  const [a, b] = c.args(n) as [Fn, Fn]
  const helper = unit === 'm' || unit === 'y' ? D.datediffCalendar : D.datediff
  return guarded([a, b], ([x, y]) => helper(x as D.Temporal, y as D.Temporal, unit))
}

const workdaysEmit =
  (inclusive: boolean): Emit =>
  (n, c) => {
    const [a, b] = c.args(n) as [Fn, Fn]
    const name = inclusive ? 'NETWORKDAYS' : 'WORKDAYS'
    return (r, ctx) => {
      const [x, y] = [a(r, ctx), b(r, ctx)]
      if (x === null || y === null) return null
      if (!ctx.calendar) throw new ExprError([{ message: `${name} needs a business calendar and none was given`, path: n.path }])
      return BigInt(workingDays(ctx.calendar, D.toDay(x as D.Temporal), D.toDay(y as D.Temporal), inclusive))
    }
  }

/** NETWORKDAYS counts `[a, b]` (negative when b < a); WORKDAYS counts `(a, b]`. */
function workingDays(calendar: D.BusinessCalendar, a: DateValue, b: DateValue, inclusive: boolean): number {
  if (!inclusive) return calendar.workingDaysBetween(a, b)
  const before = (d: DateValue): DateValue => new DateValue(d.days - 1)
  if (a.days <= b.days) return calendar.workingDaysBetween(before(a), b)
  return -calendar.workingDaysBetween(before(b), a)
}

function rows(value: unknown): readonly RecordJson[] {
  return Array.isArray(value) ? (value as RecordJson[]) : []
}

const aggregate =
  (combine: (values: Value[]) => Value): Emit =>
  (n, c) => {
    const source = n.args[0] as Node
    if (source.op !== 'coll') {
      const list = c.emit(source)
      return (r, ctx) => {
        const v = list(r, ctx)
        return BigInt(Array.isArray(v) ? v.length : 0)
      }
    }
    const key = source.value as string
    if (n.args.length === 1) return (r) => BigInt(rows(field(r, key)).length)
    const item = c.emit(n.args[1] as Node)
    return (r, ctx) => combine(rows(field(r, key)).map((row) => item(row, ctx)))
  }

const text1 = (f: (s: string) => Value): Emit => nullIn(([s]) => f(s as string))

export const EMITTERS: Readonly<Record<string, Emit>> = {
  lit: (n) => {
    const value = n.value as Value
    return () => value
  },
  var: varEmit,
  ctx: (n) => {
    const read = CONTEXT[n.value as string] as (ctx: EvalContext) => Value
    return (_r, ctx) => read(ctx)
  },
  list: (n) => {
    const values = n.args.map((a) => a.value) as string[]
    return () => values
  },
  and: (n, c) => {
    const fns = c.args(n)
    return (r, ctx) => fns.every((f) => truthy(f(r, ctx)))
  },
  or: (n, c) => {
    const fns = c.args(n)
    return (r, ctx) => fns.some((f) => truthy(f(r, ctx)))
  },
  not: (n, c) => {
    const f = c.emit(n.args[0] as Node)
    return (r, ctx) => !truthy(f(r, ctx))
  },
  if: ifEmit,
  '==': equality(true),
  '!=': equality(false),
  '<': ordered((o) => o < 0),
  '<=': ordered((o) => o <= 0),
  '>': ordered((o) => o > 0),
  '>=': ordered((o) => o >= 0),
  between: nullIn(([v, lo, hi]) => compare(lo as Value, v as Value) <= 0 && compare(v as Value, hi as Value) <= 0, false),
  in: inEmit,
  '+': arith(N.add, (a) => a),
  '-': arith(N.subtract, N.negate),
  '*': arith(N.multiply, (a) => a),
  '/': nullIn(([a, b]) => N.divide(a as Num, b as Num)),
  '%': nullIn(([a, b]) => N.mod(a as Num, b as Num)),
  cat: allValues(T.cat),
  contains: (n, c) => {
    const [a, b] = c.args(n) as [Fn, Fn]
    const test = (n.args[0] as Node).type === TEXT_LIST ? has : contains
    return (r, ctx) => test(a(r, ctx), b(r, ctx))
  },
  starts_with: nullIn(([t, p]) => (t as string).startsWith(p as string), false),
  ends_with: nullIn(([t, p]) => (t as string).endsWith(p as string), false),
  length: text1((s) => BigInt(T.length(s))),
  upper: text1(T.upper),
  lower: text1(T.lower),
  left: nullIn(([t, k]) => T.left(t as string, k as bigint)),
  right: nullIn(([t, k]) => T.right(t as string, k as bigint)),
  mid: nullIn(([t, s, k]) => T.mid(t as string, s as bigint, k as bigint)),
  regex: regexEmit,
  is_null: (n, c) => {
    const f = c.emit(n.args[0] as Node)
    return (r, ctx) => f(r, ctx) === null
  },
  is_empty: isEmpty,
  now: () => (_r, ctx) => ctx.now,
  today: () => (_r, ctx) => ctx.today,
  date_add: dateAdd(1),
  date_sub: dateAdd(-1),
  datediff: datediffEmit,
  workdays: workdaysEmit(false),
  networkdays: workdaysEmit(true),
  year: nullIn(([v]) => D.year(v as D.Temporal)),
  month: nullIn(([v]) => D.month(v as D.Temporal)),
  week_start: nullIn(([v]) => D.weekStart(v as D.Temporal)),
  month_start: nullIn(([v]) => D.monthStart(v as D.Temporal)),
  to_date: nullIn(([v]) => D.toDay(v as D.Temporal)),
  count: aggregate((vs) => BigInt(present(vs).length)),
  sum: aggregate((vs) => N.sum(present(vs) as Num[])),
  avg: aggregate(average),
  min: aggregate((vs) => extreme(vs, -1)),
  max: aggregate((vs) => extreme(vs, 1)),
  any: aggregate((vs) => vs.some(truthy)),
  all: aggregate((vs) => vs.every(truthy)),
  ...EXCEL_EMITTERS,
}
