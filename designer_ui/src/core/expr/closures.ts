/** Closure building blocks shared by the operator tables. */
import type { Compiler, Fn } from './compile'
import * as D from './datefns'
import type { Node } from './model'
import * as N from './numbers'
import { compare, type Num, type Value } from './values'

export type Emit = (n: Node, c: Compiler) => Fn

/** A date compared with a date-time means midnight UTC. */
export function promote(f: Fn): Fn {
  return (r, ctx) => {
    const v = f(r, ctx)
    return v === null ? null : D.toDateTime(v as D.Temporal)
  }
}

/** `f(a, b, …)` on the argument values, or `fallback` when any of them is null. */
export function guarded(fns: Fn[], combine: (values: Value[]) => Value, fallback: Value = null): Fn {
  if (fns.length === 1) {
    const [f] = fns as [Fn]
    return (r, ctx) => {
      const v = f(r, ctx)
      return v === null ? fallback : combine([v])
    }
  }
  return (r, ctx) => {
    const values: Value[] = []
    for (const f of fns) {
      const v = f(r, ctx)
      if (v === null) return fallback
      values.push(v)
    }
    return combine(values)
  }
}

/** A helper applied to the (promoted) argument values when none is null; else null. */
export function nullIn(combine: (values: Value[]) => Value, fallback: Value = null): Emit {
  return (n, c) => guarded(c.promoted(n), combine, fallback)
}

/** A helper applied to all argument values, nulls included. */
export function allValues(combine: (values: Value[]) => Value): Emit {
  return (n, c) => {
    const fns = c.promoted(n)
    return (r, ctx) => combine(fns.map((f) => f(r, ctx)))
  }
}

export const present = (values: Value[]): Value[] => values.filter((v) => v !== null)

export function extreme(values: Value[], sign: number): Value {
  let best: Value = null
  for (const v of values) if (v !== null && (best === null || sign * compare(v, best) > 0)) best = v
  return best
}

export function average(values: Value[]): Value {
  const nums = present(values) as Num[]
  return nums.length ? N.divide(N.sum(nums), BigInt(nums.length)) : null
}
