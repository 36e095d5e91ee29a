/**
 * Exact number rules shared with the Python (`numbers.py`, `py_runtime.py`) and SQL compilers.
 *
 * `/` and averages: the exact quotient (80 digits) rounded half away from zero to six places,
 * so `1 / 3 * 3` is 0.999999 everywhere. `ROUND` and a formula field's scale: half away from zero.
 */
import Decimal from 'decimal.js'

import { Dec, type Num, toDec, Wide } from './values'

export const DIV_PLACES = 6

export function roundHalfAway(value: Decimal, places: number): Decimal {
  return new Dec(value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP))
}

/** `a / b` to six places, half away from zero; `null` when `b` is 0. */
export function divide(a: Num, b: Num): Decimal | null {
  const divisor = toDec(b)
  if (divisor.isZero()) return null
  const quotient = new Wide(toDec(a)).div(divisor)
  return new Dec(quotient.toDecimalPlaces(DIV_PLACES, Decimal.ROUND_HALF_UP))
}

export function add(a: Num, b: Num): Num {
  return typeof a === 'bigint' && typeof b === 'bigint' ? a + b : toDec(a).plus(toDec(b))
}

export function subtract(a: Num, b: Num): Num {
  return typeof a === 'bigint' && typeof b === 'bigint' ? a - b : toDec(a).minus(toDec(b))
}

export function multiply(a: Num, b: Num): Num {
  return typeof a === 'bigint' && typeof b === 'bigint' ? a * b : toDec(a).times(toDec(b))
}

export function negate(a: Num): Num {
  return typeof a === 'bigint' ? -a : zeroSafe(toDec(a).neg())
}

/** Python's `-Decimal("0")` is `0`, not `-0`: keep zero unsigned after a negation. */
function zeroSafe(value: Decimal): Decimal {
  return value.isZero() ? new Dec(0) : value
}

/** Excel's MOD: the remainder takes the divisor's sign (`mod(-7, 3) = 2`); `null` for 0. */
export function mod(a: Num, b: Num): Num | null {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) return null
    const r = a % b
    return r !== 0n && r < 0n !== b < 0n ? r + b : r
  }
  const divisor = toDec(b)
  if (divisor.isZero()) return null
  const r = toDec(a).mod(divisor)
  return !r.isZero() && r.isNeg() !== divisor.isNeg() ? r.plus(divisor) : r
}

/** Python's `sum(values, 0)`: integers stay exact, decimals in the 28-digit context. */
export function sum(values: readonly Num[]): Num {
  let total: Num = 0n
  for (const v of values) total = add(total, v)
  return total
}

export function isNegative(v: Num): boolean {
  return typeof v === 'bigint' ? v < 0n : v.isNeg() && !v.isZero()
}

export function isZero(v: Num): boolean {
  return typeof v === 'bigint' ? v === 0n : v.isZero()
}
