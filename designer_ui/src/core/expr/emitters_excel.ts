/**
 * The Excel functions of the catalog (`py_excel.py`): null in, null out unless said otherwise.
 * Constant arguments the checker insists on (digits, significance, weekday type, format) are
 * read once when compiling.
 */
import Decimal from 'decimal.js'

import type { Fn } from './compile'
import * as D from './datefns'
import { allValues, average, type Emit, extreme, guarded, nullIn, present } from './closures'
import { formatText } from './format'
import type { Node } from './model'
import * as N from './numbers'
import * as T from './text'
import { Dec, type Num, toDec, truthy, type Value, Wide } from './values'

/** A constant argument (the checker made sure it is one), or the default when left out. */
function constant<T>(n: Node, index: number, fallback: T): T {
  const arg = n.args[index]
  return arg === undefined ? fallback : (arg.value as T)
}

const rounding =
  (mode: Decimal.Rounding): Emit =>
  (n, c) => {
    const digits = Number(constant<bigint>(n, 1, 0n))
    const value = c.emit(n.args[0] as Node)
    return (r, ctx) => {
      const v = value(r, ctx)
      if (v === null || typeof v === 'bigint') return v
      return new Dec((v as Decimal).toDecimalPlaces(digits, mode))
    }
  }

const step =
  (up: boolean): Emit =>
  (n, c) => {
    const size = constant<Num>(n, 1, 1n)
    const value = c.emit(n.args[0] as Node)
    return (r, ctx) => {
      const x = value(r, ctx) as Num | null
      if (x === null) return null
      return up ? N.add(x, modFloor(N.negate(x), size)) : N.subtract(x, modFloor(x, size))
    }
  }

/** `x` modulo a positive `step`, never negative. */
function modFloor(x: Num, size: Num): Num {
  if (typeof x === 'bigint' && typeof size === 'bigint') return ((x % size) + size) % size
  const r = toDec(x).mod(toDec(size))
  return r.isNeg() && !r.isZero() ? r.plus(toDec(size)) : r
}

function power([x, k]: Value[]): Value {
  const [base, exponent] = [x as Num, k as Num]
  if (N.isZero(base) && (N.isZero(exponent) || N.isNegative(exponent))) return null
  if (typeof exponent === 'bigint' && exponent >= 0n) {
    if (typeof base === 'bigint') return base ** exponent
    return base.pow(new Dec(exponent.toString()))
  }
  const raised = new Wide(toDec(base)).pow(toDec(exponent))
  if (!raised.isFinite()) return null
  return new Dec(raised.toDecimalPlaces(N.DIV_PLACES, Decimal.ROUND_HALF_UP))
}

function sqrt([x]: Value[]): Value {
  if (N.isNegative(x as Num)) return null
  return new Dec(new Wide(toDec(x as Num)).sqrt().toDecimalPlaces(N.DIV_PLACES, Decimal.ROUND_HALF_UP))
}

function product(values: Value[]): Value {
  const nums = present(values) as Num[]
  return nums.length ? nums.reduce((a, b) => N.multiply(a, b), 1n as Num) : null
}

const textEmit: Emit = (n, c) => {
  const fmt = constant<string>(n, 1, '0')
  const value = c.emit(n.args[0] as Node)
  return (r, ctx) => {
    const v = value(r, ctx)
    return v === null ? null : formatText(v as Num | D.Temporal, fmt)
  }
}

const weekdayEmit: Emit = (n, c) => {
  const kind = constant<bigint>(n, 1, 1n)
  return guarded([c.emit(n.args[0] as Node)], ([v]) => D.weekday(v as D.Temporal, kind))
}

const temporal = (f: (v: D.Temporal) => Value): Emit => nullIn(([v]) => f(v as D.Temporal))

const coalesce: Emit = (n, c) => {
  const [value, fallback] = c.promoted(n) as [Fn, Fn]
  return (r, ctx) => {
    const v = value(r, ctx)
    return v === null ? fallback(r, ctx) : v
  }
}

export const EXCEL_EMITTERS: Readonly<Record<string, Emit>> = {
  sum_of: allValues((vs) => N.sum(present(vs) as Num[])),
  avg_of: allValues(average),
  max_of: allValues((vs) => extreme(vs, 1)),
  min_of: allValues((vs) => extreme(vs, -1)),
  count_of: allValues((vs) => BigInt(present(vs).length)),
  product: allValues(product),
  xor: allValues((vs) => vs.filter(truthy).length % 2 === 1),
  coalesce,
  trim: nullIn(([t]) => T.trim(t as string)),
  substitute: nullIn(([t, o, s]) => T.substitute(t as string, o as string, s as string)),
  replace: nullIn(([t, s, k, w]) => T.replace(t as string, s as bigint, k as bigint, w as string)),
  find: nullIn(([p, t, s]) => T.find(p as string, t as string, s as bigint)),
  search: nullIn(([p, t, s]) => T.search(p as string, t as string, s as bigint)),
  rept: nullIn(([t, k]) => T.rept(t as string, k as bigint)),
  value: nullIn(([t]) => T.numberIn(t as string)),
  text: textEmit,
  day: temporal(D.day),
  hour: temporal(D.hour),
  minute: temporal(D.minute),
  weekday: weekdayEmit,
  weeknum: temporal(D.weeknum),
  edate: nullIn(([v, k]) => D.edate(v as D.Temporal, k as bigint)),
  eomonth: nullIn(([v, k]) => D.eomonth(v as D.Temporal, k as bigint)),
  make_date: nullIn(([y, m, d]) => D.makeDate(y as bigint, m as bigint, d as bigint)),
  int: nullIn(([x]) =>
    typeof x === 'bigint' ? x : BigInt((x as Decimal).toDecimalPlaces(0, Decimal.ROUND_FLOOR).toFixed()),
  ),
  abs: nullIn(([x]) => (N.isNegative(x as Num) ? N.negate(x as Num) : (x as Num))),
  round: rounding(Decimal.ROUND_HALF_UP),
  roundup: rounding(Decimal.ROUND_UP),
  rounddown: rounding(Decimal.ROUND_DOWN),
  power: nullIn(power),
  sqrt: nullIn(sqrt),
  ceiling: step(true),
  floor: step(false),
}
