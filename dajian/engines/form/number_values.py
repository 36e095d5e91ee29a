"""Coercers and settings of number-like kinds: currency, percent, rating, slider, duration.

Money, percentages and slider positions are exact decimals stored through
``ExactDecimal`` like ``decimal``: their shape is the field's ``precision``
and ``scale`` (scale 2 by default), so their signature is ``decimal(p,s)``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_core.core_schema import ValidationInfo
from sqlalchemy import BigInteger
from sqlalchemy.types import TypeEngine

from dajian.engines.form.fields import (
    FieldKind,
    _decimal,
    _decimal_shape,
    _decimal_signature,
    _decimal_str,
    _integer,
    register_field_kind,
)
from dajian.engines.form.model import FieldDef, Strict
from dajian.engines.form.settings import settings
from dajian.engines.sqltypes import ExactDecimal

# ISO 4217 active codes (2024), minus funds and precious metals
_ISO_4217_TEXT = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
XPF YER ZAR ZMW ZWG
"""
ISO_4217 = frozenset(_ISO_4217_TEXT.split())

ConfigNumber = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=24, decimal_places=6)]


class CurrencyConfig(Strict):
    currency: str = Field(default="CNY", description="ISO 4217 code of the currency, e.g. CNY, USD, EUR.")

    @field_validator("currency")
    @classmethod
    def _known(cls, code: str) -> str:
        if code not in ISO_4217:
            raise ValueError(f"'{code}' is not an ISO 4217 currency code such as CNY, USD or EUR")
        return code


def _above(lower: str) -> Any:
    def check(value: Decimal, info: ValidationInfo) -> Decimal:
        low = info.data.get(lower)
        if low is not None and value <= low:
            raise ValueError(f"must be greater than {lower} ({low})")
        return value

    return field_validator("max")(check)


class PercentConfig(Strict):
    min: ConfigNumber = Decimal(0)
    max: ConfigNumber = Decimal(100)
    _max_above_min = _above("min")


class RatingConfig(Strict):
    max: Annotated[int, Field(ge=1, le=10, description="The number of stars.")] = 5


class SliderConfig(Strict):
    min: ConfigNumber = Decimal(0)
    max: ConfigNumber = Decimal(100)
    step: Annotated[ConfigNumber, Field(gt=0)] = Decimal(1)
    _max_above_min = _above("min")


def currency(field: FieldDef, value: Any) -> Decimal:
    return _decimal(field, value)


def _within(number: Decimal, low: Decimal, high: Decimal) -> Decimal:
    if number < low:
        raise ValueError(f"must be at least {low}")
    if number > high:
        raise ValueError(f"must be at most {high}")
    return number


def percent(field: FieldDef, value: Any) -> Decimal:
    config = settings(PercentConfig, field)
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    return _within(_decimal(field, value), config.min, config.max)


def rating(field: FieldDef, value: Any) -> int:
    stars = settings(RatingConfig, field).max
    number = _integer(field, value)
    if not 1 <= number <= stars:
        raise ValueError(f"expected a rating from 1 to {stars}")
    return number


def slider_scale(field: FieldDef) -> int:
    """The field's scale, else enough places for the config's min, max and step."""
    if field.scale is not None:
        return field.scale
    config = settings(SliderConfig, field)
    return max(0, *(-int(n.normalize().as_tuple().exponent) for n in (config.min, config.max, config.step)))


def slider_shape(field: FieldDef) -> FieldDef:
    return field.model_copy(update={"scale": slider_scale(field)})


def slider(field: FieldDef, value: Any) -> Decimal:
    config = settings(SliderConfig, field)
    number = _within(_decimal(slider_shape(field), value), config.min, config.max)
    if (number - config.min) % config.step != 0:
        raise ValueError(f"must be {config.min} plus a multiple of {config.step}")
    return number


def slider_signature(field: FieldDef) -> str:
    scale, precision = _decimal_shape(slider_shape(field))
    return f"decimal({precision},{scale})"


DURATION = re.compile(r"(?:(?P<d>\d{1,5})\s*d)?\s*(?:(?P<h>\d{1,6})\s*h)?\s*(?:(?P<m>\d{1,8})\s*m(?:in)?)?")


def duration(field: FieldDef, value: Any) -> int:
    """Minutes, from a number of minutes or text such as ``"1h30m"``, ``"2d"``, ``"45m"``."""
    text = value.strip().lower() if isinstance(value, str) else None
    if text and not text.isdigit():
        match = DURATION.fullmatch(text)
        if match is None or not any(match.groupdict().values()):
            raise ValueError("expected minutes or a duration like 1h30m")
        parts = {k: int(v or 0) for k, v in match.groupdict().items()}
        value = parts["d"] * 1440 + parts["h"] * 60 + parts["m"]
    minutes = _integer(field, value)
    if minutes < 0:
        raise ValueError("a duration cannot be negative")
    return minutes


def _integer_column(field: FieldDef) -> TypeEngine[Any]:
    return BigInteger()


def _decimal_column(field: FieldDef) -> TypeEngine[Any]:
    scale, precision = _decimal_shape(field)
    return ExactDecimal(precision, scale)


def _slider_column(field: FieldDef) -> TypeEngine[Any]:
    return _decimal_column(slider_shape(field))


def register_number_kinds() -> None:
    for kind in [
        FieldKind("currency", _decimal_column, currency, "decimal", dump=_decimal_str,
                  signature=_decimal_signature, config_model=CurrencyConfig),
        FieldKind("percent", _decimal_column, percent, "decimal", dump=_decimal_str,
                  signature=_decimal_signature, config_model=PercentConfig),
        FieldKind("slider", _slider_column, slider, "decimal", dump=_decimal_str,
                  signature=slider_signature, config_model=SliderConfig),
        FieldKind("rating", _integer_column, rating, "integer", config_model=RatingConfig),
        FieldKind("duration", _integer_column, duration, "integer"),
    ]:
        register_field_kind(kind)


register_number_kinds()
