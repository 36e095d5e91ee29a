"""Exact number rules shared by the Python and SQL compilers.

* ``/`` (and ``AVERAGE``) give a decimal with ``DIV_PLACES`` places, rounded half
  away from zero from the exact quotient — the same on Python, SQLite and
  PostgreSQL, so ``amount / qty >= 0.4`` holds on the form exactly when it holds
  in a list filter. (Excel shows 15 significant digits; six places keep SQLite's
  64-bit scaled integers exact for everyday amounts.)
* ``ROUND`` and rounding a computed value to a field's scale go half away from zero,
  as Excel's ``ROUND``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

DIV_PLACES = 6
_WIDE = Context(prec=80, rounding=ROUND_HALF_UP)
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 40)}


def quantum(places: int) -> Decimal:
    return _QUANTA[places] if places in _QUANTA else Decimal(1).scaleb(-places)


def round_half_away(value: Decimal, places: int) -> Decimal:
    """``round_half_away(Decimal("2.345"), 2) == Decimal("2.35")``; ``-2.345`` gives ``-2.35``."""
    return value.quantize(quantum(places), rounding=ROUND_HALF_UP, context=_WIDE)


def truncate(value: Decimal, places: int) -> Decimal:
    return value.quantize(quantum(places), rounding=ROUND_DOWN, context=_WIDE)


def divide(a: int | Decimal, b: int | Decimal) -> Decimal | None:
    """``a / b`` to ``DIV_PLACES`` places, half away from zero; ``None`` when ``b`` is 0.

    The quotient is computed with 80 significant digits before the final rounding,
    which is exact for every operand a field can hold.
    """
    if b == 0:
        return None
    quotient = _WIDE.divide(Decimal(a), Decimal(b))
    return quotient.quantize(_QUANTA[DIV_PLACES], rounding=ROUND_HALF_UP, context=_WIDE)
