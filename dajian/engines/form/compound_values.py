"""Coercers of kinds with structure: times of day, months, date ranges, places, JSON, lists.

JSON-valued kinds store plain JSON (lists, objects, ISO date text) so the
stored value is also the API value. As for every kind, ``null``, ``""`` and
``[]`` from a client mean "no value" (SQL NULL), also for ``json``.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, ValidationError
from sqlalchemy import Date, Text
from sqlalchemy.types import TypeEngine

from dajian.engines.form.fields import JSON_LIST, FieldKind, _date, _reference, register_field_kind
from dajian.engines.form.model import FieldDef, Strict
from dajian.engines.form.settings import settings
from dajian.engines.form.trees import CascadeConfig, coerce_path

TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")


def _parse_time(text: str) -> time:
    match = TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError("expected a time of day like 09:30 or 09:30:15")
    hour, minute, second = match.groups()
    return time(int(hour), int(minute), int(second or 0))


def time_of_day(field: FieldDef, value: Any) -> str:
    if isinstance(value, time):
        return value.replace(microsecond=0, tzinfo=None).strftime("%H:%M:%S")
    if not isinstance(value, str):
        raise ValueError("expected a time of day like 09:30 or 09:30:15")
    return _parse_time(value).strftime("%H:%M:%S")


def year_month(field: FieldDef, value: Any) -> date:
    """``"2026-03"`` (or any date in that month) -> ``date(2026, 3, 1)``."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}\s*", value):
        value = value.strip() + "-01"
    try:
        day = _date(field, value)
    except ValueError:
        raise ValueError("expected a month like 2026-03") from None
    return day.replace(day=1)


def dump_year_month(value: Any) -> Any:
    return value.strftime("%Y-%m") if value is not None else None


def date_range(field: FieldDef, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise ValueError('expected {"start": date, "end": date}')
    try:
        start, end = _date(field, value["start"]), _date(field, value["end"])
    except ValueError:
        raise ValueError("start and end must be dates like 2026-01-31") from None
    if start > end:
        raise ValueError("the start must not be after the end")
    return {"start": start.isoformat(), "end": end.isoformat()}


Place = Annotated[str, Field(max_length=50)]


class Location(Strict):
    province: Place = ""
    city: Place = ""
    district: Place = ""
    address: Annotated[str, Field(max_length=200)] = ""
    lng: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None


def location(field: FieldDef, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError('expected {"province", "city", "district", "address", "lng", "lat"}')
    try:
        place = Location.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"{where}: {err['msg'].lower()}" if where else err["msg"]) from None
    if (place.lng is None) != (place.lat is None):
        raise ValueError("give both lng and lat, or neither")
    if not (place.province or place.city or place.district or place.address):
        raise ValueError("give at least a province, city, district or address")
    return place.model_dump(exclude_none=True)


class JsonConfig(Strict):
    max_bytes: Annotated[int, Field(ge=2, le=1_000_000, description="Largest value as compact JSON.")] = 65_536


JSON_DEPTH = 32


def _plain(value: Any, depth: int = 0) -> Any:
    if depth > JSON_DEPTH:
        raise ValueError(f"at most {JSON_DEPTH} levels of nesting")
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("object keys must be text")
        return {k: _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    if isinstance(value, Decimal | datetime | date | time):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError("expected a JSON value")


def json_value(field: FieldDef, value: Any) -> Any:
    limit = settings(JsonConfig, field).max_bytes
    plain = _plain(value)
    if len(json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()) > limit:
        raise ValueError(f"at most {limit} bytes of JSON")
    return plain


TAG_MAX_LENGTH, TAG_MAX_ITEMS = 50, 50


def tags(field: FieldDef, value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise ValueError("expected a list of tags")
    clean = list(dict.fromkeys(t.strip() for t in items if t.strip()))
    long = [t for t in clean if len(t) > TAG_MAX_LENGTH]
    if long:
        raise ValueError(f"a tag has at most {TAG_MAX_LENGTH} characters: '{long[0][:20]}…'")
    if len(clean) > TAG_MAX_ITEMS:
        raise ValueError(f"at most {TAG_MAX_ITEMS} tags")
    return clean


class MultiRefConfig(Strict):
    max_items: Annotated[int, Field(ge=1, le=500, description="How many may be chosen.")] = 100


def id_list(field: FieldDef, value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    ids = list(dict.fromkeys(_reference(field, v) for v in items))
    limit = settings(MultiRefConfig, field).max_items
    if len(ids) > limit:
        raise ValueError(f"at most {limit} may be chosen")
    return ids


def cascade(field: FieldDef, value: Any) -> list[str]:
    return coerce_path(settings(CascadeConfig, field), value)


def _json_column(field: FieldDef) -> TypeEngine[Any]:
    return JSON_LIST


def _time_column(field: FieldDef) -> TypeEngine[Any]:
    # "HH:MM:SS" text sorts and compares like a time and supports the text operators on both databases
    return Text()


def _date_column(field: FieldDef) -> TypeEngine[Any]:
    return Date()


def register_compound_kinds() -> None:
    for kind in [
        FieldKind("time", _time_column, time_of_day, "text",
                  json_schema={"type": "string", "pattern": "^\\d{2}:\\d{2}:\\d{2}$"}),
        FieldKind("year_month", _date_column, year_month, "date", dump=dump_year_month,
                  json_schema={"type": "string", "pattern": "^\\d{4}-\\d{2}$"}),
        FieldKind("date_range", _json_column, date_range, "any"),
        FieldKind("location", _json_column, location, "any"),
        FieldKind("json", _json_column, json_value, "any", config_model=JsonConfig),
        FieldKind("tags", _json_column, tags, "text_list"),
        FieldKind("cascade_select", _json_column, cascade, "text_list", config_model=CascadeConfig,
                  grouped_by_level=True),
        FieldKind("multi_user", _json_column, id_list, "any", references="user", config_model=MultiRefConfig),
        FieldKind("multi_department", _json_column, id_list, "any", references="department",
                  config_model=MultiRefConfig),
    ]:
        register_field_kind(kind)


register_compound_kinds()
